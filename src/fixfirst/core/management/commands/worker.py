"""``fixfirst worker``: django-tasks-db's worker plus the periodic-job ticker.

Extra arguments go to ``db_worker`` (``--batch``, ``--interval``, ``--max-tasks`` ...).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from fixfirst.core import periodic

logger = logging.getLogger(__name__)


def _tick_forever(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            periodic.enqueue_due()
        except Exception:  # noqa: BLE001 - a failed tick must not stop the worker
            logger.exception("periodic tick failed")
        stop.wait(interval)
    connection.close()


class Command(DbWorkerCommand):
    help = "Run background tasks and enqueue periodic jobs when they are due."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-periodic", action="store_true", help="Do not enqueue periodic jobs."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        ticker = None
        if not options.pop("no_periodic"):
            periodic.autodiscover()
            ticker = threading.Thread(target=_tick_forever, args=(stop, 1.0), daemon=True)
            ticker.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            if ticker is not None:
                ticker.join(timeout=5)
