"""Scheduled maintenance moves itself through its states and tells subscribers."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fixfirst.notify.models import Delivery
from fixfirst.statuspage import maintenance, subscriptions, tasks
from fixfirst.statuspage.models import Component, ScheduledMaintenance


def test_maintenance_starts_and_ends_on_time_and_mails_subscribers(sp):
    reader = subscriptions.subscribe_email(sp.page, "reader@example.org")
    subscriptions.confirm(reader.confirm_token)
    start = timezone.now() + dt.timedelta(hours=2)
    m = maintenance.create_maintenance(
        page=sp.page,
        by=sp.w.manager,
        name="Mail server upgrade",
        body="New version.",
        scheduled_for=start,
        scheduled_until=start + dt.timedelta(hours=1),
        components=[sp.mail],
    )
    mails = Delivery.objects.filter(reason="statuspage.maintenance", recipient="reader@example.org")
    assert mails.count() == 1  # announced

    assert maintenance.run_maintenance_clock(now=start - dt.timedelta(minutes=1)) == 0
    assert maintenance.run_maintenance_clock(now=start + dt.timedelta(seconds=1)) == 1
    m.refresh_from_db()
    assert m.status == "in_progress" and m.started_at is not None
    assert Component.objects.get(pk=sp.mail.pk).status == "under_maintenance"
    assert mails.count() == 2
    assert "in progress" in mails.order_by("pk").last().subject.lower()

    assert maintenance.run_maintenance_clock(now=start + dt.timedelta(hours=1, seconds=1)) == 1
    m.refresh_from_db()
    assert m.status == "completed" and m.completed_at is not None
    assert Component.objects.get(pk=sp.mail.pk).status == "operational"
    assert mails.count() == 3
    assert list(m.updates.order_by("pk").values_list("status", flat=True)) == [
        "scheduled",
        "in_progress",
        "completed",
    ]


def test_a_missed_window_is_started_and_completed_in_order(sp):
    start = timezone.now() - dt.timedelta(hours=3)
    m = maintenance.create_maintenance(
        page=sp.page,
        by=sp.w.manager,
        name="Overnight",
        body="x",
        scheduled_for=start,
        scheduled_until=start + dt.timedelta(hours=1),
    )
    tasks.tick.call()
    m.refresh_from_db()
    assert m.status == "completed"
    assert list(m.updates.order_by("pk").values_list("status", flat=True)) == [
        "scheduled",
        "in_progress",
        "completed",
    ]


def test_manual_maintenance_waits_for_a_person(sp):
    start = timezone.now() - dt.timedelta(minutes=1)
    m = maintenance.create_maintenance(
        page=sp.page,
        by=sp.w.manager,
        name="By hand",
        body="x",
        scheduled_for=start,
        scheduled_until=start + dt.timedelta(hours=1),
        auto_transition=False,
    )
    assert maintenance.run_maintenance_clock() == 0
    maintenance.advance_maintenance(m, "verifying", by=sp.w.manager)
    assert ScheduledMaintenance.objects.get(pk=m.pk).status == "verifying"
