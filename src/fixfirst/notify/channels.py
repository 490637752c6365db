"""Channels: where a team or a customer wants messages posted (a Slack or Teams channel, a
Mattermost channel, a signed webhook, SMS numbers, an ntfy topic, an email list).

Only data lives here (``notify.models`` imports it); queueing to a channel is
``notify.services.queue_to_channel``, editing one is ``notify.channel_services``. A permanent
error from the channel's transport marks the channel broken and keeps the error, which the
channel pages show until someone fixes the channel or a message gets through again.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    SLACK = "slack", _("Slack")
    TEAMS = "teams", _("Microsoft Teams")
    MATTERMOST = "mattermost", _("Mattermost")
    WEBHOOK = "webhook", _("Signed webhook")
    SMS = "sms", _("SMS")
    NTFY = "ntfy", _("Push (ntfy)")
    EMAIL_LIST = "email_list", _("Email list")


# Chat rooms: the transport posts one JSON message to the channel's webhook address.
CHAT_KINDS = frozenset({ChannelKind.SLACK, ChannelKind.TEAMS, ChannelKind.MATTERMOST})


class Channel(models.Model):
    tenancy_path: ClassVar[str] = "customer"

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=ChannelKind.choices)
    customer = models.ForeignKey(
        "tenancy.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("customer"),
        help_text=_("Empty for the provider's own channels."),
    )
    team = models.ForeignKey(
        "tenancy.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="channels",
        verbose_name=_("owner team"),
    )
    # Per kind, checked by notify.channel_services.clean_config:
    # slack/mattermost {"url"}; teams {"url", "teams_format"}; webhook {"url", "secret"};
    # sms {"numbers": [...]}; ntfy {"server", "topic", "token"}; email_list {"addresses": [...]}.
    config = models.JSONField(_("settings"), default=dict, blank=True)
    announce_major = models.BooleanField(
        _("announce major incidents"),
        default=True,
        help_text=_("Major incidents are declared and stood down here."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When the address or settings last changed: an older message's failure says nothing
    # about the channel as it is now.
    changed_at = models.DateTimeField(_("settings changed"), default=timezone.now)
    verified_at = models.DateTimeField(_("last accepted message"), null=True, blank=True)
    broken_at = models.DateTimeField(_("broken since"), null=True, blank=True)
    last_error = models.TextField(_("last permanent error"), blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("channel")
        indexes = [models.Index(fields=["customer", "kind"], name="notify_channel_owner")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    @property
    def is_broken(self) -> bool:
        return self.broken_at is not None

    @property
    def state(self) -> str:
        """``broken``, ``verified`` (a message got through) or ``unverified``."""
        if self.broken_at is not None:
            return "broken"
        return "verified" if self.verified_at is not None else "unverified"

    @property
    def address_hint(self) -> str:
        """Where it posts, without secrets: webhook addresses carry their key in the path."""
        config: dict[str, Any] = self.config or {}
        if self.kind == ChannelKind.SMS:
            return ", ".join(config.get("numbers", []))
        if self.kind == ChannelKind.EMAIL_LIST:
            return ", ".join(config.get("addresses", []))
        if self.kind == ChannelKind.NTFY:
            server = urlsplit(config.get("server") or "https://ntfy.sh").hostname or ""
            return f"{server}/{config.get('topic', '')}"
        host = urlsplit(config.get("url", "")).hostname
        return f"{host}/…" if host else ""
