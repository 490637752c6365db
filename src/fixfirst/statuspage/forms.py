"""Staff forms for managing status pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fixfirst.catalog.models import Service
from fixfirst.incidents.choices import OPEN_STATUSES
from fixfirst.incidents.models import Incident
from fixfirst.statuspage.choices import ComponentStatus, Impact, IncidentStatus, MaintenanceStatus
from fixfirst.statuspage.models import Component, ComponentGroup, ScheduledMaintenance, StatusPage
from fixfirst.tenancy.access import customers_for, scoped

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PageForm(forms.ModelForm):
    class Meta:
        model = StatusPage
        fields = [
            "name",
            "slug",
            "customer",
            "visibility",
            "intro",
            "support_url",
            "time_zone",
            "language",
        ]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}

    support_url = forms.URLField(label=_("Support address"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers_for(user)  # type: ignore[attr-defined]


class GroupForm(forms.ModelForm):
    class Meta:
        model = ComponentGroup
        fields = ["name", "description", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ComponentForm(forms.ModelForm):
    class Meta:
        model = Component
        fields = [
            "name", "description", "group", "service", "position", "showcase",
            "only_show_if_degraded", "follow_incidents", "start_date",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "start_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, page: StatusPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = page.groups.all()  # type: ignore[attr-defined]
        services = Service.objects.filter(is_active=True)
        if page.customer_id:
            services = services.filter(customers=page.customer_id)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]


class OverrideForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        choices=[("", _("Follow incidents and maintenance")), *ComponentStatus.choices],
        required=False,
    )
    until = forms.DateTimeField(
        label=_("Until (empty: until cleared)"), required=False, widget=_DATETIME
    )


def _components_field(page: StatusPage) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Affected components"),
        queryset=page.components.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PageIncidentForm(forms.Form):
    """A new incident on one page: a FixFirst incident, or a status-only notice."""

    incident = forms.ModelChoiceField(
        label=_("FixFirst incident"),
        queryset=Incident.objects.none(),
        required=False,
        help_text=_("Leave empty for a status-only incident."),
    )
    name = forms.CharField(label=_("Title on the page"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=IncidentStatus.choices)
    impact = forms.ChoiceField(label=_("Impact"), choices=Impact.choices, initial=Impact.MINOR)
    component_status = forms.ChoiceField(
        label=_("Components show"),
        choices=ComponentStatus.choices,
        initial=ComponentStatus.DEGRADED,
    )
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, page: StatusPage, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        incidents = scoped(Incident, user).filter(status__in=OPEN_STATUSES)
        if page.customer_id:
            incidents = incidents.filter(customer_id=page.customer_id)
        self.fields["incident"].queryset = incidents.order_by("-opened_at")  # type: ignore[attr-defined]
        self.fields["components"] = _components_field(page)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("incident") and not (data.get("name") or "").strip():
            self.add_error("name", _("Give a title, or choose a FixFirst incident."))
        return data


class PageUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IncidentStatus.choices)
    impact = forms.ChoiceField(
        label=_("Impact"), choices=[("", _("unchanged")), *Impact.choices], required=False
    )
    component_status = forms.ChoiceField(
        label=_("Components show"),
        choices=[("", _("unchanged")), *ComponentStatus.choices],
        required=False,
    )
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))


class MaintenanceForm(forms.ModelForm):
    class Meta:
        model = ScheduledMaintenance
        fields = [
            "name",
            "body",
            "scheduled_for",
            "scheduled_until",
            "components",
            "auto_transition",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 4}),
            "scheduled_for": _DATETIME,
            "scheduled_until": _DATETIME,
            "components": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, page: StatusPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["components"].queryset = page.components.all()  # type: ignore[attr-defined]


class AdvanceForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MaintenanceStatus.choices)
    body = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("Webhook address"), max_length=1000, assume_scheme="https")

    def __init__(self, *args: Any, page: StatusPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["components"] = _components_field(page)
        self.fields["components"].label = _("Only these components (none: all)")
