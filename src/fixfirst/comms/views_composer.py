"""The update composer of one incident, and the plan's criteria ticked on it.

Three interactions post the usual update: open the composer (the phase follows the incident's
status, the audience is the customer, the language the customer's), read the filled-in text,
press Post.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fixfirst.comms import compose, services
from fixfirst.comms.choices import Audience, current_language
from fixfirst.comms.forms import ComposeForm, CriteriaForm, StartForm
from fixfirst.comms.models import IncidentComms
from fixfirst.comms.plan import EffectivePlan, effective_plan
from fixfirst.incidents.choices import IncidentClass, ResolutionCode
from fixfirst.incidents.models import Incident
from fixfirst.incidents.views import add_service_errors, incidents_for
from fixfirst.tenancy.access import get_for
from fixfirst.tenancy.models import User
from fixfirst.tenancy.roles import Capability


def _incident(request: HttpRequest, number: int) -> Incident:
    user = request.user
    return get_for(user, incidents_for(user), Capability.WORK_INCIDENTS, number=number)


def _start(request: HttpRequest, incident: Incident) -> dict[str, str]:
    """Step 1's choices: from the query string when valid, else the defaults."""
    defaults = {
        "phase": compose.default_phase(incident).value,
        "audience": Audience.CUSTOMERS.value,
        "language": compose.default_language(incident),
    }
    source = request.POST if request.method == "POST" else request.GET
    form = StartForm({k: source.get(k) or v for k, v in defaults.items()})
    if form.is_valid():
        return {k: str(v) for k, v in form.cleaned_data.items()}
    return {k: (form.cleaned_data.get(k) or v) for k, v in defaults.items()}


def _context(
    incident: Incident,
    plan: EffectivePlan,
    start: dict[str, str],
    form: ComposeForm,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "incident": incident,
        "plan": plan,
        "start_form": StartForm(initial=start),
        "start": start,
        "form": form,
        "comms": IncidentComms.objects.filter(incident=incident).first(),
        "cadence": plan.cadence_minutes(incident.priority),
        **extra,
    }


@login_required
def composer(request: HttpRequest, number: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    incident = _incident(request, number)
    plan = effective_plan(incident.customer)
    start = _start(request, incident)
    extra: dict[str, Any] = {}
    if request.method == "POST":
        form = ComposeForm(
            request.POST,
            incident=incident,
            plan=plan,
            audience=start["audience"],
            phase=start["phase"],
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                posted = compose.post_comms_update(
                    incident,
                    by=user,
                    phase=data["phase"],
                    audience=data["audience"],
                    language=data["language"],
                    subject=data["subject"],
                    body=data["body"],
                    channels=form.channels(),
                    resolution_code=data.get("resolution_code") or ResolutionCode.FIXED,
                    confirm_wording=data["confirm_wording"],
                )
            except compose.WordingNotConfirmed as exc:
                extra["wording"] = exc.result
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                where = ", ".join(posted.summaries)
                messages.success(request, _("Update posted: %(where)s.") % {"where": where})
                return redirect("incidents:detail", incident.number)
        status = 400
    else:
        drafted = compose.draft(incident, plan=plan, **start)
        extra["drafted"] = drafted
        form = ComposeForm(
            initial={**start, "subject": drafted.subject, "body": drafted.body},
            incident=incident,
            plan=plan,
            audience=start["audience"],
            phase=start["phase"],
        )
        status = 200
    context = _context(incident, plan, start, form, **extra)
    template = "comms/composer.html"
    if request.htmx and request.htmx.target == "composer-draft":  # type: ignore[attr-defined]
        template = "comms/_composer_draft.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def criteria(request: HttpRequest, number: int) -> HttpResponse:
    """Tick the plan's criteria that apply to the incident."""
    incident = _incident(request, number)
    plan = effective_plan(incident.customer)
    form = CriteriaForm(request.POST, plan=plan, language=current_language())
    if form.is_valid():
        try:
            _comms, major = services.tick_criteria(
                incident, by=request.user, criteria=form.chosen()
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if major and incident.incident_class != IncidentClass.MAJOR:
                messages.warning(
                    request,
                    _("These criteria suggest a major incident: consider declaring one."),
                )
            else:
                messages.success(request, _("Criteria saved."))
    else:
        messages.error(request, _("Those criteria are not in this plan."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("incidents:detail", incident.number)
