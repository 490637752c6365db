"""Helpers shared by the on-call pages: who may do what, and the form-page pattern."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fixfirst.tenancy.models import User
from fixfirst.tenancy.roles import Capability

# On-call data is the provider's own: customers never see it. Engineers and agents keep the
# schedules (swap shifts, add overrides); incident managers and administrators the policies.
EDIT_SCHEDULES = Capability.WORK_INCIDENTS
EDIT_POLICIES = Capability.MANAGE_INCIDENTS


def staff_user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_provider_staff:
        raise PermissionDenied(_("This page is for provider staff."))
    return user


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    success: Callable[[Any], HttpResponse],
    back: str,
) -> HttpResponse:
    """Validate, call the service, turn its ValidationError into form errors."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return success(result)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "back": back}
    return render(request, "oncall/form.html", context, status=status)


def post_action(
    request: HttpRequest, action: Callable[[], Any], done: str, redirect_to: HttpResponse
) -> HttpResponse:
    """A POST-only button: run ``action``, say ``done`` or the error, go back."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect_to
