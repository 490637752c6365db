"""Every mail read from the inbound mailbox, kept with its raw bytes and what became of it."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboundStatus(models.TextChoices):
    ACCEPTED_NEW = "accepted_new", _("Opened an incident")
    ACCEPTED_REPLY = "accepted_reply", _("Added to an incident")
    REJECTED = "rejected", _("Rejected")
    IGNORED = "ignored", _("Ignored (automatic reply)")


class InboundMessage(models.Model):
    """One received mail. ``message_id`` is unique, so a mail fetched twice is handled once."""

    tenancy_path: ClassVar[str] = "customer"

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    customer = models.ForeignKey(
        "tenancy.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inbound_messages",
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
    )
    status = models.CharField(_("status"), max_length=16, choices=InboundStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    # The bytes as fetched (headers only for an oversized mail, which stays in the mailbox).
    # Kept in the row, not a file, so that it commits or rolls back with everything else.
    raw = models.BinaryField(_("raw message"))

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("inbound message")
        indexes = [models.Index(fields=["status", "received_at"], name="inbound_status")]

    def __str__(self) -> str:
        return f"{self.sender or '?'}: {self.subject or '(no subject)'}"
