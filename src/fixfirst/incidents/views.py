"""What the staff pages (``views_staff``) and the customer portal (``views_portal``) share:
SLA clocks in words, the timeline in words, service errors as form errors, attachments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fixfirst.incidents import sla
from fixfirst.incidents.choices import (
    Channel,
    EventKind,
    LinkKind,
    ResolutionCode,
    Status,
    SupportLevel,
)
from fixfirst.incidents.models import Attachment, Incident, TimelineEvent
from fixfirst.incidents.slaclock import ClockReading, ClockState
from fixfirst.tenancy.access import get_for, scoped


def incidents_for(user: Any) -> QuerySet[Incident]:
    return scoped(Incident, user).select_related("customer", "reporter", "team", "assignee")


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError, on the field it names or on the form as a whole."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def error_text(form: forms.BaseForm) -> str:
    """All of a form's errors as one sentence, for the message at the top of the page."""
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


# --- SLA clocks in words ------------------------------------------------------------------


def duration(span: dt.timedelta) -> str:
    """``2 d 3 h``, ``2 h 5 m``, ``4 m``: precise enough for a queue, short enough for a phone."""
    minutes = int(abs(span.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        parts = [_("%(n)d d") % {"n": days}] + ([_("%(n)d h") % {"n": hours}] if hours else [])
    elif hours:
        parts = [_("%(n)d h") % {"n": hours}, _("%(n)d m") % {"n": minutes}]
    else:
        parts = [_("%(n)d m") % {"n": minutes}]
    return " ".join(parts)


STATE_LABELS = {
    ClockState.RUNNING: gettext_lazy("running"),
    ClockState.WARNING: gettext_lazy("due soon"),
    ClockState.PAUSED: gettext_lazy("paused"),
    ClockState.BREACHED: gettext_lazy("breached"),
    ClockState.MET: gettext_lazy("met"),
}


def clock_text(reading: ClockReading | None, now: dt.datetime) -> str:
    """The worst clock for a queue row: 2 h 5 m left, paused, breached 1 h 20 m ago, met."""
    if reading is None:
        return ""
    if reading.state == ClockState.PAUSED:
        return _("paused")
    if reading.state == ClockState.MET:
        return _("met")
    if reading.state == ClockState.BREACHED:
        if reading.due_at is not None:
            return _("breached %(time)s ago") % {"time": duration(now - reading.due_at)}
        return _("breached by %(time)s") % {"time": duration(reading.remaining)}
    return _("%(time)s left") % {"time": duration(reading.remaining)}


@dataclass(frozen=True)
class Clock:
    name: str
    reading: ClockReading
    text: str

    @property
    def state(self) -> str:
        return str(self.reading.state)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.reading.state])


def clocks(incident: Incident, now: dt.datetime) -> list[Clock]:
    state = sla.read(incident, now)
    found = [(_("Response"), state.response), (_("Resolution"), state.resolution)]
    return [Clock(name, r, clock_text(r, now)) for name, r in found if r is not None]


def _when(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def sla_words(incident: Incident, now: dt.datetime) -> list[str]:
    """The SLA as the reporter should read it: promises and dates, no jargon."""
    state = sla.read(incident, now)
    words: list[str] = []
    response, resolution = state.response, state.resolution
    if response is not None and response.state in (ClockState.RUNNING, ClockState.WARNING):
        if response.due_at:
            words.append(_("We will respond by %(when)s") % {"when": _when(response.due_at)})
    if resolution is None:
        return words
    if resolution.state == ClockState.PAUSED:
        words.append(_("We are waiting for your reply; the clock stands still until you answer."))
    elif resolution.state == ClockState.MET:
        words.append(_("Resolved within the agreed time."))
    elif resolution.state == ClockState.BREACHED:
        if incident.is_open:
            words.append(_("This is taking longer than we agreed. We are on it with priority."))
        else:
            words.append(_("Resolved, but later than we agreed."))
    elif resolution.due_at:
        words.append(_("We aim to resolve this by %(when)s") % {"when": _when(resolution.due_at)})
    return words


# --- the timeline in words ----------------------------------------------------------------


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def describe(event: TimelineEvent) -> str:
    """One line saying what the event changed; the body (if any) is shown below it."""
    data = event.data or {}
    kind = event.kind
    if kind == EventKind.OPENED:
        text = _("Opened via %(channel)s as P%(priority)s.") % {
            "channel": _label(Channel, data.get("channel", "?")),
            "priority": data.get("priority", "?"),
        }
        if data.get("reported_high_impact"):
            text += " " + _("The customer says the impact is high.")
        return text
    if kind in (EventKind.STATUS, EventKind.UPDATE) and data.get("old") != data.get("new"):
        return _("Status: %(old)s → %(new)s") % {
            "old": _label(Status, data.get("old")),
            "new": _label(Status, data.get("new")),
        }
    if kind == EventKind.PRIORITY:
        return _("Priority: P%(old)s → P%(new)s") % {"old": data.get("old"), "new": data.get("new")}
    if kind == EventKind.TRIAGE:
        parts = []
        if "category" in data:
            parts.append(_("category %(v)s") % {"v": data["category"]})
        if "incident_class" in data:
            parts.append(_("class %(v)s") % {"v": data["incident_class"]})
        if "services" in data:
            parts.append(_("services: %(v)s") % {"v": ", ".join(data["services"]) or "—"})
        return "; ".join(parts)
    if kind == EventKind.ASSIGNED:
        return _("Team: %(team)s · person: %(person)s") % {
            "team": data.get("team") or "—",
            "person": data.get("assignee") or "—",
        }
    if kind in (EventKind.ESCALATED, EventKind.DE_ESCALATED):
        return _("%(old)s → %(new)s") % {
            "old": _label(SupportLevel, data.get("old")),
            "new": _label(SupportLevel, data.get("new")),
        }
    if kind == EventKind.RESOLUTION and data.get("code"):
        return _label(ResolutionCode, data["code"])
    if kind == EventKind.LINKED:
        return f"{_label(LinkKind, data.get('link'))} {data.get('target', '')}"
    if kind == EventKind.SLA_WARNING:
        return _("%(clock)s clock: %(minutes)s minutes left.") % {
            "clock": data.get("clock", ""),
            "minutes": data.get("remaining_minutes", "?"),
        }
    if kind == EventKind.SLA_BREACH:
        return _("%(clock)s target of %(minutes)s minutes breached.") % {
            "clock": data.get("clock", ""),
            "minutes": data.get("target_minutes", "?"),
        }
    return ""


def timeline(incident: Incident, user: Any, *, public_only: bool) -> list[TimelineEvent]:
    events = scoped(TimelineEvent, user).filter(incident=incident)
    if public_only:
        events = events.filter(public=True)
    found = list(events.select_related("actor", "attachment").order_by("at", "pk"))
    for event in found:
        event.summary = describe(event)  # type: ignore[attr-defined]
        # An attachment's body is its file name (the link shows it); the opening's body is the
        # description, shown above the timeline already.
        event.shows_body = event.kind not in (EventKind.ATTACHMENT, EventKind.OPENED)  # type: ignore[attr-defined]
    return found


# --- attachments --------------------------------------------------------------------------


@login_required
def attachment(request: HttpRequest, number: int, pk: int) -> FileResponse:
    """Download: staff any attachment they may see, customers only the public ones."""
    incident = get_for(request.user, Incident, number=number)
    found = get_for(
        request.user, Attachment.objects.filter(incident=incident).select_related("event"), pk=pk
    )
    if not request.user.is_provider_staff and not found.event.public:  # type: ignore[union-attr]
        raise Http404("No such attachment.")
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is gone from storage.") from exc
    return FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=found.content_type
    )
