"""Scheduled maintenance on a status page: announce it, move it along by hand, and the clock
that starts and completes it on time. Each change posts a page update, which notifies the
page's subscribers, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fixfirst.audit.log import record, snapshot
from fixfirst.incidents.records import require_text
from fixfirst.statuspage import notifications
from fixfirst.statuspage.choices import ACTIVE_MAINTENANCE, MaintenanceStatus
from fixfirst.statuspage.models import Component, PageUpdate, ScheduledMaintenance, StatusPage
from fixfirst.statuspage.services import actor_label, check_choice, refresh_page, touch


@transaction.atomic
def create_maintenance(
    *,
    page: StatusPage,
    by: Any,
    name: str,
    body: str,
    scheduled_for: dt.datetime,
    scheduled_until: dt.datetime,
    components: Iterable[Component] = (),
    auto_transition: bool = True,
) -> ScheduledMaintenance:
    """Announce planned work; subscribers hear now, when it starts and when it ends."""
    require_text(name=name, body=body)
    chosen = list(components)
    if any(c.page_id != page.pk for c in chosen):
        raise ValidationError({"components": _("A component of another page was chosen.")})
    m = ScheduledMaintenance(
        page=page, name=name.strip()[:200], body=body.strip(), scheduled_for=scheduled_for,
        scheduled_until=scheduled_until, auto_transition=auto_transition,
    )  # fmt: skip
    m.full_clean()
    m.save()
    m.components.set(chosen)
    record("statuspage.maintenance.create", m, by=by, after=snapshot(m))
    _maintenance_update(m, MaintenanceStatus.SCHEDULED, body=m.body, by=by)
    return m


@transaction.atomic
def advance_maintenance(
    m: ScheduledMaintenance, status: str, *, by: Any, body: str = ""
) -> ScheduledMaintenance:
    """Move a maintenance by hand (e.g. to verifying, or completed early)."""
    check_choice(status, MaintenanceStatus, "status")
    m = ScheduledMaintenance.objects.select_for_update().get(pk=m.pk)
    if m.status == MaintenanceStatus.COMPLETED:
        raise ValidationError({"status": _("This maintenance is completed.")})
    _maintenance_update(m, status, body=body or _default_text(status), by=by)
    return m


def _default_text(status: str) -> str:
    return {
        MaintenanceStatus.SCHEDULED: _("The maintenance is scheduled."),
        MaintenanceStatus.IN_PROGRESS: _("The scheduled maintenance is in progress."),
        MaintenanceStatus.VERIFYING: _("The work is done; we are verifying the results."),
        MaintenanceStatus.COMPLETED: _("The scheduled maintenance has been completed."),
    }[status]  # type: ignore[index]


def _maintenance_update(m: ScheduledMaintenance, status: str, *, body: str, by: Any) -> PageUpdate:
    now = timezone.now()
    old = m.status
    m.status = status
    if status in ACTIVE_MAINTENANCE and m.started_at is None:
        m.started_at = now
    if status == MaintenanceStatus.COMPLETED:
        m.completed_at = now
    m.updated_at = now
    m.save()
    page = StatusPage.objects.select_for_update().get(pk=m.page_id)
    changes = refresh_page(page, now)
    update = PageUpdate.objects.create(
        page=page,
        maintenance=m,
        status=status,
        body=body,
        affected_components=[
            {"code": c.public_id, "name": c.name, "old_status": c.status, "new_status": c.status}
            for c in m.components.all()
        ],
        author=actor_label(by),
        display_at=now,
    )
    if old != status:
        record(
            "statuspage.maintenance.status",
            m,
            by=by,
            before={"status": old},
            after={"status": status},
        )
    touch(page)
    notifications.maintenance_update(page, m, update, changes)
    return update


def run_maintenance_clock(now: dt.datetime | None = None) -> int:
    """Start due maintenances and complete finished ones (the periodic job)."""
    now = now or timezone.now()
    moved = 0
    due_start = ScheduledMaintenance.objects.filter(
        status=MaintenanceStatus.SCHEDULED, auto_transition=True, scheduled_for__lte=now
    )
    for pk in list(due_start.values_list("pk", flat=True)):
        moved += _tick(pk, MaintenanceStatus.SCHEDULED, now)
    due_end = ScheduledMaintenance.objects.filter(
        status__in=ACTIVE_MAINTENANCE, auto_transition=True, scheduled_until__lte=now
    )
    for pk in list(due_end.values_list("pk", flat=True)):
        moved += _tick(pk, None, now)
    return moved


@transaction.atomic
def _tick(pk: int, expected: str | None, now: dt.datetime) -> int:
    m = ScheduledMaintenance.objects.select_for_update().filter(pk=pk).first()
    if m is None or (expected and m.status != expected):
        return 0  # another worker moved it meanwhile
    if m.status == MaintenanceStatus.SCHEDULED:
        target = MaintenanceStatus.IN_PROGRESS
        if m.scheduled_until <= now:
            # Started and finished while nobody ran the clock: say both, in order.
            _maintenance_update(m, target, body=_default_text(target), by=None)
            target = MaintenanceStatus.COMPLETED
    elif m.status in ACTIVE_MAINTENANCE:
        target = MaintenanceStatus.COMPLETED
    else:
        return 0
    _maintenance_update(m, target, body=_default_text(target), by=None)
    return 1
