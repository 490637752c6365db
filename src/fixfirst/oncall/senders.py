"""How each kind of contact method is reached. A sender turns one outgoing page (or a
verification code) into a durable ``notify`` Delivery, in the caller's transaction:

- email: the full text, with the one-click acknowledge link;
- SMS (through the gateway in ``FIXFIRST_SMS_GATEWAY``): the subject and the link, fitted;
- push (an ntfy topic, or its https URL on another server): title, text, the link as the
  click action, urgent priority for a page;
- webhook: a Standard Webhooks POST signed with the secret :func:`webhook_secret` derives for
  the address (shown to its owner on their on-call page).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from fixfirst.incidents.models import Incident
from fixfirst.notify.models import Delivery
from fixfirst.notify.services import queue_email, queue_push, queue_sms, queue_webhook
from fixfirst.notify.transports.ntfy import topic_url
from fixfirst.oncall.choices import ContactKind

# Push and SMS texts are for a lock screen: the start of the mail body is enough.
_PUSH_TEXT_CHARS = 1000


@dataclass(frozen=True)
class Outgoing:
    subject: str  # one line
    body: str  # the whole text, as mailed
    incident: Incident | None  # None: a verification code, not a page
    link: str = ""  # a page's one-click acknowledge link

    @property
    def reason(self) -> str:
        return "oncall.page" if self.incident is not None else "oncall.verify"


Sender = Callable[[str, Outgoing], Delivery]


def webhook_secret(address: str) -> str:
    """The signing secret (``whsec_...``) of a personal webhook address: derived from the
    installation's SECRET_KEY, so it needs no storage and changes if the key does."""
    key = hmac.new(
        settings.SECRET_KEY.encode(), f"fixfirst.oncall.webhook:{address}".encode(), hashlib.sha256
    ).digest()
    return "whsec_" + base64.b64encode(key).decode()


def _email(address: str, out: Outgoing) -> Delivery:
    return queue_email(
        to=address, subject=out.subject, body=out.body, reason=out.reason, incident=out.incident
    )


def _sms(address: str, out: Outgoing) -> Delivery:
    text = f"{out.subject} {out.link}".strip()
    return queue_sms(to=address, text=text, reason=out.reason, incident=out.incident)


def _push(address: str, out: Outgoing) -> Delivery:
    url = address if "://" in address else topic_url(address)
    return queue_push(
        topic_url=url, title=out.subject, text=out.body[:_PUSH_TEXT_CHARS], link=out.link,
        urgent=out.incident is not None, reason=out.reason, incident=out.incident,
    )  # fmt: skip


def _webhook(address: str, out: Outgoing) -> Delivery:
    data: dict[str, object] = {"subject": out.subject, "text": out.body}
    if out.incident is not None:
        incident = out.incident
        data["acknowledge_url"] = out.link
        data["incident"] = {
            "reference": incident.reference,
            "title": incident.title,
            "priority": f"P{incident.priority}",
            "status": incident.status,
            "customer": incident.customer.name,
        }
    payload = {"type": out.reason, "timestamp": timezone.now().isoformat(), "data": data}
    # Only provider staff have contact methods: like the channels staff configure, the
    # address may be on the provider's own network.
    return queue_webhook(
        url=address, payload=payload, secret=webhook_secret(address), reason=out.reason,
        incident=out.incident, allow_private=True,
    )  # fmt: skip


SENDERS: dict[str, Sender] = {
    ContactKind.EMAIL: _email,
    ContactKind.SMS: _sms,
    ContactKind.PUSH: _push,
    ContactKind.WEBHOOK: _webhook,
}
