"""Statuspage's public API v2 objects, field for field (shared/formats/INTEGRATIONS.md §4).

Descriptions stay in English, as Statuspage serves them: clients compare these strings.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from fixfirst.statuspage.models import (
    Component,
    ComponentGroup,
    PageIncident,
    PageUpdate,
    ScheduledMaintenance,
    StatusPage,
)


def page_url(page: StatusPage) -> str:
    return f"{settings.BASE_URL}/status/{page.slug}"


def incident_url(page: StatusPage, public_id: str) -> str:
    return f"{page_url(page)}/incidents/{public_id}/"


def stamp(value: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> str | None:
    """``2026-01-01T11:05:00.000+01:00``: milliseconds and the page's offset, as Statuspage."""
    if value is None:
        return None
    local = value.astimezone(tz)
    offset = local.strftime("%z")
    zone = "Z" if offset in ("+0000", "") else f"{offset[:3]}:{offset[3:]}"
    return f"{local:%Y-%m-%dT%H:%M:%S}.{local.microsecond // 1000:03d}{zone}"


def tz_of(page: StatusPage) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(page.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def page_object(page: StatusPage) -> dict[str, Any]:
    tz = tz_of(page)
    return {
        "id": page.public_id,
        "name": page.name,
        "url": page_url(page),
        "time_zone": page.time_zone,
        "updated_at": stamp(page.updated_at, tz),
    }


def status_object(indicator: str) -> dict[str, str]:
    from fixfirst.statuspage.status import INDICATOR_TEXT

    with translation.override("en"):
        return {"indicator": indicator, "description": str(INDICATOR_TEXT[indicator])}


def component_object(component: Component, page: StatusPage, status: str) -> dict[str, Any]:
    tz = tz_of(page)
    return {
        "id": component.public_id,
        "page_id": page.public_id,
        "group_id": component.group.public_id if component.group_id and component.group else None,
        "name": component.name,
        "description": component.description or None,
        "status": status,
        "created_at": stamp(component.created_at, tz),
        "updated_at": stamp(component.updated_at, tz),
        "position": component.position,
        "showcase": component.showcase,
        "start_date": component.start_date.isoformat() if component.start_date else None,
        "group": False,
        "only_show_if_degraded": component.only_show_if_degraded,
    }


def group_object(
    group: ComponentGroup, page: StatusPage, status: str, children: list[Component]
) -> dict[str, Any]:
    tz = tz_of(page)
    return {
        "id": group.public_id,
        "page_id": page.public_id,
        "group_id": None,
        "name": group.name,
        "description": group.description or None,
        "status": status,
        "created_at": stamp(group.created_at, tz),
        "updated_at": stamp(group.updated_at, tz),
        "position": group.position,
        "showcase": False,
        "start_date": None,
        "group": True,
        "only_show_if_degraded": False,
        "components": [c.public_id for c in children],
    }


def update_object(update: PageUpdate, page: StatusPage, subject_id: str) -> dict[str, Any]:
    tz = tz_of(page)
    return {
        "id": update.public_id,
        "incident_id": subject_id,
        "status": update.status,
        "body": update.body,
        "created_at": stamp(update.created_at, tz),
        "updated_at": stamp(update.created_at, tz),
        "display_at": stamp(update.display_at, tz),
        "affected_components": update.affected_components or None,
        "deliver_notifications": update.deliver_notifications,
        "custom_tweet": None,
        "tweet_id": None,
    }


def incident_object(
    pi: PageIncident,
    page: StatusPage,
    updates: list[PageUpdate],
    components: list[dict[str, Any]],
) -> dict[str, Any]:
    tz = tz_of(page)
    return {
        "id": pi.public_id,
        "page_id": page.public_id,
        "name": pi.name,
        "status": pi.status,
        "impact": pi.impact,
        "created_at": stamp(pi.created_at, tz),
        "updated_at": stamp(pi.updated_at, tz),
        "monitoring_at": stamp(pi.monitoring_at, tz),
        "resolved_at": stamp(pi.resolved_at, tz),
        "started_at": stamp(pi.started_at, tz),
        "shortlink": incident_url(page, pi.public_id),
        "incident_updates": [update_object(u, page, pi.public_id) for u in updates],
        "components": components,
    }


def maintenance_object(
    m: ScheduledMaintenance,
    page: StatusPage,
    updates: list[PageUpdate],
    components: list[dict[str, Any]],
) -> dict[str, Any]:
    tz = tz_of(page)
    return {
        "id": m.public_id,
        "page_id": page.public_id,
        "name": m.name,
        "status": m.status,
        "impact": "maintenance",
        "created_at": stamp(m.created_at, tz),
        "updated_at": stamp(m.updated_at, tz),
        "monitoring_at": None,
        "resolved_at": stamp(m.completed_at, tz),
        "started_at": stamp(m.started_at or m.scheduled_for, tz),
        "shortlink": f"{page_url(page)}/maintenance/{m.public_id}/",
        "scheduled_for": stamp(m.scheduled_for, tz),
        "scheduled_until": stamp(m.scheduled_until, tz),
        "incident_updates": [update_object(u, page, m.public_id) for u in updates],
        "components": components,
    }


# Fields Statuspage's subscriber webhooks add to the incident object (§4.3).
WEBHOOK_INCIDENT_EXTRAS = {
    "postmortem_ignored": True,
    "postmortem_body": None,
    "postmortem_body_last_updated_at": None,
    "postmortem_published_at": None,
    "postmortem_notified_subscribers": False,
    "postmortem_notified_twitter": False,
    "backfilled": False,
    "impact_override": None,
    "scheduled_remind_prior": False,
    "scheduled_reminded_at": None,
    "scheduled_auto_in_progress": False,
    "scheduled_auto_completed": False,
}


def webhook_envelope(page: StatusPage, indicator: str, unsubscribe: str) -> dict[str, Any]:
    status = status_object(indicator)
    return {
        "meta": {
            "unsubscribe": unsubscribe,
            "documentation": f"{settings.BASE_URL}/status/{page.slug}/#subscribe",
            "generated_at": stamp(timezone.now(), zoneinfo.ZoneInfo("UTC")),
        },
        "page": {
            "id": page.public_id,
            "status_indicator": status["indicator"],
            "status_description": status["description"],
        },
    }
