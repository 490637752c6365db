"""Update cadence: P1 every 30 minutes, P2 every 60; the communications lead is reminded once
per overdue period; a public update restarts the clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fixfirst.incidents.choices import Impact, Urgency
from fixfirst.incidents.services import open_incident
from fixfirst.incidents.updates import post_update
from fixfirst.major import cadence, services
from fixfirst.major.choices import CoreRole
from fixfirst.major.models import MajorIncident
from fixfirst.major.tasks import remind_overdue_updates
from fixfirst.notify.models import Delivery

# The worker runs in the test and closes the connection, as a real one does.
pytestmark = pytest.mark.django_db(transaction=True)


def reminders():
    return list(
        Delivery.objects.filter(reason="major.reminder").values_list("recipient", flat=True)
    )


def test_p1_every_30_minutes_p2_every_60(world, incident):
    p2 = open_incident(by=world.agent, customer=world.alpha, title="Slow VPN", channel="phone",
                       impact=Impact.HIGH, urgency=Urgency.MEDIUM)  # fmt: skip
    assert p2.priority == 2
    assert services.declare_major(incident, by=world.manager, reason="x").cadence_minutes == 30
    assert services.declare_major(p2, by=world.manager, reason="x").cadence_minutes == 60


def test_overdue_reminder_fires_once_per_period(world, incident, smtp, run_worker):
    major = services.declare_major(
        incident, by=world.manager, reason="x",
        roles={CoreRole.COMMUNICATIONS_LEAD: [world.agent]},
    )  # fmt: skip
    start = major.declared_at
    assert cadence.next_update_due(major) == start + dt.timedelta(minutes=30)

    assert services.remind_overdue(now=start + dt.timedelta(minutes=29)) == 0
    assert services.remind_overdue(now=start + dt.timedelta(minutes=31)) == 1
    assert services.remind_overdue(now=start + dt.timedelta(minutes=45)) == 0  # same period
    assert reminders() == ["agent@example.com"]
    assert services.remind_overdue(now=start + dt.timedelta(minutes=61)) == 1  # next period
    assert services.remind_overdue(now=start + dt.timedelta(minutes=62)) == 0
    assert reminders() == ["agent@example.com"] * 2
    run_worker()
    subjects = [m["Subject"] for m in smtp.messages if m["To"] == "agent@example.com"]
    assert subjects.count(f"[{incident.reference}] Customer update overdue: Core switch down") == 2
    assert incident.events.filter(data__major="update_overdue").count() == 2


def test_a_public_update_restarts_the_clock(world, incident):
    major = services.declare_major(incident, by=world.manager, reason="x")
    MajorIncident.objects.filter(pk=major.pk).update(
        declared_at=major.declared_at - dt.timedelta(minutes=40)
    )
    major.refresh_from_db()
    post_update(incident, by=world.agent, body="We are rebooting the core switch.")
    due = cadence.next_update_due(major)
    assert due > timezone.now() + dt.timedelta(minutes=29)
    assert services.remind_overdue() == 0


def test_without_a_communications_lead_the_commander_is_reminded(world, incident):
    major = services.declare_major(incident, by=world.manager, reason="x",
                                   roles={CoreRole.COMMUNICATIONS_LEAD: []})  # fmt: skip
    MajorIncident.objects.filter(pk=major.pk).update(
        declared_at=major.declared_at - dt.timedelta(minutes=31)
    )
    assert remind_overdue_updates.call() == 1
    assert reminders() == ["manager@example.com"]


def test_no_reminders_after_standing_down(world, incident):
    major = services.declare_major(incident, by=world.manager, reason="x")
    services.stand_down(major, by=world.manager, note="False alarm")
    assert services.remind_overdue(now=timezone.now() + dt.timedelta(hours=3)) == 0
