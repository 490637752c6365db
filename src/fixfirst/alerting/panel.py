"""The alerts card on the staff incident page: the alerts that opened or joined the incident."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from fixfirst.alerting.models import Alert
from fixfirst.incidents.models import Incident
from fixfirst.tenancy.access import scoped


def render(request: HttpRequest, incident: Incident) -> str:
    alerts = list(
        scoped(Alert, request.user)
        .filter(incident=incident)
        .select_related("integration", "silenced_by")[:100]
    )
    if not alerts:
        return ""
    context = {"alerts": alerts, "incident": incident}
    return render_to_string("alerting/_incident_alerts.html", context, request=request)
