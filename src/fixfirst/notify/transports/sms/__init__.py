"""SMS through any HTTP gateway, described by one request template in the settings.

::

    FIXFIRST_SMS_GATEWAY = {
        "url": "https://sms.example.com/v1/messages",   # may hold {to} and {message}
        "method": "POST",                               # default POST; GET sends no body
        "headers": {"Authorization": "Bearer ..."},     # values may hold {to} and {message}
        "content_type": "application/json",             # or application/x-www-form-urlencoded
        "body": '{"to": "{to}", "text": "{message}"}',
    }

(or the same as a JSON string). Placeholders are escaped for where they stand: percent-encoded
in the URL and in form bodies, JSON-string escaped in JSON bodies (the template supplies the
quotes), on one line in headers. The template is read when the message is sent, so credentials
stay in the settings and a corrected gateway sends the messages that were waiting. The gateway
is the operator's own configuration, so it may live on a private network.

Any 2xx is success; 4xx (bad number, refused) permanent; 429 and 5xx retried. Samples:
``samples/*.json``.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, quote_plus

from django.conf import settings

from fixfirst.notify.models import Delivery
from fixfirst.notify.transports import outbound
from fixfirst.notify.transports.base import TransportError

# Three concatenated GSM-7 segments; longer texts cost more and arrive in pieces.
MAX_LENGTH = 3 * 153
_PLACEHOLDER = re.compile(r"\{(to|message)\}")
_NUMBER = re.compile(r"^\+[1-9][0-9]{6,14}$")


def gateway() -> dict[str, Any] | None:
    """The configured gateway template, or None (then SMS channels are hidden)."""
    value = getattr(settings, "FIXFIRST_SMS_GATEWAY", None)
    if isinstance(value, str) and value.strip():
        value = json.loads(value)
    return value if isinstance(value, dict) and value.get("url") else None


def configured() -> bool:
    try:
        return gateway() is not None
    except ValueError:
        return False


def normalise_number(raw: str) -> str:
    """``+31 6 1234-5678`` or ``0031612345678`` -> ``+31612345678`` (E.164); else ValueError."""
    number = re.sub(r"[\s().\-/]", "", raw or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    if not _NUMBER.match(number):
        raise ValueError(f"{raw!r} is not a phone number in international form (+31...).")
    return number


def fit(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_LENGTH else text[: MAX_LENGTH - 1] + "…"


def _fill(template: str, values: dict[str, str], escape: Any) -> str:
    # One pass: a message that itself contains "{to}" is not filled in again.
    return _PLACEHOLDER.sub(lambda m: escape(values[m.group(1)]), template)


def _json_escape(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def build_request(gw: dict[str, Any], to: str, message: str) -> dict[str, Any]:
    """The request for one message: method, url, headers, content_type, body (bytes or None)."""
    values = {"to": to, "message": message}
    method = str(gw.get("method") or "POST").upper()
    content_type = str(gw.get("content_type") or "application/json")
    url = _fill(str(gw["url"]), values, lambda v: quote(v, safe=""))
    headers = {
        str(name): _fill(str(value), values, lambda v: " ".join(v.split()))
        for name, value in (gw.get("headers") or {}).items()
    }
    body: bytes | None = None
    if method != "GET" and gw.get("body"):
        if "json" in content_type:
            escape: Any = _json_escape
        elif "x-www-form-urlencoded" in content_type:
            escape = quote_plus
        else:
            escape = str
        body = _fill(str(gw["body"]), values, escape).encode()
    return {
        "method": method,
        "url": url,
        "headers": headers,
        "content_type": content_type,
        "body": body,
    }


def send(delivery: Delivery) -> None:
    try:
        gw = gateway()
    except ValueError as exc:
        raise TransportError(f"FIXFIRST_SMS_GATEWAY is not valid JSON: {exc}") from exc
    if gw is None:
        # Temporary: once an operator configures the gateway, waiting messages go out.
        raise TransportError("No SMS gateway is configured (FIXFIRST_SMS_GATEWAY).")
    try:
        to = normalise_number(delivery.recipient)
    except ValueError as exc:
        raise TransportError(str(exc), permanent=True) from exc
    req = build_request(gw, to, fit(delivery.body))
    answer = outbound.send(
        req["url"],
        req["body"] or b"",
        method=req["method"],
        content_type=req["content_type"],
        headers=req["headers"],
        allow_private=True,
    )
    outbound.check(answer)
