"""The plan's criteria on an incident: ticked per incident, major ones suggest a major incident."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from fixfirst.comms import services
from fixfirst.comms.criteria import suggests_major
from fixfirst.comms.models import IncidentComms
from tests.conftest import client_for


def test_ticking_a_major_criterion_suggests_a_major_incident(world, incident):
    assert suggests_major(incident, [world.major_criterion])
    assert suggests_major(incident, [world.major_criterion.pk, world.minor_criterion.pk])
    assert not suggests_major(incident, [world.minor_criterion])
    assert not suggests_major(incident, [])


def test_criteria_of_another_customers_plan_never_count(world, incident):
    beta_plan = services.create_plan(by=None, customer=world.beta)
    beta_major = services.save_item(
        beta_plan, "criteria", by=None, text={"en": "Beta's line stops"}, is_major=True
    )
    assert not suggests_major(incident, [beta_major])


def test_staff_tick_criteria_on_the_incident(world, incident):
    client = client_for(world.agent)
    url = reverse("comms:criteria", args=[incident.number])
    response = client.post(url, {"criteria": [world.major_criterion.pk]}, follow=True)
    assert response.status_code == 200
    assert "suggest a major incident" in response.content.decode()
    comms = IncidentComms.objects.get(incident=incident)
    assert list(comms.ticked.all()) == [world.major_criterion]

    client.post(url, {"criteria": [world.minor_criterion.pk]})
    assert list(comms.ticked.all()) == [world.minor_criterion]


def test_customers_cannot_tick_criteria(world, incident):
    url = reverse("comms:criteria", args=[incident.number])
    assert (
        client_for(world.alice).post(url, {"criteria": [world.major_criterion.pk]}).status_code
        == 403
    )
    assert not IncidentComms.objects.filter(incident=incident).exists()


def test_the_incident_page_partial_shows_the_composer_and_the_criteria(world, incident):
    services.tick_criteria(incident, by=world.agent, criteria=[world.major_criterion])
    request = RequestFactory().get(reverse("incidents:detail", args=[incident.number]))
    request.user = world.agent
    html = render_to_string("comms/_composer_entry.html", {"incident": incident}, request=request)
    assert reverse("comms:composer", args=[incident.number]) + "?phase=investigating" in html
    assert "The customer says the impact is high" in html
    assert "suggest a major incident" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_partial_shows_nothing_to_customers(world, incident):
    request = RequestFactory().get("/")
    request.user = world.alice
    html = render_to_string("comms/_composer_entry.html", {"incident": incident}, request=request)
    assert html.strip() == ""
