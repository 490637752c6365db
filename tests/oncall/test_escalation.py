"""The escalation engine: steps fire at their deadlines, stop on acknowledge, repeat, exhaust,
and run the policy as it was when they started."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fixfirst.audit.models import AuditEntry
from fixfirst.catalog.services import save_service
from fixfirst.incidents import services as incidents
from fixfirst.incidents.models import TimelineEvent
from fixfirst.notify.models import Delivery
from fixfirst.oncall import editing, escalation
from fixfirst.oncall.choices import EscalationStatus, StopReason, TargetKind
from fixfirst.oncall.models import Escalation, EscalationStep, Page
from fixfirst.oncall.services import start_escalation, stop_escalation
from tests.oncall.conftest import run_job, run_worker, time_passes


def paged(incident) -> list[tuple[str, int]]:
    return [
        (p.user.username, p.step) for p in Page.objects.filter(incident=incident).order_by("pk")
    ]


def notes(incident) -> list[str]:
    events = TimelineEvent.objects.filter(incident=incident, data__has_key="oncall")
    return [e.body for e in events.order_by("pk")]


def test_step_one_pages_whoever_is_on_call_at_once(oncall, p1):
    incident = p1()
    esc = start_escalation(incident, oncall.policy, by=oncall.agent)
    assert paged(incident) == [("engineer", 1)]
    mail = Delivery.objects.get(incident=incident, reason="oncall.page")
    assert mail.recipient == "engineer@example.com"  # no rules: the account's address
    assert "/ack/" in mail.body
    assert "Paged engineer (step 1, on call for Infra)" in notes(incident)
    assert esc.status == EscalationStatus.ACTIVE
    assert esc.step_index == 1 and esc.next_fire_at > timezone.now()
    assert AuditEntry.objects.filter(action="escalation.start", object_id=str(esc.pk)).exists()


def test_step_two_fires_only_after_its_delay(oncall, p1):
    incident = p1()
    start_escalation(incident, oncall.policy)
    time_passes(minutes=4)
    assert run_job() == 0
    assert paged(incident) == [("engineer", 1)]
    time_passes(minutes=1)
    assert run_job() == 1
    assert paged(incident) == [("engineer", 1), ("eva", 2)]
    event = TimelineEvent.objects.filter(incident=incident, data__oncall="paged").last()
    assert event.body == "Paged eva (step 2, named in the policy)"
    assert event.data["late_ms"] >= 0 and event.data["due_at"]


# The worker closes its connection between tasks: a real transaction, not the test's.
@pytest.mark.django_db(transaction=True)
def test_the_timer_task_fires_the_step_through_the_worker(oncall, p1):
    incident = p1()
    start_escalation(incident, oncall.policy)
    run_worker()
    assert paged(incident) == [("engineer", 1)]  # not due yet
    time_passes(minutes=5)
    run_worker()
    assert paged(incident) == [("engineer", 1), ("eva", 2)]


def test_a_stale_or_repeated_timer_task_does_nothing(oncall, p1):
    incident = p1()
    esc = start_escalation(incident, oncall.policy)
    time_passes(minutes=5)
    assert escalation.fire_one(esc.pk, seq=esc.fire_seq - 1) == "not due"
    assert escalation.fire_one(esc.pk, seq=esc.fire_seq) == "fired"
    assert escalation.fire_one(esc.pk, seq=esc.fire_seq) == "not due"
    assert paged(incident) == [("engineer", 1), ("eva", 2)]


def test_acknowledging_the_incident_stops_the_escalation_even_unwired(oncall, p1):
    incident = p1()
    esc = start_escalation(incident, oncall.policy)
    incidents.acknowledge(incident, by=oncall.engineer)
    time_passes(minutes=5)
    run_job()
    esc.refresh_from_db()
    assert esc.status == EscalationStatus.ACKNOWLEDGED and esc.next_fire_at is None
    assert paged(incident) == [("engineer", 1)]


# The worker closes its connection between tasks: a real transaction, not the test's.
@pytest.mark.django_db(transaction=True)
def test_stop_escalation_stops_at_once_and_is_safe_to_repeat(oncall, p1):
    incident = p1()
    esc = start_escalation(incident, oncall.policy)
    assert stop_escalation(incident, StopReason.ACKNOWLEDGED, by=oncall.engineer) == 1
    assert stop_escalation(incident, StopReason.ACKNOWLEDGED) == 0
    esc.refresh_from_db()
    assert esc.status == EscalationStatus.ACKNOWLEDGED and esc.next_fire_at is None
    assert "Escalation stopped: acknowledged." in notes(incident)
    time_passes(minutes=60)
    run_worker()
    run_job()
    assert paged(incident) == [("engineer", 1)]


def test_resolving_the_incident_ends_the_escalation(oncall, p1):
    incident = p1()
    esc = start_escalation(incident, oncall.policy)
    incidents.resolve(incident, by=oncall.engineer, resolution="Rebooted the switch.")
    time_passes(minutes=5)
    run_job()
    esc.refresh_from_db()
    assert esc.status == EscalationStatus.STOPPED and esc.end_reason == StopReason.RESOLVED


def test_the_policy_repeats_n_times_then_is_exhausted(oncall, p1):
    editing.save_policy(oncall.policy, by=oncall.admin, repeat_count=2, repeat_after_minutes=3)
    incident = p1()
    esc = start_escalation(incident, oncall.policy)
    for _ in range(10):
        time_passes(minutes=5)
        run_job()
    esc.refresh_from_db()
    assert paged(incident) == [("engineer", 1), ("eva", 2)] * 3
    assert esc.status == EscalationStatus.EXHAUSTED and esc.next_fire_at is None
    assert esc.round == 2
    assert notes(incident)[-1].startswith("Escalation exhausted")


def test_editing_the_policy_mid_flight_changes_nothing(oncall, p1):
    incident = p1()
    esc = start_escalation(incident, oncall.policy)
    # Step 2 now pages the whole team after an hour; then it is removed altogether.
    step2 = EscalationStep.objects.get(policy=oncall.policy, position=2)
    step2.delay_minutes = 60
    step2.save()
    editing.delete_step(step2, by=oncall.admin)
    editing.add_step(
        oncall.policy, by=oncall.admin, delay_minutes=1,
        targets=[{"kind": TargetKind.ALL_ENGINEERS}],
    )  # fmt: skip
    editing.save_policy(oncall.policy, by=oncall.admin, name="Renamed", repeat_count=5)
    time_passes(minutes=5)
    run_job()
    esc.refresh_from_db()
    assert paged(incident) == [("engineer", 1), ("eva", 2)]
    assert esc.status == EscalationStatus.EXHAUSTED  # the frozen plan: two steps, no repeat
    assert esc.plan["policy"] == "P1"


def test_deleting_the_policy_or_its_schedule_mid_flight_pages_nobody_by_surprise(oncall, p1):
    editing.save_policy(oncall.policy, by=oncall.admin, repeat_count=1, repeat_after_minutes=1)
    incident = p1()
    esc = start_escalation(incident, oncall.policy)
    editing.delete_policy(oncall.policy, by=oncall.admin)
    editing.delete_schedule(oncall.schedule, by=oncall.admin)
    for _ in range(3):
        time_passes(minutes=5)
        run_job()
    esc.refresh_from_db()
    assert paged(incident) == [("engineer", 1), ("eva", 2), ("eva", 2)]
    assert "Nobody to page (step 1, schedule Infra no longer exists)" in notes(incident)


def test_start_is_idempotent_and_needs_a_policy(oncall, p1):
    incident = p1()
    assert start_escalation(incident) is None  # no policy attached anywhere
    first = start_escalation(incident, oncall.policy)
    assert start_escalation(incident, oncall.policy).pk == first.pk
    assert Escalation.objects.filter(incident=incident).count() == 1


def test_the_policy_of_the_incidents_service_is_used_by_default(oncall, p1):
    erp = save_service(None, by=None, name="ERP", customers=[oncall.alpha])
    editing.attach_policy(oncall.policy, by=oncall.admin, services=[erp])
    incident = p1(services=[erp])
    esc = start_escalation(incident)
    assert esc is not None and esc.policy == oncall.policy
    assert paged(incident) == [("engineer", 1)]


def test_a_team_step_pages_each_member_once(oncall, p1):
    policy = editing.save_policy(None, by=oncall.admin, name="Team")
    editing.add_step(
        policy, by=oncall.admin, delay_minutes=0,
        targets=[
            {"kind": TargetKind.SCHEDULE, "schedule": oncall.schedule},
            {"kind": TargetKind.TEAM, "team": oncall.team},
        ],
    )  # fmt: skip
    incident = p1()
    start_escalation(incident, policy)
    assert sorted(paged(incident)) == [("engineer", 1), ("eva", 1)]
    assert "Paged eva (step 1, team Infrastructure)" in notes(incident)


def test_nobody_on_call_is_said_on_the_timeline(oncall, p1):
    editing.remove_layer_member(oncall.layer.members.get(), by=oncall.admin)
    incident = p1()
    start_escalation(incident, oncall.policy)
    assert paged(incident) == []
    assert "Nobody to page (step 1, on call for Infra)" in notes(incident)


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_firing_rolls_the_whole_step_back(oncall, p1, monkeypatch):
    incident = p1()
    start_escalation(incident, oncall.policy)
    time_passes(minutes=5)

    def broken(*args, **kwargs):
        raise RuntimeError("worker dies mid-step")

    monkeypatch.setattr(escalation.paging, "page_user", broken)
    with pytest.raises(RuntimeError):
        run_job()
    assert paged(incident) == [("engineer", 1)]
    monkeypatch.undo()
    assert run_job() == 1
    assert paged(incident) == [("engineer", 1), ("eva", 2)]
