"""The update composer: from the plan's template to every channel, in one transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fixfirst.comms import compose, publishers
from fixfirst.comms.models import IncidentComms
from fixfirst.incidents.choices import EventKind, Status
from fixfirst.incidents.models import TimelineEvent
from fixfirst.notify.models import Delivery
from tests.conftest import client_for


def _url(incident) -> str:
    return reverse("comms:composer", args=[incident.number])


def _form_data(response) -> dict:
    """What the browser would send back: the form as the composer filled it in."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value in (None, False, []):
            continue
        data[name] = "on" if value is True else value
    return data


def test_investigating_update_from_the_template_in_three_interactions(world, incident, contacts):
    client = client_for(world.agent)
    # 1. Open the composer: the phase follows the incident's status, the text is filled in.
    page = client.get(_url(incident))
    assert page.status_code == 200
    data = _form_data(page)
    assert data["phase"] == "investigating" and data["audience"] == "customers"
    # 2. Read the text: the reference and the promised time are in it; the primary contact
    #    is ticked, the reporter is mailed by the timeline anyway.
    assert incident.reference in data["subject"]
    assert "Next update by" in data["body"] and "{" not in data["body"]
    assert data["to_email"] == [f"contact:{contacts.cio.pk}"]
    # 3. Post.
    before = timezone.now()
    done = client.post(_url(incident), data)
    assert done.status_code == 302, done.content.decode()[:2000]
    assert done.url == reverse("incidents:detail", args=[incident.number])

    update = TimelineEvent.objects.get(incident=incident, kind=EventKind.UPDATE)
    assert update.public and update.body == data["body"].strip()
    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING
    mails = Delivery.objects.filter(incident=incident)
    assert set(mails.filter(reason="comms.customers").values_list("recipient", flat=True)) == {
        "cio@alpha.example"
    }
    assert mails.filter(reason="reporter.update", recipient="ann@alpha.example").exists()
    assert not mails.filter(recipient="dora@alpha.example").exists()
    comms = IncidentComms.objects.get(incident=incident)
    assert comms.last_phase == "investigating"
    due = comms.next_update_due_at - before
    assert dt.timedelta(minutes=30) <= due <= dt.timedelta(minutes=31, seconds=5)


def test_the_email_subject_carries_the_incident_tag_so_replies_land_on_it(
    world, incident, contacts
):
    compose.post_comms_update(
        incident, by=world.agent, phase="investigating", body="We are looking at the mail servers, "
        "users cannot send external mail since 09:10 and we expect news within the hour.",
        subject="Mail", channels={"email": [f"contact:{contacts.desk.pk}"]},
    )  # fmt: skip
    mail = Delivery.objects.get(recipient="dora@alpha.example")
    assert mail.subject == f"[{incident.reference}] Mail"
    assert "We are looking at the mail servers" in mail.body


def test_the_cadence_follows_the_priority(world, plan, contacts):
    from fixfirst.incidents.services import open_incident

    p3 = open_incident(by=world.agent, customer=world.alpha, title="Printer", channel="phone")
    now = timezone.now()
    posted = compose.post_comms_update(
        p3, by=world.agent, phase="investigating", now=now,
        body="We are checking the printer on the second floor; it shows a paper jam error.",
    )  # fmt: skip
    assert p3.priority == 3
    assert posted.comms.next_update_due_at - now >= dt.timedelta(minutes=240)


def test_changing_the_phase_refreshes_the_draft_with_htmx(world, incident):
    response = client_for(world.agent).get(
        _url(incident),
        {"phase": "resolved", "audience": "customers", "language": "en"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="composer-draft",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="composer-draft"')
    assert "<html" not in body
    assert "What happened: [what went wrong]" in body
    assert 'name="resolution_code"' in body


VAGUE = {
    "en": "It was a technical failure.",
    "nl": "Het ging om een technische storing.",
    "de": "Es war eine technische Störung.",
}


@pytest.mark.parametrize("language", ["en", "nl", "de"])
def test_vague_wording_warns_and_blocks_until_confirmed(world, incident, language):
    client = client_for(world.agent)
    data = {
        "phase": "investigating", "audience": "customers", "language": language,
        "subject": "Mail", "body": VAGUE[language],
    }  # fmt: skip
    refused = client.post(_url(incident), data)
    assert refused.status_code == 400
    assert "Does this say what happened?" in refused.content.decode()
    assert 'name="confirm_wording"' in refused.content.decode()
    assert not TimelineEvent.objects.filter(incident=incident, kind=EventKind.UPDATE).exists()

    confirmed = client.post(_url(incident), {**data, "confirm_wording": "on"})
    assert confirmed.status_code == 302
    assert TimelineEvent.objects.filter(incident=incident, kind=EventKind.UPDATE).count() == 1


def test_the_resolved_template_needs_its_blanks_filled(world, incident):
    drafted = compose.draft(incident, phase="resolved", language="en")
    with pytest.raises(compose.WordingNotConfirmed) as refused:
        compose.post_comms_update(
            incident, by=world.agent, phase="resolved", body=drafted.body, language="en"
        )
    assert refused.value.result.blanks
    body = drafted.body.replace("[what went wrong]", "the mail server's disk was full").replace(
        "[why]", "log rotation had stopped after an update"
    )
    compose.post_comms_update(incident, by=world.agent, phase="resolved", body=body)
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert incident.resolution == body.strip()
    assert IncidentComms.objects.get(incident=incident).next_update_due_at is None


def test_an_update_for_staff_is_an_internal_note_and_sets_no_cadence(world, incident):
    drafted = compose.draft(incident, phase="investigating", audience="staff", language="en")
    assert "manager" in drafted.body  # {commander}
    posted = compose.post_comms_update(
        incident, by=world.agent, phase="investigating", audience="staff", body=drafted.body,
        channels={"email": [f"user:{world.manager.pk}"]},
    )  # fmt: skip
    note = TimelineEvent.objects.get(incident=incident, kind=EventKind.NOTE)
    assert not note.public
    assert not TimelineEvent.objects.filter(incident=incident, kind=EventKind.UPDATE).exists()
    assert Delivery.objects.filter(recipient="manager@example.com", reason="comms.staff").exists()
    assert posted.comms.next_update_due_at is None


def test_a_failing_channel_posts_nothing_anywhere(world, incident, contacts):
    class Broken(publishers.Publisher):
        key = "broken"
        label = "Broken"

        def publish(self, message, targets):
            raise ValidationError({"broken": "The gateway said no."})

    publishers.register(Broken())
    try:
        with pytest.raises(ValidationError):
            compose.post_comms_update(
                incident, by=world.agent, phase="investigating",
                body="We are investigating why mail is not delivered to external addresses.",
                channels={"email": [f"contact:{contacts.cio.pk}"], "broken": []},
            )  # fmt: skip
    finally:
        publishers.unregister("broken")
    assert not TimelineEvent.objects.filter(incident=incident, kind=EventKind.UPDATE).exists()
    assert not Delivery.objects.filter(reason__startswith="comms.").exists()
    assert not IncidentComms.objects.filter(
        incident=incident, last_update_at__isnull=False
    ).exists()


def test_recipients_of_another_customer_are_refused(world, incident):
    with pytest.raises(ValidationError):
        compose.post_comms_update(
            incident, by=world.agent, phase="investigating",
            body="We are investigating why mail is not delivered to external addresses.",
            channels={"email": [f"contact:{world.beta_contact.pk}"]},
        )  # fmt: skip
    assert not Delivery.objects.filter(recipient="bert@beta.example").exists()


@pytest.mark.parametrize(
    ("username", "status"), [("alice", 403), ("amy", 403), ("bob", 404), ("viewer", 403)]
)
def test_only_staff_who_work_incidents_reach_the_composer(world, incident, username, status):
    client = client_for(getattr(world, username))
    assert client.get(_url(incident)).status_code == status
    assert client.post(_url(incident), {"body": "x"}).status_code == status


def test_restricted_staff_cannot_compose_for_an_excluded_customer(world, plan):
    from fixfirst.incidents.services import open_incident

    beta_incident = open_incident(by=world.bob, customer=world.beta, title="Beta", channel="portal")
    assert client_for(world.restricted).get(_url(beta_incident)).status_code == 404


def test_an_update_while_waiting_for_the_customer_keeps_waiting(world, incident):
    from fixfirst.incidents.services import change_status

    change_status(incident, Status.WAITING, by=world.agent)
    compose.post_comms_update(
        incident, by=world.agent, phase="investigating",
        body="We are waiting for your answer about the error message on the reception PC.",
    )  # fmt: skip
    incident.refresh_from_db()
    assert incident.status == Status.WAITING
    assert TimelineEvent.objects.filter(incident=incident, kind=EventKind.UPDATE).exists()
