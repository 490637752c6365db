"""The incident operations through /api/v1/incidents/."""

from __future__ import annotations

import json

from django.test import Client

from fixfirst.incidents.choices import Status


def call(client, method, url, auth, body=None):
    kwargs = {"HTTP_AUTHORIZATION": auth}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, **kwargs)


def test_staff_open_triage_escalate_resolve_over_the_api(world, api_token, office_sla):
    client, auth = Client(), api_token(world.agent)
    opened = call(client, "post", "/api/v1/incidents/", auth, {
        "customer": "alpha", "title": "Citrix down", "reporter": "ann@alpha.example",
        "impact": 1, "urgency": 2, "channel": "phone",
    })  # fmt: skip
    assert opened.status_code == 201, opened.content
    number = opened.json()["number"]
    assert opened.json()["priority"] == 2
    assert opened.json()["sla"]["resolution"]["state"] == "running"
    base = f"/api/v1/incidents/{number}"
    assert call(client, "post", f"{base}/acknowledge/", auth).json()["status"] == "acknowledged"
    escalated = call(
        client,
        "post",
        f"{base}/escalate/",
        auth,
        {"reason": "Needs Citrix admins", "team": "infrastructure"},
    )
    assert escalated.status_code == 200 and escalated.json()["support_level"] == 2
    assert (
        call(
            client, "post", f"{base}/workaround/", auth, {"text": "Use the VPN client"}
        ).status_code
        == 201
    )
    resolved = call(
        client,
        "post",
        f"{base}/resolve/",
        auth,
        {"resolution": "Renewed the certificate", "code": "fixed"},
    )
    assert resolved.json()["status"] == Status.RESOLVED
    timeline = call(client, "get", f"{base}/timeline/", auth).json()
    assert [e["kind"] for e in timeline] == [
        "opened",
        "status",
        "escalated",
        "workaround",
        "resolution",
    ]


def test_invalid_transition_is_a_clear_400(world, api_token, open_incident):
    incident = open_incident()
    response = call(
        Client(),
        "post",
        f"/api/v1/incidents/{incident.number}/status/",
        api_token(world.agent),
        {"status": "closed"},
    )
    assert response.status_code == 400
    assert "cannot go from new to closed" in response.json()["fields"]["status"][0]


def test_unknown_priority_is_a_clear_400_and_nothing_is_written(world, api_token):
    response = call(
        Client(),
        "post",
        "/api/v1/incidents/",
        api_token(world.agent),
        {"customer": "alpha", "title": "x", "impact": 9},
    )
    assert response.status_code == 400
    assert "impact" in response.json()["fields"]
    from fixfirst.incidents.models import Incident

    assert not Incident.objects.exists()


def test_customer_user_opens_for_own_organisation_and_high_impact_is_p1(world, api_token):
    from fixfirst.tenancy import services as tenancy

    tenancy.update_contact(world.alpha_contact, by=world.admin, user=world.amy)
    response = call(Client(), "post", "/api/v1/incidents/", api_token(world.amy), {
        "title": "Whole office offline", "reported_high_impact": True, "customer": "beta",
    })  # fmt: skip
    assert response.status_code == 400  # beta is not a customer amy can name
    response = call(
        Client(),
        "post",
        "/api/v1/incidents/",
        api_token(world.amy),
        {"title": "Whole office offline", "reported_high_impact": True},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["customer"], body["priority"], body["reporter"]) == (
        "alpha",
        1,
        "ann@alpha.example",
    )


def test_customer_user_cannot_use_staff_actions_or_see_notes(world, api_token, open_incident):
    incident = open_incident()
    client, staff = Client(), api_token(world.agent)
    call(
        client,
        "post",
        f"/api/v1/incidents/{incident.number}/notes/",
        staff,
        {"body": "internal only"},
    )
    amy = api_token(world.amy)
    assert (
        call(client, "post", f"/api/v1/incidents/{incident.number}/acknowledge/", amy).status_code
        == 403
    )
    timeline = call(client, "get", f"/api/v1/incidents/{incident.number}/timeline/", amy).json()
    assert "internal only" not in json.dumps(timeline)
    assert (
        call(
            client,
            "post",
            f"/api/v1/incidents/{incident.number}/comments/",
            amy,
            {"body": "It is still down"},
        ).status_code
        == 201
    )


def test_list_filters_and_search(world, api_token, open_incident):
    open_incident(title="Printer jam on floor 2")
    open_incident(title="Mailbox full")
    result = call(Client(), "get", "/api/v1/incidents/?q=printer", api_token(world.agent)).json()
    assert [i["title"] for i in result["results"]] == ["Printer jam on floor 2"]
    assert (
        call(
            Client(), "get", "/api/v1/incidents/?status=new&customer=alpha", api_token(world.agent)
        ).json()["count"]
        == 2
    )


def test_sla_policy_api_validates_targets(world, api_token):
    auth = api_token(world.admin)
    calendar = call(
        Client(),
        "post",
        "/api/v1/calendars/",
        auth,
        {"name": "Office", "timezone": "Europe/Amsterdam", "hours": [[0, "08:00", "18:00"]]},
    )
    assert calendar.status_code == 201, calendar.content
    bad = call(
        Client(),
        "post",
        "/api/v1/calendars/",
        auth,
        {"name": "Bad", "hours": [[9, "18:00", "08:00"]]},
    )
    assert bad.status_code == 400 and "hours" in bad.json()["fields"]
    policy = call(Client(), "post", "/api/v1/sla-policies/", auth, {
        "contract": world.alpha_contract.pk, "calendar": calendar.json()["id"],
        "targets": [{"priority": 1, "response_minutes": 15, "resolution_minutes": 240}],
    })  # fmt: skip
    assert policy.status_code == 201, policy.content
    assert policy.json()["targets"][0]["resolution_minutes"] == 240
    dup = call(Client(), "post", "/api/v1/sla-policies/", auth, {
        "contract": world.beta_contract.pk, "calendar": calendar.json()["id"],
        "targets": [{"priority": 1, "response_minutes": 1, "resolution_minutes": 2}] * 2,
    })  # fmt: skip
    assert dup.status_code == 400
