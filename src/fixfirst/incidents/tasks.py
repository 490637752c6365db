"""Periodic work of the incident domain; the schedule stands next to each job."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from fixfirst.core.periodic import periodic
from fixfirst.incidents import services
from fixfirst.incidents.models import Incident


@periodic(every=dt.timedelta(seconds=30))
@task()
def check_sla_clocks() -> int:
    """Record SLA warnings and breaches that have come due. Indexed on sla_next_check_at."""
    due = Incident.objects.filter(sla_next_check_at__lte=timezone.now()).order_by(
        "sla_next_check_at"
    )
    count = 0
    for incident in due[:500]:
        services.record_sla_state(incident)
        count += 1
    return count


@periodic(every=dt.timedelta(hours=1))
@task()
def close_resolved_incidents() -> int:
    """Close incidents resolved more than FIXFIRST_AUTO_CLOSE_DAYS ago."""
    return services.close_resolved(dt.timedelta(days=settings.FIXFIRST_AUTO_CLOSE_DAYS))
