"""The war room (staff only): declare, the core team, tasks, the live timeline, the next
update with its countdown, stand down. Thin: forms parse, tenancy.access decides who sees the
incident, the services act. Customers get a 404: the war room is the provider's own room."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fixfirst.incidents import updates
from fixfirst.incidents.models import Incident
from fixfirst.incidents.views import add_service_errors, error_text, incidents_for, timeline
from fixfirst.major import cadence, services
from fixfirst.major import forms as f
from fixfirst.major import roles as catalogue
from fixfirst.major.models import MajorIncident, RoleAssignment, Task
from fixfirst.notify.channels import Channel
from fixfirst.notify.models import Delivery
from fixfirst.tenancy.access import get_for, scoped
from fixfirst.tenancy.models import User
from fixfirst.tenancy.roles import Capability

TIMELINE_LENGTH = 40
RECENT = dt.timedelta(days=30)


def _staff(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_provider_staff:
        raise Http404("The war room is for the provider's staff.")
    return user


def _incident(request: HttpRequest, number: int, capability: Capability | None = None) -> Incident:
    user = _staff(request)
    return get_for(user, incidents_for(user), capability, number=number)


def _major(incident: Incident, user: User) -> MajorIncident | None:
    """The running major incident, else the last one (its record stays readable)."""
    found = scoped(MajorIncident, user).filter(incident=incident)
    return found.filter(stood_down_at__isnull=True).first() or found.first()


def _active(
    request: HttpRequest, number: int, capability: Capability | None = None
) -> tuple[Incident, MajorIncident]:
    incident = _incident(request, number, capability)
    major = services.active_major(incident)
    if major is None:
        raise Http404("This incident is not a major incident now.")
    major.incident = incident
    return incident, major


@dataclass
class RoleRow:
    key: str
    title: str
    multiple: bool
    duties: str
    assignments: list[RoleAssignment] = field(default_factory=list)


def _role_rows(incident: Incident, major: MajorIncident) -> list[RoleRow]:
    rows = {
        spec.key: RoleRow(spec.key, spec.title, spec.multiple, spec.duties)
        for spec in catalogue.role_table(incident.customer)
    }
    for assignment in major.roles.select_related("user"):
        row = rows.setdefault(assignment.role, RoleRow(assignment.role, assignment.title, True, ""))
        row.assignments.append(assignment)
    return list(rows.values())


def _live_context(request: HttpRequest, incident: Incident, major: MajorIncident) -> dict[str, Any]:
    user = _staff(request)
    now = timezone.now()
    due = cadence.next_update_due(major)
    since = major.declared_at
    delivered = (
        scoped(Delivery, user)
        .filter(incident=incident, created_at__gte=since)
        .aggregate(
            sent=Count("pk", filter=Q(status="sent")),
            waiting=Count("pk", filter=Q(status__in=["pending", "sending"])),
            failed=Count("pk", filter=Q(status="failed")),
        )
    )
    channels = (
        scoped(Channel, user)
        .filter(is_active=True, announce_major=True)
        .filter(Q(customer__isnull=True) | Q(customer=incident.customer))
    )
    return {
        "incident": incident,
        "major": major,
        "roles": _role_rows(incident, major),
        "tasks": list(major.tasks.select_related("owner")),
        "events": timeline(incident, user, public_only=False)[-TIMELINE_LENGTH:],
        "due": due,
        "overdue": bool(due and due <= now),
        "delivered": delivered,
        "channels": list(channels),
        "can_command": major.is_active and services.may_command(user, major),
        "can_work": major.is_active and user.can(Capability.WORK_INCIDENTS),
    }


@login_required
def war_room(request: HttpRequest, number: int) -> HttpResponse:
    incident = _incident(request, number)
    user = _staff(request)
    major = _major(incident, user)
    context: dict[str, Any] = {"incident": incident, "major": major}
    may_declare = (
        user.can(Capability.MANAGE_INCIDENTS)
        and incident.is_open
        and (major is None or not major.is_active)
    )
    if may_declare:
        context["declare_form"] = f.DeclareForm(incident=incident)
    if major is not None:
        major.incident = incident
        context.update(_live_context(request, incident, major))
        if major.is_active:
            context.update(
                assign_form=f.AssignForm(incident=incident),
                task_form=f.TaskForm(incident=incident),
                note_form=f.NoteForm(),
                stand_down_form=f.StandDownForm(),
            )
    context["composer_url"] = _composer_url(incident)
    return render(request, "major/war_room.html", context)


def _composer_url(incident: Incident) -> str:
    try:
        return reverse("comms:composer", args=[incident.number])
    except NoReverseMatch:  # the comms app is optional
        return ""


@login_required
def live(request: HttpRequest, number: int) -> HttpResponse:
    """htmx, every few seconds: the part of the war room that changes by itself."""
    incident = _incident(request, number)
    major = _major(incident, _staff(request))
    if major is None:
        raise Http404("Not a major incident.")
    major.incident = incident
    return render(request, "major/_live.html", _live_context(request, incident, major))


def _back(number: int) -> HttpResponse:
    return redirect("major:war_room", number)


def _run(
    request: HttpRequest,
    number: int,
    form: forms.Form,
    action: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return _back(number)
    messages.error(request, error_text(form) or _("That did not work."))
    return _back(number)


@login_required
@require_POST
def declare(request: HttpRequest, number: int) -> HttpResponse:
    incident = _incident(request, number, Capability.MANAGE_INCIDENTS)
    form = f.DeclareForm(request.POST, incident=incident)
    return _run(
        request, number, form,
        lambda d: services.declare_major(incident, by=request.user, reason=d["reason"], roles=form.roles()),
        _("Major incident declared: everyone is paged."),
    )  # fmt: skip


@login_required
@require_POST
def assign(request: HttpRequest, number: int) -> HttpResponse:
    incident, major = _active(request, number, Capability.WORK_INCIDENTS)
    form = f.AssignForm(request.POST, incident=incident)
    return _run(
        request, number, form,
        lambda d: services.assign_role(major, role=d["role"], user=d["user"], by=request.user),
        _("Role assigned; they are told."),
    )  # fmt: skip


@login_required
@require_POST
def unassign(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    _incident_, major = _active(request, number, Capability.WORK_INCIDENTS)
    assignment = get_for(request.user, RoleAssignment.objects.filter(major=major), pk=pk)
    services.unassign_role(assignment, by=request.user)
    messages.success(request, _("Role removed."))
    return _back(number)


@login_required
@require_POST
def task_add(request: HttpRequest, number: int) -> HttpResponse:
    incident, major = _active(request, number, Capability.WORK_INCIDENTS)
    form = f.TaskForm(request.POST, incident=incident)
    return _run(
        request, number, form,
        lambda d: services.add_task(major, title=d["title"], owner=d["owner"], by=request.user),
        _("Task added."),
    )  # fmt: skip


@login_required
@require_POST
def task_toggle(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    _incident_, major = _active(request, number, Capability.WORK_INCIDENTS)
    task = get_for(request.user, Task.objects.filter(major=major), pk=pk)
    services.set_task_done(task, done=not task.done, by=request.user)
    if request.htmx:  # type: ignore[attr-defined]
        return live(request, number)
    return _back(number)


@login_required
@require_POST
def note(request: HttpRequest, number: int) -> HttpResponse:
    incident, _major_ = _active(request, number, Capability.WORK_INCIDENTS)
    form = f.NoteForm(request.POST)
    return _run(
        request, number, form,
        lambda d: updates.add_note(incident, by=request.user, body=d["body"]),
        _("Note added to the timeline."),
    )  # fmt: skip


@login_required
@require_POST
def stand_down(request: HttpRequest, number: int) -> HttpResponse:
    _incident_, major = _active(request, number, Capability.WORK_INCIDENTS)
    form = f.StandDownForm(request.POST)
    return _run(
        request, number, form,
        lambda d: services.stand_down(major, by=request.user, note=d["note"]),
        _("Major incident stood down."),
    )  # fmt: skip


@login_required
def major_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    visible = scoped(MajorIncident, user).select_related("incident__customer", "declared_by")
    context = {
        "running": visible.filter(stood_down_at__isnull=True).order_by("-declared_at"),
        "recent": visible.filter(stood_down_at__gte=timezone.now() - RECENT).order_by(
            "-stood_down_at"
        ),
    }
    return render(request, "major/list.html", context)
