"""When the mail server is away or says "later", FixFirst retries; when it says "never", it stops."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fixfirst.notify import tasks
from fixfirst.notify.models import DeliveryStatus
from fixfirst.notify.services import queue_email


def _queue():
    return queue_email(to="ann@alpha.example", subject="Update", body="x", reason="reporter.update")


def _waiting_tasks():
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY)


@pytest.mark.django_db(transaction=True)
def test_server_down_keeps_the_mail_waiting_then_sends_it_once_when_back(
    smtp, run_worker, retry_time_comes
):
    smtp.stop()
    delivery = _queue()

    run_worker()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.attempt_count == 1
    assert delivery.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)
    assert [t.run_after for t in _waiting_tasks()] == [delivery.next_attempt_at]

    smtp.start()
    run_worker()  # the back-off has not passed: nothing is tried early
    assert smtp.messages == []
    assert delivery.attempts.count() == 1

    retry_time_comes()
    run_worker()
    run_worker()

    assert len(smtp.messages) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.last_error == ""
    assert [a.ok for a in delivery.attempts.all()] == [False, True]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("verb", ["RCPT", "DATA"])
def test_451_try_later_is_retried(smtp, run_worker, retry_time_comes, verb):
    smtp.answers[verb] = ["451 4.7.1 Greylisted, please try again later"]
    delivery = _queue()

    run_worker()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert "451" in delivery.last_error
    assert smtp.messages == []

    retry_time_comes()
    run_worker()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(smtp.messages) == 1
    assert delivery.attempt_count == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("verb", ["RCPT", "DATA"])
def test_550_fails_permanently_without_more_attempts(smtp, run_worker, retry_time_comes, verb):
    smtp.answers[verb] = ["550 5.1.1 No such user"]
    delivery = _queue()

    run_worker()
    retry_time_comes()
    run_worker()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "550 5.1.1 No such user" in delivery.last_error
    assert delivery.attempts.count() == 1
    assert not _waiting_tasks().exists()
    assert smtp.messages == []


@pytest.mark.django_db(transaction=True)
def test_gives_up_after_ten_attempts(smtp, run_worker, retry_time_comes):
    smtp.answers["DATA"] = ["451 4.3.0 Mailbox busy"] * 20
    delivery = _queue()

    for _ in range(12):
        run_worker()
        retry_time_comes()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts.count() == tasks.MAX_ATTEMPTS == 10
    assert "451 4.3.0 Mailbox busy" in delivery.last_error
    assert not _waiting_tasks().exists()


@pytest.mark.django_db(transaction=True)
def test_a_server_that_never_answers_times_out_and_is_retried(smtp, settings, run_worker):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.EMAIL_PORT = silent.getsockname()[1]
        settings.EMAIL_TIMEOUT = 0.5
        delivery = _queue()

        run_worker()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert "timed out" in delivery.last_error.lower()
    assert delivery.attempts.get().duration_ms >= 400


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour():
    waits = [tasks.backoff(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
