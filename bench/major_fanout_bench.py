"""Major-incident fan-out: declare a major incident with N engineers, each paged by email and by
webhook, and measure how long until every page delivery is handed to its transport.

    .venv/bin/python -m bench.major_fanout_bench --db sqlite --workers 4
    .venv/bin/python -m bench.major_fanout_bench --db postgres --workers 4
    .venv/bin/python -m bench.major_fanout_bench --engineers 50 --workers 1   # quick check

Everything runs on loopback in a fresh FIXFIRST_DATA_DIR under /tmp: a local aiosmtpd sink, a
local HTTP receiver (200 at once), ``fixfirst worker`` processes (subprocesses, started and
warm before the declaration), and for --db postgres a throwaway server (devtools.pgserver).
Each engineer has two verified contact methods with a "page at once" rule: email and webhook.
Declaring runs ``major.services.declare_major`` in this process, in one transaction, exactly as
the war room does; the clock starts before that call and stops when the last of the 2 x N page
deliveries is recorded as sent (the receiver had accepted it).

The benchmark registers a webhook sender (``notify.services.queue_webhook``) in
``oncall.paging.SENDERS`` only when the oncall app has none (it paged by email only before
commit 75a2dcd); the result says which sender was used. The automatic P1 rule is turned off
(``FIXFIRST_MAJOR_AUTO_P1=false``): the incident opens as P1, and the rule would otherwise
declare it before the timed declaration.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SECRET = "whsec_aW5jaWRlbnQtdGVzdC1zZWNyZXQtMzItYnl0ZXMhISE="


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0

    def add(self) -> None:
        with self.lock:
            self.count += 1


class SmtpSink:
    """Accepts every message and counts it."""

    def __init__(self, counter: Counter) -> None:
        self.counter = counter

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.counter.add()
        return "250 OK"


def _http_receiver(counter: Counter) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            counter.add()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    port = _free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}/page"


def _prepare(args: argparse.Namespace, stack: contextlib.ExitStack) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="fixfirst-major-bench-", dir="/tmp"))
    stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
    os.environ["FIXFIRST_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "fixfirst.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    # The bench's incident opens as P1; the automatic P1 rule would declare it (a task run
    # inline or by the workers) before the timed, explicit declaration below. Off, so that the
    # one declaration measured is the war room's.
    os.environ["FIXFIRST_MAJOR_AUTO_P1"] = "false"
    if args.db == "postgres":
        from fixfirst.devtools.pgserver import TempPostgres

        os.environ["DATABASE_URL"] = stack.enter_context(TempPostgres()).url


def _populate(engineers: int, hook_url: str) -> Any:
    from django.utils import timezone

    from fixfirst.incidents.choices import Channel, Impact, Urgency
    from fixfirst.incidents.services import open_incident
    from fixfirst.oncall.choices import ContactKind
    from fixfirst.oncall.models import ContactMethod, NotificationRule
    from fixfirst.tenancy import services as tenancy
    from fixfirst.tenancy.models import User
    from fixfirst.tenancy.roles import Role

    manager = tenancy.invite_user(
        by=None, username="commander", email="commander@provider.example",
        role=Role.INCIDENT_MANAGER, password="x", send_invitation=False,
    )  # fmt: skip
    User.objects.bulk_create(
        User(
            username=f"eng{i:04d}",
            email=f"eng{i:04d}@provider.example",
            role=Role.ENGINEER,
            password="!",
        )  # fmt: skip
        for i in range(engineers)
    )
    now = timezone.now()
    people = list(User.objects.filter(role=Role.ENGINEER))
    methods = ContactMethod.objects.bulk_create(
        [ContactMethod(user=u, kind=ContactKind.EMAIL, address=u.email, verified_at=now) for u in people]
        + [ContactMethod(user=u, kind=ContactKind.WEBHOOK, address=f"{hook_url}?u={u.pk}", verified_at=now)
           for u in people]
    )  # fmt: skip
    NotificationRule.objects.bulk_create(
        NotificationRule(user=m.user, contact_method=m, delay_minutes=0) for m in methods
    )
    customer = tenancy.create_customer(by=None, name="Alpha Corp", slug="alpha")
    contact = tenancy.add_contact(customer, by=None, name="Ann", email="ann@alpha.example")
    incident = open_incident(
        by=manager, customer=customer, title="Core switch down", channel=Channel.PHONE,
        reporter=contact, impact=Impact.HIGH, urgency=Urgency.HIGH,
    )  # fmt: skip
    return manager, incident


def _register_webhook_sender() -> str:
    from fixfirst.notify.services import queue_webhook
    from fixfirst.oncall import paging
    from fixfirst.oncall.choices import ContactKind

    if ContactKind.WEBHOOK in paging.SENDERS:
        return "oncall's own"

    def send_webhook(address: str, subject: str, body: str, incident: Any) -> Any:
        return queue_webhook(
            url=address, secret=SECRET, reason="oncall.page", incident=incident,
            payload={"type": "oncall.page", "subject": subject,
                     "incident": incident.reference if incident else None},
            allow_private=True,
        )  # fmt: skip

    paging.SENDERS[ContactKind.WEBHOOK] = send_webhook
    return "registered by the benchmark (queue_webhook)"


def _start_workers(count: int, smtp_port: int, log: Path) -> list[subprocess.Popen[bytes]]:
    env = dict(os.environ, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_port))
    command = [sys.executable, "-m", "fixfirst.cli", "worker", "--interval", "0.05",
               "--no-startup-delay", "--no-periodic"]  # fmt: skip
    # A file, not a pipe: a pipe nobody reads fills up and stalls the worker that logs to it.
    with log.open("ab") as out:
        return [
            subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=out)
            for _ in range(count)
        ]


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fixfirst.major import services
    from fixfirst.notify.models import Delivery, DeliveryStatus

    call_command("migrate", verbosity=0)
    mails, hooks = Counter(), Counter()
    smtp_port = _free_port()
    controller = Controller(SmtpSink(mails), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    http_server, hook_url = _http_receiver(hooks)
    manager, incident = _populate(args.engineers, hook_url)
    sender = _register_webhook_sender()
    log = Path(os.environ["FIXFIRST_DATA_DIR"]) / "workers.log"
    workers = _start_workers(args.workers, smtp_port, log)
    try:
        time.sleep(args.warmup)  # workers import Django and poll an empty queue
        pages = Delivery.objects.filter(reason="oncall.page")
        expected = 2 * args.engineers
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            major = services.declare_major(incident, by=manager, reason="Everything is down.")
        committed = time.monotonic()
        deadline = committed + args.timeout
        while pages.filter(status=DeliveryStatus.SENT).count() < expected:
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"timed out: {pages.filter(status=DeliveryStatus.SENT).count()} of {expected} sent"
                )
            if any(w.poll() is not None for w in workers):
                raise SystemExit(f"a worker died:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.02)
        finished = time.monotonic()
        wall_started = time.time() - (finished - started)
        sent_at = [d.timestamp() - wall_started for d in pages.values_list("sent_at", flat=True)]
        failed = (
            Delivery.objects.exclude(status=DeliveryStatus.SENT)
            .filter(reason="oncall.page")
            .count()
        )
        by_transport = dict(
            (t, pages.filter(transport=t).count())
            for t in pages.values_list("transport", flat=True).distinct()
        )
    finally:
        _stop(workers)
        controller.stop()
        http_server.shutdown()
    return {
        "db": args.db,
        "engineers": args.engineers,
        "workers": args.workers,
        "paged": major.paged,
        "page_deliveries": expected,
        "by_transport": by_transport,
        "webhook_sender": sender,
        "declare_transaction_s": round(committed - started, 3),
        "declare_queries": len(queries),
        "all_handed_over_s": round(finished - started, 3),
        "send_phase_s": round(finished - committed, 3),
        "deliveries_per_s_after_commit": round(expected / max(finished - committed, 1e-9), 1),
        "handed_over_at_s": {
            "first": round(min(sent_at), 3),
            "p50": round(_pct(sent_at, 50), 3),
            "p95": round(_pct(sent_at, 95), 3),
            "last": round(max(sent_at), 3),
            "mean": round(statistics.fmean(sent_at), 3),
        },  # fmt: skip
        "smtp_messages_received": mails.count,
        "http_requests_received": hooks.count,
        "not_sent": failed,
        "load_average_at_end": os.getloadavg()[0],
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engineers", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before declaring")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        _prepare(args, stack)
        result = run(args)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
