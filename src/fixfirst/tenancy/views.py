"""Pages for customers, contacts, contracts, teams, people and API tokens.

Thin: get the object through tenancy.access, validate with a form, call a service, render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fixfirst.tenancy import services
from fixfirst.tenancy.access import customers_for, get_for, may_manage_customer, require, scoped
from fixfirst.tenancy.forms import (
    ContactForm,
    ContractForm,
    CustomerForm,
    InviteUserForm,
    TeamForm,
    TokenForm,
    UserForm,
)
from fixfirst.tenancy.models import ApiToken, Contact, Contract, Customer, Team, User
from fixfirst.tenancy.roles import Capability


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_provider_staff:  # type: ignore[union-attr]
        raise PermissionDenied(_("This page is for provider staff."))


def _form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    success: Callable[[Any], HttpResponse],
    back: str,
) -> HttpResponse:
    """Validate, call the service, and turn its ValidationError into form errors."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Saved."))
            return success(result)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "tenancy/form.html", {"form": form, "title": title, "back": back}, status=status
    )


# --- customers ----------------------------------------------------------------------------


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_provider_staff:  # type: ignore[union-attr]
        return redirect("tenancy:customer_detail", request.user.customer_id)  # type: ignore[union-attr]
    return render(
        request,
        "tenancy/customer_list.html",
        {
            "customers": customers_for(request.user),
            "can_create": request.user.can(Capability.MANAGE_CUSTOMERS),  # type: ignore[union-attr]
        },
    )


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_for(request.user, Customer, pk=pk)
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "tenancy/customer_detail.html",
        {
            "customer": customer,
            "contacts": scoped(Contact, user).filter(customer=customer),
            "contracts": scoped(Contract, user).filter(customer=customer),
            "users": scoped(User, user).filter(customer=customer),
            "can_manage": may_manage_customer(user, customer),
            "can_contract": user.can(Capability.MANAGE_CUSTOMERS),
        },
    )


@login_required
def customer_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.MANAGE_CUSTOMERS)
    return _form_page(
        request,
        CustomerForm(request.POST or None),
        lambda data: services.create_customer(by=request.user, **data),  # type: ignore[arg-type]
        title=_("New customer"),
        success=lambda c: redirect("tenancy:customer_detail", c.pk),
        back="tenancy:customer_list",
    )


@login_required
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_for(request.user, Customer, Capability.MANAGE_CUSTOMERS, pk=pk)
    return _form_page(
        request,
        CustomerForm(request.POST or None, instance=customer),
        lambda data: services.update_customer(customer, by=request.user, **data),  # type: ignore[arg-type]
        title=_("Edit %(name)s") % {"name": customer.name},
        success=lambda c: redirect("tenancy:customer_detail", c.pk),
        back="tenancy:customer_list",
    )


def _managed_customer(request: HttpRequest, pk: int) -> Customer:
    customer = get_for(request.user, Customer, pk=pk)
    if not may_manage_customer(request.user, customer):  # type: ignore[arg-type]
        raise PermissionDenied(_("You may not change this organisation."))
    return customer


@login_required
def contact_create(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = _managed_customer(request, customer_pk)
    return _form_page(
        request,
        ContactForm(request.POST or None, customer=customer),
        lambda data: services.add_contact(customer, by=request.user, **data),  # type: ignore[arg-type]
        title=_("New contact at %(name)s") % {"name": customer.name},
        success=lambda c: redirect("tenancy:customer_detail", customer.pk),
        back="tenancy:customer_list",
    )


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_for(request.user, Contact, pk=pk)
    _managed_customer(request, contact.customer_id)
    return _form_page(
        request,
        ContactForm(request.POST or None, instance=contact, customer=contact.customer),
        lambda data: services.update_contact(contact, by=request.user, **data),  # type: ignore[arg-type]
        title=_("Edit %(name)s") % {"name": contact.name},
        success=lambda c: redirect("tenancy:customer_detail", contact.customer_id),
        back="tenancy:customer_list",
    )


@login_required
@require_POST
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_for(request.user, Contact, pk=pk)
    _managed_customer(request, contact.customer_id)
    services.remove_contact(contact, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Contact removed."))
    return redirect("tenancy:customer_detail", contact.customer_id)


@login_required
def contract_create(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = get_for(request.user, Customer, Capability.MANAGE_CUSTOMERS, pk=customer_pk)
    return _form_page(
        request,
        ContractForm(request.POST or None, customer=customer),
        lambda data: services.add_contract(customer, by=request.user, **data),  # type: ignore[arg-type]
        title=_("New contract with %(name)s") % {"name": customer.name},
        success=lambda c: redirect("tenancy:customer_detail", customer.pk),
        back="tenancy:customer_list",
    )


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_for(request.user, Contract, Capability.MANAGE_CUSTOMERS, pk=pk)
    return _form_page(
        request,
        ContractForm(request.POST or None, instance=contract, customer=contract.customer),
        lambda data: services.update_contract(contract, by=request.user, **data),  # type: ignore[arg-type]
        title=_("Edit %(name)s") % {"name": contract.name},
        success=lambda c: redirect("tenancy:customer_detail", contract.customer_id),
        back="tenancy:customer_list",
    )


@login_required
def customer_user_invite(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = _managed_customer(request, customer_pk)
    return _form_page(
        request,
        InviteUserForm(request.POST or None, customer=customer),
        lambda data: services.invite_user(by=request.user, **data),  # type: ignore[arg-type]
        title=_("Invite a user at %(name)s") % {"name": customer.name},
        success=lambda u: redirect("tenancy:customer_detail", customer.pk),
        back="tenancy:customer_list",
    )


# --- teams --------------------------------------------------------------------------------


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return render(
        request,
        "tenancy/team_list.html",
        {
            "teams": scoped(Team, request.user).prefetch_related("members"),
            "can_manage": request.user.can(Capability.MANAGE_PLATFORM),  # type: ignore[union-attr]
        },
    )


def _save_team(team: Team | None, by: User, data: dict[str, Any]) -> Team:
    members = data.pop("members", [])
    if team is None:
        team = services.create_team(by=by, **data)
    else:
        team = services.update_team(team, by=by, **data)
    services.set_team_members(team, members, by=by)
    return team


@login_required
def team_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.MANAGE_PLATFORM)
    return _form_page(
        request,
        TeamForm(request.POST or None),
        lambda data: _save_team(None, request.user, data),  # type: ignore[arg-type]
        title=_("New team"),
        success=lambda t: redirect("tenancy:team_list"),
        back="tenancy:team_list",
    )


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_for(request.user, Team, Capability.MANAGE_PLATFORM, pk=pk)
    return _form_page(
        request,
        TeamForm(request.POST or None, instance=team),
        lambda data: _save_team(team, request.user, data),  # type: ignore[arg-type]
        title=_("Edit %(name)s") % {"name": team.name},
        success=lambda t: redirect("tenancy:team_list"),
        back="tenancy:team_list",
    )


# --- people -------------------------------------------------------------------------------


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.MANAGE_PLATFORM)
    people = (
        scoped(User, request.user).select_related("customer").order_by("customer__name", "username")
    )
    return render(request, "tenancy/user_list.html", {"people": people})


@login_required
def user_invite(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.MANAGE_PLATFORM)
    form = InviteUserForm(request.POST or None)
    form.fields["customer"].queryset = customers_for(request.user)  # type: ignore[attr-defined]
    return _form_page(
        request,
        form,
        lambda data: services.invite_user(by=request.user, **data),  # type: ignore[arg-type]
        title=_("Invite a person"),
        success=lambda u: redirect("tenancy:user_list"),
        back="tenancy:user_list",
    )


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_for(request.user, User, Capability.MANAGE_PLATFORM, pk=pk)
    form = UserForm(request.POST or None, instance=person)
    form.fields["customer"].queryset = customers_for(request.user)  # type: ignore[attr-defined]
    return _form_page(
        request,
        form,
        lambda data: services.update_user(person, by=request.user, **data),  # type: ignore[arg-type]
        title=_("Edit %(name)s") % {"name": person.display_name},
        success=lambda u: redirect("tenancy:user_list"),
        back="tenancy:user_list",
    )


# --- API tokens ---------------------------------------------------------------------------


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.create_api_token(user, by=user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = TokenForm()
    return render(
        request,
        "tenancy/token_list.html",
        {"tokens": ApiToken.objects.filter(user=user), "form": form, "new_token": new_token},
        status=400 if request.method == "POST" and form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Tokens are personal: one's own, looked up by owner, never anybody else's.
    token = get_for(request.user, ApiToken.objects.filter(user=request.user), pk=pk)
    services.revoke_api_token(token, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Token revoked."))
    return redirect("tenancy:token_list")
