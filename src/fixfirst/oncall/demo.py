"""Demo data of on-call: the Infrastructure schedule, the "Default P1" policy, and verified
email addresses with an "email at once" rule for every staff member. Idempotent."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from fixfirst.catalog.models import Service
from fixfirst.oncall import editing
from fixfirst.oncall.choices import ContactKind, Rotation, TargetKind
from fixfirst.oncall.models import ContactMethod, NotificationRule, Schedule
from fixfirst.tenancy.models import Team, User

SCHEDULE = "Infrastructure on call"
ZONE = "Europe/Amsterdam"
WEEKLY = ["erik", "eva", "omar"]
DAYTIME = ["omar", "erik", "eva"]


def load() -> None:
    if Schedule.objects.filter(name=SCHEDULE).exists():
        return
    people = {u.username: u for u in User.objects.filter(username__in=WEEKLY, is_active=True)}
    if len(people) < len(WEEKLY):
        return  # not the demo installation
    team = Team.objects.filter(name="Infrastructure").first()
    schedule = editing.save_schedule(
        None, by=None, name=SCHEDULE, team=team, timezone=ZONE,
        description="Second line for every customer: nights and weekends by the week, "
        "office hours by the day.",
    )  # fmt: skip
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 14)
    weekly = editing.save_layer(
        None, by=None, schedule=schedule, name="Weekly", position=1, rotation=Rotation.WEEKLY,
        handoff_time=dt.time(9, 0), start_date=monday,
    )  # fmt: skip
    for name in WEEKLY:
        editing.add_layer_member(weekly, people[name], by=None)
    daytime = editing.save_layer(
        None, by=None, schedule=schedule, name="Office hours", position=2, rotation=Rotation.DAILY,
        handoff_time=dt.time(9, 0), start_date=monday, restrict_days=[0, 1, 2, 3, 4],
        restrict_start=dt.time(9, 0), restrict_end=dt.time(17, 0),
    )  # fmt: skip
    for name in DAYTIME:
        editing.add_layer_member(daytime, people[name], by=None)
    tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(18, 0), ZoneInfo(ZONE))
    editing.add_override(
        schedule, by=None, user=people["eva"], starts_at=tomorrow,
        ends_at=tomorrow + dt.timedelta(hours=4), reason="Swapped an evening with Erik",
    )  # fmt: skip

    policy = editing.save_policy(
        None, by=None, name="Default P1", repeat_count=1, repeat_after_minutes=10,
        description="P1 incidents: the person on call, then the whole team, then every engineer.",
    )  # fmt: skip
    editing.add_step(
        policy, by=None, delay_minutes=0,
        targets=[{"kind": TargetKind.SCHEDULE, "schedule": schedule}],
    )  # fmt: skip
    if team is not None:
        editing.add_step(
            policy, by=None, delay_minutes=10, targets=[{"kind": TargetKind.TEAM, "team": team}]
        )
    editing.add_step(
        policy, by=None, delay_minutes=10, targets=[{"kind": TargetKind.ALL_ENGINEERS}]
    )
    editing.attach_policy(policy, by=None, services=Service.objects.all())

    now = timezone.now()
    for user in User.objects.filter(customer__isnull=True, is_active=True).exclude(email=""):
        method, _created = ContactMethod.objects.get_or_create(
            user=user, kind=ContactKind.EMAIL, address=user.email, defaults={"verified_at": now}
        )
        NotificationRule.objects.get_or_create(user=user, contact_method=method, delay_minutes=0)
