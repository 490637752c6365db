"""The automatic rule end to end: a P1 (reported as such, or raised to it) becomes a major
incident through the worker, every engineer is paged, the incident page shows it, and
resolving the incident stands it down."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fixfirst.incidents import services as incidents
from fixfirst.incidents.choices import Impact, Urgency
from fixfirst.major.models import MajorIncident
from fixfirst.notify.models import Delivery
from fixfirst.oncall.models import Page
from tests.conftest import client_for
from tests.major.test_major_declare import ENGINEERS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def automatic(settings, _no_automatic_major):
    settings.FIXFIRST_MAJOR_AUTO_P1 = True


def test_a_reported_p1_pages_everyone_and_stands_down_when_resolved(world, run_worker):
    incident = incidents.open_incident(
        by=world.alice, customer=world.alpha, title="Whole office offline", channel="portal",
        reported_high_impact=True,
    )  # fmt: skip
    assert not MajorIncident.objects.exists()  # declared by the worker, after the commit
    run_worker()
    major = MajorIncident.objects.get(incident=incident)
    assert major.automatic and major.stood_down_at is None
    everyone = ENGINEERS | {"manager"}
    assert {p.user.username for p in Page.objects.filter(incident=incident)} == everyone
    paged_by_mail = Delivery.objects.filter(incident=incident, reason="oncall.page")
    assert paged_by_mail.count() == len(everyone)

    body = client_for(world.engineer).get(reverse("incidents:detail", args=[incident.number]))
    assert "Open the war room" in body.content.decode()

    incidents.resolve(incident, by=world.engineer, resolution="Replaced the core switch.")
    major.refresh_from_db()
    assert major.stood_down_at is not None


def test_raising_an_incident_to_p1_declares_it(world, run_worker):
    incident = incidents.open_incident(
        by=world.agent, customer=world.alpha, title="VPN flaky", channel="phone",
        impact=Impact.MEDIUM, urgency=Urgency.MEDIUM,
    )  # fmt: skip
    run_worker()
    assert not MajorIncident.objects.exists()
    incidents.set_priority(incident, by=world.manager, impact=Impact.HIGH, urgency=Urgency.HIGH)
    run_worker()
    assert MajorIncident.objects.get(incident=incident).automatic


def test_switched_off_nothing_is_declared(settings, world, run_worker):
    settings.FIXFIRST_MAJOR_AUTO_P1 = False
    incidents.open_incident(
        by=world.agent, customer=world.alpha, title="All down", channel="phone",
        reported_high_impact=True,
    )  # fmt: skip
    run_worker()
    assert not MajorIncident.objects.exists()
