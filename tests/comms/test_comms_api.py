"""/api/v1/communication-plans/: the plan as one JSON document."""

from __future__ import annotations

from django.test import Client

from fixfirst.comms.models import CommunicationPlan, Criterion
from tests.conftest import client_for


def test_staff_read_the_plan_with_every_section(world, plan):
    response = client_for(world.engineer).get(f"/api/v1/communication-plans/{plan.pk}/")
    data = response.json()
    assert response.status_code == 200
    assert data["customer"] is None
    assert {c["text"]["en"] for c in data["criteria"]} >= {"The customer says the impact is high"}
    assert data["roles"][0]["people"] == ["manager"]
    assert {(t["phase"], t["language"]) for t in data["templates"]} >= {("investigating", "de")}
    assert [(c["priority"], c["minutes"]) for c in data["cadence"]] == [(1, 30), (2, 60), (3, 240)]


def test_a_section_given_replaces_that_section(world, plan, api_token):
    keep = world.major_criterion
    client = Client(HTTP_AUTHORIZATION=api_token(world.manager))
    response = client.patch(
        f"/api/v1/communication-plans/{plan.pk}/",
        {
            "criteria": [
                {"id": keep.pk, "text": {"en": "Customer says: high impact"}, "is_major": True},
                {"text": {"en": "Data may be lost", "de": "Daten könnten verloren sein"}, "is_major": True},
            ],
            "cadence": [{"priority": 1, "minutes": 15}],
        },
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    texts = sorted(c.text["en"] for c in Criterion.objects.filter(plan=plan))
    assert texts == ["Customer says: high impact", "Data may be lost"]
    assert [(c["priority"], c["minutes"]) for c in response.json()["cadence"]] == [(1, 15)]
    assert len(response.json()["templates"]) == 5  # untouched


def test_a_customer_plan_is_created_and_merged(world, plan, api_token):
    client = Client(HTTP_AUTHORIZATION=api_token(world.manager))
    created = client.post(
        "/api/v1/communication-plans/",
        {"customer": "alpha", "cadence": [{"priority": 2, "minutes": 20}]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    merged = client.get(f"/api/v1/communication-plans/{created.json()['id']}/effective/").json()
    assert merged["customer"] == "alpha"
    assert merged["cadence"] == [
        {"priority": 1, "minutes": 30},
        {"priority": 2, "minutes": 20},
        {"priority": 3, "minutes": 240},
    ]
    assert len(merged["criteria"]) == 2


def test_bad_input_changes_nothing(world, plan, api_token):
    client = Client(HTTP_AUTHORIZATION=api_token(world.manager))
    response = client.patch(
        f"/api/v1/communication-plans/{plan.pk}/",
        {"criteria": [{"text": {"fr": "Non"}}], "cadence": [{"priority": 1, "minutes": 5}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert plan.cadences.get(priority=1).minutes == 30
    assert plan.criteria.count() == 2


def test_unknown_fields_are_refused(world, plan, api_token):
    client = Client(HTTP_AUTHORIZATION=api_token(world.manager))
    response = client.patch(
        f"/api/v1/communication-plans/{plan.pk}/",
        {"criteria": [{"text": {"en": "x"}, "colour": "red"}]},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_only_incident_managers_write(world, plan, api_token):
    engineer = Client(HTTP_AUTHORIZATION=api_token(world.engineer))
    response = engineer.patch(
        f"/api/v1/communication-plans/{plan.pk}/", {"cadence": []}, content_type="application/json"
    )
    assert response.status_code == 403
    reader = Client(HTTP_AUTHORIZATION=api_token(world.manager, scope="read"))
    response = reader.patch(
        f"/api/v1/communication-plans/{plan.pk}/", {"cadence": []}, content_type="application/json"
    )
    assert response.status_code == 403
    assert plan.cadences.count() == 3


def test_customer_users_see_no_plans_through_the_api(world, plan, api_token):
    CommunicationPlan.objects.create(customer=world.alpha)
    client = Client(HTTP_AUTHORIZATION=api_token(world.alice))
    assert client.get("/api/v1/communication-plans/").json()["results"] == []
    assert client.get(f"/api/v1/communication-plans/{plan.pk}/").status_code == 404
