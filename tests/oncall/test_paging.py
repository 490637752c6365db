"""Paging one person by their notification rules: now, later, or not at all once answered."""

from __future__ import annotations

import pytest

from fixfirst.incidents import services as incidents
from fixfirst.notify.models import Delivery
from fixfirst.oncall.choices import NotificationStatus
from fixfirst.oncall.models import PageNotification
from fixfirst.oncall.services import page_user, start_escalation
from tests.oncall.conftest import run_job, run_worker, time_passes, verified


def sent_to(incident) -> list[str]:
    return sorted(
        d.recipient for d in Delivery.objects.filter(incident=incident, reason="oncall.page")
    )


# The worker closes its connection between tasks: a real transaction, not the test's.
@pytest.mark.django_db(transaction=True)
def test_immediate_rules_send_now_and_delayed_ones_wait(oncall, p1):
    verified(oncall.engineer, "work@example.com", 0)
    verified(oncall.engineer, "home@example.com", 5)
    incident = p1()
    page_user(incident, oncall.engineer, reason="test")
    assert sent_to(incident) == ["work@example.com"]
    waiting = PageNotification.objects.get(address="home@example.com")
    assert waiting.status == NotificationStatus.PENDING and waiting.task_id
    time_passes(minutes=4)
    run_worker()
    assert sent_to(incident) == ["work@example.com"]
    time_passes(minutes=1)
    run_worker()  # the delayed notification's own task
    waiting.refresh_from_db()
    assert waiting.status == NotificationStatus.QUEUED
    assert sent_to(incident) == ["home@example.com", "work@example.com"]


def test_a_delayed_rule_is_skipped_once_the_incident_is_acknowledged(oncall, p1):
    verified(oncall.engineer, "work@example.com", 0)
    verified(oncall.engineer, "home@example.com", 5)
    incident = p1()
    start_escalation(incident, oncall.policy)
    incidents.acknowledge(incident, by=oncall.engineer)
    time_passes(minutes=5)
    run_job()
    waiting = PageNotification.objects.get(address="home@example.com")
    assert waiting.status == NotificationStatus.SKIPPED
    assert sent_to(incident) == ["work@example.com"]


def test_unverified_methods_are_never_paged(oncall, p1):
    method = verified(oncall.engineer, "new@example.com", 0)
    method.verified_at = None
    method.save()
    incident = p1()
    page_user(incident, oncall.engineer, reason="test")
    assert sent_to(incident) == ["engineer@example.com"]  # the account's address instead


# The worker closes its connection between tasks: a real transaction, not the test's.
@pytest.mark.django_db(transaction=True)
def test_page_mail_carries_the_ack_link_and_goes_out_through_notify(oncall, p1, mailoutbox):
    incident = p1()
    page_user(incident, oncall.eva, reason="named in the policy")
    run_worker()
    [mail] = [m for m in mailoutbox if m.to == ["eva@example.com"]]
    assert mail.subject.startswith(f"[{incident.reference}] Page P1")
    assert "http://" in mail.body and "/ack/" in mail.body
    assert "named in the policy" in mail.body
