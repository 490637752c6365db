"""The major-incident vocabulary: the core team's roles (built in; the communication plan's
role table, when the comms app is installed, names them and adds its own)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CoreRole(models.TextChoices):
    # The same keys as comms.choices.RoleKind, so a plan's role maps onto a core-team role.
    INCIDENT_COMMANDER = "incident_commander", _("Incident commander")
    COMMUNICATIONS_LEAD = "communications_lead", _("Communications lead")
    SCRIBE = "scribe", _("Scribe")
    TECHNICAL_LEAD = "technical_lead", _("Technical lead")
    CUSTOMER_LIAISON = "customer_liaison", _("Customer liaison")
    SUBJECT_MATTER_EXPERT = "subject_matter_expert", _("Subject-matter experts")


# Roles several people hold at once; every other role has one holder, and assigning it
# to someone else hands it over.
MULTI_HOLDER = frozenset({CoreRole.SUBJECT_MATTER_EXPERT})
# A plan's own extra roles ("Legal counsel") are keyed ``other:<plan role id>``.
OTHER_PREFIX = "other:"

# Minutes between customer updates while a major incident runs, when the communication plan
# sets no cadence for the priority.
DEFAULT_CADENCE = {1: 30, 2: 60}
FALLBACK_CADENCE = 60
