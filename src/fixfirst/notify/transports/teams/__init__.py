"""Microsoft Teams (INTEGRATIONS.md 6.2).

Two kinds of webhook address, chosen per channel (``config["teams_format"]``):

- ``workflow`` (default): a Power Automate "When a Teams webhook request is received" flow.
  Adaptive Cards only, in Alertmanager's ``msteamsv2_config`` shape; ``TextBlock.color`` takes
  named colours (``Attention`` for urgent). Flows answer 200 or 202: any 2xx is success, and
  card rendering errors show up in the flow's run history, not in the answer.
- ``connector``: a legacy Office 365 connector, which takes a ``MessageCard``.

4xx answers are permanent, 429 and 5xx retried. Samples: ``samples/*.json``.
"""

from __future__ import annotations

from typing import Any

from fixfirst.notify.models import Delivery
from fixfirst.notify.transports import outbound
from fixfirst.notify.transports.base import TransportError
from fixfirst.notify.transports.message import Message

WORKFLOW, CONNECTOR = "workflow", "connector"
FORMATS = (WORKFLOW, CONNECTOR)


def adaptive_card(message: Message) -> dict[str, Any]:
    heading: dict[str, Any] = {
        "type": "TextBlock", "text": message.title, "weight": "Bolder", "size": "Medium",
        "wrap": True, "style": "heading",
    }  # fmt: skip
    if message.urgent:
        heading["color"] = "Attention"
    body: list[dict[str, Any]] = [heading]
    if message.text:
        body.append({"type": "TextBlock", "text": message.text, "wrap": True})
    if message.facts:
        facts = [{"title": label, "value": value} for label, value in message.facts]
        body.append({"type": "FactSet", "facts": facts})
    content: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.2",
        "body": body,
        "msteams": {"width": "full"},
    }
    if message.link:
        content["actions"] = [
            {"type": "Action.OpenUrl", "title": message.link_label, "url": message.link}
        ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": content,
            }
        ],
    }


def message_card(message: Message) -> dict[str, Any]:
    card: dict[str, Any] = {
        "@type": "MessageCard",
        "@context": "http://schema.org/extensions",
        "title": message.title,
        "summary": message.title,
        "text": message.text or message.title,
        "themeColor": "D63232" if message.urgent else "1E88E5",
    }
    if message.facts:
        card["sections"] = [{"facts": [{"name": k, "value": v} for k, v in message.facts]}]
    if message.link:
        card["potentialAction"] = [
            {
                "@type": "OpenUri",
                "name": message.link_label,
                "targets": [{"os": "default", "uri": message.link}],
            }
        ]
    return card


def render(message: Message, teams_format: str = WORKFLOW) -> dict[str, Any]:
    return message_card(message) if teams_format == CONNECTOR else adaptive_card(message)


def send(delivery: Delivery) -> None:
    url = (delivery.payload or {}).get("url", "")
    if not url:
        raise TransportError("The Teams channel has no webhook address.", permanent=True)
    answer = outbound.send(url, delivery.body.encode())
    outbound.check(answer)
