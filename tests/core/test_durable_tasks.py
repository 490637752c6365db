"""Background work is enqueued in the transaction of the change that causes it."""

from __future__ import annotations

import email
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from fixfirst.tenancy import services
from fixfirst.tenancy.roles import Role


def _run_worker_until_idle() -> None:
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", "--no-reload",
        "--interval", "0", verbosity=0,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_invitation_enqueued_in_rolled_back_transaction_is_never_sent():
    with pytest.raises(RuntimeError), transaction.atomic():
        services.invite_user(by=None, username="ghost", email="ghost@example.com", role=Role.AGENT)
        assert DBTaskResult.objects.count() == 1  # visible inside the transaction...
        raise RuntimeError("the change fails after enqueueing")
    assert DBTaskResult.objects.count() == 0  # ...and gone with it
    _run_worker_until_idle()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_committed_invitation_is_sent_once_by_the_worker():
    services.invite_user(by=None, username="newbie", email="newbie@example.com", role=Role.AGENT)
    _run_worker_until_idle()
    _run_worker_until_idle()
    assert [m.to for m in mail.outbox] == [["newbie@example.com"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _start_worker(env: dict[str, str]) -> subprocess.Popen[str]:
    worker = subprocess.Popen(
        [sys.executable, "-m", "fixfirst.cli", "worker", "--no-startup-delay", "--interval", "0.05", "-v", "2"],
        env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    assert worker.stderr is not None
    while time.monotonic() < deadline:
        line = worker.stderr.readline()
        if "Starting worker" in line:
            return worker
    worker.kill()
    raise AssertionError("worker did not start")


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
    reason="several workers claiming rows concurrently needs PostgreSQL (SKIP LOCKED)",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgres_run_every_task_exactly_once(tmp_path: Path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")},
        "DATABASE_URL": _database_url(),
        "FIXFIRST_DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "WARNING",
    }
    workers = [_start_worker(env), _start_worker(env)]
    try:
        count = 150
        with transaction.atomic():
            for i in range(count):
                services.invite_user(
                    by=None, username=f"u{i}", email=f"u{i}@example.com", role=Role.AGENT
                )
        deadline = time.monotonic() + 90
        invitations = DBTaskResult.objects.filter(task_path__endswith="send_invitation")
        while invitations.finished().count() < count and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=20)
    # The workers also enqueue periodic jobs (sweepers); count only the invitations.
    results = list(invitations)
    assert len(results) == count
    assert all(r.status == "SUCCESSFUL" for r in results)
    assert all(len(r.worker_ids) == 1 for r in results)
    assert len({r.worker_ids[0] for r in results}) == 2, "both workers should have taken work"
    recipients = []
    for path in (tmp_path / "mail").iterdir():
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                recipients.append(email.message_from_string(chunk.strip())["To"])
    assert sorted(recipients) == sorted(f"u{i}@example.com" for i in range(count))
