"""iCalendar feeds: a schedule's on-call shifts, or one person's across all schedules."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from fixfirst.oncall import schedules
from fixfirst.oncall.models import Schedule
from fixfirst.tenancy.models import User

FEED_WEEKS = 8
PRODID = "-//FixFirst//On-call//EN"


def _window() -> tuple[dt.datetime, dt.datetime]:
    # From the start of today, so the shift running now is in the feed too.
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    return start, start + dt.timedelta(weeks=FEED_WEEKS, days=1)


def _calendar(name: str, zone: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone)
    # Calendar apps poll; once an hour keeps a swap made today visible today.
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal


def _event(
    schedule: Schedule, shift: schedules.UserShift, summary: str, stamp: dt.datetime
) -> icalendar.Event:
    event = icalendar.Event()
    # Stable across fetches, so a calendar app updates a shift instead of duplicating it.
    event.add(
        "uid",
        f"oncall-{schedule.pk}-{shift.source.kind}{shift.source.id}-"
        f"{shift.start:%Y%m%dT%H%M%SZ}@fixfirst",
    )
    event.add("dtstamp", stamp)
    event.add("dtstart", shift.start)
    event.add("dtend", shift.end)
    event.add("summary", summary)
    detail = (
        _("Override: %(why)s") % {"why": shift.label or "—"}
        if shift.is_override
        else _("Layer: %(name)s") % {"name": shift.label}
    )
    event.add("description", f"{schedule.name}\n{detail}")
    event.add("transp", "TRANSPARENT")
    return event


def schedule_feed(schedule: Schedule) -> bytes:
    start, end = _window()
    cal = _calendar(_("On call: %(name)s") % {"name": schedule.name}, schedule.timezone)
    stamp = timezone.now()
    for shift in schedules.final_schedule(schedule, start, end):
        cal.add_component(_event(schedule, shift, shift.user.display_name, stamp))
    return cal.to_ical()


def person_feed(user: User) -> bytes:
    start, end = _window()
    cal = _calendar(
        _("On call: %(name)s") % {"name": user.display_name}, user.timezone or "Europe/Amsterdam"
    )
    stamp = timezone.now()
    for schedule, shift in schedules.shifts_of(user, start, end):
        summary = _("On call: %(schedule)s") % {"schedule": schedule.name}
        cal.add_component(_event(schedule, shift, summary, stamp))
    return cal.to_ical()
