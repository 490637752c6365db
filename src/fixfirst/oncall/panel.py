"""The on-call card on the staff incident page: the escalation (running or last), who was
paged when and who acknowledged, and a button to page by a policy now (for an incident that
did not page by itself, such as a P3 that turns out to need someone out of hours)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from fixfirst.incidents.models import Incident
from fixfirst.oncall.choices import EscalationStatus
from fixfirst.oncall.models import Escalation, EscalationPolicy, Page
from fixfirst.tenancy.access import scoped
from fixfirst.tenancy.roles import Capability


def render(request: HttpRequest, incident: Incident) -> str:
    escalation = Escalation.objects.filter(incident=incident).order_by("-started_at", "-pk").first()
    pages = list(Page.objects.filter(incident=incident).select_related("user")[:20])
    running = escalation is not None and escalation.status == EscalationStatus.ACTIVE
    may_page = (
        incident.is_open and not running and request.user.can(Capability.WORK_INCIDENTS)  # type: ignore[union-attr]
    )
    policies = list(scoped(EscalationPolicy, request.user).order_by("name")) if may_page else []
    if escalation is None and not pages and not policies:
        return ""
    context = {
        "incident": incident,
        "escalation": escalation,
        "running": running,
        "pages": pages,
        "policies": policies,
    }
    return render_to_string("oncall/_incident_card.html", context, request=request)
