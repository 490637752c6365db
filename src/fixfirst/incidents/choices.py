"""The incident vocabulary. Every status, priority and kind is one of these, never a bare string."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Impact(models.IntegerChoices):
    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


class Urgency(models.IntegerChoices):
    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


class Priority(models.IntegerChoices):
    P1 = 1, _("P1 – critical")
    P2 = 2, _("P2 – high")
    P3 = 3, _("P3 – moderate")
    P4 = 4, _("P4 – low")


class IncidentClass(models.TextChoices):
    MINOR = "minor", _("Minor")
    MEDIUM = "medium", _("Medium")
    SEVERE = "severe", _("Severe")
    MAJOR = "major", _("Major")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Investigating")
    IDENTIFIED = "identified", _("Identified")
    MONITORING = "monitoring", _("Monitoring")
    WAITING = "waiting", _("Waiting for customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# A tuple, so that queries list the statuses in the same order in every process (a
# frozenset's order changes with the hash seed), which keeps query plans and caches stable.
OPEN_STATUSES: tuple[str, ...] = tuple(
    sorted(
        {
            Status.NEW,
            Status.ACKNOWLEDGED,
            Status.INVESTIGATING,
            Status.IDENTIFIED,
            Status.MONITORING,
            Status.WAITING,
        }
    )
)


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
    MONITORING = "monitoring", _("Monitoring")


class SupportLevel(models.IntegerChoices):
    FIRST = 1, _("1st line")
    SECOND = 2, _("2nd line")
    THIRD = 3, _("3rd line")


class ResolutionCode(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    WORKAROUND = "workaround", _("Resolved by workaround")
    NO_FAULT = "no_fault", _("No fault found")
    USER_ERROR = "user_error", _("User error / advice given")
    DUPLICATE = "duplicate", _("Duplicate")
    CANCELLED = "cancelled", _("Cancelled by customer")


class LinkKind(models.TextChoices):
    DUPLICATE_OF = "duplicate_of", _("duplicate of")
    CAUSED_BY = "caused_by", _("caused by")
    PARENT_OF = "parent_of", _("parent of")


class EventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    STATUS = "status", _("Status changed")
    PRIORITY = "priority", _("Priority changed")
    TRIAGE = "triage", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    ESCALATED = "escalated", _("Escalated")
    DE_ESCALATED = "de_escalated", _("De-escalated")
    NOTE = "note", _("Internal note")
    UPDATE = "update", _("Public update")
    COMMENT = "comment", _("Customer comment")
    WORKAROUND = "workaround", _("Workaround")
    RESOLUTION = "resolution", _("Resolution")
    REOPENED = "reopened", _("Reopened")
    CONFIRMED = "confirmed", _("Resolution confirmed")
    LINKED = "linked", _("Linked")
    ATTACHMENT = "attachment", _("Attachment")
    EMAIL_IN = "email_in", _("Email received")
    ALERT = "alert", _("Alert")
    ALERT_CLEARED = "alert_cleared", _("Alert cleared")
    SLA_WARNING = "sla_warning", _("SLA warning")
    SLA_BREACH = "sla_breach", _("SLA breached")
