"""Forms for editing the plan, ticking criteria and composing an update. They validate input;
the services in ``comms.services`` and ``comms.compose`` make the changes."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from fixfirst.comms import publishers
from fixfirst.comms.choices import LANGUAGE_CODES, Audience, Phase
from fixfirst.comms.models import (
    CommunicationPlan,
    Criterion,
    MessageTemplate,
    PlanChannel,
    PlanRole,
    PlanValue,
    UpdateCadence,
    VagueTerm,
    translated,
)
from fixfirst.comms.plan import EffectivePlan
from fixfirst.comms.templating import PLACEHOLDERS
from fixfirst.incidents.choices import ResolutionCode
from fixfirst.incidents.models import Incident
from fixfirst.tenancy.models import User

LANGUAGE_NAMES = dict(settings.LANGUAGES)
_USERNAME = re.compile(r"@?([\w.@+\-]+)")


class TranslatedForm(forms.ModelForm):
    """A model form whose translated fields get one input per language (``text_nl``)."""

    # field name -> written over several lines?
    translated: ClassVar[dict[str, bool]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model = self._meta.model
        for name, multiline in self.translated.items():
            label = capfirst(model._meta.get_field(name).verbose_name)
            current = getattr(self.instance, name, None) or {}
            for code in LANGUAGE_CODES:
                widget = forms.Textarea(attrs={"rows": 3}) if multiline else forms.TextInput()
                self.fields[f"{name}_{code}"] = forms.CharField(
                    label=f"{label} ({LANGUAGE_NAMES[code]})",
                    required=False,
                    widget=widget,
                    initial=current.get(code, ""),
                )
        # The translated inputs first, in the order declared.
        first = [f"{n}_{c}" for n in self.translated for c in LANGUAGE_CODES]
        self.order_fields([*self.leading, *first])

    leading: ClassVar[list[str]] = []

    def translations(self, name: str) -> dict[str, str]:
        texts = {
            code: (self.cleaned_data.get(f"{name}_{code}") or "").strip() for code in LANGUAGE_CODES
        }
        return {code: text for code, text in texts.items() if text}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in self.translated:
            required = not self._meta.model._meta.get_field(name).blank
            if required and not self.translations(name):
                self.add_error(
                    f"{name}_{settings.LANGUAGE_CODE}", _("Write it in at least one language.")
                )
        return data

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments for ``services.save_item``."""
        fields = {
            name: self.cleaned_data[name]
            for name in self._meta.fields or ()
            if name in self.cleaned_data
        }
        fields.update({name: self.translations(name) for name in self.translated})
        return fields


class PlanForm(TranslatedForm):
    translated = {"title": False, "introduction": True}

    class Meta:
        model = CommunicationPlan
        fields: list[str] = []


class CriterionForm(TranslatedForm):
    translated = {"text": False}

    class Meta:
        model = Criterion
        fields = ["is_major", "position"]


class RoleForm(TranslatedForm):
    translated = {"title": False, "duties": True}
    leading = ["kind"]
    people = forms.CharField(
        label=_("People"),
        required=False,
        help_text=_("Usernames of provider staff, e.g. @ingrid @anna."),
    )

    class Meta:
        model = PlanRole
        fields = ["kind", "other_people", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["people"] = " ".join(f"@{p.username}" for p in self.instance.people.all())

    def clean_people(self) -> list[User]:
        names = list(dict.fromkeys(_USERNAME.findall(self.cleaned_data.get("people") or "")))
        found = {
            u.username.casefold(): u
            for u in User.objects.filter(customer__isnull=True, is_active=True)
            if u.username.casefold() in {n.casefold() for n in names}
        }
        missing = [n for n in names if n.casefold() not in found]
        if missing:
            raise forms.ValidationError(
                _("No active staff member is called %(names)s.")
                % {"names": ", ".join(f"@{n}" for n in missing)}
            )
        return [found[n.casefold()] for n in names]

    def service_fields(self) -> dict[str, Any]:
        fields = super().service_fields()
        fields["people"] = self.cleaned_data["people"]
        return fields


class ChannelForm(TranslatedForm):
    translated = {"name": False, "incident_types": True, "audiences": True, "access": True}
    leading = ["kind"]

    class Meta:
        model = PlanChannel
        fields = ["kind", "position"]


class ValueForm(TranslatedForm):
    translated = {"title": False, "description": True}

    class Meta:
        model = PlanValue
        fields = ["position"]


class TemplateForm(TranslatedForm):
    class Meta:
        model = MessageTemplate
        fields = ["phase", "audience", "language", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
        help_texts = {
            "body": _("Placeholders: ")
            + " ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            + ". "
            + _("Put parts the writer must fill in between [square brackets]."),
        }


class CadenceForm(TranslatedForm):
    class Meta:
        model = UpdateCadence
        fields = ["priority", "minutes"]


class VagueTermForm(TranslatedForm):
    class Meta:
        model = VagueTerm
        fields = ["language", "term"]


SECTION_FORMS: dict[str, type[TranslatedForm]] = {
    "criteria": CriterionForm,
    "roles": RoleForm,
    "channels": ChannelForm,
    "templates": TemplateForm,
    "cadence": CadenceForm,
    "values": ValueForm,
    "wording": VagueTermForm,
}


# --- on an incident ---------------------------------------------------------------------------


class CriteriaForm(forms.Form):
    criteria = forms.TypedMultipleChoiceField(
        label=_("Which of the plan's criteria apply?"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, plan: EffectivePlan, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["criteria"].choices = [  # type: ignore[attr-defined]
            (c.pk, translated(c.text, language) + (f" ({_('major')})" if c.is_major else ""))
            for c in plan.criteria
        ]

    def chosen(self) -> list[Criterion]:
        ids = set(self.cleaned_data["criteria"])
        return [c for c in self.plan.criteria if c.pk in ids]


class StartForm(forms.Form):
    """Step 1: which template. Read from the query string; bad values fall back to defaults."""

    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ComposeForm(forms.Form):
    """Step 2: the text, the channels and the recipients."""

    phase = forms.ChoiceField(choices=Phase.choices, widget=forms.HiddenInput)
    audience = forms.ChoiceField(choices=Audience.choices, widget=forms.HiddenInput)
    language = forms.ChoiceField(choices=settings.LANGUAGES, widget=forms.HiddenInput)
    subject = forms.CharField(label=_("Subject (email)"), max_length=200, required=False)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 12}))
    resolution_code = forms.ChoiceField(
        label=_("Resolution code"), choices=ResolutionCode.choices, required=False
    )
    confirm_wording = forms.BooleanField(
        label=_("Post anyway: I have read the warning"), required=False
    )

    def __init__(
        self,
        *args: Any,
        incident: Incident,
        plan: EffectivePlan,
        audience: str,
        phase: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.publishers = publishers.offered(incident, audience)
        self.channel_fields: list[tuple[publishers.Publisher, str]] = []
        for publisher in self.publishers:
            if publisher.always:
                continue
            targets = publisher.targets(incident, audience, plan)
            if targets:
                name = f"to_{publisher.key}"
                self.fields[name] = forms.MultipleChoiceField(
                    label=publisher.label,
                    choices=[(t.value, t.label) for t in targets],
                    initial=[t.value for t in targets if t.preselected],
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                name = f"channel_{publisher.key}"
                self.fields[name] = forms.BooleanField(
                    label=publisher.label, required=False, initial=publisher.default_on
                )
            self.channel_fields.append((publisher, name))
        # Posting "resolved" resolves the open incident, which needs a resolution code.
        self.resolves = (
            incident.is_open and phase == Phase.RESOLVED and (audience == Audience.CUSTOMERS)
        )
        if not self.resolves:
            del self.fields["resolution_code"]

    def channel_boundfields(self) -> list[forms.BoundField]:
        return [self[name] for _publisher, name in self.channel_fields]

    def channels(self) -> dict[str, list[str]]:
        """Publisher key -> chosen recipients, for the publishers chosen."""
        chosen: dict[str, list[str]] = {}
        for publisher, name in self.channel_fields:
            value = self.cleaned_data.get(name)
            if name.startswith("to_") and value:
                chosen[publisher.key] = list(value)
            elif name.startswith("channel_") and value:
                chosen[publisher.key] = []
        return chosen
