"""A person's own paging settings: contact methods, notification rules, calendar feed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fixfirst.oncall import contacts, editing, schedules
from fixfirst.oncall.choices import ContactKind
from fixfirst.oncall.forms import CodeForm, ContactMethodForm, RuleForm
from fixfirst.oncall.models import ContactMethod, NotificationRule
from fixfirst.oncall.senders import webhook_secret
from fixfirst.oncall.views_common import add_errors, post_action, staff_user


def _page(request: HttpRequest, **forms: object) -> HttpResponse:
    user = staff_user(request)
    feed = editing.personal_feed(user)
    now = timezone.now()
    methods = list(ContactMethod.objects.filter(user=user))
    for method in methods:
        method.can_verify = contacts.can_verify(method.kind)  # type: ignore[attr-defined]
        if method.kind == ContactKind.WEBHOOK:
            method.signing_secret = webhook_secret(method.address)  # type: ignore[attr-defined]
    context = {
        "methods": methods,
        "rules": NotificationRule.objects.filter(user=user).select_related("contact_method"),
        "shifts": schedules.shifts_of(user, now, now + dt.timedelta(weeks=4))[:20],
        "feed_url": settings.BASE_URL + reverse("oncall:person_ics", args=[user.pk, feed.token]),
        "method_form": forms.get("method_form") or ContactMethodForm(),
        "rule_form": forms.get("rule_form") or RuleForm(user=user),
        "code_form": CodeForm(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "oncall/me.html", context, status=status)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def method_add(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = ContactMethodForm(request.POST)
    if form.is_valid():
        try:
            method = contacts.add_contact_method(user, by=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if method.kind == "email":
                messages.success(request, _("Saved. We mailed a link to confirm the address."))
            else:
                messages.success(request, _("Saved. Verify it to have it used for paging."))
            return redirect("oncall:me")
    return _page(request, method_form=form)


def _own_method(request: HttpRequest, pk: int) -> ContactMethod:
    user = staff_user(request)
    return get_object_or_404(ContactMethod, pk=pk, user=user)


@login_required
@require_POST
def method_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Without a code: send the link or code. With one: check it."""
    method = _own_method(request, pk)
    form = CodeForm(request.POST)
    code = form.data.get("code", "").strip() if form.is_valid() else ""
    back = redirect("oncall:me")
    if code:
        return post_action(
            request, lambda: contacts.confirm_code(method, code, by=request.user),
            _("Verified: this address is used for paging now."), back,
        )  # fmt: skip
    return post_action(
        request, lambda: contacts.send_verification(method, by=request.user),
        _("Sent. Follow the link, or enter the code here."), back,
    )  # fmt: skip


@login_required
@require_POST
def method_delete(request: HttpRequest, pk: int) -> HttpResponse:
    method = _own_method(request, pk)
    return post_action(
        request, lambda: contacts.delete_contact_method(method, by=request.user),
        _("Contact method removed."), redirect("oncall:me"),
    )  # fmt: skip


@login_required
@require_POST
def rule_add(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = RuleForm(request.POST, user=user)
    if form.is_valid():
        try:
            contacts.add_rule(user, by=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Rule added."))
            return redirect("oncall:me")
    return _page(request, rule_form=form)


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    rule = get_object_or_404(NotificationRule, pk=pk, user=user)
    return post_action(
        request, lambda: contacts.delete_rule(rule, by=user), _("Rule removed."),
        redirect("oncall:me"),
    )  # fmt: skip


@login_required
@require_POST
def feed_rotate(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return post_action(
        request, lambda: editing.rotate_personal_feed(user, by=user),
        _("New calendar address made; the old one no longer works."), redirect("oncall:me"),
    )  # fmt: skip
