"""Signed generic webhooks: JSON POSTed with Standard Webhooks headers.

``delivery.body`` holds the exact JSON text (signed as sent, never re-serialised);
``delivery.payload`` holds ``{"url", "secret", "allow_private"}``. The ``webhook-id`` stays the
same on every retry so that receivers can drop duplicates; the timestamp is the attempt's own.
"""

from __future__ import annotations

import time

from fixfirst.notify.models import Delivery
from fixfirst.notify.transports import outbound
from fixfirst.notify.transports.base import TransportError
from fixfirst.notify.transports.webhook import signing


def message_id(delivery: Delivery) -> str:
    """``msg_<uuid hex>`` from the delivery's stable message id."""
    inner = delivery.message_id.strip("<>").split("@", 1)[0].removeprefix("delivery-")
    return "msg_" + inner.replace("-", "")


def send(delivery: Delivery) -> None:
    payload = delivery.payload or {}
    url, secret = payload.get("url", ""), payload.get("secret", "")
    if not url or not secret:
        raise TransportError("The webhook has no address or no secret.", permanent=True)
    body = delivery.body.encode()
    msg_id, timestamp = message_id(delivery), int(time.time())
    try:
        signature = signing.sign(secret, msg_id, timestamp, body)
    except ValueError as exc:
        raise TransportError(str(exc), permanent=True) from exc
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }
    # fixfirst.net: timeouts, size limit, no redirects, SSRF guard; outbound.check: 2xx sent,
    # 3xx and 4xx (but 408/425/429) permanent, the rest retried.
    answer = outbound.send(
        url, body, headers=headers, allow_private=bool(payload.get("allow_private"))
    )
    outbound.check(answer)
