"""Which status may follow which: the one table of the incident lifecycle."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fixfirst.incidents.choices import Status
from fixfirst.incidents.models import Incident, SlaPause

_WORKING = {Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING}

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(_WORKING | {Status.WAITING, Status.RESOLVED}),
    Status.ACKNOWLEDGED: frozenset(
        _WORKING - {Status.ACKNOWLEDGED} | {Status.WAITING, Status.RESOLVED}
    ),
    Status.INVESTIGATING: frozenset(
        {Status.IDENTIFIED, Status.MONITORING, Status.WAITING, Status.RESOLVED}
    ),
    Status.IDENTIFIED: frozenset(
        {Status.INVESTIGATING, Status.MONITORING, Status.WAITING, Status.RESOLVED}
    ),
    Status.MONITORING: frozenset(
        {Status.INVESTIGATING, Status.IDENTIFIED, Status.WAITING, Status.RESOLVED}
    ),
    Status.WAITING: frozenset(_WORKING | {Status.RESOLVED}),
    # Reopening goes back to investigating; closing is final.
    Status.RESOLVED: frozenset({Status.CLOSED, Status.INVESTIGATING}),
    Status.CLOSED: frozenset(),
}


def allowed_next(status: str) -> list[Status]:
    return [s for s in Status if s in TRANSITIONS[status]]


def check_transition(current: str, new: str) -> None:
    if new not in Status.values:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": repr(new)}})
    if new not in TRANSITIONS[current]:
        allowed = ", ".join(s.value for s in allowed_next(current)) or _("none (closed is final)")
        raise ValidationError(
            {
                "status": _(
                    "An incident cannot go from %(current)s to %(new)s. Allowed: %(allowed)s."
                )
                % {"current": current, "new": new, "allowed": allowed}
            }
        )


def apply_status(incident: Incident, new: str, now: dt.datetime) -> list[str]:
    """Move to ``new`` and keep timestamps and SLA pauses in step; returns changed fields."""
    check_transition(incident.status, new)
    old = incident.status
    incident.status = new
    fields = ["status"]
    if old == Status.WAITING:
        SlaPause.objects.filter(incident=incident, ended_at__isnull=True).update(ended_at=now)
    if new == Status.WAITING:
        SlaPause.objects.create(incident=incident, started_at=now)
    # Leaving "new" is the first response: someone has picked the incident up.
    if old == Status.NEW and incident.acknowledged_at is None:
        incident.acknowledged_at = now
        fields.append("acknowledged_at")
    if old == Status.NEW and incident.first_response_at is None:
        incident.first_response_at = now
        fields.append("first_response_at")
    if new == Status.RESOLVED:
        incident.resolved_at = now
        fields.append("resolved_at")
    if new == Status.CLOSED:
        incident.closed_at = now
        fields.append("closed_at")
    if old == Status.RESOLVED and new != Status.CLOSED:
        incident.resolved_at = None
        incident.resolution_code = ""
        fields += ["resolved_at", "resolution_code"]
    return fields
