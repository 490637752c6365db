"""``{% comms_panel incident %}``: the incident page's communication card (next update due,
the plan's criteria, the way to the composer)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from fixfirst.comms import compose
from fixfirst.comms.choices import current_language
from fixfirst.comms.criteria import suggests_major
from fixfirst.comms.forms import CriteriaForm
from fixfirst.comms.models import IncidentComms
from fixfirst.comms.plan import effective_plan
from fixfirst.incidents.choices import IncidentClass
from fixfirst.incidents.models import Incident
from fixfirst.tenancy.roles import Capability

register = template.Library()


@register.inclusion_tag("comms/_panel.html", takes_context=True)
def comms_panel(context: template.Context, incident: Incident) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_provider_staff", False):
        return {"show": False}
    plan = effective_plan(incident.customer)
    comms = IncidentComms.objects.filter(incident=incident).first()
    ticked = set(comms.ticked.values_list("pk", flat=True)) if comms else set()
    form = CriteriaForm(
        initial={"criteria": sorted(ticked)}, plan=plan, language=current_language()
    )
    due = comms.next_update_due_at if comms and incident.is_open else None
    return {
        "show": True,
        "incident": incident,
        "comms": comms,
        "due": due,
        "overdue": bool(due and due <= timezone.now()),
        "cadence": plan.cadence_minutes(incident.priority),
        "criteria_form": form if plan.criteria else None,
        "suggests_major": suggests_major(incident, ticked, plan)
        and incident.incident_class != IncidentClass.MAJOR,
        "phase": compose.default_phase(incident),
        "can_work": user.can(Capability.WORK_INCIDENTS),
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }
