"""Forms of the incident pages. They only validate; the services in ``services`` / ``updates``
change state and enforce the business rules (their ValidationErrors land on these forms)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fixfirst.catalog.models import Service
from fixfirst.incidents import lifecycle, updates
from fixfirst.incidents.choices import (
    Channel,
    Impact,
    IncidentClass,
    LinkKind,
    Priority,
    ResolutionCode,
    Status,
    SupportLevel,
    Urgency,
)
from fixfirst.incidents.models import Category, Incident
from fixfirst.tenancy.access import customers_for, scoped
from fixfirst.tenancy.models import Contact, Customer, Team, User

REFERENCE = re.compile(r"^\s*(?:INC-?)?(\d{1,18})\s*$", re.IGNORECASE)
_ANY = [("", _("any"))]


def _int_choice(
    label: Any, choices: list[tuple[int, Any]], **kwargs: Any
) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=choices, coerce=int, **kwargs)


def _checked_upload(upload: Any) -> Any:
    """Size and type limits of ``updates.check_upload`` as a field error."""
    if upload:
        try:
            updates.check_upload(upload)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
    return upload


def staff_people(user: User) -> QuerySet[User]:
    return scoped(User, user).filter(customer__isnull=True, is_active=True).order_by("username")


# --- queue --------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    SORTS = {
        "priority": _("Priority"),
        "due": _("Due"),
        "-opened": _("Newest"),
        "opened": _("Oldest"),
        "-updated": _("Recently updated"),
    }

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.none(), required=False, empty_label=_("any")
    )
    priority = _int_choice(_("Priority"), _ANY + Priority.choices, required=False, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), choices=_ANY + Status.choices, required=False)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("any")
    )
    support_level = _int_choice(
        _("Support level"), _ANY + SupportLevel.choices, required=False, empty_value=None
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=list(SORTS.items()), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers_for(user)  # type: ignore[attr-defined]
        self.fields["team"].queryset = scoped(Team, user)  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters; a wrong value in one field never empties the whole queue."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


# --- staff intake -------------------------------------------------------------------------


class IncidentCreateForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    reporter = forms.ModelChoiceField(
        label=_("Reporter"), queryset=Contact.objects.none(), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, lists, `code`, links."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    impact = _int_choice(_("Impact"), Impact.choices, initial=Impact.MEDIUM)
    urgency = _int_choice(_("Urgency"), Urgency.choices, initial=Urgency.MEDIUM)
    reported_high_impact = forms.BooleanField(
        label=_("Customer says the impact is high"),
        required=False,
        help_text=_("Their word is enough: the incident opens as P1."),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Affected services"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customers = customers_for(user).filter(is_active=True)
        self.fields["customer"].queryset = customers  # type: ignore[attr-defined]
        if not self.is_bound and "customer" not in self.initial and customers.count() == 1:
            self.initial["customer"] = customers.get().pk
        self.customer = self._chosen_customer(customers)
        if self.customer is not None:
            self.fields["reporter"].queryset = scoped(Contact, user).filter(  # type: ignore[attr-defined]
                customer=self.customer
            )
            self.fields["services"].queryset = scoped(Service, user).filter(  # type: ignore[attr-defined]
                customers=self.customer, is_active=True
            )
        self.fields["category"].queryset = scoped(Category, user)  # type: ignore[attr-defined]
        self.fields["team"].queryset = scoped(Team, user)  # type: ignore[attr-defined]
        self.fields["assignee"].queryset = staff_people(user)  # type: ignore[attr-defined]

    def _chosen_customer(self, customers: QuerySet[Customer]) -> Customer | None:
        raw = self.data.get("customer") if self.is_bound else self.initial.get("customer")
        try:
            return customers.filter(pk=int(raw)).first() if raw else None
        except (TypeError, ValueError):
            return None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        team, assignee = data.get("team"), data.get("assignee")
        if team and assignee and not team.members.filter(pk=assignee.pk).exists():
            self.add_error(
                "assignee",
                _("%(person)s is not a member of %(team)s.")
                % {"person": assignee.display_name, "team": team},
            )
        return data


# --- staff actions on one incident --------------------------------------------------------


class ActionForm(forms.Form):
    """An action on ``incident`` by ``user``; subclasses narrow their choices to both."""

    def __init__(self, *args: Any, incident: Incident, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.user = user


class EmptyForm(ActionForm):
    """Acknowledge and close: a button, nothing to fill in."""


class StatusForm(ActionForm):
    # Every status validates here, so that the lifecycle's own message explains a wrong move.
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    note = forms.CharField(label=_("Internal note (optional)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.choices = [
            (s.value, s.label)
            for s in lifecycle.allowed_next(self.incident.status)
            if s not in (Status.RESOLVED, Status.CLOSED)
        ]


class PriorityForm(ActionForm):
    impact = _int_choice(_("Impact"), Impact.choices)
    urgency = _int_choice(_("Urgency"), Urgency.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        help_text=_("Required when lowering the priority; kept on the timeline."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("impact", self.incident.impact)
        self.initial.setdefault("urgency", self.incident.urgency)


class CategoriseForm(ActionForm):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Affected services"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    incident_class = forms.ChoiceField(label=_("Class"), choices=IncidentClass.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = scoped(Category, self.user)  # type: ignore[attr-defined]
        self.fields["services"].queryset = scoped(Service, self.user).filter(  # type: ignore[attr-defined]
            customers=self.incident.customer_id
        )
        self.initial.setdefault("category", self.incident.category_id)
        self.initial.setdefault("services", [s.pk for s in self.incident.services.all()])
        self.initial.setdefault("incident_class", self.incident.incident_class)


class AssignForm(ActionForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    assignee = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = scoped(Team, self.user)  # type: ignore[attr-defined]
        self.fields["assignee"].queryset = staff_people(self.user)  # type: ignore[attr-defined]
        self.initial.setdefault("team", self.incident.team_id)
        self.initial.setdefault("assignee", self.incident.assignee_id)


class EscalateForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    team = forms.ModelChoiceField(
        label=_("Hand over to team (optional)"), queryset=Team.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = scoped(Team, self.user)  # type: ignore[attr-defined]


class NoteForm(ActionForm):
    body = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only staff see this. Mention colleagues with @username to notify them."),
    )


class UpdateForm(ActionForm):
    body = forms.CharField(
        label=_("Public update"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The customer sees this at once and the reporter gets it by email."),
    )
    status = forms.ChoiceField(
        label=_("And set the status to"), choices=Status.choices, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.choices = [("", _("(keep the status)"))] + [
            (s.value, s.label)
            for s in lifecycle.allowed_next(self.incident.status)
            if s not in (Status.RESOLVED, Status.CLOSED)
        ]


class WorkaroundForm(ActionForm):
    text = forms.CharField(
        label=_("Workaround"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A way around the problem until it is fixed; shared with the reporter."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("text", self.incident.workaround)


class ResolveForm(ActionForm):
    resolution = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What fixed it, in words the reporter understands; mailed to them."),
    )
    code = forms.ChoiceField(
        label=_("Resolution code"), choices=ResolutionCode.choices, initial=ResolutionCode.FIXED
    )


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class LinkForm(ActionForm):
    reference = forms.CharField(label=_("Other incident"), max_length=30, help_text="INC-1042")
    kind = forms.ChoiceField(label=_("This incident is"), choices=LinkKind.choices)

    def clean_reference(self) -> Incident:
        match = REFERENCE.match(self.cleaned_data["reference"])
        other = (
            scoped(Incident, self.user).filter(number=int(match.group(1))).first()
            if match
            else None
        )
        if other is None:
            raise ValidationError(_("There is no such incident that you can see."))
        return other


class AttachForm(ActionForm):
    file = forms.FileField(label=_("File"))
    public = forms.BooleanField(label=_("Visible to the customer"), required=False, initial=False)

    def clean_file(self) -> Any:
        return _checked_upload(self.cleaned_data.get("file"))


# --- customer portal ----------------------------------------------------------------------


class PortalReportForm(forms.Form):
    title = forms.CharField(
        label=_("What is the problem?"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. I cannot print delivery notes")}),
    )
    description = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What did you try, since when, who else is affected, any error message."),
    )
    service = forms.ModelChoiceField(
        label=_("Affected service"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("I don't know"),
    )
    high_impact = forms.BooleanField(
        label=_("The impact on our work is high"),
        required=False,
        help_text=_(
            "Tick this when work has stopped or many people are affected. We take your word "
            "for it: the incident gets our highest priority (P1) at once."
        ),
    )
    attachment = forms.FileField(
        label=_("Screenshot or file (optional)"),
        required=False,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = scoped(Service, user).filter(is_active=True)  # type: ignore[attr-defined]

    def clean_attachment(self) -> Any:
        return _checked_upload(self.cleaned_data.get("attachment"))


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Add a comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PortalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still wrong?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolutionAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))])
    reason = forms.CharField(
        label=_("What is still wrong?"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("answer") == "no" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Please tell us what is still wrong."))
        return data
