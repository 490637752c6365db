"""The update-cadence reminder: every minute, the communications lead of each major incident
whose customer update is overdue is reminded, once per overdue period."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django_tasks import task

from fixfirst.core.periodic import periodic
from fixfirst.major import services


@periodic(every=dt.timedelta(minutes=1))
@task()
def remind_overdue_updates() -> int:
    return services.remind_overdue()


@task()
def declare_if_p1(incident_id: int) -> str:
    """The automatic P1 rule, queued by ``hooks`` when an incident opens as or becomes P1.
    Checks again when it runs: the incident may have been lowered or resolved meanwhile."""
    from fixfirst.incidents.models import Incident

    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        return "gone"
    try:
        declared = services.maybe_declare_major(incident)
    except ValidationError:  # declared by someone else, or resolved, since the check
        return "not needed"
    return "declared" if declared is not None else "not needed"
