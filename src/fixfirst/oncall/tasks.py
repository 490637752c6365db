"""The safety net under the on-call timers.

Each escalation step and each delayed notification has its own task, queued with
``run_after`` at its deadline (``escalation.fire_escalation``, ``paging.send_page_notification``).
If such a task is lost (a worker killed while running it leaves it "running" for ever, a
restored backup, a pruned queue), this sweeper fires the overdue row instead. Firing claims the
row by compare-and-set, so the sweeper and a late task never both act.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from fixfirst.core.periodic import periodic
from fixfirst.incidents.models import Incident
from fixfirst.incidents.records import lock
from fixfirst.oncall import escalation, hooks, paging
from fixfirst.oncall.choices import NotificationStatus
from fixfirst.oncall.models import PageNotification

# A healthy timer task runs within a second or two of its deadline; past this it is lost.
OVERDUE_AFTER = dt.timedelta(seconds=5)


def send_due_notifications(
    now: dt.datetime | None = None, slack: dt.timedelta = dt.timedelta(0)
) -> int:
    cutoff = (now or timezone.now()) - slack
    due = PageNotification.objects.filter(status=NotificationStatus.PENDING, due_at__lte=cutoff)
    ids = list(due.order_by("due_at").values_list("pk", flat=True)[:1000])
    return sum(paging.send_due_notification(pk, now=now) != "not due" for pk in ids)


@periodic(every=dt.timedelta(seconds=15))
@task(priority=paging.TIMER_PRIORITY)
def sweep_oncall_timers() -> int:
    """Fire escalation steps and delayed notifications whose timer task is overdue."""
    fired = escalation.fire_due(slack=OVERDUE_AFTER)
    return fired + send_due_notifications(slack=OVERDUE_AFTER)


@task(priority=paging.TIMER_PRIORITY)
def start_paging(incident_id: int) -> str:
    """Start the escalation of an incident opened or raised at a paging priority (queued by
    ``hooks``). Checks the rule again under the row lock: someone may have acknowledged the
    incident, or lowered it, between the change and this task."""
    with transaction.atomic():
        incident = Incident.objects.filter(pk=incident_id).first()
        if incident is None:
            return "gone"
        incident = lock(incident)
        if not hooks.pages(incident):
            return "not paging"
        started = escalation.start(incident, None, None, timezone.now())
    return "started" if started is not None else "no policy"
