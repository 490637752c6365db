"""Escalation timers under load: N open escalations whose steps come due spread over a
minute, one ``fixfirst worker`` (as ``fixfirst up`` starts it), real SMTP on loopback.

    .venv/bin/python -m bench.oncall_escalation_bench                    # 2,000, SQLite
    .venv/bin/python -m bench.oncall_escalation_bench --db postgres
    .venv/bin/python -m bench.oncall_escalation_bench --escalations 200  # quick check

Measures, per fired step, how late it fired after its deadline (the timeline event's
``late_ms``), and how late its page mail was handed to the SMTP server (delivery.sent_at minus
the deadline). Target (ARCHITECTURE.md): every step within 5 s of its deadline. A step that
never fired counts against it (``steps_not_fired``). The incidents open as P1, so the
automatic major-incident rule is turned off (``FIXFIRST_MAJOR_AUTO_P1=false``): it would page
everyone for each of them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.oncall_harness import ROOT, Sink, fresh_database, query

PARKED = dt.timedelta(days=1)  # where timers wait until the run arms them


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bench.oncall_escalation_bench", *args],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "fixfirst.cli", *args], env=env, cwd=ROOT, check=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "median_s": round(statistics.median(values), 3),
        "p95_s": round(percentile(values, 0.95), 3),
        "max_s": round(max(values), 3),
    }


def bench(escalations: int, spread: float, lead: float, targets: int, base: Path) -> dict[str, Any]:
    with Sink() as sink, fresh_database(base) as env:
        env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port))
        # The incidents open as P1: without this every one would also be declared a major
        # incident (paging everyone), which is not the escalation timers being measured.
        env.update(FIXFIRST_MAJOR_AUTO_P1="false")
        t = time.monotonic()
        _manage(env, "migrate", "--verbosity", "0")
        _run(env, "_setup", str(escalations), str(targets))
        setup_s = time.monotonic() - t
        _run(env, "_arm", str(lead), str(spread))
        worker = subprocess.Popen(
            [sys.executable, "-m", "fixfirst.cli", "worker", "--interval", "0.5"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + lead + spread + 600
            while time.monotonic() < deadline:
                active = query(
                    env, "SELECT COUNT(*) FROM oncall_escalation WHERE status = 'active'"
                )[0][0]
                busy = query(
                    env,
                    "SELECT COUNT(*) FROM notify_delivery WHERE status IN ('pending', 'sending')",
                )[0][0]
                if active == 0 and busy == 0:
                    break
                time.sleep(1)
            else:
                raise TimeoutError("escalations still active after the run")
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        report = json.loads(_run(env, "_report"))
        database = "postgres" if env.get("DATABASE_URL") else "sqlite"
    return {
        "escalations": escalations,
        "targets_per_step": targets,
        "spread_s": spread,
        "database": database,
        "setup_s": round(setup_s, 1),
        "fire_lateness": summary(report["fired"]),
        "mail_lateness": summary(report["mailed"]),
        # A step that never fired is not late, it is missing: counted against the target.
        "steps_not_fired": escalations - len(report["fired"]),
        "within_5s": sum(v <= 5 for v in report["fired"]) / escalations,
        "smtp_messages": sum(sink.counts.values()),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
    }


# --- inside the fresh database ---------------------------------------------------------------


def _setup(count: int, targets: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from fixfirst.incidents.services import open_incident
    from fixfirst.oncall import editing
    from fixfirst.oncall.choices import TargetKind
    from fixfirst.oncall.models import ContactMethod, NotificationRule
    from fixfirst.oncall.services import start_escalation
    from fixfirst.tenancy import services as tenancy

    people = [
        tenancy.invite_user(by=None, username=f"eng{i}", email=f"eng{i}@example.com", role="engineer", send_invitation=False)
        for i in range(targets)
    ]  # fmt: skip
    for person in people:
        method = ContactMethod.objects.create(
            user=person, kind="email", address=person.email, verified_at=timezone.now()
        )
        NotificationRule.objects.create(user=person, contact_method=method, delay_minutes=0)
    team = tenancy.create_team(by=None, name="Bench team")
    tenancy.set_team_members(team, people, by=None)
    customer = tenancy.create_customer(by=None, name="Bench Co")
    schedule = editing.save_schedule(None, by=None, name="Bench rota", team=team)
    layer = editing.save_layer(
        None, by=None, schedule=schedule, name="Weekly", start_date=dt.date(2020, 1, 6)
    )
    editing.add_layer_member(layer, people[0], by=None)
    target = (
        {"kind": TargetKind.SCHEDULE, "schedule": schedule} if targets == 1
        else {"kind": TargetKind.TEAM, "team": team}
    )  # fmt: skip
    policy = editing.save_policy(None, by=None, name="Bench P1")
    editing.add_step(
        policy, by=None, delay_minutes=int(PARKED.total_seconds() // 60), targets=[target]
    )
    for first in range(0, count, 100):
        with transaction.atomic():
            for i in range(first, min(first + 100, count)):
                incident = open_incident(
                    by=None,
                    customer=customer,
                    title=f"Bench {i}",
                    channel="monitoring",
                    impact=1,
                    urgency=1,
                )
                start_escalation(incident, policy)


def _arm(lead: float, spread: float) -> None:
    """Deadlines spread evenly over [now + lead, now + lead + spread], timers and tasks both."""
    from django.db import transaction
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from fixfirst.oncall.models import Escalation

    rows = list(Escalation.objects.order_by("pk").values_list("pk", "task_id"))
    now = timezone.now()
    with transaction.atomic():
        for i, (pk, task_id) in enumerate(rows):
            due = now + dt.timedelta(seconds=lead + spread * i / max(len(rows) - 1, 1))
            Escalation.objects.filter(pk=pk).update(next_fire_at=due)
            DBTaskResult.objects.filter(pk=task_id).update(run_after=due)


def _report() -> None:
    from django.utils.dateparse import parse_datetime

    from fixfirst.incidents.models import TimelineEvent
    from fixfirst.oncall.models import PageNotification

    due: dict[int, dt.datetime] = {}
    fired = []
    for data in TimelineEvent.objects.filter(data__oncall="paged").values_list("data", flat=True):
        fired.append(data["late_ms"] / 1000)
        due[data["escalation"]] = parse_datetime(data["due_at"])  # type: ignore[assignment]
    mailed = [
        (sent - due[esc]).total_seconds()
        for esc, sent in PageNotification.objects.filter(
            delivery__sent_at__isnull=False
        ).values_list("page__escalation_id", "delivery__sent_at")
    ]
    print(json.dumps({"fired": fired, "mailed": mailed}))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fixfirst.settings")
        import django

        django.setup()
        command, rest = sys.argv[1], sys.argv[2:]
        if command == "_setup":
            _setup(int(rest[0]), int(rest[1]))
        elif command == "_arm":
            _arm(float(rest[0]), float(rest[1]))
        else:
            _report()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--escalations", type=int, default=2000)
    parser.add_argument("--spread", type=float, default=60, help="deadlines over this many seconds")
    parser.add_argument("--lead", type=float, default=10, help="seconds before the first deadline")
    parser.add_argument("--targets", type=int, default=1, help="people paged per step")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="oncall-bench-", dir="/tmp"))
    load_before = os.getloadavg()
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, base, ignore_errors=True)
        if args.db == "postgres":
            from fixfirst.devtools.pgserver import TempPostgres

            pg = stack.enter_context(TempPostgres())
            os.environ["DATABASE_URL"] = pg.url
        else:
            os.environ.pop("DATABASE_URL", None)
        result = bench(args.escalations, args.spread, args.lead, args.targets, base)
    result["load_average_before"] = [round(x, 2) for x in load_before]
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
