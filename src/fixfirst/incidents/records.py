"""Small building blocks every incident service uses: lock, save with SLA refresh, timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fixfirst.incidents import sla
from fixfirst.incidents.models import Incident, TimelineEvent
from fixfirst.tenancy.models import Contact


def actor_label(by: Any) -> str:
    if getattr(by, "is_authenticated", False):
        return by.get_username()
    if isinstance(by, Contact):
        return by.email
    return str(by) if by else "system"


def is_staff(by: Any) -> bool:
    return bool(getattr(by, "is_authenticated", False) and by.is_provider_staff)


def add_event(
    incident: Incident,
    kind: str,
    by: Any,
    body: str = "",
    *,
    public: bool = False,
    at: dt.datetime | None = None,
    **data: Any,
) -> TimelineEvent:
    return TimelineEvent.objects.create(
        incident=incident,
        at=at or timezone.now(),
        kind=kind,
        actor=by if getattr(by, "is_authenticated", False) else None,
        actor_label=actor_label(by),
        body=body,
        public=public,
        data=data,
    )


def lock(incident: Incident) -> Incident:
    """The incident re-read under a row lock: concurrent actions apply one after the other."""
    return (
        Incident.objects.select_related("customer")
        .select_for_update(of=("self",))
        .get(pk=incident.pk)
    )


def save_changes(incident: Incident, fields: list[str], now: dt.datetime | None = None) -> None:
    incident.updated_at = now or timezone.now()
    fields = [*fields, "updated_at", *sla.refresh(incident, incident.updated_at)]
    incident.save(update_fields=sorted(set(fields)))


def require_text(**fields: str) -> None:
    errors = {
        name: _("This field is required.")
        for name, value in fields.items()
        if not (value or "").strip()
    }
    if errors:
        raise ValidationError(errors)
