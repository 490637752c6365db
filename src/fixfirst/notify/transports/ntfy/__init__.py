"""Push notifications through ntfy (https://ntfy.sh or a self-hosted server).

``POST <server>/<topic>`` with the message as the body and ``Title``, ``Priority``, ``Tags`` and
``Click`` headers; an access token, if the topic needs one, as ``Authorization: Bearer``.
Non-ASCII header values are sent as RFC 2047 encoded words, which ntfy decodes. ntfy answers
200 with the message as JSON; 4xx (unknown topic, no access, too large) is permanent, 429 and
5xx are retried. Samples: ``samples/*.json``.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from django.conf import settings

from fixfirst.notify.models import Delivery
from fixfirst.notify.transports import outbound
from fixfirst.notify.transports.base import TransportError
from fixfirst.notify.transports.message import Message

DEFAULT_SERVER = "https://ntfy.sh"
TOPIC = re.compile(r"^[-_A-Za-z0-9]{1,64}$")  # what ntfy accepts as a topic name
MAX_BODY = 4096  # ntfy turns longer messages into attachments


def default_server() -> str:
    return str(getattr(settings, "FIXFIRST_NTFY_SERVER", "") or DEFAULT_SERVER).rstrip("/")


def topic_url(topic: str, server: str = "") -> str:
    if not TOPIC.match(topic or ""):
        raise ValueError("A topic is 1-64 letters, digits, '-' or '_'.")
    return f"{(server or default_server()).rstrip('/')}/{topic}"


def header_value(text: str) -> str:
    """One line; RFC 2047 base64 when it is not plain ASCII (HTTP headers are Latin-1 at best)."""
    text = " ".join(text.split())
    if text.isascii():
        return text
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def render(message: Message) -> dict[str, Any]:
    """``{"headers": {...}, "body": "..."}``: what is sent, decided once at queueing time."""
    headers = {
        "Title": header_value(message.title[:250]),
        "Priority": "urgent" if message.urgent else "default",
        "Tags": "rotating_light" if message.urgent else "information_source",
    }
    if message.link:
        headers["Click"] = message.link
    body = message.plain(with_link=False) if message.text or message.facts else message.title
    # The title is in its own header; the body starts after it.
    body = body.split("\n", 1)[1] if "\n" in body else body
    return {"headers": headers, "body": body[:MAX_BODY]}


def send(delivery: Delivery) -> None:
    payload = delivery.payload or {}
    url = payload.get("url", "")
    if not url:
        raise TransportError("The ntfy channel has no topic address.", permanent=True)
    headers = dict(payload.get("headers") or {})
    if payload.get("token"):
        headers["Authorization"] = f"Bearer {payload['token']}"
    answer = outbound.send(
        url, delivery.body.encode(), content_type="text/plain; charset=utf-8", headers=headers
    )
    outbound.check(answer)
