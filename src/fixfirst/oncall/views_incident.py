"""Paging from the incident page: start an escalation policy by hand."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fixfirst.incidents.views import incidents_for
from fixfirst.oncall import services
from fixfirst.oncall.choices import EscalationStatus
from fixfirst.oncall.models import Escalation, EscalationPolicy
from fixfirst.oncall.views_common import staff_user
from fixfirst.tenancy.access import get_for, scoped
from fixfirst.tenancy.roles import Capability


@login_required
@require_POST
def page_incident(request: HttpRequest, number: int) -> HttpResponse:
    user = staff_user(request)
    incident = get_for(user, incidents_for(user), Capability.WORK_INCIDENTS, number=number)
    back = redirect("incidents:detail", number)
    policy_id = request.POST.get("policy", "")
    policies = scoped(EscalationPolicy, user)
    policy = policies.filter(pk=policy_id).first() if policy_id.isdigit() else None
    if policy is None:
        messages.error(request, _("Choose an escalation policy."))
        return back
    running = Escalation.objects.filter(incident=incident, status=EscalationStatus.ACTIVE)
    if running.exists():
        messages.info(request, _("An escalation is already running for this incident."))
    elif services.start_escalation(incident, policy, by=user) is None:
        messages.error(
            request, _("Nothing to page: the incident is closed or the policy has no steps.")
        )
    else:
        messages.success(request, _("Paging by %(policy)s.") % {"policy": policy.name})
    return back
