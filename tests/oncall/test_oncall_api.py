"""REST API: schedules (who is on call), escalation policies, own contact methods and rules."""

from __future__ import annotations

import pytest
from django.test import Client

from fixfirst.catalog.services import save_service
from fixfirst.oncall import contacts
from fixfirst.oncall.models import EscalationPolicy, ServicePolicy


def _client(api_token, user, scope="write"):
    return Client(HTTP_AUTHORIZATION=api_token(user, scope))


def test_who_is_on_call_now_and_at_a_given_time(oncall, api_token):
    client = _client(api_token, oncall.viewer, "read")
    listed = client.get("/api/v1/schedules/").json()["results"]
    assert [s["name"] for s in listed] == ["Infra"]
    assert listed[0]["layers"][0]["participants"] == ["engineer"]
    assert listed[0]["ical_url"].endswith(".ics")
    now = client.get(f"/api/v1/schedules/{oncall.schedule.pk}/oncall/").json()
    assert now["user"] == "engineer" and now["source"] == "layer"
    before = client.get(
        f"/api/v1/schedules/{oncall.schedule.pk}/oncall/", {"at": "2026-01-05T08:00:00+01:00"}
    ).json()
    assert before["user"] is None  # the rotation starts at 09:00 that day
    assert (
        client.get(f"/api/v1/schedules/{oncall.schedule.pk}/oncall/", {"at": "soon"}).status_code
        == 400
    )


def test_an_override_through_the_api_shows_in_the_shifts(oncall, api_token):
    client = _client(api_token, oncall.engineer)
    url = f"/api/v1/schedules/{oncall.schedule.pk}/overrides/"
    made = client.post(url, {
        "user": "eva", "starts_at": "2030-02-01T18:00:00+01:00", "ends_at": "2030-02-01T22:00:00+01:00",
    }, content_type="application/json")  # fmt: skip
    assert made.status_code == 201, made.json()
    assert [s["user"] for s in made.json()] == ["eva"]
    shifts = client.get(
        f"/api/v1/schedules/{oncall.schedule.pk}/shifts/",
        {"start": "2030-02-01T17:00:00+01:00", "end": "2030-02-01T23:00:00+01:00"},
    ).json()
    assert [(s["user"], s["source"]) for s in shifts] == [
        ("engineer", "layer"),
        ("eva", "override"),
        ("engineer", "layer"),
    ]
    bad = client.post(
        url,
        {"user": "alice", "starts_at": "2030-02-01T18:00:00Z", "ends_at": "2030-02-01T19:00:00Z"},
        content_type="application/json",
    )
    assert bad.status_code == 400  # customers are never on call
    read_only = _client(api_token, oncall.viewer, "read")
    assert read_only.post(url, {}, content_type="application/json").status_code == 403


def test_policies_are_written_with_their_steps_and_services(oncall, api_token):
    erp = save_service(None, by=None, name="ERP")
    client = _client(api_token, oncall.manager)
    body = {
        "name": "Night P1", "repeat_count": 1, "repeat_after_minutes": 5,
        "steps": [
            {"delay_minutes": 0, "targets": [{"kind": "schedule", "schedule": oncall.schedule.pk}]},
            {"delay_minutes": 10, "targets": [{"kind": "team", "team": oncall.team.slug},
                                              {"kind": "user", "user": "eva"}]},
        ],
        "services": ["erp"],
    }  # fmt: skip
    made = client.post("/api/v1/escalation-policies/", body, content_type="application/json")
    assert made.status_code == 201, made.json()
    data = made.json()
    assert [len(s["targets"]) for s in data["steps"]] == [1, 2]
    assert data["steps"][1]["targets"][1] == {"kind": "user", "user": "eva"}
    assert ServicePolicy.objects.get(service=erp).policy.name == "Night P1"
    pk = data["id"]
    changed = client.patch(
        f"/api/v1/escalation-policies/{pk}/",
        {"steps": [{"delay_minutes": 0, "targets": [{"kind": "all_engineers"}]}]},
        content_type="application/json",
    )
    assert changed.status_code == 200 and len(changed.json()["steps"]) == 1
    broken = client.post(
        "/api/v1/escalation-policies/",
        {"name": "x", "steps": [{"delay_minutes": 0, "targets": [{"kind": "team"}]}]},
        content_type="application/json",
    )
    assert broken.status_code == 400
    assert not EscalationPolicy.objects.filter(name="x").exists()
    engineer = _client(api_token, oncall.engineer)
    assert (
        engineer.post(
            "/api/v1/escalation-policies/", {"name": "mine"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_contact_methods_and_rules_are_ones_own(oncall, api_token):
    contacts.add_contact_method(
        oncall.eva, by=oncall.eva, kind="email", address="eva-pager@example.com"
    )
    client = _client(api_token, oncall.engineer)
    made = client.post(
        "/api/v1/contact-methods/",
        {"kind": "email", "address": "me@example.com"},
        content_type="application/json",
    )
    assert (
        made.status_code == 201 and made.json()["verified_at"] is None and made.json()["can_verify"]
    )
    listed = client.get("/api/v1/contact-methods/").json()["results"]
    assert [m["address"] for m in listed] == ["me@example.com"]
    method = made.json()["id"]
    rule = client.post(
        "/api/v1/notification-rules/",
        {"contact_method": method, "delay_minutes": 0},
        content_type="application/json",
    )
    assert rule.status_code == 201
    evas = contacts.ContactMethod.objects.get(user=oncall.eva).pk
    foreign = client.post(
        "/api/v1/notification-rules/",
        {"contact_method": evas, "delay_minutes": 0},
        content_type="application/json",
    )
    assert foreign.status_code == 400
    assert client.delete(f"/api/v1/contact-methods/{evas}/").status_code == 404
    wrong = client.post(
        f"/api/v1/contact-methods/{method}/verify/",
        {"code": "123456"},
        content_type="application/json",
    )
    assert wrong.status_code == 400


@pytest.mark.parametrize(
    "path", ["schedules", "escalation-policies", "contact-methods", "notification-rules"]
)
def test_customers_get_403(oncall, api_token, path):
    assert _client(api_token, oncall.alice).get(f"/api/v1/{path}/").status_code == 403


def test_an_integrations_policy_pages_for_the_incidents_its_alerts_open(oncall, api_token):
    from fixfirst.alerting.ingest import ingest
    from fixfirst.alerting.normalized import AlertAction, NormalizedAlert
    from fixfirst.alerting.services import create_integration
    from fixfirst.incidents.models import Incident
    from fixfirst.oncall.models import IntegrationPolicy
    from fixfirst.oncall.services import start_escalation

    alpha_zabbix, _key = create_integration(
        by=None, name="Alpha Zabbix", kind="zabbix", customer=oncall.alpha
    )
    beta_zabbix, _key = create_integration(
        by=None, name="Beta Zabbix", kind="zabbix", customer=oncall.beta
    )
    client = _client(api_token, oncall.manager)
    url = f"/api/v1/escalation-policies/{oncall.policy.pk}/"
    changed = client.patch(
        url, {"integrations": [alpha_zabbix.pk, beta_zabbix.pk]}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["integrations"] == sorted(
        [alpha_zabbix.pk, beta_zabbix.pk]
    )
    # The restricted engineer's manager twin cannot see Beta's integration: not listed, not unlinked.
    oncall.restricted.role = "incident_manager"
    oncall.restricted.save()
    restricted = _client(api_token, oncall.restricted)
    assert restricted.get(url).json()["integrations"] == [alpha_zabbix.pk]
    assert (
        restricted.patch(url, {"integrations": []}, content_type="application/json").status_code
        == 200
    )
    assert list(IntegrationPolicy.objects.values_list("integration", flat=True)) == [beta_zabbix.pk]
    assert (
        restricted.patch(
            url, {"integrations": [beta_zabbix.pk]}, content_type="application/json"
        ).status_code
        == 400
    )

    ingest(
        beta_zabbix,
        [NormalizedAlert(fingerprint="f1", action=AlertAction.TRIGGER, name="Disk full")],
    )
    incident = Incident.objects.get(customer=oncall.beta)
    escalation = start_escalation(incident)
    assert escalation is not None and escalation.policy == oncall.policy
