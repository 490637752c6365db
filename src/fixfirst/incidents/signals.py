"""What happened to an incident, for the apps that act on it without the incidents app knowing
them: on-call paging starts and stops, major-incident mode is declared and stood down.

``incidents.services`` sends these inside the transaction of the change, after the change is
written. Whatever a receiver writes or enqueues therefore commits or rolls back with the change,
and an error in a receiver fails the change (receivers are connected with ``connect``, never
``send_robust``). Receivers that do slow work (paging everyone) enqueue a task instead of doing
it inline, so that the request that opened the incident stays fast.

Every signal is sent with ``sender=Incident`` and the keyword arguments ``incident`` and ``by``
(a user, an integration or None for the system).
"""

from __future__ import annotations

from django.dispatch import Signal

incident_opened = Signal()
"""A new incident is registered (by a person, a mail, the portal or an alert)."""

priority_changed = Signal()
"""Re-triage changed the priority. Extra argument: ``old`` (the previous Priority value)."""

incident_acknowledged = Signal()
"""Someone took up a new incident: its status left "new" for an open status."""

incident_resolved = Signal()
"""The incident is resolved (it may still be reopened)."""
