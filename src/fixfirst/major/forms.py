"""The war room's forms. Role fields come from the customer's role table (the communication
plan's, or the built-in one)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fixfirst.incidents.models import Incident
from fixfirst.major import fanout
from fixfirst.major import roles as catalogue
from fixfirst.tenancy.models import User


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.get_role_display()})"


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.get_role_display()})"


def role_field_name(key: str) -> str:
    return "role_" + key.replace(":", "_")


class DeclareForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this a major incident?"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = fanout.responders(incident)
        self.specs = catalogue.role_table(incident.customer)
        for spec in self.specs:
            eligible = [p for p in spec.people if people.filter(pk=p.pk).exists()]
            if spec.multiple:
                field: forms.Field = PeopleChoice(
                    label=spec.title, queryset=people, required=False,
                    initial=[p.pk for p in eligible],
                )  # fmt: skip
            else:
                field = PersonChoice(
                    label=spec.title, queryset=people, required=False,
                    initial=eligible[0].pk if eligible else None,
                    empty_label=_("— the plan's choice, else the commander —"),
                )  # fmt: skip
            self.fields[role_field_name(spec.key)] = field

    def role_fields(self) -> list[forms.BoundField]:
        return [self[role_field_name(spec.key)] for spec in self.specs]

    def roles(self) -> dict[str, list[User]]:
        """Only the roles someone was picked for: the others get the service's defaults."""
        chosen: dict[str, list[User]] = {}
        for spec in self.specs:
            value = self.cleaned_data.get(role_field_name(spec.key))
            people = list(value) if spec.multiple else ([value] if value else [])
            if people:
                chosen[spec.key] = people
        return chosen


class AssignForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    user = PersonChoice(label=_("Person"), queryset=User.objects.none())

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (spec.key, spec.title) for spec in catalogue.role_table(incident.customer)
        ]
        self.fields["user"].queryset = fanout.responders(incident)  # type: ignore[attr-defined]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    owner = PersonChoice(label=_("Owner"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = fanout.responders(incident)  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note for the timeline (internal)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class StandDownForm(forms.Form):
    note = forms.CharField(
        label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required while the incident is still open."),
    )  # fmt: skip
