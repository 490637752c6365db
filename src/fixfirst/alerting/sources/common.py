"""What every source parser shares: bounds, JSON cleaning, typed field access, timestamps.

Field names in error messages are JSON paths into the payload (``alerts[1].labels``), so the
sender can find the culprit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from typing import Any

from fixfirst.alerting.normalized import PayloadError, Severity

MAX_LABELS = 100  # per map (labels, annotations); more is refused, see str_map
MAX_KEY = 128
MAX_LABEL_VALUE = 1024
MAX_ANNOTATION_VALUE = 8192
MAX_NAME = 255  # Alert.name
MAX_SUMMARY = 1024  # PagerDuty's summary limit
MAX_FINGERPRINT = 255  # Alert.fingerprint
MAX_DEPTH = 64  # deeper JSON is cut off in raw

_SEVERITIES = {
    "critical": Severity.CRITICAL,
    "page": Severity.CRITICAL,
    "error": Severity.ERROR,
    "high": Severity.ERROR,
    "warning": Severity.WARNING,
    "warn": Severity.WARNING,
    "info": Severity.INFO,
    "low": Severity.INFO,
    "none": Severity.INFO,
}

# RFC 3339 / ISO 8601 as monitoring tools write it: 0-9 fraction digits, Z, +hh:mm, +hhmm, +hh.
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?"
)


def clean(value: Any, depth: int = 0) -> Any:
    """A copy that PostgreSQL can store: no NUL, no lone surrogates, no NaN, bounded depth."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if depth >= MAX_DEPTH:
        return "(nested too deep)"
    if isinstance(value, dict):
        return {clean_text(str(k)): clean(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v, depth + 1) for v in value]
    return clean_text(str(value))


def clean_text(text: str) -> str:
    text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def obj(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{field} must be an object, not {kind_of(value)}")
    return value


def array(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise PayloadError(f"{field} must be an array, not {kind_of(value)}")
    return value


def text(value: Any, field: str, *, required: bool = False) -> str:
    """A string field; absent or null is "" unless required."""
    if value is None or value == "":
        if required:
            raise PayloadError(f"{field} is missing or empty")
        return ""
    if not isinstance(value, str):
        raise PayloadError(f"{field} must be a string, not {kind_of(value)}")
    return value


def scalar_text(value: Any) -> str:
    """Any JSON value as label text: strings as they are, everything else as JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def str_map(
    value: Any, field: str, *, max_value: int = MAX_LABEL_VALUE, max_items: int = MAX_LABELS
) -> dict[str, str]:
    """A string -> string map. Scalars are stringified, null is ""; nested values are refused.

    Keys and values are cut to bounded lengths; more than ``max_items`` entries is an error,
    because silently dropping labels would change routing and silences.
    """
    if value is None:
        return {}
    items = obj(value, field)
    if len(items) > max_items:
        raise PayloadError(f"{field} has {len(items)} entries, more than the {max_items} allowed")
    result: dict[str, str] = {}
    for key, item in items.items():
        if isinstance(item, dict | list):
            raise PayloadError(f"{field}.{key} must be a string, not {kind_of(item)}")
        result[str(key)[:MAX_KEY]] = scalar_text(item)[:max_value]
    return result


def bounded(items: dict[str, str], max_value: int = MAX_LABEL_VALUE) -> dict[str, str]:
    """Cut an already-built map to the limits, keeping the first entries (for derived labels)."""
    result: dict[str, str] = {}
    for key, item in items.items():
        if len(result) >= MAX_LABELS:
            break
        result.setdefault(key[:MAX_KEY], item[:max_value])
    return result


def severity_from(value: Any, default: Severity = Severity.WARNING) -> Severity:
    """critical/page, error/high, warning/warn, info/low/none (any case); anything else: default."""
    if not isinstance(value, str):
        return default
    return _SEVERITIES.get(value.strip().lower(), default)


def timestamp(value: Any, field: str, *, epoch: bool = False) -> dt.datetime | None:
    """An aware UTC datetime; None when absent, empty or Go's zero time (0001-01-01T00:00:00Z).

    Without an offset, UTC is assumed. With ``epoch``, numbers are Unix seconds (or
    milliseconds, when larger than 10^11).
    """
    if value is None or value == "":
        return None
    if epoch and isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value / 1000 if abs(value) > 1e11 else value, dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise PayloadError(f"{field} is not a valid Unix timestamp: {value!r}") from None
    if not isinstance(value, str):
        raise PayloadError(f"{field} must be a timestamp string, not {kind_of(value)}")
    match = _TIMESTAMP.fullmatch(value.strip())
    if match is None:
        raise PayloadError(f"{field} is not an RFC 3339 timestamp: {value[:64]!r}")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    try:
        offset = dt.timedelta(hours=int(off_h or 0), minutes=int(off_m or 0))
        zone = dt.UTC if zulu or not sign else dt.timezone(-offset if sign == "-" else offset)
        micro = int((fraction or "0").ljust(6, "0")[:6])
        parsed = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, zone
        )
        if parsed.year == 1:  # Go's zero time: "not set"
            return None
        return parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise PayloadError(f"{field} is not a valid timestamp: {value[:64]!r}") from None


def fingerprint(value: str) -> str:
    """The value itself, or a digest of it when longer than the stored column allows."""
    if len(value) <= MAX_FINGERPRINT:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def labels_fingerprint(labels: dict[str, str]) -> str:
    """A stable 16-hex-digit fingerprint of a label set (the length Alertmanager uses)."""
    canonical = json.dumps(sorted(labels.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
