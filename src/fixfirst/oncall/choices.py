"""The on-call vocabulary: every kind and status is one of these, never a bare string."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rotation(models.TextChoices):
    DAILY = "daily", _("Daily (24 hours)")
    WEEKLY = "weekly", _("Weekly (7 days)")
    CUSTOM = "custom", _("Custom shift length")


ROTATION_HOURS = {Rotation.DAILY: 24, Rotation.WEEKLY: 24 * 7}


class ContactKind(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Push (ntfy topic)")
    WEBHOOK = "webhook", _("Webhook")


class TargetKind(models.TextChoices):
    SCHEDULE = "schedule", _("Whoever is on call in a schedule")
    USER = "user", _("A person")
    TEAM = "team", _("Every member of a team")
    ALL_ENGINEERS = "all_engineers", _("All engineers")


class EscalationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    EXHAUSTED = "exhausted", _("Exhausted")
    STOPPED = "stopped", _("Stopped")


class StopReason(models.TextChoices):
    """Why an escalation ended early; the first maps to the "acknowledged" status."""

    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    RESOLVED = "resolved", _("resolved")
    CANCELLED = "cancelled", _("cancelled")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    QUEUED = "queued", _("Handed to delivery")
    SKIPPED = "skipped", _("Skipped (acknowledged meanwhile)")
    FAILED = "failed", _("Could not be sent")
