"""Outbound messages as durable rows: written in the transaction of the change that causes
them, then claimed and sent by the worker (see docs/notifications.md)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fixfirst.notify.channels import Channel, ChannelKind  # noqa: F401 - the channel models


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class TransportKind(models.TextChoices):
    EMAIL = "email", _("email")
    WEBHOOK = "webhook", _("webhook")
    SLACK = "slack", _("Slack")
    TEAMS = "teams", _("Microsoft Teams")
    MATTERMOST = "mattermost", _("Mattermost")
    SMS = "sms", _("SMS")
    NTFY = "ntfy", _("push (ntfy)")


def new_message_id() -> str:
    # Stable across retries, so a receiver can recognise a message it already has.
    return f"<delivery-{uuid.uuid4()}@fixfirst>"


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def with_attempts(self) -> DeliveryQuerySet:
        """For listing: each delivery's attempt log in one extra query."""
        return self.prefetch_related("attempts")


class Delivery(models.Model):
    tenancy_path: ClassVar[str] = "customer"

    customer = models.ForeignKey(
        "tenancy.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("customer"),
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("incident"),
    )
    transport = models.CharField(
        _("transport"), max_length=16, choices=TransportKind.choices, default=TransportKind.EMAIL
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    # 998: the longest line RFC 5322 allows.
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    # Transport-specific extras; for email {"reply_to": [...], "headers": {...}}.
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=40)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    # Attempts in the current round: the give-up limit counts these; retry_now resets them.
    # The full history is in ``attempts`` (DeliveryAttempt rows).
    attempt_count = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    # The queued send task, so the sweeper can tell a waiting delivery from an orphaned one.
    task_id = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.CharField(
        _("message id"), max_length=100, unique=True, default=new_message_id, editable=False
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status=DeliveryStatus.PENDING),
                name="notify_delivery_due",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(status=DeliveryStatus.SENDING),
                name="notify_delivery_sending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_transport_display()} to {self.recipient}: {self.subject[:60]}"


class DeliveryAttempt(models.Model):
    """One try at handing a delivery to its transport; append-only."""

    tenancy_path: ClassVar[str] = "delivery__customer"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("at"), default=timezone.now)
    ok = models.BooleanField(_("ok"))
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {'ok' if self.ok else 'error'} {self.at:%Y-%m-%d %H:%M:%S}"
