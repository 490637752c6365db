"""When the customer must hear from us next, and when that promise is overdue.

The clock starts at the declaration (the customer's contacts are told then) and restarts at
every public update or workaround on the timeline, however it was posted (incident page,
update composer, API). The cadence itself was frozen on the major incident when it was declared.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max

from fixfirst.incidents.choices import EventKind
from fixfirst.incidents.models import TimelineEvent
from fixfirst.major.models import MajorIncident

UPDATE_KINDS = (EventKind.UPDATE, EventKind.WORKAROUND)


def last_update_at(major: MajorIncident) -> dt.datetime:
    latest = TimelineEvent.objects.filter(
        incident_id=major.incident_id, public=True, kind__in=UPDATE_KINDS, at__gte=major.declared_at
    ).aggregate(latest=Max("at"))["latest"]
    return max(latest, major.declared_at) if latest else major.declared_at


def next_update_due(major: MajorIncident) -> dt.datetime | None:
    if not major.is_active:
        return None
    return last_update_at(major) + dt.timedelta(minutes=major.cadence_minutes)


def overdue_deadline(major: MajorIncident, now: dt.datetime) -> dt.datetime | None:
    """The start of the overdue period ``now`` falls in: the missed due time, then one more
    cadence later for every further period without an update. None when nothing is overdue."""
    due = next_update_due(major)
    if due is None or now < due:
        return None
    period = dt.timedelta(minutes=major.cadence_minutes)
    return due + period * int((now - due) / period)
