"""PagerDuty change events (``POST /v2/change/enqueue``): a deploy, a config change.

Context for responders, not an alert: no ``event_action``, no ``dedup_key``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fixfirst.alerting.normalized import PayloadError
from fixfirst.alerting.sources.common import timestamp
from fixfirst.alerting.sources.pagerduty.checks import (
    check_images,
    check_links,
    check_routing_key,
    check_summary,
    event_object,
    missing,
    optional_text,
    raise_if,
)

MAX_SOURCE = 255  # ChangeEvent.source


@dataclass(frozen=True)
class ChangeEvent:
    summary: str
    source: str = ""
    timestamp: dt.datetime | None = None  # None: the caller uses the time of receipt
    custom_details: dict[str, Any] = field(default_factory=dict)
    links: list[dict[str, str]] = field(default_factory=list)


def parse_change(body: object) -> ChangeEvent:
    event = event_object(body)
    errors: list[str] = []
    check_routing_key(event, errors, change=True)
    payload = event.get("payload")
    if isinstance(payload, dict):
        summary = check_summary(payload, errors)
    else:
        errors.append(missing("payload") if payload is None else "'payload' must be an object")
        payload, summary = {}, ""
    source = optional_text(payload, "source", "payload.source", errors)
    when = None
    try:
        when = timestamp(payload.get("timestamp"), "payload.timestamp")
    except PayloadError:
        errors.append("'payload.timestamp' is invalid (must be an ISO 8601 timestamp)")
    links = check_links(event, errors)
    check_images(event, errors)  # listed by the OpenAPI; checked, not kept
    raise_if(errors)
    return ChangeEvent(
        summary=summary,
        source=source[:MAX_SOURCE],
        timestamp=when,
        custom_details=_details(payload.get("custom_details")),
        links=[{key: value for key, value in link.items() if value} for link in links],
    )


def _details(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    return value if isinstance(value, dict) else {"details": value}
