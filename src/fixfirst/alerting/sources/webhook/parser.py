"""Any JSON alert, read through a field mapping of dotted paths (see README.md).

The body is an object (one alert), an array of objects, or, with ``items``, an object
holding the array. A path walks objects by key and arrays by index (``alerts.0.name``); keys
containing dots cannot be addressed. Unmapped or empty paths are skipped.
"""

from __future__ import annotations

import re
from typing import Any

from fixfirst.alerting.normalized import AlertAction, NormalizedAlert, PayloadError, Severity
from fixfirst.alerting.sources.common import (
    MAX_ANNOTATION_VALUE,
    MAX_KEY,
    MAX_LABEL_VALUE,
    MAX_LABELS,
    MAX_NAME,
    MAX_SUMMARY,
    clean,
    fingerprint,
    kind_of,
    labels_fingerprint,
    scalar_text,
    severity_from,
    str_map,
    text,
    timestamp,
)

_PATHS = {
    "items": "",
    "fingerprint": "id",
    "name": "name",
    "status": "status",
    "severity": "severity",
    "summary": "summary",
    "labels": "labels",
    "annotations": "annotations",
    "source_url": "url",
    "starts_at": "starts_at",
    "ends_at": "ends_at",
}
_LISTS = {
    "resolved_values": ["resolved", "ok", "up", "recovered", "closed", "normal", "inactive"],
    "acknowledged_values": ["acknowledged", "ack"],
    "required": ["name"],
}
DEFAULT_MAPPING: dict[str, Any] = {**_PATHS, **_LISTS, "severity_map": {}}
_INDEX = re.compile(r"[0-9]{1,9}")


def mapping_errors(mapping: object) -> list[str]:
    """What is wrong with a field mapping (for the integration form); [] when it is usable."""
    if not isinstance(mapping, dict):
        return [f"the field mapping must be an object, not {kind_of(mapping)}"]
    errors = [f"unknown mapping key {key!r}" for key in mapping if key not in DEFAULT_MAPPING]
    for key, value in mapping.items():
        if key in _PATHS and value is not None and not isinstance(value, str):
            errors.append(f"{key} must be a dotted path (a string)")
        elif key in _LISTS and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            errors.append(f"{key} must be an array of strings")
    paths = {**_PATHS, **{k: v for k, v in mapping.items() if k in _PATHS}}
    required = mapping.get("required", _LISTS["required"])
    if isinstance(required, list) and all(isinstance(key, str) for key in required):
        errors += [
            f"required: {key!r} is not a mapped field"
            for key in required
            if key not in _PATHS or key == "items" or not paths[key]
        ]
    severity_map = mapping.get("severity_map", {})
    severities = {s.value for s in Severity}
    if not isinstance(severity_map, dict) or not all(
        isinstance(v, str) and v in severities for v in severity_map.values()
    ):
        errors.append("severity_map must map values to critical, error, warning or info")
    return errors


def parse(body: object, mapping: dict[str, Any] | None = None) -> list[NormalizedAlert]:
    errors = mapping_errors(mapping or {})
    if errors:
        raise PayloadError("field mapping: " + "; ".join(errors), errors)
    config = {**DEFAULT_MAPPING, **(mapping or {})}
    data = clean(body)
    where = config["items"] or ""
    items = _get(data, where) if where else data
    if isinstance(items, dict):
        return [_alert(items, where or "body", config)]
    if not isinstance(items, list):
        raise PayloadError(
            f"{where or 'body'} must be an object or an array of objects, not {kind_of(items)}"
        )
    return [_alert(item, f"{where}[{i}]", config) for i, item in enumerate(items)]


def _get(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and _INDEX.fullmatch(part) and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def _alert(item: Any, field: str, config: dict[str, Any]) -> NormalizedAlert:
    if not isinstance(item, dict):
        raise PayloadError(f"{field} must be an object, not {kind_of(item)}")

    def value(key: str) -> Any:
        path = config[key]
        found = _get(item, path) if path else None
        if key in config["required"] and (found is None or found == ""):
            raise PayloadError(f"{field}.{path} is missing (mapped as {key})")
        return found

    def string(key: str) -> str:
        found = value(key)
        if isinstance(found, dict | list):
            raise PayloadError(f"{field}.{config[key]} must be a string, not {kind_of(found)}")
        return scalar_text(found)

    name, labels = string("name"), _labels(value("labels"), f"{field}.{config['labels']}")
    key = string("fingerprint")
    summary = string("summary")[:MAX_SUMMARY]
    return NormalizedAlert(
        fingerprint=fingerprint(key) if key else labels_fingerprint({"": name, **labels}),
        action=_action(string("status"), config),
        name=(name or summary or "Unnamed alert")[:MAX_NAME],
        summary=summary,
        severity=_severity(string("severity"), config["severity_map"]),
        labels=labels,
        annotations=str_map(
            value("annotations"), f"{field}.{config['annotations']}", max_value=MAX_ANNOTATION_VALUE
        ),
        starts_at=timestamp(value("starts_at"), f"{field}.{config['starts_at']}", epoch=True),
        ends_at=timestamp(value("ends_at"), f"{field}.{config['ends_at']}", epoch=True),
        source_url=text(value("source_url"), f"{field}.{config['source_url']}"),
        raw=item,
    )


def _action(status: str, config: dict[str, Any]) -> AlertAction:
    status = status.strip().lower()
    if status in {v.lower() for v in config["resolved_values"]}:
        return AlertAction.RESOLVE
    if status in {v.lower() for v in config["acknowledged_values"]}:
        return AlertAction.ACKNOWLEDGE
    return AlertAction.TRIGGER


def _severity(value: str, severity_map: dict[str, str]) -> Severity:
    mapped = severity_map.get(value) or severity_map.get(value.strip().lower())
    return Severity(mapped) if mapped else severity_from(value)


def _labels(value: Any, field: str) -> dict[str, str]:
    """An object, or tags: an array of "key:value" / "key=value" / "key" strings."""
    if not isinstance(value, list):
        return str_map(value, field)
    if len(value) > MAX_LABELS:
        raise PayloadError(f"{field} has {len(value)} entries, more than the {MAX_LABELS} allowed")
    labels: dict[str, str] = {}
    for i, tag in enumerate(value):
        if not isinstance(tag, str):
            raise PayloadError(f"{field}[{i}] must be a string, not {kind_of(tag)}")
        key, _, tag_value = tag.partition(":") if ":" in tag else tag.partition("=")
        if key.strip():
            labels[key.strip()[:MAX_KEY]] = tag_value.strip()[:MAX_LABEL_VALUE]
    return labels
