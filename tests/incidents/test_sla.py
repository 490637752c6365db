"""SLA clocks on real incidents: business hours, 24x7 P1, pauses, warnings and breaches."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fixfirst.incidents import services, sla
from fixfirst.incidents.choices import EventKind, Impact, Status, Urgency
from fixfirst.incidents.models import Incident, SlaTarget
from fixfirst.notify.models import Delivery
from tests.incidents.conftest import at


def test_no_contract_sla_means_no_clock(open_incident):
    incident = open_incident()
    assert incident.sla_terms == {} and incident.resolution_due_at is None


def test_p3_friday_evening_is_due_on_tuesday_in_office_hours(office_sla, open_incident):
    # P3 resolution target 1440 business minutes = 24 h = 2.4 office days of 10 h.
    incident = open_incident(
        opened_at=at("2026-11-20 17:00"), impact=Impact.MEDIUM, urgency=Urgency.MEDIUM
    )
    assert incident.sla_terms["calendar"] == "Office"
    # Fri 17-18 (1 h), Mon 10 h, Tue 10 h, Wed 3 h -> Wed 11:00.
    assert incident.resolution_due_at == at("2026-11-25 11:00")
    assert incident.response_due_at == at("2026-11-23 09:00")


def test_p1_runs_around_the_clock_when_the_contract_says_so(office_sla, open_incident):
    incident = open_incident(opened_at=at("2026-11-20 23:00"), reported_high_impact=True)
    assert incident.sla_terms["calendar"] == "24x7"
    assert incident.resolution_due_at == at("2026-11-21 03:00")


def test_editing_the_contract_does_not_move_a_running_clock(office_sla, open_incident):
    incident = open_incident(opened_at=at("2026-11-23 09:00"))
    due = incident.resolution_due_at
    SlaTarget.objects.filter(policy=office_sla).update(resolution_minutes=10)
    services.change_status(incident, Status.ACKNOWLEDGED, by=None)
    incident.refresh_from_db()
    assert incident.resolution_due_at == due


def test_waiting_for_customer_pauses_the_clock(office_sla, open_incident, world):
    incident = open_incident(
        opened_at=timezone.now() - dt.timedelta(minutes=30), reported_high_impact=True
    )
    before = sla.read(incident).resolution
    services.change_status(incident, Status.WAITING, by=world.agent)
    incident.refresh_from_db()
    reading = sla.read(incident, timezone.now() + dt.timedelta(hours=2)).resolution
    assert reading.state == "paused"
    assert reading.elapsed < before.elapsed + dt.timedelta(minutes=1)
    assert incident.resolution_due_at is None  # no deadline while paused


def test_warning_then_breach_are_recorded_once_and_notify_the_assignee(
    office_sla, open_incident, world
):
    incident = open_incident(
        opened_at=timezone.now() - dt.timedelta(minutes=200), reported_high_impact=True
    )
    services.assign(incident, by=world.agent, team=world.team, assignee=world.engineer)
    # P1: 240 minutes to resolve; 200 minutes gone = 83 % -> warning (the response clock, 15 min, is breached).
    recorded = services.record_sla_state(incident)
    assert "resolution_warning" in recorded or "response_breach" in recorded
    Incident.objects.filter(pk=incident.pk).update(
        opened_at=timezone.now() - dt.timedelta(minutes=300)
    )
    incident.refresh_from_db()
    assert "resolution_breach" in services.record_sla_state(incident)
    assert services.record_sla_state(incident) == []
    incident.refresh_from_db()
    assert incident.resolution_breached and incident.response_breached
    assert incident.events.filter(kind=EventKind.SLA_BREACH).count() == 2
    assert Delivery.objects.filter(
        recipient="engineer@example.com", reason="staff.sla_breach"
    ).exists()


def test_first_response_stops_the_response_clock(office_sla, open_incident, world):
    incident = open_incident(reported_high_impact=True)
    services.acknowledge(incident, by=world.agent)
    incident.refresh_from_db()
    assert sla.read(incident).response.state == "met"


def test_sla_job_only_looks_at_incidents_that_are_due(office_sla, open_incident):
    from fixfirst.incidents.tasks import check_sla_clocks

    incident = open_incident(
        opened_at=timezone.now() - dt.timedelta(hours=5), reported_high_impact=True
    )
    assert incident.sla_next_check_at <= timezone.now()
    assert check_sla_clocks.call() == 1
    incident.refresh_from_db()
    assert incident.resolution_breached
    assert incident.sla_next_check_at is None  # nothing left to record
    assert check_sla_clocks.call() == 0
