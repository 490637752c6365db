"""The sweeper picks up what a killed worker or a lost task left behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fixfirst.core.periodic import autodiscover, jobs
from fixfirst.notify import tasks
from fixfirst.notify.models import Delivery, DeliveryStatus
from fixfirst.notify.services import queue_email


def _queue() -> Delivery:
    return queue_email(to="ann@alpha.example", subject="Paged", body="x", reason="mention")


def _worker_killed_mid_send(delivery: Delivery, minutes_ago: int, attempts: int = 1) -> None:
    """What kill -9 during the SMTP conversation leaves: a claimed row, a task forever running."""
    since = timezone.now() - dt.timedelta(minutes=minutes_ago)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=since)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=since, attempt_count=attempts
    )


@pytest.mark.django_db(transaction=True)
def test_sweeper_requeues_a_delivery_stuck_in_sending(smtp, run_worker):
    delivery = _queue()
    _worker_killed_mid_send(delivery, minutes_ago=10)
    run_worker()
    assert smtp.messages == []  # nothing else would ever pick it up

    tasks.sweep_deliveries.enqueue()
    run_worker()

    assert len(smtp.messages) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert [a.ok for a in delivery.attempts.all()] == [False, True]
    assert "stopped mid-send" in delivery.attempts.first().error


@pytest.mark.django_db(transaction=True)
def test_sweeper_leaves_a_send_in_progress_alone(smtp, run_worker):
    delivery = _queue()
    _worker_killed_mid_send(delivery, minutes_ago=1)

    assert tasks.sweep_deliveries.call() == 0
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENDING


@pytest.mark.django_db(transaction=True)
def test_sweeper_gives_up_on_a_stuck_delivery_that_used_all_its_attempts(smtp, run_worker):
    delivery = _queue()
    _worker_killed_mid_send(delivery, minutes_ago=10, attempts=tasks.MAX_ATTEMPTS)

    tasks.sweep_deliveries.call()
    run_worker()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert smtp.messages == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lost", ["deleted", "killed before the claim"])
def test_sweeper_requeues_a_due_delivery_whose_task_is_gone(smtp, run_worker, lost):
    _queue()
    if lost == "deleted":
        DBTaskResult.objects.all().delete()
    else:
        long_ago = timezone.now() - dt.timedelta(minutes=10)
        DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=long_ago)
    Delivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=10))

    assert tasks.sweep_deliveries.call() == 1
    run_worker()

    assert len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_sweeper_does_not_duplicate_a_delivery_still_waiting_in_a_busy_queue(smtp, run_worker):
    _queue()
    Delivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=10))

    assert tasks.sweep_deliveries.call() == 0
    assert DBTaskResult.objects.count() == 1
    run_worker()
    assert len(smtp.messages) == 1


def test_sweeper_runs_every_minute():
    autodiscover()
    job = next(j for j in jobs() if j.task is tasks.sweep_deliveries)
    assert job.every == dt.timedelta(minutes=1)
