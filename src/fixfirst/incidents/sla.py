"""SLA terms of an incident: frozen from its contract, measured with ``slaclock``.

The terms (targets, calendar, holidays) are copied onto the incident when it opens and when
its priority changes, so editing a contract never moves the clock of an incident in flight.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from fixfirst.incidents import slaclock
from fixfirst.incidents.choices import Priority, Status
from fixfirst.incidents.models import Incident, SlaPolicy
from fixfirst.tenancy.models import Customer

# Holidays further ahead than this do not matter to any clock that is still running.
_HOLIDAY_HORIZON = dt.timedelta(days=730)


def _current_policy(customer: Customer, on: dt.date) -> SlaPolicy | None:
    return (
        SlaPolicy.objects.select_related("calendar", "contract")
        .filter(contract__customer=customer, contract__starts_on__lte=on)
        .filter(Q(contract__ends_on__isnull=True) | Q(contract__ends_on__gte=on))
        .order_by("-contract__starts_on")
        .first()
    )


def terms_for(customer: Customer, priority: int, at: dt.datetime) -> dict[str, Any]:
    """The SLA terms that apply to a new incident, as plain JSON; {} without an SLA."""
    policy = _current_policy(customer, timezone.localdate(at))
    if policy is None:
        return {}
    target = policy.targets.filter(priority=priority).first()
    if target is None:
        return {}
    calendar = policy.calendar
    always = calendar.always_open or (priority == Priority.P1 and policy.p1_always_open)
    holidays = calendar.holidays.filter(
        date__gte=at.date() - dt.timedelta(days=1), date__lte=(at + _HOLIDAY_HORIZON).date()
    )
    return {
        "contract": policy.contract_id,
        "contract_name": policy.contract.name,
        "priority": priority,
        "response_minutes": target.response_minutes,
        "resolution_minutes": target.resolution_minutes,
        "warn_share": policy.warn_share,
        "timezone": calendar.timezone,
        "calendar": calendar.name if not always else "24x7",
        "always_open": always,
        "hours": [] if always else calendar.hours,
        "holidays": [] if always else [h.date.isoformat() for h in holidays],
    }


_ALL_WEEK = tuple((day, dt.time(0), dt.time(0)) for day in range(7))


def calendar_of(terms: dict[str, Any]) -> slaclock.BusinessCalendar:
    if terms.get("always_open") or not terms.get("hours"):
        return slaclock.BusinessCalendar(tz=terms.get("timezone", "UTC"), weekly=_ALL_WEEK)
    weekly = tuple(
        (int(day), dt.time.fromisoformat(start), dt.time.fromisoformat(end))
        for day, start, end in terms["hours"]
    )
    holidays = frozenset(dt.date.fromisoformat(d) for d in terms.get("holidays", []))
    return slaclock.BusinessCalendar(tz=terms["timezone"], weekly=weekly, holidays=holidays)


def pauses_of(incident: Incident) -> list[slaclock.Pause]:
    if incident.pk is None:
        return []
    return [(p.started_at, p.ended_at) for p in incident.pauses.all()]


@dataclass(frozen=True)
class SlaState:
    response: slaclock.ClockReading | None
    resolution: slaclock.ClockReading | None
    response_done: bool = False
    resolution_done: bool = False

    @property
    def worst(self) -> slaclock.ClockReading | None:
        """The clock that matters most now: a clock still running before a stopped one (a
        late first response is history once answered; the resolution clock is what counts)."""
        order = {"breached": 0, "warning": 1, "running": 2, "paused": 3, "met": 4}
        pairs = ((self.response, self.response_done), (self.resolution, self.resolution_done))
        live = [c for c, done in pairs if c is not None and not done]
        clocks = live or [c for c, _ in pairs if c is not None]
        return min(clocks, key=lambda c: (order[c.state], c.remaining), default=None)


def read(incident: Incident, now: dt.datetime | None = None) -> SlaState:
    terms = incident.sla_terms
    if not terms:
        return SlaState(None, None)
    now = now or timezone.now()
    cal = calendar_of(terms)
    pauses = pauses_of(incident)
    share = terms.get("warn_share", 0.75)
    response = slaclock.read_clock(
        cal,
        incident.opened_at,
        dt.timedelta(minutes=terms["response_minutes"]),
        now,
        pauses,
        stopped_at=incident.first_response_at,
        warn_share=share,
    )
    resolution = slaclock.read_clock(
        cal,
        incident.opened_at,
        dt.timedelta(minutes=terms["resolution_minutes"]),
        now,
        pauses,
        stopped_at=incident.resolved_at,
        warn_share=share,
    )
    return SlaState(
        response,
        resolution,
        response_done=incident.first_response_at is not None,
        resolution_done=incident.resolved_at is not None,
    )


def refresh(incident: Incident, now: dt.datetime | None = None) -> list[str]:
    """Recompute due times and the next check; returns the fields it changed (not saved)."""
    state = read(incident, now)
    response_due = state.response.due_at if state.response else None
    resolution_due = state.resolution.due_at if state.resolution else None
    next_check = _next_check(incident, now or timezone.now()) if incident.sla_terms else None
    changed = []
    for field, value in (
        ("response_due_at", response_due),
        ("resolution_due_at", resolution_due),
        ("sla_next_check_at", next_check),
    ):
        if getattr(incident, field) != value:
            setattr(incident, field, value)
            changed.append(field)
    return changed


def _next_check(incident: Incident, now: dt.datetime) -> dt.datetime | None:
    """The next instant at which a warning or a breach would have to be recorded."""
    if incident.status in (Status.RESOLVED, Status.CLOSED):
        return None
    terms = incident.sla_terms
    cal = calendar_of(terms)
    pauses = pauses_of(incident)
    share = terms.get("warn_share", 0.75)
    moments: list[dt.datetime | None] = []
    clocks = [("resolution", incident.resolution_warned, incident.resolution_breached)]
    if incident.first_response_at is None:
        clocks.append(("response", incident.response_warned, incident.response_breached))
    for name, warned, breached in clocks:
        if breached:
            continue
        target = dt.timedelta(minutes=terms[f"{name}_minutes"])
        if not warned:
            moments.append(slaclock.warning_time(cal, incident.opened_at, target, pauses, share))
        moments.append(slaclock.breach_time(cal, incident.opened_at, target, pauses))
    future = [m for m in moments if m is not None]
    return min(future) if future else None
