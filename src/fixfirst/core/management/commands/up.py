"""``fixfirst up``: the embedded default in one command (web + worker, SQLite by default)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from fixfirst import demo
from fixfirst.tenancy.models import User


class Command(BaseCommand):
    help = "Migrate, load demo data on first start, then run the web server and a worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("FIXFIRST_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--no-demo", action="store_true", help="Do not load demo data.")
        parser.add_argument("--no-worker", action="store_true", help="Web server only.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not os.environ.get("FIXFIRST_BASE_URL"):
            # Links in mails and the printed endpoints point at where this instance listens.
            settings.BASE_URL = f"http://{options['host']}:{options['port']}"
            os.environ["FIXFIRST_BASE_URL"] = settings.BASE_URL
        call_command("migrate", interactive=False, verbosity=0)
        first_start = not User.objects.exists()
        if first_start and not options["no_demo"]:
            demo.load()
        self.stdout.write(f"FixFirst data directory: {settings.DATA_DIR}")
        self.stdout.write(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        if demo.is_loaded():
            self.stdout.write(demo.logins_text())

        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fixfirst.settings"}
        env.setdefault("FIXFIRST_DATA_DIR", str(settings.DATA_DIR))
        bind = f"{options['host']}:{options['port']}"
        web = [
            sys.executable, "-m", "gunicorn", "fixfirst.wsgi:application",
            "--bind", bind, "--workers", str(options["web_workers"]), "--threads", "4",
            "--access-logfile", "-", "--graceful-timeout", "10", "--no-control-socket",
        ]  # fmt: skip
        children = [subprocess.Popen(web, env=env)]
        if not options["no_worker"]:
            worker = [sys.executable, "-m", "fixfirst.cli", "worker", "--interval", "0.5"]
            children.append(subprocess.Popen(worker, env=env))
        self.stdout.write(self.style.SUCCESS(f"FixFirst is running at http://{bind}/"))
        self._supervise(children)

    def _supervise(self, children: list[subprocess.Popen[bytes]]) -> None:
        """Run until Ctrl-C / SIGTERM or until a child dies; then stop the others."""
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        exit_code = 0
        while not stopping:
            for child in children:
                if child.poll() is not None:
                    self.stderr.write(f"{child.args[2]} exited with {child.returncode}; stopping.")
                    exit_code = child.returncode or 1
                    stopping = True
            time.sleep(0.2)
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        if exit_code:
            sys.exit(exit_code)
