"""The major-incident card on the staff incident page: the running major incident (commander,
next update due, the way to the war room), or the way to declare one."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from fixfirst.incidents.models import Incident
from fixfirst.major import cadence, fanout
from fixfirst.major.choices import CoreRole
from fixfirst.major.services import active_major
from fixfirst.tenancy.roles import Capability


def render(request: HttpRequest, incident: Incident) -> str:
    user = request.user
    major = active_major(incident)
    may_declare = (
        major is None and incident.is_open and user.can(Capability.MANAGE_INCIDENTS)  # type: ignore[union-attr]
    )
    if major is None and not may_declare:
        return ""
    context = {"incident": incident, "major": major, "may_declare": may_declare}
    if major is not None:
        major.incident = incident
        context.update(
            commander=fanout.first_holder(major, CoreRole.INCIDENT_COMMANDER),
            liaison=fanout.first_holder(major, CoreRole.CUSTOMER_LIAISON),
            due=cadence.next_update_due(major),
        )
    return render_to_string("major/_incident_card.html", context, request=request)
