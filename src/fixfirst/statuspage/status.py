"""What a page shows: each component's status, the page's roll-up, and 90 days of uptime.

Rules (docs/statuspage.md):

- A manual override wins while it lasts.
- Otherwise the worst of: each open FixFirst incident on the component's service (P1 major
  outage, P2 partial outage, P3 degraded performance, P4 nothing — a P4 is one person's
  problem, not news for a status page); an incident published on this page replaces its
  priority-derived status with the status it was published with, and stops counting once the
  page says it is resolved; unresolved status-only incidents on the component; and a
  maintenance in progress (under maintenance, which ranks below any unplanned trouble).
- A customer's page counts only that customer's incidents; the provider's page counts all.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fixfirst.incidents.choices import OPEN_STATUSES
from fixfirst.incidents.models import Incident
from fixfirst.statuspage.choices import (
    ACTIVE_MAINTENANCE,
    IMPACT_RANK,
    SEVERITY,
    UNRESOLVED,
    ComponentStatus,
    Impact,
    worst,
)
from fixfirst.statuspage.models import Component, PageIncident, ScheduledMaintenance, StatusPage

PRIORITY_STATUS: dict[int, str | None] = {
    1: ComponentStatus.MAJOR,
    2: ComponentStatus.PARTIAL,
    3: ComponentStatus.DEGRADED,
    4: None,
}
# When an incident is published without an explicit status or impact.
PRIORITY_PUBLISHED_STATUS = {
    1: ComponentStatus.MAJOR,
    2: ComponentStatus.PARTIAL,
    3: ComponentStatus.DEGRADED,
    4: ComponentStatus.DEGRADED,
}
PRIORITY_IMPACT = {1: Impact.CRITICAL, 2: Impact.MAJOR, 3: Impact.MINOR, 4: Impact.MINOR}

# The roll-up, as Atlassian computes it: component status -> indicator.
STATUS_INDICATOR = {
    ComponentStatus.OPERATIONAL: "none",
    ComponentStatus.MAINTENANCE: "maintenance",
    ComponentStatus.DEGRADED: "minor",
    ComponentStatus.PARTIAL: "major",
    ComponentStatus.MAJOR: "critical",
}
INDICATOR_RANK = {"none": 0, "maintenance": 0.5, "minor": 1, "major": 2, "critical": 3}
INDICATOR_TEXT = {
    "none": _("All Systems Operational"),
    "maintenance": _("Service Under Maintenance"),
    "minor": _("Partially Degraded Service"),
    "major": _("Partial System Outage"),
    "critical": _("Major System Outage"),
}
# Statuspage weighs a partial outage at 30 % of a major one in its uptime figure.
PARTIAL_WEIGHT = 0.3
UPTIME_DAYS = 90


def open_incident_rows(page: StatusPage, service_ids: Iterable[int]) -> list[tuple[int, int, int]]:
    """(service id, incident id, priority) of open incidents on those services."""
    through = Incident.services.through
    rows = through.objects.filter(
        service_id__in=list(service_ids), incident__status__in=OPEN_STATUSES
    )
    if page.customer_id:
        rows = rows.filter(incident__customer_id=page.customer_id)
    return list(rows.values_list("service_id", "incident_id", "incident__priority"))


def compute_statuses(page: StatusPage, now: dt.datetime | None = None) -> dict[int, str]:
    """Component pk -> the status it should show now."""
    now = now or timezone.now()
    components = list(page.components.all())
    found: dict[int, list[str]] = defaultdict(list)
    published: dict[int, PageIncident] = {}
    for pi in page.incidents.prefetch_related("components"):
        if pi.incident_id:
            published[pi.incident_id] = pi
        if pi.status in UNRESOLVED:
            for component in pi.components.all():
                found[component.pk].append(pi.component_status)
    by_service: dict[int, list[Component]] = defaultdict(list)
    for component in components:
        if component.service_id and component.follow_incidents:
            by_service[component.service_id].append(component)
    for service_id, incident_id, priority in open_incident_rows(page, by_service):
        if incident_id in published:
            continue  # its published status (or its resolution) speaks for it
        status = PRIORITY_STATUS.get(priority)
        for component in by_service[service_id]:
            found[component.pk].append(status or ComponentStatus.OPERATIONAL)
    maintenance = ScheduledMaintenance.components.through.objects.filter(
        scheduledmaintenance__page=page, scheduledmaintenance__status__in=ACTIVE_MAINTENANCE
    ).values_list("component_id", flat=True)
    for component_id in maintenance:
        found[component_id].append(ComponentStatus.MAINTENANCE)
    return {
        c.pk: c.override_status if c.override_active(now) else worst(found[c.pk])
        for c in components
    }


@dataclass(frozen=True)
class Indicator:
    indicator: str

    @property
    def description(self) -> str:
        """In the active language (the JSON API renders it under English)."""
        return str(INDICATOR_TEXT[self.indicator])


def page_indicator(statuses: Iterable[str], impacts: Iterable[str]) -> Indicator:
    """The page's roll-up: the worse of the components' statuses and unresolved impacts."""
    best = "none"
    for status in statuses:
        candidate = STATUS_INDICATOR[status]
        if INDICATOR_RANK[candidate] > INDICATOR_RANK[best]:
            best = candidate
    for impact in impacts:
        if IMPACT_RANK.get(impact, 0) > INDICATOR_RANK[best]:
            best = impact
    return Indicator(best)


def group_status(statuses: Iterable[str]) -> str:
    return worst(statuses)


def severity(status: str) -> int:
    return SEVERITY.get(status, 0)  # type: ignore[call-overload]


# --- uptime -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    date: dt.date
    major_minutes: int
    partial_minutes: int
    degraded_minutes: int
    measured_minutes: int

    @property
    def uptime(self) -> float | None:
        if self.measured_minutes <= 0:
            return None
        lost = self.major_minutes + PARTIAL_WEIGHT * self.partial_minutes
        return max(0.0, 100.0 * (1 - lost / self.measured_minutes))

    @property
    def status(self) -> str:
        if self.measured_minutes <= 0:
            return "nodata"
        if self.major_minutes:
            return ComponentStatus.MAJOR
        if self.partial_minutes:
            return ComponentStatus.PARTIAL
        if self.degraded_minutes:
            return ComponentStatus.DEGRADED
        return ComponentStatus.OPERATIONAL


Span = tuple[dt.datetime, dt.datetime]


def _covered(spans: list[Span], start: dt.datetime, end: dt.datetime) -> float:
    """Seconds of [start, end) covered by the union of ``spans``."""
    clipped = sorted((max(a, start), min(b, end)) for a, b in spans if a < end and b > start)
    total, cur_start, cur_end = 0.0, None, None
    for a, b in clipped:
        if cur_end is None or a > cur_end:
            if cur_end is not None:
                total += (cur_end - cur_start).total_seconds()  # type: ignore[operator]
            cur_start, cur_end = a, b
        else:
            cur_end = max(cur_end, b)
    if cur_end is not None:
        total += (cur_end - cur_start).total_seconds()  # type: ignore[operator]
    return total


def _spans(
    page: StatusPage, components: list[Component], since: dt.datetime, now: dt.datetime
) -> dict[int, dict[str, list[Span]]]:
    """Component pk -> severity -> [(start, end)] from incidents since ``since``."""
    spans: dict[int, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
    by_service: dict[int, list[int]] = defaultdict(list)
    for c in components:
        if c.service_id:
            by_service[c.service_id].append(c.pk)
    through = Incident.services.through
    rows = through.objects.filter(service_id__in=list(by_service)).filter(
        Q(incident__resolved_at__isnull=True, incident__closed_at__isnull=True)
        | Q(incident__resolved_at__gt=since)
        | Q(incident__resolved_at__isnull=True, incident__closed_at__gt=since)
    )
    if page.customer_id:
        rows = rows.filter(incident__customer_id=page.customer_id)
    for service_id, priority, opened, resolved, closed in rows.values_list(
        "service_id",
        "incident__priority",
        "incident__opened_at",
        "incident__resolved_at",
        "incident__closed_at",
    ):
        status = PRIORITY_STATUS.get(priority)
        if status is None:
            continue
        for pk in by_service[service_id]:
            spans[pk][status].append((opened, resolved or closed or now))
    # Status-only incidents count for the components they were published on.
    manual = PageIncident.components.through.objects.filter(
        pageincident__page=page, pageincident__incident__isnull=True
    ).filter(Q(pageincident__resolved_at__isnull=True) | Q(pageincident__resolved_at__gt=since))
    for pk, status, started, resolved in manual.values_list(
        "component_id",
        "pageincident__component_status",
        "pageincident__started_at",
        "pageincident__resolved_at",
    ):
        if status in (ComponentStatus.MAJOR, ComponentStatus.PARTIAL, ComponentStatus.DEGRADED):
            spans[pk][status].append((started, resolved or now))
    return spans


def _day(spans: dict[str, list[Span]], date: dt.date, start: dt.datetime, end: dt.datetime) -> Day:
    major = spans.get(ComponentStatus.MAJOR, [])
    partial = major + spans.get(ComponentStatus.PARTIAL, [])
    degraded = partial + spans.get(ComponentStatus.DEGRADED, [])
    m = _covered(major, start, end)
    p = _covered(partial, start, end)
    d = _covered(degraded, start, end)
    return Day(
        date=date,
        major_minutes=round(m / 60),
        partial_minutes=round((p - m) / 60),
        degraded_minutes=round((d - p) / 60),
        measured_minutes=max(0, round((end - start).total_seconds() / 60)),
    )


def uptime(
    page: StatusPage, components: list[Component], now: dt.datetime | None = None
) -> dict[int, list[Day]]:
    """Component pk -> 90 days, oldest first, in the page's time zone.

    Past days are cached per page version and date: they change only when the page does.
    """
    now = now or timezone.now()
    tz = zoneinfo.ZoneInfo(page.time_zone)
    today = now.astimezone(tz).date()
    days = [today - dt.timedelta(days=n) for n in range(UPTIME_DAYS - 1, -1, -1)]
    bounds = [
        (
            d,
            dt.datetime.combine(d, dt.time(), tz),
            dt.datetime.combine(d + dt.timedelta(days=1), dt.time(), tz),
        )
        for d in days
    ]
    key = f"statuspage:uptime:{page.pk}:{page.version}:{today.isoformat()}"
    past: dict[int, list[Day]] | None = cache.get(key)
    spans = _spans(page, components, bounds[0][1], now)
    if past is None or set(past) != {c.pk for c in components}:
        past = {
            c.pk: [_day(spans.get(c.pk, {}), d, a, b) for d, a, b in bounds[:-1]]
            for c in components
        }
        cache.set(key, past, 6 * 3600)
    d, a, _b = bounds[-1]
    result = {}
    for c in components:
        first_day = c.start_date
        series = [
            day if first_day is None or day.date >= first_day else Day(day.date, 0, 0, 0, 0)
            for day in [*past[c.pk], _day(spans.get(c.pk, {}), d, a, now)]
        ]
        result[c.pk] = series
    return result


def uptime_percent(days: list[Day]) -> float | None:
    measured = sum(d.measured_minutes for d in days)
    if not measured:
        return None
    lost = sum(d.major_minutes + PARTIAL_WEIGHT * d.partial_minutes for d in days)
    return max(0.0, 100.0 * (1 - lost / measured))
