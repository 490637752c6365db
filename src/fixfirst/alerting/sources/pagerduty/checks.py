"""Validation shared by alert and change events, collecting every problem the way PagerDuty
answers a 400: ``errors`` is a list of strings naming the fields.

The wording follows PagerDuty's own answers where one is known ("Length of 'routing_key' is
incorrect (should be 32 characters)", "'payload.severity' is missing or blank").
"""

from __future__ import annotations

from typing import Any

from fixfirst.alerting.normalized import PayloadError
from fixfirst.alerting.sources.common import clean

ROUTING_KEY_LENGTH = 32
MAX_BODY_BYTES = 512 * 1024  # for the view: PagerDuty refuses larger events
MAX_SUMMARY = 1024
MAX_DEDUP_KEY = 255


def event_object(body: object) -> dict[str, Any]:
    event = clean(body)
    if not isinstance(event, dict):
        message = "Event object must be a JSON object"
        raise PayloadError(f"Event object is invalid: {message}", [message])
    return event


def raise_if(errors: list[str]) -> None:
    if errors:
        raise PayloadError("Event object is invalid: " + "; ".join(errors), errors)


def missing(name: str) -> str:
    return f"'{name}' is missing or blank"


def required_text(container: dict[str, Any], key: str, name: str, errors: list[str]) -> str:
    value = container.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(missing(name))
        return ""
    if not isinstance(value, str):
        errors.append(f"'{name}' must be a string")
        return ""
    return value


def optional_text(container: dict[str, Any], key: str, name: str, errors: list[str]) -> str:
    value = container.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.append(f"'{name}' must be a string")
        return ""
    return value


def check_routing_key(event: dict[str, Any], errors: list[str], *, change: bool = False) -> None:
    key = required_text(event, "routing_key", "routing_key", errors)
    if key and len(key) != ROUTING_KEY_LENGTH:
        errors.append("Length of 'routing_key' is incorrect (should be 32 characters)")
    elif key and change and key.startswith("R"):
        errors.append("Change events cannot be sent to ruleset routing keys (starting with 'R')")


def check_summary(payload: dict[str, Any], errors: list[str]) -> str:
    summary = required_text(payload, "summary", "payload.summary", errors)
    if len(summary) > MAX_SUMMARY:
        errors.append(f"'payload.summary' is too long (maximum is {MAX_SUMMARY} characters)")
    return summary


def check_links(event: dict[str, Any], errors: list[str]) -> list[dict[str, str]]:
    """``links[]``: ``href`` required, ``text`` optional. Returns the valid ones."""
    return _context(event, "links", "href", ("text",), errors)


def check_images(event: dict[str, Any], errors: list[str]) -> list[dict[str, str]]:
    """``images[]``: ``src`` required, ``href``/``alt`` optional.

    PagerDuty only displays HTTPS images; an ``http:`` src is not an error here (it is not one
    PagerDuty documents, and refusing it would drop the alert), it is just kept in raw.
    """
    return _context(event, "images", "src", ("href", "alt"), errors)


def _context(
    event: dict[str, Any], name: str, required: str, optional: tuple[str, ...], errors: list[str]
) -> list[dict[str, str]]:
    items = event.get(name)
    if items is None:
        return []
    if not isinstance(items, list):
        errors.append(f"'{name}' must be an array")
        return []
    result = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(f"'{name}[{i}]' must be an object")
            continue
        entry = {required: required_text(item, required, f"{name}[{i}].{required}", errors)}
        entry |= {key: optional_text(item, key, f"{name}[{i}].{key}", errors) for key in optional}
        result.append(entry)
    return result
