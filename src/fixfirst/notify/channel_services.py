"""Every change to a channel: add, change, remove, send a test message. One transaction each,
each with its audit entry. Posting to a channel is ``notify.services.queue_to_channel``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fixfirst.audit.log import record
from fixfirst.notify import services
from fixfirst.notify.channels import CHAT_KINDS, Channel, ChannelKind
from fixfirst.notify.models import Delivery
from fixfirst.notify.transports import ntfy, sms, teams
from fixfirst.notify.transports.webhook.signing import key_of
from fixfirst.tenancy.models import Customer, Team

MAX_TARGETS = 20  # numbers or addresses in one channel: a channel is a room, not a mailing list
# Settings a person may read back; the rest (addresses with keys, secrets, tokens) is masked.
_SHOWN = ("teams_format", "numbers", "addresses", "server", "topic")


def available_kinds() -> list[ChannelKind]:
    """The kinds that can be used here: SMS only with a gateway configured (STYLE example 10)."""
    return [k for k in ChannelKind if k != ChannelKind.SMS or sms.configured()]


def _lines(value: Any) -> list[str]:
    items = value.splitlines() if isinstance(value, str) else list(value or [])
    return [str(item).strip() for item in items if str(item).strip()]


def clean_config(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The settings of a channel of ``kind``, checked and normalised; ValidationError per field."""
    if kind not in ChannelKind.values:
        raise ValidationError({"kind": _("Unknown kind %(kind)s.") % {"kind": repr(kind)}})
    config: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if kind in CHAT_KINDS or kind == ChannelKind.WEBHOOK:
        try:
            config["url"] = services.check_webhook_url(raw.get("url", ""))
        except ValidationError as exc:
            errors["url"] = exc.messages
    if kind == ChannelKind.TEAMS:
        config["teams_format"] = raw.get("teams_format") or teams.WORKFLOW
        if config["teams_format"] not in teams.FORMATS:
            errors["teams_format"] = [
                _("Choose one of %(choices)s.") % {"choices": ", ".join(teams.FORMATS)}
            ]
    if kind == ChannelKind.WEBHOOK:
        secret = (raw.get("secret") or "").strip()
        try:
            if not secret.startswith("whsec_") or not key_of(secret):
                raise ValueError
            config["secret"] = secret
        except ValueError:
            errors["secret"] = [_("Give a whsec_ secret (base64 after the prefix).")]
    if kind == ChannelKind.SMS:
        numbers = []
        for number in _lines(raw.get("numbers")):
            try:
                numbers.append(sms.normalise_number(number))
            except ValueError as exc:
                errors.setdefault("numbers", []).append(str(exc))
        config["numbers"] = list(dict.fromkeys(numbers))
    if kind == ChannelKind.EMAIL_LIST:
        addresses = _lines(raw.get("addresses"))
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                errors.setdefault("addresses", []).append(
                    _("%(address)s is not an email address.") % {"address": repr(address)}
                )
        config["addresses"] = list(dict.fromkeys(a.lower() for a in addresses))
    for name in ("numbers", "addresses"):
        if name in config and not errors.get(name):
            if not config[name]:
                errors[name] = [_("Give at least one.")]
            elif len(config[name]) > MAX_TARGETS:
                errors[name] = [_("At most %(max)s.") % {"max": MAX_TARGETS}]
    if kind == ChannelKind.NTFY:
        server = (raw.get("server") or "").strip().rstrip("/")
        topic = (raw.get("topic") or "").strip()
        if server:
            try:
                server = services.check_webhook_url(server)
            except ValidationError as exc:
                errors["server"] = exc.messages
        if not ntfy.TOPIC.match(topic):
            errors["topic"] = [_("A topic is 1-64 letters, digits, '-' or '_'.")]
        config.update(server=server, topic=topic, token=(raw.get("token") or "").strip())
    if errors:
        raise ValidationError(errors)
    return config


def shown_config(channel: Channel) -> dict[str, Any]:
    """The settings without secrets, for the API and the audit log."""
    config = channel.config or {}
    shown = {k: v for k, v in config.items() if k in _SHOWN}
    if channel.kind in CHAT_KINDS or channel.kind == ChannelKind.WEBHOOK:
        shown["url"] = channel.address_hint
    return shown


def _audit(channel: Channel) -> dict[str, Any]:
    return {
        "name": channel.name,
        "kind": channel.kind,
        "customer": channel.customer_id,
        "team": channel.team_id,
        "config": shown_config(channel),
        "announce_major": channel.announce_major,
        "is_active": channel.is_active,
    }


@transaction.atomic
def save_channel(
    channel: Channel | None,
    *,
    by: Any,
    name: str,
    kind: str,
    config: dict[str, Any],
    customer: Customer | None = None,
    team: Team | None = None,
    announce_major: bool = True,
    is_active: bool = True,
) -> Channel:
    """Add a channel, or change one. New settings make it unverified and no longer broken."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": _("Give a name of at most 100 characters.")})
    if kind not in [k.value for k in available_kinds()]:
        raise ValidationError({"kind": _("%(kind)s cannot be used here.") % {"kind": repr(kind)}})
    clean = clean_config(kind, config)
    before = None
    if channel is None:
        channel = Channel(kind=kind)
    else:
        channel = Channel.objects.select_for_update().get(pk=channel.pk)
        before = _audit(channel)
        if kind != channel.kind:
            raise ValidationError(
                {"kind": _("The kind of a channel cannot change; add a new one.")}
            )
    if clean != channel.config:
        now = timezone.now()
        channel.config, channel.changed_at = clean, now
        channel.verified_at = channel.broken_at = None
        channel.last_error = ""
    channel.name, channel.customer, channel.team = name, customer, team
    channel.announce_major, channel.is_active = announce_major, is_active
    channel.save()
    record("channel.save", channel, by=by, before=before, after=_audit(channel))
    return channel


@transaction.atomic
def delete_channel(channel: Channel, *, by: Any) -> None:
    record("channel.delete", channel, by=by, before=_audit(channel))
    channel.delete()


@transaction.atomic
def send_test(channel: Channel, *, by: Any) -> list[Delivery]:
    """A test message: the first one that gets through marks the channel verified."""
    who = getattr(by, "display_name", None) or str(by or "FixFirst")
    deliveries = services.queue_to_channel(
        channel,
        title=_("FixFirst test message"),
        text=_("%(who)s sent this to check that FixFirst can post to %(name)s.")
        % {"who": who, "name": channel.name},
        reason="channel.test",
        customer=channel.customer,
    )
    record("channel.test", channel, by=by, after={"deliveries": [d.pk for d in deliveries]})
    return deliveries


def announcing(customer: Customer | None) -> QuerySet[Channel]:
    """Active channels that announce major incidents: the provider's own, or ``customer``'s."""
    owner = Q(customer__isnull=True) if customer is None else Q(customer=customer)
    return Channel.objects.filter(owner, is_active=True, announce_major=True).order_by("pk")
