"""Slack incoming webhooks (INTEGRATIONS.md 6.1).

``text`` is the notification and accessibility fallback; Block Kit ``blocks`` carry the card.
Slack answers 200 ``ok``; errors are a plain-text code in the body, 4xx (``invalid_payload``,
``channel_is_archived``, ``no_service`` ...) permanent, 429 and 5xx (``rollup_error``) worth a
retry. Samples: ``samples/*.json``.
"""

from __future__ import annotations

from typing import Any

from fixfirst.notify.models import Delivery
from fixfirst.notify.transports import outbound
from fixfirst.notify.transports.base import TransportError
from fixfirst.notify.transports.message import Message

# Slack's error codes, with what the person who fixes the channel should do.
EXPLAIN = {
    "invalid_payload": "Slack could not read the message",
    "user_not_found": "the webhook's user no longer exists",
    "action_prohibited": "a Slack admin restricted posting to this channel",
    "channel_not_found": "the channel was deleted or the app removed from it",
    "channel_is_archived": "the channel is archived; unarchive it or use another webhook",
    "no_service": "the webhook was removed or disabled; create a new one",
    "no_team": "the Slack workspace no longer exists",
    "team_disabled": "the Slack workspace is disabled",
    "invalid_token": "the webhook address is no longer valid; create a new one",
}
HEADER_MAX = 150  # Block Kit: plain_text in a header block
SECTION_MAX = 3000  # Block Kit: text in a section block


def escape(text: str) -> str:
    """Slack's three control characters; everything else is shown as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(message: Message) -> dict[str, Any]:
    title, text = escape(message.title), escape(message.text)
    fallback = f"*{title}*" + (f"\n{text}" if text else "")
    if message.link:
        fallback += f"\n<{message.link}|{escape(message.link_label)}>"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(message.title, HEADER_MAX)}}
    ]
    if text:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, SECTION_MAX)}}
        )
    if message.facts:
        fields = [
            {"type": "mrkdwn", "text": f"*{escape(label)}*\n{escape(value)}"}
            for label, value in message.facts[:10]  # Slack allows ten fields per section
        ]
        blocks.append({"type": "section", "fields": fields})
    if message.link:
        button: dict[str, Any] = {
            "type": "button",
            "text": {"type": "plain_text", "text": _cut(message.link_label, 75)},
            "url": message.link,
        }
        if message.urgent:
            button["style"] = "danger"
        blocks.append({"type": "actions", "elements": [button]})
    return {"text": fallback, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


def send(delivery: Delivery) -> None:
    url = (delivery.payload or {}).get("url", "")
    if not url:
        raise TransportError("The Slack channel has no webhook address.", permanent=True)
    answer = outbound.send(url, delivery.body.encode())
    outbound.check(answer, EXPLAIN)
