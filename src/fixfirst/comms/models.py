"""The communication plan as data, and each incident's communication state.

A plan belongs to the provider (``customer`` empty) or to one customer, whose plan overrides
and extends the provider's (see ``comms.plan``). Texts a person reads in the plan document are
stored once per item with their translations, ``{"en": ..., "nl": ..., "de": ...}``, so that a
criterion ticked on an incident is the same criterion in every language. Message templates are
written per language, so they are rows of their own.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fixfirst.comms.choices import LANGUAGE_CODES, Audience, ChannelKind, Phase, RoleKind
from fixfirst.incidents.choices import Priority


def validate_translations(value: Any) -> None:
    """``{"en": "...", "nl": "..."}``: known language codes, text values."""
    if not isinstance(value, dict):
        raise ValidationError(_("Expected one text per language."))
    unknown = sorted(set(value) - set(LANGUAGE_CODES))
    if unknown:
        raise ValidationError(
            _("Unknown language(s): %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
        )
    if not all(isinstance(text, str) for text in value.values()):
        raise ValidationError(_("Each translation must be text."))


def translated(value: dict[str, str] | None, language: str) -> str:
    """The text in ``language``, else in the default language, else in any language given."""
    if not value:
        return ""
    return (
        value.get(language)
        or value.get(settings.LANGUAGE_CODE)
        or next((text for text in value.values() if text), "")
    )


def _translations(verbose_name: Any, *, required: bool = True) -> models.JSONField:
    return models.JSONField(
        verbose_name, default=dict, blank=not required, validators=[validate_translations]
    )


class CommunicationPlan(models.Model):
    tenancy_path: ClassVar[str] = "customer"

    customer = models.ForeignKey(
        "tenancy.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="communication_plans",
        verbose_name=_("customer"),
        help_text=_("Empty for the provider's plan, which every customer's plan builds on."),
    )
    title = _translations(_("title"), required=False)
    introduction = _translations(_("introduction"), required=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = [models.F("customer__name").asc(nulls_first=True)]
        verbose_name = _("communication plan")
        constraints = [
            # One provider plan (customer empty) and at most one plan per customer.
            models.UniqueConstraint(
                Coalesce("customer", models.Value(0)), name="comms_one_plan_per_scope"
            )
        ]

    def __str__(self) -> str:
        return f"Communication plan {self.customer}" if self.customer_id else "Communication plan"


class PlanItem(models.Model):
    """A row of one of the plan's tables."""

    tenancy_path: ClassVar[str] = "plan__customer"

    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]


class Criterion(PlanItem):
    """What counts as an incident; a ticked *major* criterion suggests major-incident mode."""

    plan = models.ForeignKey(CommunicationPlan, on_delete=models.CASCADE, related_name="criteria")
    text = _translations(_("criterion"))
    is_major = models.BooleanField(
        _("major"), default=False, help_text=_("Ticking it suggests a major incident.")
    )

    class Meta(PlanItem.Meta):
        verbose_name = _("incident criterion")
        verbose_name_plural = _("incident criteria")

    def __str__(self) -> str:
        return translated(self.text, settings.LANGUAGE_CODE)


class PlanRole(PlanItem):
    plan = models.ForeignKey(CommunicationPlan, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=32, choices=RoleKind.choices)
    title = _translations(_("title"), required=False)
    duties = _translations(_("responsibilities"))
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("people")
    )
    other_people = models.CharField(
        _("others"),
        max_length=200,
        blank=True,
        help_text=_("People without a login, e.g. the customer's own contact."),
    )

    class Meta(PlanItem.Meta):
        verbose_name = _("role")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind"],
                condition=~models.Q(kind=RoleKind.OTHER),
                name="comms_role_once_per_plan",
            )
        ]

    def __str__(self) -> str:
        return self.display_title(settings.LANGUAGE_CODE)

    def display_title(self, language: str) -> str:
        return translated(self.title, language) or str(RoleKind(self.kind).label)


class PlanChannel(PlanItem):
    plan = models.ForeignKey(CommunicationPlan, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("kind"), max_length=16, choices=ChannelKind.choices)
    name = _translations(_("channel"))
    incident_types = _translations(_("incident types"), required=False)
    audiences = _translations(_("audiences and departments"), required=False)
    access = _translations(_("how to get access"), required=False)

    class Meta(PlanItem.Meta):
        verbose_name = _("channel")

    def __str__(self) -> str:
        return translated(self.name, settings.LANGUAGE_CODE)


class PlanValue(PlanItem):
    """One of the team's incident values and how the team lives it during an incident."""

    plan = models.ForeignKey(CommunicationPlan, on_delete=models.CASCADE, related_name="values")
    title = _translations(_("value"))
    description = _translations(_("what it means during an incident"), required=False)

    class Meta(PlanItem.Meta):
        verbose_name = _("incident value")

    def __str__(self) -> str:
        return translated(self.title, settings.LANGUAGE_CODE)


class MessageTemplate(PlanItem):
    plan = models.ForeignKey(CommunicationPlan, on_delete=models.CASCADE, related_name="templates")
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))

    class Meta(PlanItem.Meta):
        verbose_name = _("message template")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "phase", "audience", "language"], name="comms_template_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phase} / {self.audience} / {self.language}"


class UpdateCadence(PlanItem):
    """How often an incident of a priority gets an update while it is open."""

    plan = models.ForeignKey(CommunicationPlan, on_delete=models.CASCADE, related_name="cadences")
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    minutes = models.PositiveIntegerField(_("update every (minutes)"))

    class Meta(PlanItem.Meta):
        ordering = ["priority"]
        verbose_name = _("update cadence")
        constraints = [
            models.UniqueConstraint(fields=["plan", "priority"], name="comms_cadence_once"),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=7 * 24 * 60),
                name="comms_cadence_range",
            ),
        ]

    def __str__(self) -> str:
        return f"P{self.priority}: {self.minutes} min"


class VagueTerm(PlanItem):
    """Wording that says nothing ("technical failure"); the composer asks what happened."""

    plan = models.ForeignKey(
        CommunicationPlan, on_delete=models.CASCADE, related_name="vague_terms"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    term = models.CharField(_("words"), max_length=100)

    class Meta(PlanItem.Meta):
        ordering = ["language", "term"]
        verbose_name = _("vague wording")
        verbose_name_plural = _("vague wording")
        constraints = [
            models.UniqueConstraint(fields=["plan", "language", "term"], name="comms_term_once")
        ]

    def __str__(self) -> str:
        return self.term


class IncidentComms(models.Model):
    """An incident's communication state: when the next update is due, which criteria apply."""

    tenancy_path: ClassVar[str] = "incident__customer"

    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.CASCADE, primary_key=True, related_name="comms"
    )
    next_update_due_at = models.DateTimeField(
        _("next update due"), null=True, blank=True, db_index=True
    )
    last_update_at = models.DateTimeField(_("last update"), null=True, blank=True)
    last_phase = models.CharField(_("last phase"), max_length=16, choices=Phase.choices, blank=True)
    ticked = models.ManyToManyField(
        Criterion, blank=True, related_name="+", verbose_name=_("criteria that apply")
    )
    criteria_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("incident communication")

    def __str__(self) -> str:
        return f"Communication of incident {self.incident_id}"
