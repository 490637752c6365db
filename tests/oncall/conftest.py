"""On-call personas on top of the root ``world``: ``engineer`` is on call in the Infra
schedule (a daily rotation with only them in it), ``eva`` is a second engineer, and the
"P1" policy pages the person on call at once and eva five minutes later.

Time is driven by moving timers into the past (``time_passes``) and running the job, never by
sleeping.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from fixfirst.incidents import services as incidents
from fixfirst.incidents.choices import Channel, Impact, Urgency
from fixfirst.oncall import editing, escalation
from fixfirst.oncall.choices import ContactKind, NotificationStatus, Rotation, TargetKind
from fixfirst.oncall.models import ContactMethod, Escalation, NotificationRule, PageNotification
from fixfirst.oncall.tasks import send_due_notifications
from fixfirst.tenancy import services as tenancy
from fixfirst.tenancy.roles import Role

AMS = "Europe/Amsterdam"


@pytest.fixture(autouse=True)
def manual_paging(settings):
    """These tests start and stop escalations themselves; the automatic rules (a P1 pages
    and declares a major incident) are tested on their own in test_hooks.py."""
    settings.FIXFIRST_PAGING_PRIORITIES = frozenset()
    settings.FIXFIRST_MAJOR_AUTO_P1 = False


@pytest.fixture
def oncall(world):
    w = world
    w.eva = tenancy.invite_user(
        by=None, username="eva", email="eva@example.com", role=Role.ENGINEER, password="pw",
        send_invitation=False,
    )  # fmt: skip
    tenancy.set_team_members(w.team, [w.engineer, w.eva], by=None)
    w.schedule = editing.save_schedule(None, by=w.admin, name="Infra", team=w.team, timezone=AMS)
    w.layer = editing.save_layer(
        None, by=w.admin, schedule=w.schedule, name="Daily", rotation=Rotation.DAILY,
        handoff_time=dt.time(9), start_date=dt.date(2026, 1, 5),
    )  # fmt: skip
    editing.add_layer_member(w.layer, w.engineer, by=w.admin)
    w.policy = editing.save_policy(None, by=w.admin, name="P1", repeat_count=0)
    editing.add_step(
        w.policy, by=w.admin, delay_minutes=0,
        targets=[{"kind": TargetKind.SCHEDULE, "schedule": w.schedule}],
    )  # fmt: skip
    editing.add_step(
        w.policy, by=w.admin, delay_minutes=5, targets=[{"kind": TargetKind.USER, "user": w.eva}]
    )
    return w


@pytest.fixture
def p1(oncall):
    """``p1(**overrides)``: a new P1 incident of customer Alpha."""

    def make(**overrides):
        fields = {
            "by": oncall.agent, "customer": oncall.alpha, "title": "Core switch down",
            "channel": Channel.PHONE, "impact": Impact.HIGH, "urgency": Urgency.HIGH,
        }  # fmt: skip
        fields.update(overrides)
        return incidents.open_incident(**fields)

    return make


def verified(user, address: str, *delays: int, kind: str = ContactKind.EMAIL) -> ContactMethod:
    method = ContactMethod.objects.create(
        user=user, kind=kind, address=address, verified_at=timezone.now()
    )
    for delay in delays:
        NotificationRule.objects.create(user=user, contact_method=method, delay_minutes=delay)
    return method


def time_passes(minutes: float = 0) -> None:
    """Every timer (escalation steps, delayed notifications, queued tasks) due ``minutes``
    sooner: what is due within that time is due now."""
    shift = dt.timedelta(minutes=minutes, seconds=1)
    for esc in Escalation.objects.exclude(next_fire_at=None):
        Escalation.objects.filter(pk=esc.pk).update(next_fire_at=esc.next_fire_at - shift)
    for n in PageNotification.objects.filter(status=NotificationStatus.PENDING):
        PageNotification.objects.filter(pk=n.pk).update(due_at=n.due_at - shift)
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    for t in waiting.exclude(run_after=get_date_max()):
        DBTaskResult.objects.filter(pk=t.pk).update(run_after=t.run_after - shift)


def run_job() -> int:
    """The sweeper's work without its slack: fire everything that is due now."""
    return escalation.fire_due() + send_due_notifications()


def run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", "--no-reload",
        "--interval", "0", verbosity=0,
    )  # fmt: skip
