"""The JSON our Zabbix webhook media type (``media_type.js``) posts: its parameters, resolved.

The fingerprint is ``event_id`` ({EVENT.ID}): in recovery and update messages Zabbix resolves
it to the *problem* event, so all three land on one alert. Actions follow Zabbix's own
PagerDuty media type: value 1 and no update = trigger, an update with the problem
acknowledged = acknowledge, value 0 = resolve; discovery and autoregistration events only
trigger. Other updates (comments, severity changes) are ``UPDATE``, which never reopens.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fixfirst.alerting.normalized import AlertAction, NormalizedAlert, PayloadError, Severity
from fixfirst.alerting.sources.common import (
    MAX_ANNOTATION_VALUE,
    MAX_LABELS,
    MAX_NAME,
    MAX_SUMMARY,
    bounded,
    clean,
    obj,
    str_map,
    timestamp,
)

# {EVENT.NSEVERITY} or {EVENT.SEVERITY}; mapped as Zabbix maps them to PagerDuty.
_SEVERITIES = {
    "0": Severity.INFO,  # Not classified
    "1": Severity.INFO,  # Information
    "2": Severity.WARNING,  # Warning
    "3": Severity.WARNING,  # Average
    "4": Severity.ERROR,  # High
    "5": Severity.CRITICAL,  # Disaster
    "not classified": Severity.INFO,
    "information": Severity.INFO,
    "warning": Severity.WARNING,
    "average": Severity.WARNING,
    "high": Severity.ERROR,
    "disaster": Severity.CRITICAL,
}
_NAMES = ("Not classified", "Information", "Warning", "Average", "High", "Disaster")
_ID = re.compile(r"[1-9][0-9]{0,19}")
_UNRESOLVED = re.compile(r"\{[A-Z0-9_.$#]+\}|\*UNKNOWN\*")  # a macro Zabbix left as it was
_SECRETS = ("token",)  # the script sends it as a header; dropped if a custom script does not
_ANNOTATIONS = (
    "message",
    "host_ip",
    "trigger_id",
    "recovery_id",
    "update_action",
    "update_message",
    "update_user",
    "event_date",
    "event_time",
)


def parse(body: object) -> list[NormalizedAlert]:
    event = obj(clean(body), "body")
    params = {key: _value(item) for key, item in event.items() if not isinstance(item, dict | list)}
    event_id = params.get("event_id", "")
    if not _ID.fullmatch(event_id):
        raise PayloadError(
            f"event_id must be a positive integer ({{EVENT.ID}}), not {event_id[:32]!r}"
        )
    source = params.get("event_source") or "0"
    if source not in ("0", "1", "2", "3"):
        raise PayloadError(
            f"event_source must be 0, 1, 2 or 3 ({{EVENT.SOURCE}}), not {source[:32]!r}"
        )
    value = params.get("event_value", "")
    if source in ("0", "3") and value not in ("0", "1"):
        raise PayloadError(f"event_value must be 0 or 1 ({{EVENT.VALUE}}), not {value[:32]!r}")
    update = params.get("event_update") or "0"
    if update not in ("0", "1"):
        raise PayloadError(
            f"event_update must be 0 or 1 ({{EVENT.UPDATE.STATUS}}), not {update[:32]!r}"
        )
    severity_key = params.get("severity", "").lower()
    severity = _SEVERITIES.get(severity_key, Severity.INFO)
    labels = _tags(event)
    if params.get("host"):
        labels.setdefault("host", params["host"])
    annotations = {key: params[key] for key in _ANNOTATIONS if params.get(key)}
    if severity_key in _SEVERITIES:
        annotations["zabbix_severity"] = _name(severity_key)
    name = params.get("event_name") or params.get("subject") or f"Zabbix event {event_id}"
    return [
        NormalizedAlert(
            fingerprint=event_id,
            action=_action(source, value, update, params.get("event_ack", "")),
            name=name[:MAX_NAME],
            summary=params.get("opdata", "")[:MAX_SUMMARY],
            severity=severity,
            labels=bounded(labels),
            annotations=bounded(annotations, MAX_ANNOTATION_VALUE),
            starts_at=timestamp(params.get("event_timestamp"), "event_timestamp"),
            source_url=_link(params, event_id) if source == "0" else "",
            raw={key: item for key, item in event.items() if key not in _SECRETS},
        )
    ]


def _value(item: Any) -> str:
    if item is None:
        return ""
    text = item.strip() if isinstance(item, str) else json.dumps(item)
    return "" if _UNRESOLVED.fullmatch(text) else text


def _action(source: str, value: str, update: str, ack: str) -> AlertAction:
    if source in ("1", "2"):
        return AlertAction.TRIGGER  # discovery and autoregistration events have no recovery
    if value == "0":
        return AlertAction.RESOLVE
    if update == "1":
        return AlertAction.ACKNOWLEDGE if ack.lower() == "yes" else AlertAction.UPDATE
    return AlertAction.TRIGGER


def _name(severity_key: str) -> str:
    return _NAMES[int(severity_key)] if severity_key.isdigit() else severity_key.capitalize()


def _link(params: dict[str, str], event_id: str) -> str:
    base, trigger = params.get("zabbix_url", "").rstrip("/"), params.get("trigger_id", "")
    if not base or not _ID.fullmatch(trigger):
        return ""
    return f"{base}/tr_events.php?triggerid={trigger}&eventid={event_id}"


def _tags(event: dict[str, Any]) -> dict[str, str]:
    """Event tags as labels, from {EVENT.TAGSJSON} when sent, else {EVENT.TAGS}
    ("name:value, name2:value2, bare"); a repeated tag keeps its values comma-joined."""
    pairs: list[tuple[str, str]] = []
    tags_json = event.get("event_tags_json")
    if isinstance(event.get("event_tags"), list):
        tags_json = event["event_tags"]
    if isinstance(tags_json, str) and tags_json.strip().startswith("["):
        try:
            tags_json = json.loads(tags_json)
        except ValueError:
            raise PayloadError("event_tags_json is not valid JSON ({EVENT.TAGSJSON})") from None
    if isinstance(tags_json, list):
        for i, tag in enumerate(tags_json):
            item = str_map(tag, f"event_tags_json[{i}]")
            pairs.append((item.get("tag", ""), item.get("value", "")))
    else:
        for part in _value(event.get("event_tags")).split(", "):
            name, _, tag_value = part.partition(":")
            pairs.append((name.strip(), tag_value.strip()))
    merged: dict[str, str] = {}
    for name, tag_value in pairs:
        if name:
            merged[name] = f"{merged[name]},{tag_value}" if name in merged else tag_value
    if len(merged) > MAX_LABELS:
        raise PayloadError(f"event_tags has {len(merged)} tags, more than the {MAX_LABELS} allowed")
    return merged
