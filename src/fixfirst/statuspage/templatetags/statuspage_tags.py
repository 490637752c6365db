"""Small filters the status-page templates need (links with arguments, labels, uptime words)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from fixfirst.statuspage.choices import ComponentStatus, IncidentStatus, MaintenanceStatus
from fixfirst.statuspage.status import Day

register = template.Library()

_LABELS = {
    **dict(IncidentStatus.choices),
    **dict(MaintenanceStatus.choices),
    **dict(ComponentStatus.choices),
}


@register.filter
def incident_link(item: Any, links: Any) -> str:
    return str(links.incident(item.public_id))


@register.filter
def maintenance_link(item: Any, links: Any) -> str:
    return str(links.maintenance(item.public_id))


@register.filter
def status_label(value: str) -> str:
    return str(_LABELS.get(value, value))


def _minutes(n: int) -> str:
    hours, minutes = divmod(n, 60)
    if hours:
        return (
            _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
            if minutes
            else _("%(h)d h") % {"h": hours}
        )
    return _("%(m)d min") % {"m": minutes}


@register.filter
def day_title(day: Day) -> str:
    date = formats.date_format(day.date, "DATE_FORMAT")
    if day.measured_minutes <= 0:
        return _("%(date)s: no data") % {"date": date}
    parts = []
    if day.major_minutes:
        parts.append(_("major outage %(t)s") % {"t": _minutes(day.major_minutes)})
    if day.partial_minutes:
        parts.append(_("partial outage %(t)s") % {"t": _minutes(day.partial_minutes)})
    if day.degraded_minutes:
        parts.append(_("degraded %(t)s") % {"t": _minutes(day.degraded_minutes)})
    if not parts:
        return _("%(date)s: no downtime recorded") % {"date": date}
    return f"{date}: " + ", ".join(parts)
