"""Queueing outbound messages, and the actions people take on them.

``queue_email`` joins the caller's transaction: the delivery row and its send task commit
with the change that caused them, or neither exists.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fixfirst.audit.log import record, snapshot
from fixfirst.notify import tasks
from fixfirst.notify.channels import CHAT_KINDS, Channel, ChannelKind
from fixfirst.notify.models import Delivery, DeliveryStatus, TransportKind
from fixfirst.notify.transports import mattermost, ntfy, slack, sms, teams
from fixfirst.notify.transports.message import Message
from fixfirst.notify.transports.webhook.signing import key_of

if TYPE_CHECKING:
    from fixfirst.incidents.models import Incident
    from fixfirst.tenancy.models import Customer, User

# RFC 5322 field names: printable ASCII except the colon.
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")
# Set by the transport from the delivery itself; a caller's header must not contradict them.
_RESERVED_HEADERS = {"bcc", "cc", "from", "message-id", "reply-to", "subject", "to"}
_MAX_SUBJECT = Delivery._meta.get_field("subject").max_length or 998
_MAX_REASON = Delivery._meta.get_field("reason").max_length or 40


def _one_line(value: str) -> bool:
    return "\r" not in value and "\n" not in value


def _check_address(value: str) -> str:
    value = (value or "").strip()
    validate_email(value)
    if not _one_line(value):
        raise ValidationError(_("Enter a single email address."))
    return value


def _check_headers(headers: dict[str, Any]) -> dict[str, str]:
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise ValidationError(_("%(name)s is not a valid header name.") % {"name": repr(name)})
        if name.lower() in _RESERVED_HEADERS:
            raise ValidationError(_("The %(name)s header is set by FixFirst.") % {"name": name})
        if not isinstance(value, str) or not _one_line(value):
            raise ValidationError(
                _("The %(name)s header must be a single line of text.") % {"name": name}
            )
    return dict(headers)


@transaction.atomic
def queue_email(
    *,
    to: str,
    subject: str,
    body: str,
    reason: str,
    incident: Incident | None = None,
    customer: Customer | None = None,
    html_body: str = "",
    reply_to: str | None = None,
    headers: dict[str, str] | None = None,
) -> Delivery:
    """Record an email and queue its sending, in the caller's transaction."""
    errors: dict[str, Any] = {}
    payload: dict[str, Any] = {}
    try:
        to = _check_address(to)
    except ValidationError as exc:
        errors["recipient"] = exc.messages
    if not subject or not _one_line(subject) or len(subject) > _MAX_SUBJECT:
        errors["subject"] = [
            _("Enter a single line of at most %(max)s characters.") % {"max": _MAX_SUBJECT}
        ]
    if not reason or len(reason) > _MAX_REASON:
        errors["reason"] = [
            _("Give a reason code of at most %(max)s characters.") % {"max": _MAX_REASON}
        ]
    if reply_to:
        try:
            payload["reply_to"] = [_check_address(reply_to)]
        except ValidationError as exc:
            errors["reply_to"] = exc.messages
    if headers:
        try:
            payload["headers"] = _check_headers(headers)
        except ValidationError as exc:
            errors["headers"] = exc.messages
    if incident is not None:
        if customer is None:
            customer = incident.customer
        elif customer.pk != incident.customer_id:
            errors["customer"] = [_("The incident belongs to another customer.")]
    if errors:
        raise ValidationError(errors)
    delivery = Delivery.objects.create(
        customer=customer,
        incident=incident,
        transport=TransportKind.EMAIL,
        recipient=to,
        subject=subject,
        body=body,
        html_body=html_body,
        payload=payload,
        reason=reason,
    )
    tasks.enqueue_send(delivery)
    return delivery


_MAX_RECIPIENT = Delivery._meta.get_field("recipient").max_length or 254
MAX_WEBHOOK_URL = 1000
# Standard Webhooks suggests keeping payloads small; receivers often cap request bodies.
MAX_WEBHOOK_BYTES = 256 * 1024


def check_webhook_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_WEBHOOK_URL:
        raise ValidationError(
            _("Enter an http(s) address of at most %(max)s characters.") % {"max": MAX_WEBHOOK_URL}
        )
    if parts.username or parts.password:
        raise ValidationError(_("Put no user name or password in the address."))
    if not _one_line(url) or " " in url:
        raise ValidationError(_("Enter a single address."))
    return url


@transaction.atomic
def queue_webhook(
    *,
    url: str,
    payload: dict[str, Any],
    secret: str,
    reason: str,
    incident: Incident | None = None,
    customer: Customer | None = None,
    allow_private: bool = False,
) -> Delivery:
    """Record a signed JSON POST (Standard Webhooks) and queue it, in the caller's transaction.

    The JSON is serialised once, here, so every retry sends (and signs) the same bytes.
    ``allow_private`` lets the webhook reach loopback and private networks: only for
    addresses staff entered, never for ones the public typed.
    """
    errors: dict[str, Any] = {}
    try:
        url = check_webhook_url(url)
    except ValidationError as exc:
        errors["url"] = exc.messages
    try:
        key_of(secret or "")
        if not secret:
            raise ValueError
    except ValueError:
        errors["secret"] = [_("Give a whsec_ secret (base64 after the prefix).")]
    if not reason or len(reason) > _MAX_REASON:
        errors["reason"] = [
            _("Give a reason code of at most %(max)s characters.") % {"max": _MAX_REASON}
        ]
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)
    if len(body.encode()) > MAX_WEBHOOK_BYTES:
        errors["payload"] = [
            _("The payload is larger than %(size)s KB.") % {"size": MAX_WEBHOOK_BYTES // 1024}
        ]
    if incident is not None:
        if customer is None:
            customer = incident.customer
        elif customer.pk != incident.customer_id:
            errors["customer"] = [_("The incident belongs to another customer.")]
    if errors:
        raise ValidationError(errors)
    delivery = Delivery.objects.create(
        customer=customer,
        incident=incident,
        transport=TransportKind.WEBHOOK,
        recipient=url[:_MAX_RECIPIENT],
        subject=reason,
        body=body,
        payload={"url": url, "secret": secret, "allow_private": allow_private},
        reason=reason,
    )
    tasks.enqueue_send(delivery)
    return delivery


_RETRY_FIELDS = ["status", "attempt_count", "next_attempt_at"]


@transaction.atomic
def retry_now(delivery: Delivery, *, by: User) -> Delivery:
    """Send a failed or waiting delivery again now, with a fresh set of attempts."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status not in (DeliveryStatus.PENDING, DeliveryStatus.FAILED):
        raise ValidationError(
            {"status": _("The delivery is already %(status)s.") % {"status": delivery.status}}
        )
    before = snapshot(delivery, _RETRY_FIELDS)
    delivery.status = DeliveryStatus.PENDING
    delivery.attempt_count = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=_RETRY_FIELDS)
    tasks.enqueue_send(delivery)
    record(
        "delivery.retry", delivery, by=by, before=before, after=snapshot(delivery, _RETRY_FIELDS)
    )
    return delivery


# --- channels: chat, SMS, push (docs/notifications.md, "Transports") ----------------------

_CHAT_RENDER = {ChannelKind.SLACK: slack.render, ChannelKind.MATTERMOST: mattermost.render}


def _owner_of(incident: Incident | None, customer: Customer | None) -> Customer | None:
    if incident is None:
        return customer
    if customer is not None and customer.pk != incident.customer_id:
        raise ValidationError({"customer": _("The incident belongs to another customer.")})
    return incident.customer


def _check_message(title: str, reason: str) -> None:
    errors: dict[str, Any] = {}
    if not (title or "").strip() or not _one_line(title) or len(title) > _MAX_SUBJECT:
        errors["title"] = [
            _("Enter a single line of at most %(max)s characters.") % {"max": _MAX_SUBJECT}
        ]
    if not reason or len(reason) > _MAX_REASON:
        errors["reason"] = [
            _("Give a reason code of at most %(max)s characters.") % {"max": _MAX_REASON}
        ]
    if errors:
        raise ValidationError(errors)


def _queue(channel: Channel | None, **fields: Any) -> Delivery:
    if channel is not None:
        fields["payload"] = {**fields.get("payload", {}), "channel": channel.pk}
    fields["recipient"] = fields["recipient"][:_MAX_RECIPIENT]
    delivery = Delivery.objects.create(**fields)
    tasks.enqueue_send(delivery)
    return delivery


def _tag(delivery: Delivery, channel: Channel) -> Delivery:
    """A delivery another queue function made, marked as sent on behalf of ``channel``."""
    delivery.payload = {**delivery.payload, "channel": channel.pk}
    Delivery.objects.filter(pk=delivery.pk).update(payload=delivery.payload)
    return delivery


@transaction.atomic
def queue_sms(
    *,
    to: str,
    text: str,
    reason: str,
    incident: Incident | None = None,
    customer: Customer | None = None,
    channel: Channel | None = None,
) -> Delivery:
    """An SMS through the gateway in FIXFIRST_SMS_GATEWAY, in the caller's transaction."""
    try:
        number = sms.normalise_number(to)
    except ValueError as exc:
        raise ValidationError({"to": str(exc)}) from exc
    first_line = (text or "").strip().split("\n", 1)[0]
    _check_message(first_line, reason)
    return _queue(
        channel, customer=_owner_of(incident, customer), incident=incident,
        transport=TransportKind.SMS, recipient=number, subject=first_line,
        body=sms.fit(text), reason=reason,
    )  # fmt: skip


@transaction.atomic
def queue_push(
    *,
    topic_url: str,
    title: str,
    reason: str,
    text: str = "",
    link: str = "",
    urgent: bool = False,
    token: str = "",
    incident: Incident | None = None,
    customer: Customer | None = None,
    channel: Channel | None = None,
    facts: tuple[tuple[str, str], ...] = (),
) -> Delivery:
    """A push message to an ntfy topic (``ntfy.topic_url(topic, server)``)."""
    url = check_webhook_url(topic_url)
    _check_message(title, reason)
    rendered = ntfy.render(Message(title, text, link, urgent=urgent, facts=facts))
    payload: dict[str, Any] = {"url": url, "headers": rendered["headers"]}
    if token:
        payload["token"] = token
    return _queue(
        channel, customer=_owner_of(incident, customer), incident=incident,
        transport=TransportKind.NTFY, recipient=url, subject=title, body=rendered["body"],
        payload=payload, reason=reason,
    )  # fmt: skip


@transaction.atomic
def queue_to_channel(
    channel: Channel,
    *,
    title: str,
    reason: str,
    text: str = "",
    link: str = "",
    link_label: str = "Open",
    urgent: bool = False,
    facts: tuple[tuple[str, str], ...] = (),
    incident: Incident | None = None,
    customer: Customer | None = None,
) -> list[Delivery]:
    """Post one message to ``channel`` (every number or address it has), in the caller's
    transaction; the same durable deliveries and retries as email. An inactive channel gets
    nothing. The message is rendered for the channel's service now, so retries send the same
    bytes."""
    if not channel.is_active:
        return []
    customer = _owner_of(incident, customer) or channel.customer
    if channel.customer_id is not None and channel.customer_id != getattr(customer, "pk", None):
        raise ValidationError({"channel": _("The channel belongs to another customer.")})
    _check_message(title, reason)
    message = Message(title, text, link, link_label, urgent=urgent, facts=tuple(facts))
    config: dict[str, Any] = channel.config or {}
    owner = {"incident": incident, "customer": customer, "reason": reason}
    if channel.kind in CHAT_KINDS:
        if channel.kind == ChannelKind.TEAMS:
            data = teams.render(message, config.get("teams_format", teams.WORKFLOW))
        else:
            data = _CHAT_RENDER[ChannelKind(channel.kind)](message)
        body = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        return [
            _queue(
                channel,
                transport=channel.kind,
                recipient=str(channel),
                subject=title,
                body=body,
                payload={"url": config.get("url", "")},
                **owner,
            )  # fmt: skip
        ]
    if channel.kind == ChannelKind.SMS:
        return [
            queue_sms(to=number, text=message.plain(), channel=channel, **owner)
            for number in config.get("numbers", [])
        ]
    if channel.kind == ChannelKind.NTFY:
        url = ntfy.topic_url(config.get("topic", ""), config.get("server", ""))
        return [
            queue_push(
                topic_url=url,
                title=title,
                text=text,
                link=link,
                urgent=urgent,
                token=config.get("token", ""),
                facts=message.facts,
                channel=channel,
                **owner,
            )  # fmt: skip
        ]
    if channel.kind == ChannelKind.WEBHOOK:
        envelope = {
            "type": reason,
            "timestamp": timezone.now().isoformat(),
            "data": {
                "title": title, "text": text, "link": link, "urgent": urgent,
                "facts": dict(message.facts),
                "incident": incident.reference if incident else None,
                "customer": customer.slug if customer else None,
            },
        }  # fmt: skip
        delivery = queue_webhook(
            url=config.get("url", ""), payload=envelope, secret=config.get("secret", ""), **owner
        )
        return [_tag(delivery, channel)]
    return [
        _tag(queue_email(to=address, subject=title, body=message.plain(), **owner), channel)
        for address in config.get("addresses", [])
    ]
