"""The communication vocabulary: phases, audiences, roles and channel kinds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from fixfirst.incidents.choices import Status

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)


def current_language() -> str:
    """The active language as one of ours (``en``, ``nl``, ``de``)."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


class Phase(models.TextChoices):
    INVESTIGATING = "investigating", _("Investigating")
    IDENTIFIED = "identified", _("Identified")
    MONITORING = "monitoring", _("Monitoring")
    RESOLVED = "resolved", _("Resolved")
    POST_INCIDENT = "post_incident", _("Post-incident")


# The phase the composer opens with, from where the incident stands now.
PHASE_FOR_STATUS: dict[str, Phase] = {
    Status.NEW: Phase.INVESTIGATING,
    Status.ACKNOWLEDGED: Phase.INVESTIGATING,
    Status.INVESTIGATING: Phase.INVESTIGATING,
    Status.WAITING: Phase.INVESTIGATING,
    Status.IDENTIFIED: Phase.IDENTIFIED,
    Status.MONITORING: Phase.MONITORING,
    Status.RESOLVED: Phase.RESOLVED,
    Status.CLOSED: Phase.POST_INCIDENT,
}

# The incident status a phase's update moves an open incident to (resolving has its own rules).
STATUS_FOR_PHASE: dict[Phase, Status] = {
    Phase.INVESTIGATING: Status.INVESTIGATING,
    Phase.IDENTIFIED: Status.IDENTIFIED,
    Phase.MONITORING: Status.MONITORING,
    Phase.RESOLVED: Status.RESOLVED,
}

# After these phases no further update is promised: the cadence stops.
FINAL_PHASES = frozenset({Phase.RESOLVED, Phase.POST_INCIDENT})


class Audience(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    STAFF = "staff", _("Internal staff")
    MANAGEMENT = "management", _("Management")


class RoleKind(models.TextChoices):
    INCIDENT_COMMANDER = "incident_commander", _("Incident commander")
    COMMUNICATIONS_LEAD = "communications_lead", _("Communications lead")
    SCRIBE = "scribe", _("Scribe")
    TECHNICAL_LEAD = "technical_lead", _("Technical lead")
    CUSTOMER_LIAISON = "customer_liaison", _("Customer liaison")
    SUBJECT_MATTER_EXPERT = "subject_matter_expert", _("Subject-matter experts")
    OTHER = "other", _("Other role")


class ChannelKind(models.TextChoices):
    STATUS_PAGE = "status_page", _("Status page")
    EMAIL = "email", _("Email")
    PORTAL = "portal", _("Customer portal")
    SERVICE_DESK = "service_desk", _("Service desk (phone)")
    CHAT = "chat", _("Chat")
    SMS = "sms", _("SMS")
    SOCIAL = "social", _("Social media")
    OTHER = "other", _("Other")
