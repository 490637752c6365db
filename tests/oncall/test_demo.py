"""The on-call part of the demo: the Infrastructure rotation, the Default P1 policy, and
verified email rules, loaded once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fixfirst import demo
from fixfirst.oncall import schedules
from fixfirst.oncall.models import ContactMethod, EscalationPolicy, NotificationRule, Schedule


@pytest.mark.django_db
def test_demo_loads_a_rotation_a_policy_and_rules_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.load()
    demo.load()
    schedule = Schedule.objects.get(name="Infrastructure on call")
    assert [layer.name for layer in schedule.layers.all()] == ["Office hours", "Weekly"]
    now = timezone.now()
    people = {
        s.user.username
        for s in schedules.final_schedule(schedule, now, now + dt.timedelta(weeks=3))
    }
    assert people == {"erik", "eva", "omar"}
    policy = EscalationPolicy.objects.get(name="Default P1")
    assert [s.delay_minutes for s in policy.steps.all()] == [0, 10, 10]
    assert policy.repeat_count == 1 and policy.services.count() > 0
    assert (
        ContactMethod.objects.filter(user__username="erik", verified_at__isnull=False).count() == 1
    )
    assert NotificationRule.objects.filter(user__username="erik", delay_minutes=0).count() == 1
