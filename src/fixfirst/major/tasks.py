"""The update-cadence reminder: every minute, the communications lead of each major incident
whose customer update is overdue is reminded, once per overdue period."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from fixfirst.core.periodic import periodic
from fixfirst.major import services


@periodic(every=dt.timedelta(minutes=1))
@task()
def remind_overdue_updates() -> int:
    return services.remind_overdue()
