"""Forms of the on-call pages: they validate input; the services change state."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fixfirst.catalog.models import Service
from fixfirst.oncall.choices import ContactKind, TargetKind
from fixfirst.oncall.models import ContactMethod, EscalationPolicy, Layer, Schedule
from fixfirst.tenancy.models import Team, User

WEEKDAYS = [
    (0, _("Mon")), (1, _("Tue")), (2, _("Wed")), (3, _("Thu")), (4, _("Fri")), (5, _("Sat")),
    (6, _("Sun")),
]  # fmt: skip


def staff() -> QuerySet[User]:
    return User.objects.filter(customer__isnull=True, is_active=True).order_by("username")


def _timezones() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class ScheduleForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=_timezones)

    class Meta:
        model = Schedule
        fields = ["name", "team", "timezone", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class LayerForm(forms.ModelForm):
    restrict_days = forms.TypedMultipleChoiceField(
        label=_("Only on these weekdays"), choices=WEEKDAYS, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every day."),
    )  # fmt: skip

    class Meta:
        model = Layer
        fields = [
            "name", "position", "rotation", "shift_hours", "handoff_time", "start_date",
            "restrict_days", "restrict_start", "restrict_end",
        ]  # fmt: skip
        widgets = {
            "handoff_time": forms.TimeInput(attrs={"type": "time"}),
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "restrict_start": forms.TimeInput(attrs={"type": "time"}),
            "restrict_end": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff()  # type: ignore[attr-defined]


class OverrideForm(forms.Form):
    user = forms.ModelChoiceField(label=_("On call"), queryset=User.objects.none())
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff()  # type: ignore[attr-defined]


class PolicyForm(forms.ModelForm):
    class Meta:
        model = EscalationPolicy
        fields = ["name", "description", "repeat_count", "repeat_after_minutes"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class StepForm(forms.Form):
    delay_minutes = forms.IntegerField(
        label=_("After (minutes)"), min_value=0, max_value=1440, initial=0,
        help_text=_("After the previous step; for step 1, after the start."),
    )  # fmt: skip
    schedules = forms.ModelMultipleChoiceField(
        label=_("Whoever is on call in"), queryset=Schedule.objects.all(), required=False
    )
    users = forms.ModelMultipleChoiceField(
        label=_("People"), queryset=User.objects.none(), required=False
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Every member of"), queryset=Team.objects.all(), required=False
    )
    all_engineers = forms.BooleanField(label=_("All engineers"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = staff()  # type: ignore[attr-defined]

    def targets(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        found: list[dict[str, Any]] = [
            *({"kind": TargetKind.SCHEDULE, "schedule": s} for s in data["schedules"]),
            *({"kind": TargetKind.USER, "user": u} for u in data["users"]),
            *({"kind": TargetKind.TEAM, "team": t} for t in data["teams"]),
        ]
        if data["all_engineers"]:
            found.append({"kind": TargetKind.ALL_ENGINEERS})
        return found


class AttachForm(forms.Form):
    services = forms.ModelMultipleChoiceField(
        label=_("Page for incidents of these services"), queryset=Service.objects.all(),
        required=False, widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    integrations = forms.ModelMultipleChoiceField(
        label=_("Page for incidents opened by these alert integrations"),
        queryset=Service.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    rules = forms.ModelMultipleChoiceField(
        label=_("Page for incidents of alerts routed by these routing rules (wins over the above)"),
        queryset=Service.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(
        self, *args: Any, integrations: QuerySet[Any], rules: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["integrations"].queryset = integrations  # type: ignore[attr-defined]
        self.fields["rules"].queryset = rules  # type: ignore[attr-defined]


class ContactMethodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    address = forms.CharField(label=_("Address"), max_length=254)
    label = forms.CharField(label=_("Label"), max_length=50, required=False)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=12, required=False)


class RuleForm(forms.Form):
    contact_method = forms.ModelChoiceField(label=_("By"), queryset=ContactMethod.objects.none())
    delay_minutes = forms.IntegerField(
        label=_("After (minutes)"), min_value=0, max_value=1440, initial=0
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_method"].queryset = ContactMethod.objects.filter(user=user)  # type: ignore[attr-defined]
