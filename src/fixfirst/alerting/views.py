"""Staff pages of alerting: alerts, routing rules and silences (integrations: views_integrations).

Thin: querysets through tenancy.access, forms validate, alerting.services change state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fixfirst.alerting import services
from fixfirst.alerting.forms import AlertFilterForm, RoutingRuleForm, SilenceForm, format_matchers
from fixfirst.alerting.models import Alert, Integration, RoutingRule, Silence
from fixfirst.alerting.routing import visible_rules
from fixfirst.tenancy.access import get_for, require, scoped
from fixfirst.tenancy.models import User
from fixfirst.tenancy.roles import Capability

PAGE_SIZE = 50
LABELS_SHOWN = 6


def staff(request: HttpRequest) -> User:
    """The user of a staff-only page; customer users get a 403."""
    user: User = request.user  # type: ignore[assignment]
    if not user.is_provider_staff:
        raise PermissionDenied(_("This page is for provider staff."))
    return user


def add_service_errors(
    form: forms.BaseForm, exc: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """A service's ValidationError onto the form: on the field it names, else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        field = (aliases or {}).get(field, field)
        form.add_error(field if field in form.fields else None, errors)


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], Any],
    *,
    template: str,
    success: Callable[[Any], HttpResponse],
    context: dict[str, Any] | None = None,
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """Validate, call the service, and turn its ValidationError into form errors (HTTP 400)."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save()
        except ValidationError as exc:
            add_service_errors(form, exc, aliases)
        else:
            return success(result)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, **(context or {})}, status=status)


@dataclass(frozen=True)
class AlertRow:
    alert: Alert
    labels: list[str]
    more: int


def compact_labels(labels: dict[str, Any]) -> tuple[list[str], int]:
    """The first few ``label=value`` pairs (alertname is the row's title already)."""
    pairs = [f"{k}={v}" for k, v in sorted(labels.items()) if k != "alertname"]
    shown = [p if len(p) <= 60 else p[:59] + "…" for p in pairs[:LABELS_SHOWN]]
    return shown, len(pairs) - len(shown)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    staff(request)
    return redirect("alerting_pages:alert_list")


# --- alerts ---------------------------------------------------------------------------------


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    form = AlertFilterForm(request.GET or None, user=user)
    alerts = scoped(Alert, user).select_related(
        "integration", "customer", "incident", "silenced_by"
    )
    page = Paginator(form.filter(alerts).order_by("-last_seen", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(
        request,
        "alerting/alert_list.html",
        {
            "form": form,
            "page": page,
            "rows": [AlertRow(a, *compact_labels(a.labels)) for a in page],
            "page_query": query,
            "can_silence": user.can(Capability.WORK_INCIDENTS),
            "section": "alerts",
        },
    )


# --- routing rules --------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRow:
    rule: RoutingRule
    matchers: list[str]


def rule_rows(rules: Iterable[RoutingRule]) -> list[RuleRow]:
    return [RuleRow(r, format_matchers(r.matchers).splitlines()) for r in rules]


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    return render(
        request,
        "alerting/rule_list.html",
        {
            "rows": rule_rows(visible_rules(user).order_by("position", "pk")),
            "can_manage": user.can(Capability.MANAGE_CUSTOMERS),
            "section": "rules",
        },
    )


def _rule_form(request: HttpRequest, rule: RoutingRule | None) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    initial = {}
    if rule is None and request.GET.get("integration"):
        initial["integration"] = get_for(
            user, Integration, pk=request.GET["integration"]
        )  # a bad or hidden id is a 404
    form = RoutingRuleForm(request.POST or None, instance=rule, initial=initial, user=user)
    return form_page(
        request,
        form,
        lambda: services.save_rule(rule, by=user, **form.cleaned_data),
        template="alerting/rule_form.html",
        success=lambda saved: _saved(request, redirect("alerting_pages:rule_list")),
        context={"rule": rule, "section": "rules"},
    )


@login_required
def rule_create(request: HttpRequest) -> HttpResponse:
    staff(request)
    require(request.user, Capability.MANAGE_CUSTOMERS)
    return _rule_form(request, None)


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    return _rule_form(
        request, get_for(user, visible_rules(user), Capability.MANAGE_CUSTOMERS, pk=pk)
    )


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    rule = get_for(user, visible_rules(user), Capability.MANAGE_CUSTOMERS, pk=pk)
    services.delete_rule(rule, by=user)
    messages.success(request, _("Rule %(name)s deleted.") % {"name": rule.name})
    return redirect("alerting_pages:rule_list")


def _saved(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    messages.success(request, _("Saved."))
    return response


# --- silences -------------------------------------------------------------------------------


@login_required
def silence_list(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    now = timezone.now()
    silences = scoped(Silence, user).select_related("customer", "created_by")

    def rows(qs: QuerySet[Silence]) -> list[tuple[Silence, list[str]]]:
        return [(s, format_matchers(s.matchers).splitlines()) for s in qs]

    return render(
        request,
        "alerting/silence_list.html",
        {
            "active": rows(
                silences.filter(starts_at__lte=now, ends_at__gt=now).order_by("ends_at")
            ),
            "upcoming": rows(silences.filter(starts_at__gt=now).order_by("starts_at")),
            "expired": rows(silences.filter(ends_at__lte=now).order_by("-ends_at")[:PAGE_SIZE]),
            "can_create": user.can(Capability.WORK_INCIDENTS),
            "section": "silences",
        },
    )


def _silence_initial(user: User, alert_pk: str | None) -> dict[str, Any]:
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial: dict[str, Any] = {"starts_at": now, "ends_at": now + timezone.timedelta(hours=2)}
    if alert_pk:
        # "Silence alerts like this one": its name and labels, its customer.
        alert = get_for(user, Alert, pk=alert_pk)
        labels = {"alertname": alert.name, **alert.labels}
        initial["matchers"] = [
            {"label": k, "op": "=", "value": str(v)} for k, v in labels.items() if k != "severity"
        ]
        initial["customer"] = alert.customer_id
    return initial


@login_required
def silence_create(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    require(user, Capability.WORK_INCIDENTS)
    form = SilenceForm(
        request.POST or None, initial=_silence_initial(user, request.GET.get("alert")), user=user
    )
    return form_page(
        request,
        form,
        lambda: services.create_silence(by=user, **form.cleaned_data),
        template="alerting/silence_form.html",
        success=lambda s: _saved(request, redirect("alerting_pages:silence_list")),
        context={"section": "silences", "time_zone": timezone.get_current_timezone_name()},
    )


@login_required
@require_POST
def silence_expire(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    silence = get_for(user, Silence, Capability.WORK_INCIDENTS, pk=pk)
    if services.expire_silence(silence, by=user) is None:
        messages.success(request, _("Silence cancelled before it started."))
    else:
        messages.success(request, _("Silence expired: matching alerts open incidents again."))
    return redirect("alerting_pages:silence_list")
