"""The one-click acknowledge link in a page: works on a phone without logging in, never acts
on GET (mail scanners prefetch links), expires, and cannot be forged."""

from __future__ import annotations

import re
import time

import pytest
from django.core import signing
from django.test import Client

from fixfirst.audit.models import AuditEntry
from fixfirst.incidents.choices import Status
from fixfirst.incidents.messages import resolution_token
from fixfirst.incidents.models import TimelineEvent
from fixfirst.notify.models import Delivery
from fixfirst.oncall import paging
from fixfirst.oncall.choices import EscalationStatus
from fixfirst.oncall.models import Page
from fixfirst.oncall.services import start_escalation


@pytest.fixture
def paged(oncall, p1):
    incident = p1()
    escalation = start_escalation(incident, oncall.policy)
    page = Page.objects.get(incident=incident)
    mail = Delivery.objects.get(incident=incident, reason="oncall.page")
    url = re.search(r"http://[^/\s]+(/ack/\S+/)", mail.body).group(1)
    return incident, escalation, page, url


def test_get_shows_a_button_and_changes_nothing(paged):
    incident, escalation, page, url = paged
    audit = AuditEntry.objects.count()
    response = Client().get(url)
    assert response.status_code == 200
    assert b"Acknowledge" in response.content and b'method="post"' in response.content
    incident.refresh_from_db(), escalation.refresh_from_db(), page.refresh_from_db()
    assert incident.status == Status.NEW and page.acknowledged_at is None
    assert escalation.status == EscalationStatus.ACTIVE
    assert AuditEntry.objects.count() == audit


def test_post_acknowledges_as_the_paged_person_and_stops_the_escalation(paged):
    incident, escalation, page, url = paged
    client = Client(enforce_csrf_checks=True)
    client.get(url)  # the phone loads the page, gets the CSRF cookie, presses the button
    response = client.post(url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 200 and b"Acknowledged" in response.content
    incident.refresh_from_db(), escalation.refresh_from_db(), page.refresh_from_db()
    assert incident.status == Status.ACKNOWLEDGED and page.acknowledged_at is not None
    assert escalation.status == EscalationStatus.ACKNOWLEDGED and escalation.next_fire_at is None
    status = TimelineEvent.objects.get(incident=incident, kind="status")
    assert status.actor == page.user
    assert TimelineEvent.objects.filter(
        incident=incident, data__oncall="page_acknowledged"
    ).exists()
    entry = AuditEntry.objects.get(action="page.acknowledge")
    assert entry.actor == page.user and entry.after["via"] == "link"


def test_a_second_press_changes_nothing(paged):
    incident, _escalation, _page, url = paged
    Client().post(url)
    events = TimelineEvent.objects.filter(incident=incident).count()
    response = Client().post(url)
    assert response.status_code == 200 and b"You acknowledged" in response.content
    assert TimelineEvent.objects.filter(incident=incident).count() == events


def test_an_already_acknowledged_incident_just_stops_the_paging(paged, oncall):
    from fixfirst.incidents import services as incidents

    incident, escalation, _page, url = paged
    incidents.acknowledge(incident, by=oncall.eva)
    assert Client().post(url).status_code == 200
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.ACKNOWLEDGED


def test_forged_and_foreign_tokens_are_404(paged):
    incident, _escalation, page, url = paged
    token = url.split("/")[2]
    assert Client().get(f"/ack/{token[:-2]}xx/").status_code == 404
    other = signing.dumps({"p": page.pk, "i": incident.pk}, salt="another.salt")
    assert Client().post(f"/ack/{other}/").status_code == 404
    # A customer's confirm-resolution link is signed too, but not for this.
    assert Client().post(f"/ack/{resolution_token(incident)}/").status_code == 404
    wrong_incident = signing.dumps({"p": page.pk, "i": incident.pk + 1}, salt=paging.ACK_SALT)
    assert Client().post(f"/ack/{wrong_incident}/").status_code == 404
    incident.refresh_from_db()
    assert incident.status == Status.NEW


def test_an_expired_link_is_404(paged, monkeypatch):
    incident, _escalation, page, _url = paged
    day_ago = time.time() - 24 * 3600 - 60
    monkeypatch.setattr(signing.time, "time", lambda: day_ago)
    old = paging.ack_token(page)
    monkeypatch.undo()
    assert Client().get(f"/ack/{old}/").status_code == 404
    assert Client().post(f"/ack/{old}/").status_code == 404
    incident.refresh_from_db()
    assert incident.status == Status.NEW
