"""Forms parse and validate input only; saving goes through tenancy.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fixfirst.tenancy.models import Contact, Contract, Customer, Team, TokenScope, User
from fixfirst.tenancy.roles import CUSTOMER_ROLES, Role


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["name", "slug", "is_active", "timezone", "language", "notes"]


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "email", "phone", "job_title", "is_primary"]

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.customer = customer


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["name", "reference", "starts_on", "ends_on", "notes"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.customer = customer


class TeamForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Members"),
    )

    class Meta:
        model = Team
        fields = ["name", "slug", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = User.objects.filter(customer__isnull=True, is_active=True)
        if self.instance.pk:
            self.fields["members"].initial = list(self.instance.members.all())


class InviteUserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.all(), required=False
    )

    def __init__(self, *args: Any, customer: Customer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_customer = customer
        if customer is not None:
            # Inviting into one organisation: only customer roles, customer fixed.
            self.fields["role"].choices = [(r.value, r.label) for r in Role if r in CUSTOMER_ROLES]
            del self.fields["customer"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        customer = self.fixed_customer or data.get("customer")
        if data.get("role") in CUSTOMER_ROLES and customer is None:
            self.add_error("customer", _("A customer user needs a customer."))
        data["customer"] = customer if data.get("role") in CUSTOMER_ROLES else None
        return data


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role", "customer", "phone", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") in CUSTOMER_ROLES and not data.get("customer"):
            self.add_error("customer", _("A customer user needs a customer."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scope = forms.ChoiceField(label=_("Scope"), choices=TokenScope.choices)
    expires_at = forms.DateTimeField(
        label=_("Expires"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for a token that does not expire."),
    )
