"""Grafana's webhook payload: Alertmanager's, plus rendered ``title``/``message`` per group
and links, query values and screenshots per alert.

Every ``version`` is accepted: Grafana sends "1", its Mimir-compatible integration "4", and the
shape is checked field by field anyway.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fixfirst.alerting.normalized import NormalizedAlert
from fixfirst.alerting.sources.alertmanager import group_alerts, parse_alert
from fixfirst.alerting.sources.common import MAX_ANNOTATION_VALUE, MAX_SUMMARY, str_map, text

# Per-alert fields shown as annotations when set (Grafana sends "" for unlinked panels).
_LINKS = ("silenceURL", "dashboardURL", "panelURL", "imageURL", "valueString")
_GROUP_FIELDS = ("groupKey", "externalURL", "title", "orgId", "state")
_MAX_MESSAGE = 4096
_DROPPED = ("embeddedImage",)  # a base64 screenshot: not worth storing per alert


def parse(body: object) -> list[NormalizedAlert]:
    group, alerts = group_alerts(body)
    extra: dict[str, Any] = {key: group[key] for key in _GROUP_FIELDS if key in group}
    message = text(group.get("message"), "message")
    if message:
        extra["message"] = message[:_MAX_MESSAGE]
    # The group's rendered title describes the alert best when it is alone in its group.
    title = text(group.get("title"), "title") if len(alerts) == 1 else ""
    return [_alert(alert, f"alerts[{i}]", extra, title) for i, alert in enumerate(alerts)]


def _alert(value: Any, field: str, extra: dict[str, Any], title: str) -> NormalizedAlert:
    alert = parse_alert(value, field, extra)
    links = {key: text(alert.raw.get(key), f"{field}.{key}") for key in _LINKS}
    shown = {key: link[:MAX_ANNOTATION_VALUE] for key, link in links.items() if link}
    values = str_map(alert.raw.get("values"), f"{field}.values")
    if values:
        shown["values"] = ", ".join(f"{ref}={values[ref]}" for ref in sorted(values))[
            :MAX_ANNOTATION_VALUE
        ]
    return dataclasses.replace(
        alert,
        summary=alert.summary or title[:MAX_SUMMARY],
        annotations={**shown, **alert.annotations},
        raw={key: item for key, item in alert.raw.items() if key not in _DROPPED},
    )
