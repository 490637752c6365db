"""Crash harness for paging: a fresh database, a real SMTP sink on loopback, and
``fixfirst worker`` killed with SIGKILL at random moments while pages go out.

Used by tests/oncall/test_reliability.py (100 pages) and bench/oncall_reliability_bench.py
(1,000 pages). Each escalation pages one person at once (step 1, in the setup) and a second
one from a timer that comes due while the worker is being killed (step 2, in the worker), so
kills land in escalation steps as well as in SMTP sends.

The worker is the real ``fixfirst worker``, started through ``python -m bench.oncall_harness
worker`` only to shorten the sweepers' patience (notify's 5-minute "stuck"/"orphaned" limits to
3 s, the on-call timer sweep to every second): otherwise a run would wait five minutes for the
sweeper to pick up a send interrupted by a kill.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


# --- the SMTP sink ---------------------------------------------------------------------------


class Sink:
    """Counts every accepted message by its Message-ID (= delivery.message_id)."""

    def __init__(self) -> None:
        self.counts: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        found = _MESSAGE_ID.search(envelope.original_content or envelope.content)
        with self.lock:
            self.counts[found.group(1).decode() if found else "?"] += 1
        return "250 Message accepted for delivery"

    def __enter__(self) -> Sink:
        import logging

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


# --- a fresh database --------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(data_dir: Path) -> Iterator[dict[str, str]]:
    """Environment for subprocesses on a new, empty database: a SQLite file in ``data_dir``, or
    a new database on the PostgreSQL server of $DATABASE_URL (dropped afterwards)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DJANGO_"))}
    env.update(
        FIXFIRST_DATA_DIR=str(data_dir), LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )  # fmt: skip
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        env.pop("DATABASE_URL", None)
        yield env
        return
    import psycopg

    name = f"oncall_crash_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    try:
        yield env
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def query(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    url = env.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        with psycopg.connect(url) as conn:
            return list(conn.execute(sql).fetchall())
    with contextlib.closing(
        sqlite3.connect(Path(env["FIXFIRST_DATA_DIR"]) / "fixfirst.sqlite3", timeout=30)
    ) as conn:
        return list(conn.execute(sql).fetchall())


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "bench.oncall_harness", *args], env=env, cwd=ROOT, check=True
    )


# --- the crash run ---------------------------------------------------------------------------


@dataclass
class Outcome:
    pages: int
    kills: int
    seconds: float
    counts: dict[str, int]  # message id -> times received
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    excess: list[str] = field(default_factory=list)
    expected: int = 0  # page notifications that got a delivery (each should arrive)


def _start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.oncall_harness", "worker", "--no-startup-delay", "--interval", "0.1"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _settled(env: dict[str, str], incidents: int) -> bool:
    open_escalations = query(env, "SELECT COUNT(*) FROM oncall_escalation WHERE status = 'active'")[
        0
    ][0]
    busy = query(
        env, "SELECT COUNT(*) FROM notify_delivery WHERE status IN ('pending', 'sending')"
    )[0][0]
    pending = query(env, "SELECT COUNT(*) FROM oncall_pagenotification WHERE status = 'pending'")[
        0
    ][0]
    return open_escalations == 0 and busy == 0 and pending == 0


def crash_run(
    base: Path, pages: int, kills: int, seed: int = 1, timeout: float = 600, spread: float = 6.0
) -> Outcome:
    """``pages`` pages (two per incident), the worker killed ``kills`` times meanwhile."""
    rng = random.Random(seed)
    base.mkdir(parents=True, exist_ok=True)
    with Sink() as sink, fresh_database(base) as env:
        env.update(
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            DEFAULT_FROM_EMAIL="FixFirst <pager@example.com>",
            # Only the escalation pages are counted: no automatic major incident paging all.
            FIXFIRST_MAJOR_AUTO_P1="false",
        )
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "setup", str(pages // 2), str(spread))
        started = time.monotonic()
        worker = _start_worker(env)
        for _ in range(kills):
            time.sleep(rng.uniform(0.2, 1.5))
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            worker = _start_worker(env)
        try:
            deadline = time.monotonic() + timeout
            while not _settled(env, pages // 2):
                if time.monotonic() > deadline:
                    raise TimeoutError("pages still in flight after the timeout")
                time.sleep(0.5)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        seconds = time.monotonic() - started
        expected = [
            row[0]
            for row in query(
                env,
                "SELECT d.message_id FROM oncall_pagenotification n "
                "JOIN notify_delivery d ON d.id = n.delivery_id",
            )  # fmt: skip
        ]
        made = query(env, "SELECT COUNT(*) FROM oncall_page")[0][0]
    counts = dict(sink.counts)
    outcome = Outcome(
        pages=made, kills=kills, seconds=seconds, counts=counts, expected=len(expected)
    )
    outcome.missing = [m for m in expected if counts.get(m, 0) == 0]
    outcome.duplicated = [m for m in expected if counts.get(m, 0) == 2]
    outcome.excess = [m for m in expected if counts.get(m, 0) > 2]
    return outcome


# --- subcommands run inside the fresh database's environment ----------------------------------


def _setup(incidents: int, spread: float) -> None:
    from django.db import transaction
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from fixfirst.incidents.services import open_incident
    from fixfirst.oncall import editing
    from fixfirst.oncall.choices import TargetKind
    from fixfirst.oncall.models import ContactMethod, Escalation, NotificationRule
    from fixfirst.oncall.services import start_escalation
    from fixfirst.tenancy import services as tenancy

    ann = tenancy.invite_user(
        by=None, username="ann", email="ann@example.com", role="engineer", send_invitation=False
    )
    bob = tenancy.invite_user(
        by=None, username="bob", email="bob@example.com", role="engineer", send_invitation=False
    )
    method = ContactMethod.objects.create(
        user=ann, kind="email", address="ann.pager@example.com", verified_at=timezone.now()
    )
    NotificationRule.objects.create(user=ann, contact_method=method, delay_minutes=0)
    customer = tenancy.create_customer(by=None, name="Crash Co")
    schedule = editing.save_schedule(None, by=None, name="Crash rota")
    layer = editing.save_layer(
        None,
        by=None,
        schedule=schedule,
        name="Daily",
        rotation="daily",
        start_date=dt.date(2020, 1, 6),
    )
    editing.add_layer_member(layer, ann, by=None)
    policy = editing.save_policy(None, by=None, name="Crash P1")
    editing.add_step(
        policy,
        by=None,
        delay_minutes=0,
        targets=[{"kind": TargetKind.SCHEDULE, "schedule": schedule}],
    )
    editing.add_step(
        policy, by=None, delay_minutes=1, targets=[{"kind": TargetKind.USER, "user": bob}]
    )
    now = timezone.now()
    for i in range(incidents):
        with transaction.atomic():
            incident = open_incident(
                by=None,
                customer=customer,
                title=f"Crash {i}",
                channel="monitoring",
                impact=1,
                urgency=1,
            )
            escalation = start_escalation(incident, policy)
            # Step 2 comes due while the worker is being killed, not a minute from now.
            due = now + dt.timedelta(seconds=1 + spread * i / max(incidents, 1))
            Escalation.objects.filter(pk=escalation.pk).update(next_fire_at=due)
            DBTaskResult.objects.filter(pk=escalation.task_id).update(run_after=due)


def _patient_less() -> None:
    from dataclasses import replace

    from fixfirst.core import periodic
    from fixfirst.notify import tasks as notify_tasks
    from fixfirst.oncall import tasks as oncall_tasks

    notify_tasks.STUCK_AFTER = notify_tasks.ORPHANED_AFTER = dt.timedelta(seconds=3)
    oncall_tasks.OVERDUE_AFTER = dt.timedelta(seconds=1)
    for job in periodic.jobs():
        if job.task in (notify_tasks.sweep_deliveries, oncall_tasks.sweep_oncall_timers):
            periodic._JOBS[job.name] = replace(job, every=dt.timedelta(seconds=1))


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fixfirst.settings")
    import django

    django.setup()
    from fixfirst.cli import main as fixfirst

    command, rest = argv[0], argv[1:]
    if command == "setup":
        _setup(int(rest[0]), float(rest[1]))
    elif command == "worker":
        _patient_less()
        fixfirst(["fixfirst", "worker", *rest])
    else:
        fixfirst(["fixfirst", command, *rest])


if __name__ == "__main__":
    main(sys.argv[1:])
