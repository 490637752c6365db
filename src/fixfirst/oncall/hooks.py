"""Paging follows the incident (connected in ``OncallConfig.ready``).

- An incident opened at a paging priority (P1 and P2 by default, ``FIXFIRST_PAGING_PRIORITIES``)
  and still unacknowledged starts its escalation policy; so does re-triage that raises an
  unacknowledged incident to a paging priority. Like PagerDuty's high urgency: P3 and P4 go
  to the queue, not to someone's phone.
- Acknowledging the incident (any status past "new") stops the escalation; resolving stops it
  too.

Starting is a task queued in the transaction of the change, not done inline: the task runs
after the commit, when the alert that opened the incident is linked to it (so its
integration's policy applies), and an alert storm's requests do not wait for paging.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from fixfirst.incidents import signals
from fixfirst.incidents.choices import Status
from fixfirst.incidents.models import Incident
from fixfirst.oncall.choices import EscalationStatus, StopReason
from fixfirst.oncall.models import Escalation


def pages(incident: Incident) -> bool:
    """Whether ``incident`` should be paging someone now (the one rule)."""
    return (
        incident.priority in settings.FIXFIRST_PAGING_PRIORITIES and incident.status == Status.NEW
    )


def _queue_start(incident: Incident) -> None:
    from fixfirst.oncall import tasks

    tasks.start_paging.enqueue(incident.pk)


def _opened(sender: Any, incident: Incident, **kwargs: Any) -> None:
    if pages(incident):
        _queue_start(incident)


def _priority_changed(sender: Any, incident: Incident, old: int, **kwargs: Any) -> None:
    if incident.priority < old and pages(incident):
        _queue_start(incident)


def _stop(incident: Incident, reason: str, by: Any) -> None:
    from fixfirst.oncall import services

    if Escalation.objects.filter(incident=incident, status=EscalationStatus.ACTIVE).exists():
        services.stop_escalation(incident, reason, by=by)


def _acknowledged(sender: Any, incident: Incident, by: Any = None, **kwargs: Any) -> None:
    _stop(incident, StopReason.ACKNOWLEDGED, by)


def _resolved(sender: Any, incident: Incident, by: Any = None, **kwargs: Any) -> None:
    _stop(incident, StopReason.RESOLVED, by)


def connect() -> None:
    signals.incident_opened.connect(_opened, dispatch_uid="oncall.opened")
    signals.priority_changed.connect(_priority_changed, dispatch_uid="oncall.priority")
    signals.incident_acknowledged.connect(_acknowledged, dispatch_uid="oncall.acknowledged")
    signals.incident_resolved.connect(_resolved, dispatch_uid="oncall.resolved")
