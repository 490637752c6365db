"""PagerDuty Events API v2 alert events (``POST /v2/enqueue``): trigger, acknowledge, resolve.

The fingerprint is the ``dedup_key`` (PagerDuty dedups per routing key, and a routing key is
one integration here). A trigger without one gets a fresh key, which the caller must return
in the 202 body. ``routing_key`` authenticates the sender, so it is left out of ``raw``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fixfirst.alerting.normalized import AlertAction, NormalizedAlert, PayloadError, Severity
from fixfirst.alerting.sources.common import (
    MAX_ANNOTATION_VALUE,
    MAX_NAME,
    MAX_SUMMARY,
    bounded,
    scalar_text,
    timestamp,
)
from fixfirst.alerting.sources.pagerduty.checks import (
    MAX_DEDUP_KEY,
    check_images,
    check_links,
    check_routing_key,
    check_summary,
    event_object,
    missing,
    optional_text,
    raise_if,
    required_text,
)

ACTIONS = {
    "trigger": AlertAction.TRIGGER,
    "acknowledge": AlertAction.ACKNOWLEDGE,
    "resolve": AlertAction.RESOLVE,
}
SEVERITIES = {
    s.value: s for s in (Severity.CRITICAL, Severity.ERROR, Severity.WARNING, Severity.INFO)
}
_STANDARD = ("source", "component", "group", "class")  # payload fields that become labels


@dataclass(frozen=True)
class _Payload:
    summary: str = ""
    severity: Severity = Severity.WARNING
    timestamp: dt.datetime | None = None
    standard: tuple[tuple[str, str], ...] = ()
    details: Any = None


def _new_key() -> str:
    return uuid.uuid4().hex


def routing_key_of(body: object) -> str:
    """The routing key a body names ("" when it has none): who sent it, for the view."""
    key = body.get("routing_key") if isinstance(body, dict) else None
    return key if isinstance(key, str) else ""


def parse(body: object, *, new_dedup_key: Callable[[], str] = _new_key) -> list[NormalizedAlert]:
    event = event_object(body)
    errors: list[str] = []
    check_routing_key(event, errors)
    action = _action(event, errors)
    dedup_key = _dedup_key(event, action, errors)
    if action == "trigger":
        payload = _strict_payload(event.get("payload"), errors)
    else:  # acknowledge/resolve need no payload; Alertmanager sends one anyway
        payload = _lenient_payload(event.get("payload"))
    check_links(event, errors)
    check_images(event, errors)
    client = optional_text(event, "client", "client", errors)
    client_url = optional_text(event, "client_url", "client_url", errors)
    raise_if(errors)
    dedup_key = dedup_key or new_dedup_key()
    std = dict(payload.standard)
    labels = bounded(
        {**std, **{k: v for k, v in _flatten(payload.details).items() if k not in std}}
    )
    annotations = {
        key: value for key, value in (("client", client), ("client_url", client_url)) if value
    }
    return [
        NormalizedAlert(
            fingerprint=dedup_key,
            action=ACTIONS[action],
            name=(payload.summary or std.get("class") or dedup_key)[:MAX_NAME],
            summary=payload.summary,
            severity=payload.severity,
            labels=labels,
            annotations=bounded(annotations, MAX_ANNOTATION_VALUE),
            starts_at=payload.timestamp,
            source_url=client_url,
            raw={key: value for key, value in event.items() if key != "routing_key"},
        )
    ]


def _action(event: dict[str, Any], errors: list[str]) -> str:
    action = required_text(event, "event_action", "event_action", errors)
    if action and action not in ACTIONS:
        errors.append("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)")
        return ""
    return action


def _dedup_key(event: dict[str, Any], action: str, errors: list[str]) -> str:
    value = event.get("dedup_key")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a template that forgot the quotes around {EVENT.ID}
    if value is not None and not isinstance(value, str):
        errors.append("'dedup_key' must be a string")
        return ""
    key = value if value and value.strip() else ""
    if len(key) > MAX_DEDUP_KEY:
        errors.append(f"'dedup_key' is too long (maximum is {MAX_DEDUP_KEY} characters)")
    elif not key and action in ("acknowledge", "resolve"):
        errors.append(missing("dedup_key"))
    return key


def _strict_payload(value: Any, errors: list[str]) -> _Payload:
    if value is None:
        errors.append(missing("payload"))
        return _Payload()
    if not isinstance(value, dict):
        errors.append("'payload' must be an object")
        return _Payload()
    summary = check_summary(value, errors)
    required_text(value, "source", "payload.source", errors)
    severity = required_text(value, "severity", "payload.severity", errors)
    if severity and severity not in SEVERITIES:
        errors.append(
            "'payload.severity' is invalid (must be one of: critical, error, warning, info)"
        )
    standard = [(key, optional_text(value, key, f"payload.{key}", errors)) for key in _STANDARD]
    when = None
    try:
        when = timestamp(value.get("timestamp"), "payload.timestamp")
    except PayloadError:
        errors.append("'payload.timestamp' is invalid (must be an ISO 8601 timestamp)")
    return _Payload(
        summary=summary,
        severity=SEVERITIES.get(severity, Severity.WARNING),
        timestamp=when,
        standard=tuple((key, text) for key, text in standard if text),
        details=value.get("custom_details"),
    )


def _lenient_payload(value: Any) -> _Payload:
    """What an acknowledge or resolve says about its alert, ignoring whatever is malformed."""
    if not isinstance(value, dict):
        return _Payload()
    strings = {key: item for key, item in value.items() if isinstance(item, str)}
    try:
        when = timestamp(strings.get("timestamp"), "payload.timestamp")
    except PayloadError:
        when = None
    return _Payload(
        summary=strings.get("summary", "")[:MAX_SUMMARY],
        severity=SEVERITIES.get(strings.get("severity", ""), Severity.WARNING),
        timestamp=when,
        standard=tuple((key, strings[key]) for key in _STANDARD if strings.get(key)),
        details=value.get("custom_details"),
    )


def _flatten(details: Any) -> dict[str, str]:
    """custom_details as labels: one level of nesting becomes ``outer.inner``; deeper values
    and arrays are JSON text."""
    if details is None:
        return {}
    if not isinstance(details, dict):
        return {"custom_details": scalar_text(details)}
    flat: dict[str, str] = {}
    for key in sorted(details):
        item = details[key]
        if isinstance(item, dict):
            flat.update({f"{key}.{sub}": scalar_text(item[sub]) for sub in sorted(item)})
        else:
            flat[key] = scalar_text(item)
    return flat
