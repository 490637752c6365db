"""Major-incident mode follows the incident (connected in ``MajorConfig.ready``).

- An incident opened as P1, or raised to P1, is declared a major incident (the rule of
  ``services.maybe_declare_major``; off with ``FIXFIRST_MAJOR_AUTO_P1=false``). Declaring pages
  every engineer, so it is a task queued in the transaction of the change, not done inline.
- Resolving the incident stands its major incident down, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from fixfirst.incidents import signals
from fixfirst.incidents.choices import Priority
from fixfirst.incidents.models import Incident


def _queue_declare(incident: Incident) -> None:
    if incident.priority == Priority.P1 and settings.FIXFIRST_MAJOR_AUTO_P1:
        from fixfirst.major import tasks

        tasks.declare_if_p1.enqueue(incident.pk)


def _opened(sender: Any, incident: Incident, **kwargs: Any) -> None:
    _queue_declare(incident)


def _priority_changed(sender: Any, incident: Incident, **kwargs: Any) -> None:
    _queue_declare(incident)


def _resolved(sender: Any, incident: Incident, by: Any = None, **kwargs: Any) -> None:
    from fixfirst.major import services

    services.on_incident_resolved(incident, by=by)


def connect() -> None:
    signals.incident_opened.connect(_opened, dispatch_uid="major.opened")
    signals.priority_changed.connect(_priority_changed, dispatch_uid="major.priority")
    signals.incident_resolved.connect(_resolved, dispatch_uid="major.resolved")
