"""Alertmanager's webhook payload: a group of alerts, each firing or resolved on its own.

One NormalizedAlert per element of ``alerts``; a message can mix firing and resolved alerts.
Each alert's ``labels`` are complete (``commonLabels`` is only their intersection).
"""

from __future__ import annotations

import sys
from typing import Any

from fixfirst.alerting.normalized import AlertAction, NormalizedAlert, PayloadError
from fixfirst.alerting.sources.common import (
    MAX_ANNOTATION_VALUE,
    MAX_NAME,
    MAX_SUMMARY,
    array,
    bounded,
    clean,
    fingerprint,
    labels_fingerprint,
    obj,
    severity_from,
    str_map,
    text,
    timestamp,
)

_ACTIONS = {"firing": AlertAction.TRIGGER, "resolved": AlertAction.RESOLVE}
# Group fields copied into every alert's raw, so an alert can be traced to its notification.
_GROUP_FIELDS = ("groupKey", "externalURL")


def parse(body: object) -> list[NormalizedAlert]:
    group, alerts = group_alerts(body)
    extra = {key: group[key] for key in _GROUP_FIELDS if isinstance(group.get(key), str)}
    return [parse_alert(alert, f"alerts[{i}]", extra) for i, alert in enumerate(alerts)]


def group_alerts(body: object) -> tuple[dict[str, Any], list[Any]]:
    """The cleaned top-level object and its ``alerts`` array (shared with Grafana)."""
    group = obj(clean(body), "body")
    if "alerts" not in group:
        raise PayloadError("alerts is missing: not an Alertmanager-style webhook payload")
    return group, array(group["alerts"], "alerts")


def parse_alert(value: Any, field: str, extra_raw: dict[str, Any]) -> NormalizedAlert:
    alert = obj(value, field)
    status = text(alert.get("status"), f"{field}.status", required=True)
    if status not in _ACTIONS:
        raise PayloadError(f'{field}.status must be "firing" or "resolved", not {status[:32]!r}')
    if "labels" not in alert:
        raise PayloadError(f"{field}.labels is missing")
    full_labels = str_map(
        obj(alert["labels"], f"{field}.labels"), f"{field}.labels", max_value=sys.maxsize
    )
    labels = bounded(full_labels)
    annotations = str_map(
        alert.get("annotations"), f"{field}.annotations", max_value=MAX_ANNOTATION_VALUE
    )
    summary = (annotations.get("summary") or annotations.get("description") or "")[:MAX_SUMMARY]
    key = text(alert.get("fingerprint"), f"{field}.fingerprint")
    return NormalizedAlert(
        fingerprint=fingerprint(key) if key else labels_fingerprint(full_labels),
        action=_ACTIONS[status],
        name=(labels.get("alertname") or summary or "Unnamed alert")[:MAX_NAME],
        summary=summary,
        severity=severity_from(labels.get("severity")),
        labels=labels,
        annotations=annotations,
        starts_at=timestamp(alert.get("startsAt"), f"{field}.startsAt"),
        ends_at=timestamp(alert.get("endsAt"), f"{field}.endsAt"),
        source_url=text(alert.get("generatorURL"), f"{field}.generatorURL"),
        raw={**alert, **extra_raw},
    )
