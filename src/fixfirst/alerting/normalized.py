"""What every source's parser turns a payload into: the one shape the pipeline understands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class AlertAction(StrEnum):
    TRIGGER = "trigger"  # firing (new or repeated)
    ACKNOWLEDGE = "acknowledge"  # PagerDuty-style: someone is on it
    RESOLVE = "resolve"  # cleared
    # New information about an existing alert (a Zabbix comment, severity change or
    # unacknowledge): updates it, but never opens, reopens or resolves one.
    UPDATE = "update"


class Severity(StrEnum):
    CRITICAL = "critical"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class NormalizedAlert:
    """One alert from one payload.

    ``fingerprint`` identifies the alert within its integration: re-sends with the same
    fingerprint update one stored alert (dedup). ``labels`` drive routing, grouping and silences.
    """

    fingerprint: str
    action: AlertAction
    name: str
    summary: str = ""
    severity: Severity = Severity.WARNING
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    source_url: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


class PayloadError(ValueError):
    """The payload cannot be accepted; ``errors`` say what is wrong, for a 400 body."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or [message]
