"""Forms of the alerting pages. They parse and validate; alerting.services saves."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fixfirst.alerting.models import (
    DEFAULT_SEVERITY_PRIORITY,
    AlertStatus,
    Integration,
    IntegrationKind,
    MatchOp,
    RoutingRule,
    Silence,
    SilenceKind,
)
from fixfirst.alerting.sources.webhook import parser as webhook
from fixfirst.catalog.models import Service
from fixfirst.incidents.choices import IncidentClass, Priority
from fixfirst.tenancy.access import customers_for, scoped
from fixfirst.tenancy.models import Customer, Team, User

SEVERITIES: list[tuple[str, Any]] = [
    ("critical", _("critical")),
    ("error", _("error")),
    ("warning", _("warning")),
    ("info", _("info")),
]
_ANY: list[tuple[str, Any]] = [("", _("any"))]
_YES_NO: list[tuple[str, Any]] = [*_ANY, ("yes", _("yes")), ("no", _("no"))]

# --- matchers as text -------------------------------------------------------------------

# One matcher a line: label=value, label!=value, label=~regex, label!~regex. The value may be
# written in double quotes (JSON escapes) to keep surrounding spaces or a leading quote.
_MATCHER = re.compile(r"^(?P<label>[^=!~\s]+)\s*(?P<op>=~|!~|!=|=)\s*(?P<value>.*)$")


def parse_matchers(text: str) -> list[dict[str, str]]:
    """Matcher lines into the JSON list the models keep; every bad line is named."""
    matchers, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        found = _MATCHER.match(line)
        if found is None:
            errors.append(
                _("Line %(n)s: write label=value, label!=value, label=~regex or label!~regex.")
                % {"n": number}
            )
            continue
        label, op, value = found["label"], found["op"], found["value"].strip()
        if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
            try:
                value = json.loads(value)
            except ValueError:
                errors.append(_("Line %(n)s: the quoted value is not closed.") % {"n": number})
                continue
        if op in (MatchOp.REGEX, MatchOp.NOT_REGEX):
            try:
                re.compile(value)
            except re.error as exc:
                errors.append(
                    _("Line %(n)s: %(value)s is not a regular expression (%(error)s).")
                    % {"n": number, "value": value, "error": exc}
                )
                continue
        matchers.append({"label": label, "op": op, "value": value})
    if errors:
        raise ValidationError(errors)
    return matchers


def format_matchers(matchers: Any) -> str:
    lines = []
    for matcher in matchers or []:
        value = str(matcher.get("value", ""))
        if value != value.strip() or value.startswith('"') or "\n" in value:
            value = json.dumps(value)
        lines.append(f"{matcher.get('label')}{matcher.get('op', '=')}{value}")
    return "\n".join(lines)


class MatchersField(forms.CharField):
    widget = forms.Textarea(
        attrs={
            "rows": 4,
            "class": "mono",
            "spellcheck": "false",
            "placeholder": "host=~erp-.*\nenv!=test",
        }
    )

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Matchers"))
        kwargs.setdefault(
            "help_text",
            _(
                "One a line: label=value, label!=value, label=~regex or label!~regex. "
                "Regexes match the whole value; a missing label counts as empty. "
                "Every line must hold."
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return format_matchers(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        if isinstance(value, list):
            return value
        return parse_matchers(str(value or ""))


def _staff_choices(user: User) -> dict[str, QuerySet[Any]]:
    return {
        "customer": customers_for(user),
        "service": scoped(Service, user).order_by("name"),
        "team": scoped(Team, user).order_by("name"),
    }


# --- integrations ---------------------------------------------------------------------------


class IntegrationForm(forms.ModelForm):
    group_by_labels = forms.CharField(
        label=_("Group by labels"),
        required=False,
        max_length=500,
        help_text=_(
            "Label names, separated by commas. Alerts with the same values join one incident. "
            "Empty: customer, service and alert name."
        ),
    )
    field_mapping_json = forms.CharField(
        label=_("Field mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono", "spellcheck": "false"}),
        help_text=_(
            "Generic webhook only: where each field is in the tool's JSON, as a JSON object "
            'of dotted paths, e.g. {"name": "check.name", "status": "state"}. '
            "Empty: the native shape."
        ),
    )

    class Meta:
        model = Integration
        fields = [
            "name", "kind", "customer", "default_service", "team", "group_window_minutes",
            "when_cleared", "flap_threshold", "flap_window_minutes", "is_active",
        ]  # fmt: skip
        labels = {
            "name": _("Name"),
            "kind": _("Sending tool"),
            "customer": _("Customer"),
            "default_service": _("Default service"),
            "team": _("Team"),
            "group_window_minutes": _("Grouping window (minutes)"),
            "when_cleared": _("When every alert of an incident has cleared"),
            "flap_threshold": _("Flapping after this many state changes"),
            "flap_window_minutes": _("Flapping window (minutes)"),
            "is_active": _("Active (accepts alerts)"),
        }
        help_texts = {
            "customer": _("Empty for the provider's own monitoring: routing rules pick the customer."),
            "default_service": _("The service an incident is about, unless a routing rule sets one."),
            "team": _("The team an incident goes to, unless a routing rule sets one."),
            "group_window_minutes": _(
                "A new alert joins the open incident of its group when that group's last alert "
                "came within this many minutes."
            ),
            "flap_threshold": _(
                "An alert that fires and clears this often within the window is flapping: "
                "it no longer reopens its incident."
            ),
        }  # fmt: skip

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _staff_choices(user)
        self.fields["customer"].queryset = choices["customer"]  # type: ignore[attr-defined]
        self.fields["customer"].empty_label = _("— the provider's own monitoring —")  # type: ignore[attr-defined]
        self.fields["default_service"].queryset = choices["service"]  # type: ignore[attr-defined]
        self.fields["team"].queryset = choices["team"]  # type: ignore[attr-defined]
        for name in ("default_service", "team"):
            self.fields[name].empty_label = "—"  # type: ignore[attr-defined]
        self.fields["kind"].choices = IntegrationKind.choices  # type: ignore[attr-defined]
        table = {**DEFAULT_SEVERITY_PRIORITY, **(self.instance.severity_priority or {})}
        for severity, label in SEVERITIES:
            self.fields[f"priority_{severity}"] = forms.TypedChoiceField(
                label=label, choices=Priority.choices, coerce=int, initial=table.get(severity)
            )
        if self.instance.pk:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("The sending tool of an integration cannot change.")
            self.initial["group_by_labels"] = ", ".join(self.instance.group_by or [])
            if self.instance.field_mapping:
                self.initial["field_mapping_json"] = json.dumps(
                    self.instance.field_mapping, indent=2
                )

    @property
    def priority_fields(self) -> list[forms.BoundField]:
        return [self[f"priority_{severity}"] for severity, _label in SEVERITIES]

    def clean_group_by_labels(self) -> list[str]:
        names = [n.strip() for n in re.split(r"[,\s]+", self.cleaned_data["group_by_labels"])]
        return list(dict.fromkeys(n for n in names if n))

    def clean_field_mapping_json(self) -> dict[str, Any]:
        text = self.cleaned_data["field_mapping_json"].strip()
        if not text:
            return {}
        try:
            mapping = json.loads(text)
        except ValueError as exc:
            raise ValidationError(_("This is not JSON: %(error)s") % {"error": exc}) from exc
        problems = webhook.mapping_errors(mapping)
        if problems:
            raise ValidationError(problems)
        return mapping  # type: ignore[no-any-return]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("field_mapping_json") and data.get("kind") != IntegrationKind.WEBHOOK:
            self.add_error("field_mapping_json", _("Only generic webhooks use a field mapping."))
        return data

    def service_fields(self) -> dict[str, Any]:
        """What alerting.services takes: model fields, the priority table, labels, mapping."""
        data = dict(self.cleaned_data)
        fields = {name: data[name] for name in self.Meta.fields if name != "kind"}
        fields["severity_priority"] = {s: data[f"priority_{s}"] for s, _label in SEVERITIES}
        fields["group_by"] = data["group_by_labels"]
        fields["field_mapping"] = data["field_mapping_json"]
        return fields


# --- routing rules --------------------------------------------------------------------------


class RoutingRuleForm(forms.ModelForm):
    matchers = MatchersField()

    class Meta:
        model = RoutingRule
        fields = [
            "name", "position", "integration", "matchers", "set_customer", "set_service",
            "set_priority", "set_class", "set_team", "drop", "continue_matching", "is_active",
        ]  # fmt: skip
        labels = {
            "name": _("Name"),
            "position": _("Order"),
            "integration": _("Integration"),
            "set_customer": _("Set customer"),
            "set_service": _("Set service"),
            "set_priority": _("Set priority"),
            "set_class": _("Set class"),
            "set_team": _("Set team"),
            "drop": _("Drop matching alerts"),
            "continue_matching": _("Continue with the next rule"),
            "is_active": _("Active"),
        }
        help_texts = {
            "position": _("Lower numbers run first."),
            "set_customer": _("Applies to the provider's own integrations only."),
            "drop": _("Matching alerts are not stored at all."),
            "continue_matching": _("Otherwise the first matching rule is the last one applied."),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _staff_choices(user)
        self.fields["integration"].queryset = scoped(Integration, user)  # type: ignore[attr-defined]
        self.fields["integration"].empty_label = _("— every integration —")  # type: ignore[attr-defined]
        self.fields["set_customer"].queryset = choices["customer"]  # type: ignore[attr-defined]
        self.fields["set_service"].queryset = choices["service"]  # type: ignore[attr-defined]
        self.fields["set_team"].queryset = choices["team"]  # type: ignore[attr-defined]
        for name in ("set_customer", "set_service", "set_team"):
            self.fields[name].empty_label = "—"  # type: ignore[attr-defined]
        self.fields["set_priority"].choices = [("", "—"), *Priority.choices]  # type: ignore[attr-defined]
        self.fields["set_class"].choices = [("", "—"), *IncidentClass.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        integration = data.get("integration")
        if data.get("set_customer") and integration is not None and integration.customer_id:
            self.add_error(
                "set_customer",
                _("%(name)s belongs to a customer: its alerts never go to another customer.")
                % {"name": integration.name},
            )
        return data


# --- silences -------------------------------------------------------------------------------


class SilenceForm(forms.ModelForm):
    matchers = MatchersField()

    class Meta:
        model = Silence
        fields = ["kind", "customer", "matchers", "starts_at", "ends_at", "comment"]
        labels = {
            "kind": _("Kind"),
            "customer": _("Customer"),
            "starts_at": _("Starts"),
            "ends_at": _("Ends"),
            "comment": _("Comment"),
        }
        help_texts = {
            "customer": _("Only this customer's alerts. Empty: every customer's."),
            "comment": _("Why, e.g. the change number."),
        }
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "comment": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SilenceKind.choices  # type: ignore[attr-defined]
        self.fields["customer"].queryset = customers_for(user)  # type: ignore[attr-defined]
        self.fields["customer"].empty_label = _("— every customer —")  # type: ignore[attr-defined]
        # Staff kept away from some customers must not mute those customers' alerts.
        self.customer_required = user.excluded_customers.exists()
        if self.customer_required:
            self.fields["customer"].required = True
            self.fields["customer"].empty_label = None  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A silence must end after it starts."))
        elif ends and ends <= timezone.now():
            self.add_error("ends_at", _("This end lies in the past."))
        if "matchers" in data and not data["matchers"] and not data.get("customer"):
            self.add_error(
                "matchers",
                _("Name a customer or at least one matcher: otherwise every alert is muted."),
            )
        return data

    def _post_clean(self) -> None:
        # The model's constraint repeats clean()'s end-after-start check; say it once.
        if "ends_at" not in self.errors:
            super()._post_clean()


# --- alert filters --------------------------------------------------------------------------


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=_ANY + AlertStatus.choices, required=False
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=_ANY + SEVERITIES, required=False)
    integration = forms.ModelChoiceField(
        label=_("Integration"),
        queryset=Integration.objects.none(),
        required=False,
        empty_label=_("any"),
    )
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.none(), required=False, empty_label=_("any")
    )
    flapping = forms.ChoiceField(label=_("Flapping"), choices=_YES_NO, required=False)
    silenced = forms.ChoiceField(label=_("Silenced"), choices=_YES_NO, required=False)
    incident = forms.RegexField(
        label=_("Incident"),
        regex=r"^\s*(?:[A-Za-z]+-?)?\d{1,18}\s*$",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "INC-1042"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["integration"].queryset = scoped(Integration, user)  # type: ignore[attr-defined]
        self.fields["customer"].queryset = customers_for(user)  # type: ignore[attr-defined]

    def filter(self, alerts: QuerySet[Any]) -> QuerySet[Any]:
        if not self.is_bound:
            return alerts
        if not self.is_valid():
            return alerts.none()  # say what is wrong rather than show everything
        data = self.cleaned_data
        if data["status"]:
            alerts = alerts.filter(status=data["status"])
        if data["severity"]:
            alerts = alerts.filter(severity=data["severity"])
        if data["integration"]:
            alerts = alerts.filter(integration=data["integration"])
        if data["customer"]:
            alerts = alerts.filter(customer=data["customer"])
        if data["flapping"]:
            alerts = alerts.filter(flapping=data["flapping"] == "yes")
        if data["silenced"]:
            alerts = alerts.filter(silenced_by__isnull=data["silenced"] == "no")
        if data["incident"]:
            alerts = alerts.filter(incident__number=int(re.sub(r"\D", "", data["incident"])))
        return alerts

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)
