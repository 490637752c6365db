"""Mattermost incoming webhooks (INTEGRATIONS.md 6.3).

Slack-compatible, but without Block Kit: ``text`` (Markdown, ``**bold**``) plus Slack-style
``attachments`` with a colour bar, a title link and short fields. Mattermost answers 200 ``ok``;
a 4xx ("Unable to parse incoming data", "Couldn't find the channel") is permanent, 429 and 5xx
are retried. Samples: ``samples/*.json``.
"""

from __future__ import annotations

from typing import Any

from fixfirst.notify.models import Delivery
from fixfirst.notify.transports import outbound
from fixfirst.notify.transports.base import TransportError
from fixfirst.notify.transports.message import Message

RED, BLUE = "#D63232", "#1E88E5"
POST_MAX = 16383  # longer posts are split by Mattermost; ours never are


def render(message: Message) -> dict[str, Any]:
    attachment: dict[str, Any] = {
        "fallback": message.plain(),
        "color": RED if message.urgent else BLUE,
        "title": message.title,
    }
    if message.link:
        attachment["title_link"] = message.link
    if message.text:
        attachment["text"] = message.text[:POST_MAX]
    if message.facts:
        attachment["fields"] = [
            {"title": label, "value": value, "short": True} for label, value in message.facts
        ]
    text = f"**{message.title}**"
    if message.link:
        text += f" · [{message.link_label}]({message.link})"
    return {"text": text, "attachments": [attachment]}


def send(delivery: Delivery) -> None:
    url = (delivery.payload or {}).get("url", "")
    if not url:
        raise TransportError("The Mattermost channel has no webhook address.", permanent=True)
    answer = outbound.send(url, delivery.body.encode())
    outbound.check(answer)
