"""Sending deliveries: claim, hand to the transport, record, retry or give up.

The claim is a compare-and-set UPDATE, so a duplicated task or a second worker never sends the
same delivery at the same time. The sweeper re-queues what a dead worker left behind, so every
delivery is sent at least once; receivers can spot the rare second copy by its Message-ID.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from fixfirst.core.periodic import periodic
from fixfirst.notify.models import Delivery, DeliveryAttempt, DeliveryStatus
from fixfirst.notify.transports import TRANSPORTS, TransportError

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
FIRST_RETRY = dt.timedelta(seconds=30)
MAX_RETRY = dt.timedelta(hours=1)
# Longer than any transport may take (SMTP timeout x its round trips), so a slow send that is
# still running is not taken for a dead one.
STUCK_AFTER = dt.timedelta(minutes=5)
# A due delivery whose task has vanished for this long is orphaned.
ORPHANED_AFTER = dt.timedelta(minutes=5)
SWEEP_BATCH = 500


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the ``attempts``-th failed try: 30 s, 1 m, 2 m, 4 m ... at most 1 h."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY)


# Pages go before everything else that waits (status-page mail, reporter updates, chat):
# a page that waits behind a newsletter is a page too late. Same priority as the on-call
# timers (oncall.paging.TIMER_PRIORITY), so a step's page follows its timer.
URGENT_REASONS = frozenset({"oncall.page", "major.page"})
URGENT_PRIORITY = 50


def enqueue_send(delivery: Delivery, run_after: dt.datetime | None = None) -> None:
    """Queue the send task for ``delivery``, in the caller's transaction."""
    options: dict[str, Any] = {}
    if run_after:
        options["run_after"] = run_after
    if delivery.reason in URGENT_REASONS:
        options["priority"] = URGENT_PRIORITY
    queued = send_delivery.using(**options) if options else send_delivery
    result = queued.enqueue(delivery.pk)
    delivery.task_id = result.id
    Delivery.objects.filter(pk=delivery.pk).update(task_id=result.id)


def _claim(delivery_id: int) -> Delivery | None:
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(status=DeliveryStatus.SENDING, attempt_count=F("attempt_count") + 1, claimed_at=now)
    return Delivery.objects.filter(pk=delivery_id).first() if claimed else None


@task()
def send_delivery(delivery_id: int) -> str:
    """Send one delivery if it is due and nobody else is sending it; returns what happened."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    started = time.monotonic()
    error: TransportError | None = None
    try:
        TRANSPORTS[delivery.transport](delivery)
    except TransportError as exc:
        error = exc
    except Exception as exc:  # noqa: BLE001 - a transport bug must not strand the delivery
        logger.exception("transport %s crashed on delivery %s", delivery.transport, delivery.pk)
        error = TransportError(f"{type(exc).__name__}: {exc}")
    duration_ms = int((time.monotonic() - started) * 1000)
    return _finish(delivery, error, duration_ms)


@transaction.atomic
def _finish(delivery: Delivery, error: TransportError | None, duration_ms: int) -> str:
    now = timezone.now()
    if not Delivery.objects.select_for_update().filter(pk=delivery.pk).exists():
        return "gone"  # its incident was deleted meanwhile
    DeliveryAttempt.objects.create(
        delivery=delivery,
        at=now,
        ok=error is None,
        error=str(error) if error else "",
        duration_ms=duration_ms,
    )
    if error is None:
        changes = {"status": DeliveryStatus.SENT, "sent_at": now, "last_error": ""}
    elif error.permanent or delivery.attempt_count >= MAX_ATTEMPTS:
        changes = {"status": DeliveryStatus.FAILED, "last_error": str(error)}
    else:
        retry_at = now + backoff(delivery.attempt_count)
        changes = {
            "status": DeliveryStatus.PENDING,
            "last_error": str(error),
            "next_attempt_at": retry_at,
        }
    # Only if this claim still holds: the sweeper may have handed a very slow send to another.
    updated = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, attempt_count=delivery.attempt_count
    ).update(claimed_at=None, **changes)
    if updated and changes["status"] == DeliveryStatus.PENDING:
        enqueue_send(delivery, run_after=changes["next_attempt_at"])
    return str(changes["status"]) if updated else "superseded"


@periodic(every=dt.timedelta(minutes=1))
@task()
def sweep_deliveries() -> int:
    """Re-queue deliveries a dead worker left in "sending" and due ones whose task is gone."""
    now = timezone.now()
    stuck = Delivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lte=now - STUCK_AFTER
    ).order_by("claimed_at")[:SWEEP_BATCH]
    count = sum(_release_stuck(d, now) for d in stuck)
    due = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=now - ORPHANED_AFTER
    ).order_by("next_attempt_at")[:SWEEP_BATCH]
    count += sum(_requeue_orphan(d) for d in due if not _task_waiting(d.task_id, now))
    return count


@transaction.atomic
def _release_stuck(delivery: Delivery, now: dt.datetime) -> bool:
    minutes = int(STUCK_AFTER.total_seconds() // 60)
    error = f"No result after {minutes} minutes: the worker stopped mid-send; it may have gone out."
    gave_up = delivery.attempt_count >= MAX_ATTEMPTS
    released = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=delivery.claimed_at
    ).update(
        status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
        claimed_at=None,
        next_attempt_at=now,
        last_error=error,
    )
    if not released:
        return False
    DeliveryAttempt.objects.create(delivery=delivery, at=now, ok=False, error=error)
    if not gave_up:
        enqueue_send(delivery)
    return True


def _task_waiting(task_id: str, now: dt.datetime) -> bool:
    try:
        result = send_delivery.get_result(task_id)
    except TaskResultDoesNotExist:
        return False  # pruned, or lost with a restored backup
    if result.status == TaskResultStatus.RUNNING:
        # A worker killed before its claim leaves the task "running" forever.
        return result.started_at is not None and result.started_at > now - STUCK_AFTER
    return result.status == TaskResultStatus.READY


@transaction.atomic
def _requeue_orphan(delivery: Delivery) -> bool:
    locked = (
        Delivery.objects.select_for_update()
        .filter(pk=delivery.pk, status=DeliveryStatus.PENDING, task_id=delivery.task_id)
        .first()
    )
    if locked is not None:
        enqueue_send(locked)
    return locked is not None
