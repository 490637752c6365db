"""The customer's side: the portal list, the report form, one incident, the resolution link."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fixfirst.incidents import services, updates
from fixfirst.incidents.choices import Channel, EventKind, Priority, Status
from fixfirst.incidents.messages import resolution_token
from fixfirst.incidents.models import Attachment, Incident, TimelineEvent
from fixfirst.tenancy import services as tenancy
from tests.conftest import client_for


def _body(response) -> str:
    return response.content.decode()


@pytest.fixture
def amy_contact(world):
    return tenancy.add_contact(
        world.alpha, by=None, name="Amy Alpha", email="amy@example.com", user=world.amy
    )


def _portal(user, incident) -> str:
    url = reverse("incidents:portal_detail", args=[incident.number])
    return _body(client_for(user).get(url))


def _report(user, **data):
    fields = {"title": "Printer on fire", "description": "Smoke everywhere."}
    fields.update(data)
    return client_for(user).post(reverse("incidents:portal_new"), fields)


def test_portal_lists_the_organisations_incidents_only(world, open_incident):
    ours = open_incident(title="Alpha own problem")
    services.open_incident(
        by=world.bob, customer=world.beta, title="Beta problem", channel=Channel.PORTAL
    )
    body = _body(client_for(world.amy).get(reverse("incidents:portal")))
    assert ours.title in body and "Beta problem" not in body


def test_report_form_opens_an_incident_for_the_users_contact(world, amy_contact):
    response = _report(world.amy)
    incident = Incident.objects.get(title="Printer on fire")
    assert response["Location"] == reverse("incidents:portal_detail", args=[incident.number])
    assert incident.reporter == amy_contact
    assert incident.channel == Channel.PORTAL
    assert incident.priority == Priority.P3


def test_high_impact_box_opens_a_p1_at_once(world, amy_contact):
    _report(world.amy, high_impact="on")
    incident = Incident.objects.get(title="Printer on fire")
    assert incident.priority == Priority.P1
    assert incident.reported_high_impact


def test_report_form_explains_the_high_impact_box(world, amy_contact):
    body = _body(client_for(world.amy).get(reverse("incidents:portal_new")))
    assert "The impact on our work is high" in body
    assert "P1" in body


def test_user_without_a_contact_is_told_to_ask_their_admin(world):
    page = client_for(world.amy).get(reverse("incidents:portal_new"))
    assert "ask your organisation" in _body(page)
    assert _report(world.amy).status_code == 400
    assert not Incident.objects.exists()


def test_report_with_an_attachment(world, amy_contact, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _report(world.amy, attachment=SimpleUploadedFile("screen.png", b"png", "image/png"))
    attachment = Attachment.objects.get()
    assert attachment.incident.title == "Printer on fire"
    assert attachment.event.public


def test_attachment_too_large_is_a_form_error_and_reports_nothing(world, amy_contact, settings):
    settings.FIXFIRST_ATTACHMENT_MAX_BYTES = 10
    response = _report(world.amy, attachment=SimpleUploadedFile("big.txt", b"x" * 11, "text/plain"))
    assert response.status_code == 400
    assert "larger than" in _body(response)
    assert not Incident.objects.exists()


def test_customer_never_sees_internal_notes(world, open_incident):
    incident = open_incident()
    updates.add_note(incident, by=world.engineer, body="SECRET-NOTE about the customer")
    updates.post_update(incident, by=world.engineer, body="PUBLIC-UPDATE for everyone")
    for user in (world.amy, world.alice):
        body = _portal(user, incident)
        assert "PUBLIC-UPDATE" in body
        assert "SECRET-NOTE" not in body
        assert "event-staff" not in body and "event-note" not in body


def test_portal_page_says_the_sla_in_words(world, office_sla, open_incident):
    incident = open_incident(reported_high_impact=True)
    body = _portal(world.amy, incident)
    assert "We aim to resolve this by" in body
    services.change_status(incident, Status.WAITING, by=world.agent)
    body = _portal(world.amy, incident)
    assert "waiting for your reply" in body


def test_customer_comments_and_ends_waiting(world, open_incident):
    incident = open_incident()
    services.change_status(incident, Status.WAITING, by=world.agent)
    url = reverse("incidents:portal_comment", args=[incident.number])
    assert client_for(world.amy).post(url, {"body": ""}).status_code == 400
    assert client_for(world.amy).post(url, {"body": "Here is the info"}).status_code == 302
    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING
    assert TimelineEvent.objects.filter(
        incident=incident, kind=EventKind.COMMENT, public=True
    ).exists()


def test_customer_confirms_or_reopens_a_resolved_incident(world, open_incident):
    first, second = open_incident(), open_incident()
    for incident in (first, second):
        services.resolve(incident, by=world.engineer, resolution="Rebooted")
    client = client_for(world.amy)
    assert client.post(reverse("incidents:portal_confirm", args=[first.number])).status_code == 302
    reopen = reverse("incidents:portal_reopen", args=[second.number])
    assert client.post(reopen, {"reason": ""}).status_code == 400
    assert client.post(reopen, {"reason": "Still slow"}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.CLOSED
    assert second.status == Status.INVESTIGATING


def test_staff_opening_a_portal_url_land_on_the_staff_page(world, open_incident):
    incident = open_incident()
    response = client_for(world.engineer).get(
        reverse("incidents:portal_detail", args=[incident.number])
    )
    assert response["Location"] == reverse("incidents:detail", args=[incident.number])


# --- the resolution link ------------------------------------------------------------------


@pytest.fixture
def resolved(world, open_incident):
    incident = open_incident()
    return services.resolve(incident, by=world.engineer, resolution="Replaced the toner")


def test_resolution_link_confirms_and_closes(resolved):
    url = reverse("incidents:resolution_link", args=[resolution_token(resolved)])
    client = Client()
    page = client.get(url)
    assert page.status_code == 200 and "Replaced the toner" in _body(page)
    assert client.post(url, {"answer": "yes"})["Location"] == url
    resolved.refresh_from_db()
    assert resolved.status == Status.CLOSED
    event = TimelineEvent.objects.get(incident=resolved, kind=EventKind.CONFIRMED)
    assert event.actor_label == "ann@alpha.example"
    after = _body(client.get(url))
    assert "is closed" in after and 'value="yes"' not in after


def test_resolution_link_reopens_with_a_reason(resolved):
    url = reverse("incidents:resolution_link", args=[resolution_token(resolved)])
    client = Client()
    assert client.post(url, {"answer": "no", "reason": ""}).status_code == 400
    assert client.post(url, {"answer": "no", "reason": "Still streaks"}).status_code == 302
    resolved.refresh_from_db()
    assert resolved.status == Status.INVESTIGATING


def test_forged_resolution_link_is_404(resolved):
    forged = resolution_token(resolved)[:-3] + "abc"
    assert Client().get(reverse("incidents:resolution_link", args=[forged])).status_code == 404
    nonsense = reverse("incidents:resolution_link", args=["nonsense"])
    assert Client().post(nonsense, {"answer": "yes"}).status_code == 404
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED
