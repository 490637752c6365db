"""The customer's side: their organisation's incidents, the one-page report form, one incident
with its public timeline, and the resolution link from the mail (no login needed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fixfirst.incidents import services, updates
from fixfirst.incidents.choices import OPEN_STATUSES, Channel, Impact, Status, Urgency
from fixfirst.incidents.forms import (
    CommentForm,
    PortalReasonForm,
    PortalReportForm,
    ResolutionAnswerForm,
)
from fixfirst.incidents.messages import incident_id_from_token
from fixfirst.incidents.models import Incident
from fixfirst.incidents.views import (
    add_service_errors,
    error_text,
    incidents_for,
    sla_words,
    timeline,
)
from fixfirst.tenancy.access import get_for, scoped
from fixfirst.tenancy.models import Contact, User

PAGE_SIZE = 50


def _customer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _contact_of(user: User) -> Contact | None:
    return scoped(Contact, user).filter(user=user).first()


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    user = _customer(request)
    if user.is_provider_staff:
        return redirect("incidents:queue")
    # Open ones first, newest first within each group.
    is_open = Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1))
    found = (
        scoped(Incident, user)
        .select_related("reporter")
        .annotate(closed_group=is_open)
        .order_by("closed_group", "-opened_at", "-pk")
    )
    mine = request.GET.get("mine") == "1"
    contact = _contact_of(user)
    if mine:
        found = found.filter(reporter=contact) if contact else found.none()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "incidents/portal_list.html", {"page": page, "mine": mine})


@login_required
def portal_new(request: HttpRequest) -> HttpResponse:
    user = _customer(request)
    if user.is_provider_staff:
        return redirect("incidents:create")
    contact = _contact_of(user)
    form = PortalReportForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and contact is None:
        form.add_error(None, _("Your login is not linked to a contact yet."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a refused attachment leaves no half-reported incident behind.
            with transaction.atomic():
                incident = services.open_incident(
                    by=user,
                    customer=contact.customer,  # type: ignore[union-attr]
                    reporter=contact,
                    title=data["title"],
                    description=data["description"],
                    channel=Channel.PORTAL,
                    impact=Impact.MEDIUM,
                    urgency=Urgency.MEDIUM,
                    reported_high_impact=data["high_impact"],
                    services=[data["service"]] if data["service"] else [],
                )
                if data["attachment"]:
                    updates.attach_file(incident, by=user, upload=data["attachment"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you. We have registered your report as %(ref)s.")
                % {"ref": incident.reference},
            )
            return redirect("incidents:portal_detail", incident.number)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "incidents/portal_new.html", {"form": form, "contact": contact}, status=status
    )


def _portal_page(
    request: HttpRequest, incident: Incident, failed: tuple[str, forms.Form] | None = None
) -> HttpResponse:
    user = _customer(request)
    actions: dict[str, forms.Form] = {}
    if incident.status != Status.CLOSED:
        actions["comment"] = CommentForm()
    if incident.status == Status.RESOLVED:
        actions["reopen"] = PortalReasonForm()
    if failed is not None:
        actions[failed[0]] = failed[1]
    context = {
        "incident": incident,
        "events": timeline(incident, user, public_only=True),
        "sla_words": sla_words(incident, timezone.now()),
        "actions": actions,
        "failed": failed[0] if failed else "",
    }
    return render(request, "incidents/portal_detail.html", context, status=400 if failed else 200)


@login_required
def portal_detail(request: HttpRequest, number: int) -> HttpResponse:
    incident = get_for(request.user, incidents_for(request.user), number=number)
    if request.user.is_provider_staff:  # type: ignore[union-attr]
        return redirect("incidents:detail", number)
    return _portal_page(request, incident)


PORTAL_ACTIONS: dict[str, tuple[type[forms.Form], Any, Any]] = {
    "comment": (
        CommentForm,
        lambda i, by, d: updates.add_comment(i, by=by, body=d["body"]),
        gettext_lazy("Thank you; your comment is on the incident."),
    ),
    "confirm": (
        forms.Form,
        lambda i, by, d: services.confirm_resolution(i, by=by),
        gettext_lazy("Thank you for confirming. The incident is closed."),
    ),
    "reopen": (
        PortalReasonForm,
        lambda i, by, d: services.reopen(i, by=by, reason=d["reason"]),
        gettext_lazy("We have reopened the incident and are looking at it again."),
    ),
}


@login_required
@require_POST
def portal_act(request: HttpRequest, number: int, action: str) -> HttpResponse:
    user = _customer(request)
    incident = get_for(user, incidents_for(user), number=number)
    if user.is_provider_staff:
        raise PermissionDenied(_("Staff work on incidents from the staff page."))
    if action not in PORTAL_ACTIONS:
        raise Http404("No such action.")
    form_class, run, done = PORTAL_ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(incident, user, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, str(done))
            return redirect("incidents:portal_detail", number)
    messages.error(request, error_text(form) or _("That did not work."))
    incident.refresh_from_db()
    return _portal_page(request, incident, failed=(action, form))


@never_cache
def resolution_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the "resolved" mail: fixed or not, without logging in."""
    incident_id = incident_id_from_token(token)
    if incident_id is None:
        raise Http404("This link is not valid (any more).")
    incident = get_object_or_404(Incident.objects.select_related("reporter"), pk=incident_id)
    form = ResolutionAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["answer"] == "yes":
                services.confirm_resolution(incident, by=incident.reporter)
                messages.success(request, _("Thank you for confirming. The incident is closed."))
            else:
                reason = form.cleaned_data["reason"]
                services.reopen(incident, by=incident.reporter, reason=reason)
                messages.success(request, _("We have reopened the incident; we are on it."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("incidents:resolution_link", token)
    if form.errors:
        messages.error(request, error_text(form))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "incidents/resolution_link.html",
        {"incident": incident, "form": form, "answerable": incident.status == Status.RESOLVED},
        status=status,
    )
