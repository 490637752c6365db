"""The HTTP endpoints, driven by the sample payloads: what each sending tool gets back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client

from fixfirst.alerting import services
from fixfirst.alerting.models import Alert, ChangeEvent, IntegrationKind
from fixfirst.incidents.choices import Status
from fixfirst.incidents.models import Incident

SAMPLES = Path(__file__).resolve().parents[2] / "src/fixfirst/alerting/sources"


def sample(kind: str, name: str) -> dict:
    return json.loads((SAMPLES / kind / "samples" / name).read_text())


@pytest.fixture
def make(world):
    def make(kind, **fields):
        fields.setdefault("customer", world.alpha)
        integration, key = services.create_integration(
            by=world.admin, name=f"{kind} test", kind=kind, **fields
        )
        return integration, key

    return make


def post(url, body):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return Client().post(url, data=data, content_type="application/json")


def test_alertmanager_firing_then_resolved(make):
    _, key = make(IntegrationKind.ALERTMANAGER)
    url = f"/integrations/alertmanager/{key}/"
    response = post(url, sample("alertmanager", "firing_group.json"))
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == 2
    assert Incident.objects.count() == 1
    post(url, sample("alertmanager", "firing_group.json"))  # Alertmanager repeats groups
    assert Alert.objects.count() == 2 and Incident.objects.count() == 1
    assert post(url, sample("alertmanager", "resolved_group.json")).status_code == 200
    assert Incident.objects.get().status == Status.NEW  # one of the two alerts still fires
    everything_resolved = sample("alertmanager", "firing_group.json")
    everything_resolved["status"] = "resolved"
    for alert in everything_resolved["alerts"]:
        alert["status"] = "resolved"
    assert post(url, everything_resolved).status_code == 200
    assert Incident.objects.get().status == Status.RESOLVED


def test_grafana_v1(make):
    _, key = make(IntegrationKind.GRAFANA)
    response = post(f"/integrations/grafana/{key}/", sample("grafana", "v1_firing.json"))
    assert response.status_code == 200, response.content
    assert Alert.objects.exists() and Incident.objects.exists()


def test_zabbix_problem_and_recovery(make):
    _, key = make(IntegrationKind.ZABBIX)
    url = f"/integrations/zabbix/{key}/"
    assert post(url, sample("zabbix", "problem.json")).status_code == 200
    assert Incident.objects.get().status == Status.NEW
    assert post(url, sample("zabbix", "recovery.json")).status_code == 200
    assert Incident.objects.get().status == Status.RESOLVED


def test_generic_webhook(make):
    _, key = make(IntegrationKind.WEBHOOK)
    response = post(f"/integrations/webhook/{key}/", sample("webhook", "native.json"))
    assert response.status_code == 200, response.content
    assert Alert.objects.exists()


def test_wrong_or_rotated_key_is_404_and_stores_nothing(make, world):
    integration, key = make(IntegrationKind.ALERTMANAGER)
    services.rotate_key(integration, by=world.admin)
    response = post(
        f"/integrations/alertmanager/{key}/", sample("alertmanager", "firing_group.json")
    )
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_integration"
    assert not Alert.objects.exists()


def test_key_of_another_kind_is_404(make):
    _, key = make(IntegrationKind.ZABBIX)
    assert (
        post(
            f"/integrations/alertmanager/{key}/", sample("alertmanager", "firing_group.json")
        ).status_code
        == 404
    )


def test_malformed_json_missing_fields_and_oversize(make, settings):
    _, key = make(IntegrationKind.ALERTMANAGER)
    url = f"/integrations/alertmanager/{key}/"
    bad = post(url, b"{not json")
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_json"
    missing = post(url, {"version": "4"})
    assert missing.status_code == 400 and "alerts" in missing.json()["detail"]
    settings.FIXFIRST_INGEST_MAX_BYTES = 100
    assert post(url, sample("alertmanager", "firing_group.json")).status_code == 413
    assert not Alert.objects.exists()


def test_get_is_not_allowed(make):
    _, key = make(IntegrationKind.ALERTMANAGER)
    assert Client().get(f"/integrations/alertmanager/{key}/").status_code == 405


def test_busy_database_answers_503_with_retry_after_for_alertmanager(make, monkeypatch):
    _, key = make(IntegrationKind.ALERTMANAGER)

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("fixfirst.alerting.endpoints.ingest", locked)
    response = post(
        f"/integrations/alertmanager/{key}/", sample("alertmanager", "firing_group.json")
    )
    assert response.status_code == 503
    assert response["Retry-After"]


def test_pagerduty_trigger_ack_resolve(make):
    _, key = make(IntegrationKind.PAGERDUTY)
    event = sample("pagerduty", "trigger.json") | {"routing_key": key}
    response = post("/v2/enqueue", event)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "success" and body["dedup_key"]
    dedup = body["dedup_key"]
    ack = post(
        "/v2/enqueue", {"routing_key": key, "event_action": "acknowledge", "dedup_key": dedup}
    )
    assert ack.status_code == 202 and ack.json()["dedup_key"] == dedup
    assert Incident.objects.get().status == Status.ACKNOWLEDGED
    post("/v2/enqueue", {"routing_key": key, "event_action": "resolve", "dedup_key": dedup})
    assert Incident.objects.get().status == Status.RESOLVED


def test_pagerduty_trigger_without_dedup_key_gets_one(make):
    _, key = make(IntegrationKind.PAGERDUTY)
    response = post(
        "/v2/enqueue", sample("pagerduty", "trigger_without_dedup_key.json") | {"routing_key": key}
    )
    assert response.status_code == 202
    assert Alert.objects.get().fingerprint == response.json()["dedup_key"]


def test_pagerduty_invalid_events_get_pagerdutys_400(make):
    _, key = make(IntegrationKind.PAGERDUTY)
    response = post(
        "/v2/enqueue",
        sample("pagerduty", "invalid_trigger_without_payload.json") | {"routing_key": key},
    )
    assert response.status_code == 400
    assert response.json()["status"] == "invalid event" and response.json()["errors"]
    assert post("/v2/enqueue", b"nope").json()["status"] == "Unrecognized object"
    unknown = post("/v2/enqueue", sample("pagerduty", "trigger.json") | {"routing_key": "0" * 32})
    assert unknown.status_code == 400
    assert not Alert.objects.exists()


def test_pagerduty_busy_is_429(make, monkeypatch):
    _, key = make(IntegrationKind.PAGERDUTY)
    monkeypatch.setattr(
        "fixfirst.alerting.endpoints.ingest",
        lambda *a, **k: (_ for _ in ()).throw(OperationalError("locked")),
    )
    response = post("/v2/enqueue", sample("pagerduty", "trigger.json") | {"routing_key": key})
    assert response.status_code == 429 and response["Retry-After"]


def test_pagerduty_change_event_is_stored(make):
    _, key = make(IntegrationKind.PAGERDUTY)
    response = post("/v2/change/enqueue", sample("pagerduty", "change.json") | {"routing_key": key})
    assert response.status_code == 202, response.content
    assert ChangeEvent.objects.count() == 1


def test_integration_api_returns_endpoint_and_key_once(world, api_token):
    auth = api_token(world.admin)
    created = Client().post("/api/v1/integrations/", data=json.dumps({"name": "Prom", "kind": "alertmanager", "customer": "alpha"}),
                            content_type="application/json", HTTP_AUTHORIZATION=auth)  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["endpoint"].endswith(f"/integrations/alertmanager/{body['key']}/")
    listed = Client().get("/api/v1/integrations/", HTTP_AUTHORIZATION=auth).json()["results"][0]
    assert body["key"] not in json.dumps(listed)
    rotated = (
        Client()
        .post(f"/api/v1/integrations/{body['id']}/rotate-key/", HTTP_AUTHORIZATION=auth)
        .json()
    )
    assert rotated["key"] != body["key"]
    assert (
        post(
            f"/integrations/alertmanager/{body['key']}/",
            sample("alertmanager", "firing_group.json"),
        ).status_code
        == 404
    )
    assert (
        post(
            f"/integrations/alertmanager/{rotated['key']}/",
            sample("alertmanager", "firing_group.json"),
        ).status_code
        == 200
    )
