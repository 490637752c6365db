"""Periodic jobs without a separate scheduler process.

A job is declared next to the task it runs::

    @periodic(every=dt.timedelta(minutes=1))
    @task()
    def check_sla_clocks() -> None: ...

Every ``fixfirst worker`` calls :func:`enqueue_due` about once a second. A compare-and-set on
the job's ``next_run_at`` row makes sure that, with any number of workers, each due run is
enqueued once; the run itself is an ordinary durable task.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from fixfirst.core.models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Job:
    name: str
    task: Any
    every: dt.timedelta


_JOBS: dict[str, _Job] = {}


def periodic(*, every: dt.timedelta) -> Any:
    """Register a Tasks-API task to run every ``every``."""

    def register(task: Any) -> Any:
        name = task.module_path
        _JOBS[name] = _Job(name=name, task=task, every=every)
        return task

    return register


def autodiscover() -> None:
    """Import every app's ``tasks`` module, so that their ``@periodic`` jobs register."""
    autodiscover_modules("tasks")


def jobs() -> list[_Job]:
    return sorted(_JOBS.values(), key=lambda j: j.name)


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job whose time has come; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        row = PeriodicJob.objects.filter(name=job.name).first()
        if row is None:
            try:
                with transaction.atomic():
                    PeriodicJob.objects.create(name=job.name, next_run_at=now)
            except IntegrityError:
                pass  # another worker registered it first
            row = PeriodicJob.objects.get(name=job.name)
        if row.next_run_at > now:
            continue
        with transaction.atomic():
            claimed = PeriodicJob.objects.filter(name=job.name, next_run_at=row.next_run_at).update(
                next_run_at=now + job.every, last_run_at=now
            )
            if claimed:
                job.task.enqueue()
                enqueued.append(job.name)
    return enqueued
