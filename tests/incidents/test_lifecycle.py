"""The incident process as a service desk lives it: intake, triage, tiers, fix, close."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from fixfirst.audit.models import AuditEntry
from fixfirst.incidents import services, updates
from fixfirst.incidents.choices import EventKind, Impact, IncidentClass, Priority, Status, Urgency
from fixfirst.incidents.models import Incident, PriorityRule
from fixfirst.notify.models import Delivery


def kinds(incident):
    return list(incident.events.order_by("at", "pk").values_list("kind", flat=True))


def test_numbers_are_readable_and_unique(open_incident):
    first, second = open_incident(), open_incident()
    assert first.reference.startswith("INC-")
    assert second.number == first.number + 1


def test_priority_comes_from_the_matrix(open_incident):
    incident = open_incident(impact=Impact.MEDIUM, urgency=Urgency.HIGH)
    assert incident.priority == Priority.P2
    assert incident.incident_class == IncidentClass.MEDIUM


def test_the_matrix_is_configurable(open_incident):
    PriorityRule.objects.filter(impact=Impact.LOW, urgency=Urgency.LOW).update(priority=Priority.P3)
    assert open_incident(impact=Impact.LOW, urgency=Urgency.LOW).priority == Priority.P3


def test_customer_saying_impact_is_high_opens_a_p1_at_once(open_incident):
    incident = open_incident(impact=Impact.LOW, urgency=Urgency.LOW, reported_high_impact=True)
    assert incident.priority == Priority.P1
    assert incident.status == Status.NEW


def test_lowering_the_priority_needs_a_reason_kept_on_the_timeline(open_incident, world):
    incident = open_incident(reported_high_impact=True)
    with pytest.raises(ValidationError) as error:
        services.set_priority(incident, by=world.agent, impact=Impact.LOW, urgency=Urgency.MEDIUM)
    assert "reason" in error.value.message_dict
    services.set_priority(
        incident,
        by=world.agent,
        impact=Impact.LOW,
        urgency=Urgency.MEDIUM,
        reason="Only one user affected; the rest can work.",
    )
    incident.refresh_from_db()
    assert incident.priority == Priority.P4
    event = incident.events.get(kind=EventKind.PRIORITY)
    assert event.body == "Only one user affected; the rest can work."
    assert (event.data["old"], event.data["new"]) == (1, 4)


def test_unknown_priority_inputs_are_rejected(open_incident, world):
    with pytest.raises(ValidationError) as error:
        open_incident(impact=7)
    assert "impact" in error.value.message_dict
    assert not Incident.objects.exists()


def test_only_valid_transitions_are_accepted(open_incident, world):
    incident = open_incident()
    with pytest.raises(ValidationError, match="cannot go from new to closed"):
        services.change_status(incident, Status.CLOSED, by=world.agent)
    incident.refresh_from_db()
    assert incident.status == Status.NEW


def test_full_service_desk_story(open_incident, world):
    incident = open_incident()
    assert [d.reason for d in Delivery.objects.all()] == ["reporter.received"]
    services.acknowledge(incident, by=world.agent)
    services.escalate(incident, by=world.agent, reason="Needs the mail admins", team=world.team)
    services.escalate(incident, by=world.engineer, reason="Vendor-level bug")
    updates.record_workaround(incident, by=world.engineer, text="Use webmail for now.")
    updates.post_update(
        incident, by=world.engineer, body="Vendor confirmed a bug.", status=Status.IDENTIFIED
    )
    services.resolve(incident, by=world.engineer, resolution="Patched the mail gateway.")
    incident.refresh_from_db()
    assert incident.support_level == 3
    assert (
        incident.workaround == "Use webmail for now."
        and incident.resolution == "Patched the mail gateway."
    )
    assert incident.status == Status.RESOLVED and incident.acknowledged_at and incident.resolved_at
    assert kinds(incident) == [
        EventKind.OPENED,
        EventKind.STATUS,
        EventKind.ESCALATED,
        EventKind.ESCALATED,
        EventKind.WORKAROUND,
        EventKind.UPDATE,
        EventKind.RESOLUTION,
    ]
    reasons = sorted(
        Delivery.objects.filter(recipient="ann@alpha.example").values_list("reason", flat=True)
    )
    assert reasons == [
        "reporter.received",
        "reporter.resolved",
        "reporter.update",
        "reporter.update",
    ]
    services.confirm_resolution(incident, by=world.alpha_contact)
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    assert (
        AuditEntry.objects.filter(
            object_type="incidents.incident", object_id=str(incident.pk)
        ).count()
        >= 6
    )


def test_escalation_needs_a_reason_and_stops_at_third_line(open_incident, world):
    incident = open_incident()
    with pytest.raises(ValidationError):
        services.escalate(incident, by=world.agent, reason=" ")
    services.escalate(incident, by=world.agent, reason="a")
    services.escalate(incident, by=world.agent, reason="b")
    with pytest.raises(ValidationError, match="3rd line"):
        services.escalate(incident, by=world.agent, reason="c")


def test_internal_notes_mention_staff_and_stay_internal(open_incident, world):
    incident = open_incident()
    updates.add_note(incident, by=world.agent, body="@engineer can you look at the gateway?")
    note = incident.events.get(kind=EventKind.NOTE)
    assert note.public is False
    assert Delivery.objects.filter(
        recipient="engineer@example.com", reason="staff.mention"
    ).exists()
    assert not Delivery.objects.filter(
        recipient="ann@alpha.example", reason="reporter.update"
    ).exists()


def test_customer_reply_ends_waiting_for_customer(open_incident, world):
    incident = open_incident()
    services.change_status(incident, Status.WAITING, by=world.agent)
    updates.add_comment(incident, by=world.alpha_contact, body="Here is the screenshot.")
    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING
    assert incident.pauses.get().ended_at is not None


def test_reopen_within_period_then_not_after(open_incident, world, settings):
    incident = open_incident()
    services.resolve(incident, by=world.agent, resolution="Restarted.")
    services.reopen(incident, by=world.amy, reason="Still broken")
    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING and incident.resolved_at is None
    services.resolve(incident, by=world.agent, resolution="Restarted again.")
    settings.FIXFIRST_REOPEN_DAYS = 0
    with pytest.raises(ValidationError, match="new incident"):
        services.reopen(incident, by=world.amy, reason="Broken again")


def test_auto_close_after_days_resolved(open_incident, world):
    import datetime as dt

    from django.utils import timezone

    incident = open_incident()
    services.resolve(incident, by=world.agent, resolution="Fixed")
    Incident.objects.filter(pk=incident.pk).update(
        resolved_at=timezone.now() - dt.timedelta(days=6)
    )
    assert services.close_resolved(dt.timedelta(days=5)) == 1
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED


def test_reporter_must_belong_to_the_customer(world):
    from fixfirst.incidents.choices import Channel

    with pytest.raises(ValidationError, match="not a contact"):
        services.open_incident(
            by=world.agent,
            customer=world.alpha,
            title="x",
            channel=Channel.PHONE,
            reporter=world.beta_contact,
        )


@pytest.mark.django_db(transaction=True)
def test_reporter_mails_arrive_through_the_worker(open_incident, world):
    from django.core.management import call_command

    open_incident(title="Printer on fire")
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--queue-name",
        "*",
        "--no-reload",
        "--interval",
        "0",
        verbosity=0,
    )
    assert mail.outbox and mail.outbox[0].to == ["ann@alpha.example"]
    assert mail.outbox[0].subject.startswith("[INC-")
