"""Staff pages: the queue, the intake form, one incident and every action on it.

Thin: querysets through tenancy.access, forms validate, services change state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fixfirst.incidents import forms as f
from fixfirst.incidents import panels, search, services, sla, updates
from fixfirst.incidents.choices import (
    OPEN_STATUSES,
    Impact,
    Priority,
    Status,
    SupportLevel,
    Urgency,
)
from fixfirst.incidents.models import Incident, IncidentLink
from fixfirst.incidents.priority import SUGGESTED_CLASS, priority_for
from fixfirst.incidents.views import (
    add_service_errors,
    clock_text,
    clocks,
    error_text,
    incidents_for,
    timeline,
)
from fixfirst.notify.models import Delivery
from fixfirst.tenancy.access import get_for, require, scoped, scoped_through
from fixfirst.tenancy.models import User
from fixfirst.tenancy.roles import Capability

PAGE_SIZE = 50
BREACHING_WITHIN = dt.timedelta(hours=2)


def _staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- queue --------------------------------------------------------------------------------

TABS: list[tuple[str, Any]] = [
    ("mine", gettext_lazy("Mine")),
    ("team", gettext_lazy("My team's")),
    ("unassigned", gettext_lazy("Unassigned")),
    ("breaching", gettext_lazy("Breaching soon")),
    ("open", gettext_lazy("All open")),
    ("all", gettext_lazy("All")),
]
SORT_ORDER = {
    "priority": ("priority", "opened_at", "pk"),
    "due": (F("resolution_due_at").asc(nulls_last=True), "priority", "pk"),
    "-opened": ("-opened_at", "-pk"),
    "opened": ("opened_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
}


def _tab_filters(user: User, now: dt.datetime) -> dict[str, Q]:
    is_open = Q(status__in=OPEN_STATUSES)
    breaching = (
        Q(resolution_due_at__lte=now + BREACHING_WITHIN)
        | Q(resolution_breached=True)
        | Q(response_breached=True)
    )
    return {
        "mine": is_open & Q(assignee=user),
        "team": is_open & Q(team__in=user.teams.values("pk")),
        "unassigned": is_open & Q(assignee__isnull=True),
        "breaching": is_open & breaching,
        "open": is_open,
        "all": Q(),
    }


def search_incidents(queryset: QuerySet[Incident], q: str) -> QuerySet[Incident]:
    """The queue's search box: full-text over number, title, description and the timeline
    (internal notes included: this is the staff queue)."""
    return search.search(queryset, q, include_internal=True)


@dataclass(frozen=True)
class QueueRow:
    incident: Incident
    sla_state: str
    sla_text: str


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not user.is_provider_staff:
        return redirect("incidents:portal")
    now = timezone.now()
    tabs = _tab_filters(user, now)
    tab = request.GET.get("tab") if request.GET.get("tab") in tabs else "open"
    form = f.QueueFilterForm(request.GET, user=user)
    chosen = form.filters()
    visible = scoped(Incident, user)
    found = search_incidents(visible.filter(tabs[tab]), chosen.pop("q", ""))
    default_sort = "due" if tab == "breaching" else "priority"
    sort = chosen.pop("sort", default_sort)
    found = found.filter(**chosen).order_by(*SORT_ORDER[sort])
    found = (
        found.select_related("customer", "assignee", "team")
        .prefetch_related("pauses")  # sla.read looks at them for every row
        .defer("description", "workaround", "resolution")
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for incident in page:
        state = sla.read(incident, now)
        worst = state.worst
        text = clock_text(worst, now)
        if worst is not None and worst is state.response:
            # Say so when the first-response clock is the one that matters.
            text = _("response %(clock)s") % {"clock": text}
        rows.append(QueueRow(incident, str(worst.state) if worst else "", text))
    # One pass over the open incidents counts every open tab.
    counts = visible.filter(status__in=OPEN_STATUSES).aggregate(
        **{name: Count("pk", filter=q) for name, q in tabs.items() if name != "all"}
    )
    keep = {k: v for k, v in request.GET.items() if k not in ("tab", "page") and v}
    context = {
        "form": form,
        "rows": rows,
        "page": page,
        "tab": tab,
        "tabs": [
            {
                "key": key,
                "label": label,
                "count": counts.get(key),
                "query": urlencode({**keep, "tab": key}),
            }
            for key, label in TABS
        ],
        "page_query": urlencode({**keep, "tab": tab}),
        "can_create": user.can(Capability.WORK_INCIDENTS),
    }
    template = "incidents/queue.html"
    if request.htmx and request.htmx.target == "queue-results":  # type: ignore[attr-defined]
        template = "incidents/_queue_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- intake -------------------------------------------------------------------------------


def _priority_preview(impact: Any, urgency: Any, high: bool) -> dict[str, Any]:
    try:
        impact, urgency = (Impact.HIGH, Urgency.HIGH) if high else (int(impact), int(urgency))
        priority = Priority(priority_for(impact, urgency))
    except (TypeError, ValueError, ValidationError):
        return {"priority": None}
    return {"priority": priority, "suggested_class": SUGGESTED_CLASS[priority]}


@login_required
def create(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not user.is_provider_staff:
        return redirect("incidents:portal_new")
    require(user, Capability.WORK_INCIDENTS)
    initial = {"customer": request.GET["customer"]} if request.GET.get("customer") else {}
    form = f.IncidentCreateForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.open_incident(by=user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s opened.") % {"ref": incident.reference})
            return redirect("incidents:detail", incident.number)
    source = form.data if form.is_bound else {}
    preview = _priority_preview(
        source.get("impact", Impact.MEDIUM),
        source.get("urgency", Urgency.MEDIUM),
        bool(source.get("reported_high_impact")),
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "incidents/create.html", {"form": form, **preview}, status=status)


@login_required
def create_fields(request: HttpRequest) -> HttpResponse:
    """htmx: the reporter and service choices of the customer just picked."""
    require(request.user, Capability.WORK_INCIDENTS)
    initial = {"customer": request.GET.get("customer")}
    form = f.IncidentCreateForm(user=_staff(request), initial=initial)
    return render(request, "incidents/_customer_fields.html", {"form": form})


@login_required
def priority_preview(request: HttpRequest) -> HttpResponse:
    """htmx: the priority that impact x urgency gives, from the configurable matrix."""
    require(request.user, Capability.WORK_INCIDENTS)
    preview = _priority_preview(
        request.GET.get("impact"),
        request.GET.get("urgency"),
        bool(request.GET.get("reported_high_impact")),
    )
    return render(request, "incidents/_priority_preview.html", preview)


# --- one incident -------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    form: type[f.ActionForm]
    run: Callable[[Incident, User, dict[str, Any]], object]
    done: Any
    shown: Callable[[Incident], bool] = lambda incident: True


def _is_open(incident: Incident) -> bool:
    return incident.is_open


def _is_resolved(incident: Incident) -> bool:
    return incident.status == Status.RESOLVED


ACTIONS: dict[str, Action] = {
    "acknowledge": Action(
        f.EmptyForm,
        lambda i, by, d: services.acknowledge(i, by=by),
        gettext_lazy("Acknowledged."),
        lambda i: i.status == Status.NEW,
    ),
    "status": Action(
        f.StatusForm,
        lambda i, by, d: services.change_status(i, d["status"], by=by, note=d["note"]),
        gettext_lazy("Status changed."),
        _is_open,
    ),
    "priority": Action(
        f.PriorityForm,
        lambda i, by, d: services.set_priority(i, by=by, **d),
        gettext_lazy("Priority saved."),
    ),
    "categorise": Action(
        f.CategoriseForm,
        lambda i, by, d: services.categorise(i, by=by, **d),
        gettext_lazy("Categorised."),
    ),
    "assign": Action(
        f.AssignForm,
        lambda i, by, d: services.assign(i, by=by, **d),
        gettext_lazy("Assigned."),
    ),
    "escalate": Action(
        f.EscalateForm,
        lambda i, by, d: services.escalate(i, by=by, **d),
        gettext_lazy("Escalated."),
        lambda i: i.is_open and i.support_level < SupportLevel.THIRD,
    ),
    "de_escalate": Action(
        f.EscalateForm,
        lambda i, by, d: services.de_escalate(i, by=by, **d),
        gettext_lazy("De-escalated."),
        lambda i: i.is_open and i.support_level > SupportLevel.FIRST,
    ),
    "note": Action(
        f.NoteForm,
        lambda i, by, d: updates.add_note(i, by=by, body=d["body"]),
        gettext_lazy("Note added."),
    ),
    "update": Action(
        f.UpdateForm,
        lambda i, by, d: updates.post_update(i, by=by, body=d["body"], status=d["status"] or None),
        gettext_lazy("Update posted; the reporter is told."),
        lambda i: i.status != Status.CLOSED,
    ),
    "workaround": Action(
        f.WorkaroundForm,
        lambda i, by, d: updates.record_workaround(i, by=by, text=d["text"]),
        gettext_lazy("Workaround recorded; the reporter is told."),
        _is_open,
    ),
    "resolve": Action(
        f.ResolveForm,
        lambda i, by, d: services.resolve(i, by=by, **d),
        gettext_lazy("Resolved; the reporter is asked to confirm."),
        _is_open,
    ),
    "reopen": Action(
        f.ReasonForm,
        lambda i, by, d: services.reopen(i, by=by, reason=d["reason"]),
        gettext_lazy("Reopened."),
        _is_resolved,
    ),
    "close": Action(
        f.EmptyForm,
        lambda i, by, d: services.change_status(i, Status.CLOSED, by=by),
        gettext_lazy("Closed."),
        _is_resolved,
    ),
    "link": Action(
        f.LinkForm,
        lambda i, by, d: updates.link_incidents(i, d["reference"], d["kind"], by=by),
        gettext_lazy("Linked."),
    ),
    "attach": Action(
        f.AttachForm,
        lambda i, by, d: updates.attach_file(i, by=by, upload=d["file"], public=d["public"]),
        gettext_lazy("File attached."),
    ),
}


def _detail_page(
    request: HttpRequest,
    incident: Incident,
    failed: tuple[str, f.ActionForm] | None = None,
) -> HttpResponse:
    user = _staff(request)
    now = timezone.now()
    actions: dict[str, f.ActionForm] = {}
    if user.can(Capability.WORK_INCIDENTS):
        actions = {
            name: spec.form(incident=incident, user=user, auto_id=f"id_{name}_%s")
            for name, spec in ACTIONS.items()
            if spec.shown(incident)
        }
        if failed is not None:
            actions[failed[0]] = failed[1]
    links = scoped(IncidentLink, user).select_related("source", "target")
    context = {
        "incident": incident,
        "clocks": clocks(incident, now),
        "events": timeline(incident, user, public_only=False),
        "actions": actions,
        "failed": failed[0] if failed else "",
        "services": incident.services.all(),
        "links_out": scoped_through(links.filter(source=incident), user, "target", Incident),
        "links_in": scoped_through(links.filter(target=incident), user, "source", Incident),
        "may_take": bool(actions)
        and incident.assignee_id != user.pk
        and (incident.team is None or incident.team.members.filter(pk=user.pk).exists()),
        **_priority_preview(incident.impact, incident.urgency, False),
        "deliveries": scoped(Delivery, user).filter(incident=incident).with_attempts()[:50],
        "panels": panels.render(request, incident),
    }
    return render(request, "incidents/detail.html", context, status=400 if failed else 200)


@login_required
def detail(request: HttpRequest, number: int) -> HttpResponse:
    incident = get_for(request.user, incidents_for(request.user), number=number)
    if not request.user.is_provider_staff:  # type: ignore[union-attr]
        return redirect("incidents:portal_detail", number)
    return _detail_page(request, incident)


@login_required
@require_POST
def act(request: HttpRequest, number: int, action: str) -> HttpResponse:
    """One action on the incident: validate, call the service, back to the incident page."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404("No such action.")
    user = _staff(request)
    incident = get_for(user, incidents_for(user), Capability.WORK_INCIDENTS, number=number)
    form = spec.form(
        request.POST, request.FILES, incident=incident, user=user, auto_id=f"id_{action}_%s"
    )
    if form.is_valid():
        try:
            spec.run(incident, user, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, str(spec.done))
            return redirect("incidents:detail", number)
    messages.error(request, error_text(form) or _("That did not work."))
    incident.refresh_from_db()
    return _detail_page(request, incident, failed=(action, form))
