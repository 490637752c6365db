"""What other apps call: start and stop paging for an incident, acknowledge a page.

Each function runs in one transaction (joining the caller's), takes the incident's row lock
first, writes the timeline and the audit log, and queues its deliveries and timers in that
same transaction. Plain editing of schedules, policies and contact methods is in ``editing``
and ``contacts``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fixfirst.audit.log import record
from fixfirst.incidents import services as incidents
from fixfirst.incidents.choices import Status
from fixfirst.incidents.models import Incident
from fixfirst.incidents.records import add_event, lock
from fixfirst.oncall import escalation as engine
from fixfirst.oncall.choices import EscalationStatus, StopReason
from fixfirst.oncall.models import Escalation, EscalationPolicy, Page
from fixfirst.oncall.paging import page_user

__all__ = ["acknowledge_page", "page_user", "start_escalation", "stop_escalation"]


@transaction.atomic
def start_escalation(
    incident: Incident, policy: EscalationPolicy | None = None, by: Any = None
) -> Escalation | None:
    """Start paging for ``incident`` by ``policy`` (default: the policy of the integration that
    raised it, else of its most critical service). Step 1 pages at once when its delay is 0.
    Idempotent: with an escalation already running, returns that one. None when there is no
    policy, the policy has no steps, or the incident is no longer open."""
    incident = lock(incident)
    return engine.start(incident, policy, by, timezone.now())


@transaction.atomic
def stop_escalation(incident: Incident, reason: str, by: Any = None) -> int:
    """Stop the running escalation of ``incident`` and skip its delayed notifications.
    ``reason`` is a StopReason ("acknowledged", "resolved", "cancelled") or a short text.
    Returns how many escalations stopped (0 or 1). Safe to call when none is running."""
    incident = lock(incident)
    running = list(Escalation.objects.filter(incident=incident, status=EscalationStatus.ACTIVE))
    engine.end(running, incident, reason, by=by, now=timezone.now())
    return len(running)


@transaction.atomic
def acknowledge_page(page: Page) -> bool:
    """The paged person acknowledges from the link in the page. Acknowledges the incident if
    it is still new, stops the escalation, and logs it. False when the page was already
    acknowledged (a second click changes nothing)."""
    incident = lock(page.incident)
    now = timezone.now()
    if not Page.objects.filter(pk=page.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now
    ):
        return False
    user = page.user
    if incident.status == Status.NEW:
        incident = incidents.acknowledge(incident, by=user)
    add_event(
        incident, engine.EVENT_KIND, user,
        _("%(name)s acknowledged with the link in the page.") % {"name": user.get_username()},
        oncall="page_acknowledged", page=page.pk, escalation=page.escalation_id,
    )  # fmt: skip
    record("page.acknowledge", page, by=user, after={"via": "link", "incident": incident.pk})
    stopped = list(Escalation.objects.filter(incident=incident, status=EscalationStatus.ACTIVE))
    engine.end(stopped, incident, StopReason.ACKNOWLEDGED, by=user, now=now)
    return True
