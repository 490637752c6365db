"""The status codes and bodies a PagerDuty-compatible endpoint answers with.

Clients depend on them: ``pagerduty``/``pdpyras`` need ``dedup_key`` in every 202 for
``/v2/enqueue`` (acknowledge and resolve too), Zabbix's bundled script needs exactly 202 and
``"status": "success"``, and ``pagerduty`` 7.x retries a 429 forever, so answer 429 only to
ask for a real back-off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fixfirst.alerting.normalized import PayloadError


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def success(dedup_key: str) -> Reply:
    """202 for every accepted alert event: trigger, acknowledge and resolve."""
    return Reply(202, {"status": "success", "message": "Event processed", "dedup_key": dedup_key})


def invalid_event(errors: Iterable[str]) -> Reply:
    """400 with the validation errors (PagerDuty's body, as Alertmanager's tests quote it)."""
    return Reply(
        400,
        {"status": "invalid event", "message": "Event object is invalid", "errors": list(errors)},
    )


def invalid(error: PayloadError) -> Reply:
    return invalid_event(error.errors)


def unrecognized_object(detail: str = "JSON parse error") -> Reply:
    """400 for a body that is not JSON at all (the example of PagerDuty's OpenAPI Error)."""
    return Reply(
        400,
        {
            "status": "Unrecognized object",
            "message": "Event object format is unrecognized",
            "errors": [detail],
        },
    )


def change_success() -> Reply:
    """202 for an accepted change event. Clients only look at the status code (the GitHub
    action wants exactly 202); the body mirrors the alert one, without a dedup key."""
    return Reply(202, {"status": "success", "message": "Change event processed"})


def invalid_change_event(errors: Iterable[str]) -> Reply:
    """400 for a change event: the same scheme as alert events."""
    return invalid_event(errors)


def rate_limited(retry_after: int = 60) -> Reply:
    """429 (PagerDuty leaves the body unspecified): the Error schema, plus Retry-After."""
    return Reply(
        429,
        {
            "status": "throttle exceeded",
            "message": "Requests for this integration are arriving too quickly. Please retry later.",
            "errors": ["Too many API calls at a time"],
        },
        {"Retry-After": str(retry_after)},
    )
