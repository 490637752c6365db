"""Calendar feeds: valid iCalendar with the right people, per schedule and per person, and a
rotated token kills the old address."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fixfirst.oncall import editing
from fixfirst.oncall.choices import Rotation
from tests.conftest import client_for

AMS = ZoneInfo("Europe/Amsterdam")


def _events(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def _url(schedule) -> str:
    return reverse("oncall:schedule_ics", args=[schedule.pk, schedule.ical_token])


def test_schedule_feed_lists_the_next_eight_weeks_with_the_person_as_summary(oncall):
    editing.add_layer_member(oncall.layer, oncall.eva, by=oncall.admin)  # engineer, eva, ...
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    starts = dt.datetime.combine(tomorrow, dt.time(20), AMS)
    editing.add_override(
        oncall.schedule, by=oncall.admin, user=oncall.manager, starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2), reason="swap",
    )  # fmt: skip
    response = Client().get(_url(oncall.schedule))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    names = {str(e["SUMMARY"]) for e in events}
    assert names == {"engineer", "eva", "manager"}
    ends = max(e.decoded("DTEND") for e in events)
    assert ends - timezone.now() > dt.timedelta(weeks=7, days=6)
    for e in events:  # daily shifts hand off at 09:00 Amsterdam, except around the override
        start = e.decoded("DTSTART").astimezone(AMS)
        if str(e["SUMMARY"]) != "manager" and start.hour not in (22,):
            assert (start.hour, start.minute) == (9, 0) or start < timezone.now()
    override = [e for e in events if str(e["SUMMARY"]) == "manager"]
    assert [e.decoded("DTSTART") for e in override] == [starts]
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    again = {str(e["UID"]) for e in _events(Client().get(_url(oncall.schedule)).content)}
    assert again == set(uids), "stable UIDs: calendar apps update instead of duplicating"


def test_the_person_feed_shows_only_that_persons_shifts(oncall):
    weekend = editing.save_layer(
        None, by=oncall.admin, schedule=oncall.schedule, name="Weekend", rotation=Rotation.WEEKLY,
        start_date=dt.date(2026, 1, 5), restrict_days=[5, 6],
    )  # fmt: skip
    editing.add_layer_member(weekend, oncall.eva, by=oncall.admin)
    client = client_for(oncall.eva)
    page = client.get(reverse("oncall:me")).content.decode()
    url = (
        page.split('id="my-feed-url">')[1]
        .split("<")[0]
        .strip()
        .replace("http://127.0.0.1:8000", "")
    )
    events = _events(Client().get(url).content)
    assert events and all(str(e["SUMMARY"]) == "On call: Infra" for e in events)
    for e in events:
        assert e.decoded("DTSTART").astimezone(AMS).weekday() in (5, 6)


def test_rotating_the_token_404s_the_old_address(oncall):
    old = _url(oncall.schedule)
    assert Client().get(old).status_code == 200
    response = client_for(oncall.engineer).post(
        reverse("oncall:schedule_rotate_token", args=[oncall.schedule.pk])
    )
    assert response.status_code == 302
    oncall.schedule.refresh_from_db()
    assert Client().get(old).status_code == 404
    assert Client().get(_url(oncall.schedule)).status_code == 200


def test_a_wrong_token_or_person_is_404(oncall):
    assert Client().get(f"/oncall/schedules/{oncall.schedule.pk}/nope.ics").status_code == 404
    feed = editing.personal_feed(oncall.eva)
    assert Client().get(f"/oncall/people/{oncall.eva.pk}/{feed.token}.ics").status_code == 200
    assert Client().get(f"/oncall/people/{oncall.engineer.pk}/{feed.token}.ics").status_code == 404
    editing.rotate_personal_feed(oncall.eva, by=oncall.eva)
    assert Client().get(f"/oncall/people/{oncall.eva.pk}/{feed.token}.ics").status_code == 404
