"""The alerting pages: integrations and their keys, routing rules, silences, alerts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from fixfirst.alerting import services
from fixfirst.alerting.ingest import ingest
from fixfirst.alerting.models import (
    Alert,
    Integration,
    RoutingRule,
    Silence,
    hash_key,
)
from fixfirst.alerting.normalized import AlertAction, NormalizedAlert
from fixfirst.alerting.sources.webhook import parser as webhook
from fixfirst.alerting.views_integrations import ZABBIX_MACROS, webhook_example
from tests.conftest import client_for

SOURCES = Path(__file__).resolve().parents[2] / "src/fixfirst/alerting/sources"
FIRING = (SOURCES / "alertmanager/samples/firing_group.json").read_text()
KEY_ON_PAGE = re.compile(r'id="integration-key">([0-9a-f]{32})<')


def post_alerts(kind: str, key: str, body: str = FIRING):
    return Client().post(f"/integrations/{kind}/{key}/", data=body, content_type="application/json")


def integration_form(**overrides):
    data = {
        "name": "Alpha Prometheus",
        "kind": "alertmanager",
        "customer": "",
        "default_service": "",
        "team": "",
        "priority_critical": "1",
        "priority_error": "2",
        "priority_warning": "3",
        "priority_info": "4",
        "group_by_labels": "alertname, instance",
        "group_window_minutes": "60",
        "when_cleared": "resolve",
        "flap_threshold": "4",
        "flap_window_minutes": "30",
        "field_mapping_json": "",
        "is_active": "on",
    }
    return {**data, **overrides}


def make_integration(world, kind="alertmanager", customer=None, **fields):
    return services.create_integration(
        by=world.admin,
        name=f"{(customer or world.alpha).name} {kind}",
        kind=kind,
        customer=customer or world.alpha,
        **fields,
    )


def fire(integration, fingerprint="f1", name="DiskFull", **labels):
    ingest(
        integration,
        [
            NormalizedAlert(
                fingerprint=fingerprint, action=AlertAction.TRIGGER, name=name, labels=labels
            )
        ],
    )
    return Alert.objects.get(integration=integration, fingerprint=fingerprint)


# --- integrations and their keys ----------------------------------------------------------


def test_creating_an_integration_shows_the_key_and_snippets_once(world):
    client = client_for(world.admin)
    response = client.post("/alerting/integrations/new/", integration_form(customer=world.alpha.pk))
    assert response.status_code == 200, response.content.decode()
    page = response.content.decode()
    key = KEY_ON_PAGE.search(page).group(1)
    integration = Integration.objects.get(name="Alpha Prometheus")
    assert integration.key_hash == hash_key(key)
    assert integration.customer == world.alpha
    assert integration.group_by == ["alertname", "instance"]
    assert integration.severity_priority == {"critical": 1, "error": 2, "warning": 3, "info": 4}
    assert f"/integrations/alertmanager/{key}/" in page
    assert "webhook_configs" in page and "pagerduty_configs" in page
    assert f"routing_key: '{key}'" in page and "/v2/enqueue" in page
    assert "no-store" in response["Cache-Control"]

    detail = client.get(f"/alerting/integrations/{integration.pk}/")
    assert detail.status_code == 200
    assert key not in detail.content.decode()
    assert f"{integration.key_hint}…" in detail.content.decode()
    assert "webhook_configs" in detail.content.decode()


def test_rotating_shows_a_new_key_and_the_old_one_stops_working(world):
    integration, old_key = make_integration(world)
    assert post_alerts("alertmanager", old_key).status_code == 200
    response = client_for(world.manager).post(
        f"/alerting/integrations/{integration.pk}/rotate-key/"
    )
    assert response.status_code == 200
    new_key = KEY_ON_PAGE.search(response.content.decode()).group(1)
    assert new_key != old_key
    assert post_alerts("alertmanager", old_key).status_code == 404
    assert post_alerts("alertmanager", new_key).status_code == 200


def test_rotating_needs_a_post_and_the_capability(world):
    integration, key = make_integration(world)
    assert (
        client_for(world.admin)
        .get(f"/alerting/integrations/{integration.pk}/rotate-key/")
        .status_code
        == 405
    )
    assert (
        client_for(world.engineer)
        .post(f"/alerting/integrations/{integration.pk}/rotate-key/")
        .status_code
        == 403
    )
    assert post_alerts("alertmanager", key).status_code == 200


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("grafana", ["contactPoints", "type: webhook", "/integrations/grafana/"]),
        ("zabbix", ["{EVENT.ID}", "{EVENT.NSEVERITY}", "FixFirst.send", "media_type.js"]),
        ("webhook", ["curl -sS -X POST", "/integrations/webhook/", "&quot;DiskFull&quot;"]),
        ("pagerduty", ["/v2/enqueue", "/v2/change/enqueue", "routing_key", "event_action"]),
    ],
)
def test_each_tool_gets_its_own_snippets(world, kind, expected):
    integration, _key = make_integration(world, kind=kind)
    page = client_for(world.engineer).get(f"/alerting/integrations/{integration.pk}/")
    assert page.status_code == 200
    for text in expected:
        assert text in page.content.decode(), text


def test_zabbix_parameters_are_the_ones_the_readme_documents():
    readme = (SOURCES / "zabbix/README.md").read_text()
    documented = set(re.findall(r"^\| `(\w+)` \|", readme, re.MULTILINE))
    assert documented == {"url", "token"} | {name for name, _value in ZABBIX_MACROS}


def test_zabbix_script_download(world):
    response = client_for(world.engineer).get("/alerting/zabbix/media_type.js")
    assert response.status_code == 200
    assert b"var FixFirst" in response.content
    assert client_for(world.alice).get("/alerting/zabbix/media_type.js").status_code == 403


@pytest.mark.parametrize(
    "mapping",
    [
        {},
        {"fingerprint": "id", "name": "check.name", "status": "state", "severity": "level",
         "severity_map": {"P1": "critical"}, "summary": "message", "labels": "tags"},
        {"items": "data.alerts", "fingerprint": "uid", "name": "title", "labels": "meta"},
        {"name": "alerts.0.title", "fingerprint": "alerts.0.id"},
    ],
)  # fmt: skip
def test_the_webhook_example_is_read_as_the_example_alert(mapping):
    body = webhook_example(mapping)
    (alert,) = webhook.parse(body, mapping or None)
    assert alert.name == "DiskFull"
    assert alert.severity == "critical"
    assert alert.action == AlertAction.TRIGGER


def test_webhook_integration_with_a_mapping(world):
    mapping = {"name": "check.name", "status": "state"}
    client = client_for(world.admin)
    response = client.post(
        "/alerting/integrations/new/",
        integration_form(kind="webhook", field_mapping_json=json.dumps(mapping)),
    )
    assert response.status_code == 200
    key = KEY_ON_PAGE.search(response.content.decode()).group(1)
    integration = Integration.objects.get(kind="webhook")
    assert integration.field_mapping == mapping
    body = webhook_example(mapping)
    assert post_alerts("webhook", key, json.dumps(body)).status_code == 200
    assert Alert.objects.get(integration=integration).name == "DiskFull"


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"kind": "webhook", "field_mapping_json": "{nope"}, "This is not JSON"),
        ({"kind": "webhook", "field_mapping_json": '{"colour": "x"}'}, "unknown mapping key"),
        ({"field_mapping_json": '{"name": "x"}'}, "Only generic webhooks use a field mapping"),
    ],
)
def test_a_bad_field_mapping_is_a_form_error(world, overrides, error):
    response = client_for(world.admin).post(
        "/alerting/integrations/new/", integration_form(**overrides)
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Integration.objects.exists()


def test_service_errors_land_on_the_form(world, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"group_by": "No such label."})

    monkeypatch.setattr(services, "create_integration", refuse)
    response = client_for(world.admin).post("/alerting/integrations/new/", integration_form())
    assert response.status_code == 400
    assert "No such label." in response.content.decode()


def test_editing_keeps_kind_and_key(world):
    integration, key = make_integration(world)
    client = client_for(world.admin)
    url = f"/alerting/integrations/{integration.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, integration_form(name="Renamed", kind="zabbix", priority_warning="2")
    )
    assert response.status_code == 302
    integration.refresh_from_db()
    assert integration.name == "Renamed" and integration.kind == "alertmanager"
    assert integration.severity_priority["warning"] == 2
    assert integration.customer is None  # the form said: the provider's own
    assert post_alerts("alertmanager", key).status_code == 200


# --- routing rules ------------------------------------------------------------------------


def rule_form(**overrides):
    data = {"name": "to alpha", "position": "10", "integration": "", "matchers": "",
            "set_customer": "", "set_service": "", "set_priority": "", "set_class": "",
            "set_team": "", "is_active": "on"}  # fmt: skip
    return {**data, **overrides}


def test_matcher_lines_become_the_rule_matchers(world):
    text = 'customer=alpha\nenv != test\n\nhost=~"db[0-9]+"\njob!~ node|blackbox \nnote=" padded "'
    response = client_for(world.admin).post(
        "/alerting/rules/new/", rule_form(matchers=text, set_customer=world.alpha.pk)
    )
    assert response.status_code == 302, response.content.decode()
    assert RoutingRule.objects.get().matchers == [
        {"label": "customer", "op": "=", "value": "alpha"},
        {"label": "env", "op": "!=", "value": "test"},
        {"label": "host", "op": "=~", "value": "db[0-9]+"},
        {"label": "job", "op": "!~", "value": "node|blackbox"},
        {"label": "note", "op": "=", "value": " padded "},
    ]
    edit = client_for(world.admin).get(f"/alerting/rules/{RoutingRule.objects.get().pk}/edit/")
    assert "env!=test" in edit.content.decode()
    assert "note=&quot; padded &quot;" in edit.content.decode()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("severity critical", "Line 1: write label=value"),
        ("env=prod\nhost=~db[", "Line 2: db[ is not a regular expression"),
        ('x="unclosed\\"', "Line 1: the quoted value is not closed"),
    ],
)
def test_a_matcher_syntax_error_is_a_form_error(world, text, error):
    response = client_for(world.admin).post("/alerting/rules/new/", rule_form(matchers=text))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_a_customers_integration_cannot_route_to_a_customer(world):
    integration, _key = make_integration(world)
    response = client_for(world.admin).post(
        "/alerting/rules/new/", rule_form(integration=integration.pk, set_customer=world.beta.pk)
    )
    assert response.status_code == 400
    assert "never go to another customer" in response.content.decode()


def test_rules_are_listed_in_order_and_deleted(world):
    services.save_rule(None, by=None, name="second", position=20)
    first = services.save_rule(None, by=None, name="first", position=5, drop=True)
    page = client_for(world.viewer).get("/alerting/rules/").content.decode()
    assert page.index("first") < page.index("second")
    assert client_for(world.engineer).post(f"/alerting/rules/{first.pk}/delete/").status_code == 403
    response = client_for(world.manager).post(f"/alerting/rules/{first.pk}/delete/")
    assert response.status_code == 302
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["second"]


def test_rules_aimed_at_a_hidden_customer_are_hidden(world):
    rule = services.save_rule(None, by=None, name="to beta", set_customer=world.beta)
    assert "to beta" not in client_for(world.restricted).get("/alerting/rules/").content.decode()
    assert "to beta" in client_for(world.engineer).get("/alerting/rules/").content.decode()
    restricted_admin = world.restricted
    restricted_admin.role = "admin"
    restricted_admin.save()
    assert client_for(restricted_admin).get(f"/alerting/rules/{rule.pk}/edit/").status_code == 404


# --- silences -----------------------------------------------------------------------------


def silence_form(**overrides):
    now = timezone.localtime()
    data = {
        "kind": "maintenance",
        "customer": "",
        "matchers": "host=~erp-.*",
        "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "comment": "ERP upgrade",
    }
    return {**data, **overrides}


def test_an_engineer_may_create_a_silence_but_not_an_integration(world):
    client = client_for(world.engineer)
    assert client.get("/alerting/integrations/new/").status_code == 403
    assert client.post("/alerting/integrations/new/", integration_form()).status_code == 403
    assert not Integration.objects.exists()
    assert client.get("/alerting/silences/new/").status_code == 200
    response = client.post("/alerting/silences/new/", silence_form(customer=world.alpha.pk))
    assert response.status_code == 302, response.content.decode()
    silence = Silence.objects.get()
    assert silence.matchers == [{"label": "host", "op": "=~", "value": "erp-.*"}]
    assert silence.created_by == world.engineer and silence.customer == world.alpha


def test_viewers_and_agents(world):
    assert client_for(world.viewer).get("/alerting/silences/new/").status_code == 403
    assert client_for(world.viewer).get("/alerting/silences/").status_code == 200
    assert client_for(world.agent).get("/alerting/silences/new/").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"matchers": "", "customer": ""}, "otherwise every alert is muted"),
        ({"ends_at": "2020-01-01T00:00", "starts_at": "2019-01-01T00:00"}, "lies in the past"),
        ({"ends_at": "2020-01-01T00:00"}, "must end after it starts"),
        ({"matchers": "host=~("}, "is not a regular expression"),
    ],
)
def test_silence_form_errors(world, overrides, error):
    response = client_for(world.engineer).post("/alerting/silences/new/", silence_form(**overrides))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Silence.objects.exists()


def test_staff_kept_from_a_customer_must_name_one_for_a_silence(world):
    response = client_for(world.restricted).post("/alerting/silences/new/", silence_form())
    assert response.status_code == 400
    assert not Silence.objects.exists()
    response = client_for(world.restricted).post(
        "/alerting/silences/new/", silence_form(customer=world.beta.pk)
    )
    assert response.status_code == 400  # Beta is not among the choices
    response = client_for(world.restricted).post(
        "/alerting/silences/new/", silence_form(customer=world.alpha.pk)
    )
    assert response.status_code == 302


def test_expiring_a_silence(world):
    now = timezone.now()
    silence = services.create_silence(
        by=None, customer=world.alpha, matchers=[{"label": "host", "op": "=", "value": "db1"}],
        starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1),
        comment="db1 patching",
    )  # fmt: skip
    page = client_for(world.engineer).get("/alerting/silences/").content.decode()
    assert page.index("db1 patching") < page.index("Upcoming")
    response = client_for(world.engineer).post(f"/alerting/silences/{silence.pk}/expire/")
    assert response.status_code == 302
    silence.refresh_from_db()
    assert silence.ends_at <= timezone.now()
    page = client_for(world.engineer).get("/alerting/silences/").content.decode()
    assert page.index("db1 patching") > page.index("Expired")
    assert (
        client_for(world.viewer).post(f"/alerting/silences/{silence.pk}/expire/").status_code == 403
    )


def test_silence_like_this_alert(world):
    integration, _key = make_integration(world)
    alert = fire(integration, host="db1", severity="critical")
    page = client_for(world.engineer).get(f"/alerting/silences/new/?alert={alert.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "alertname=DiskFull" in text and "host=db1" in text and "severity=" not in text
    beta_integration, _key = make_integration(world, customer=world.beta)
    beta_alert = fire(beta_integration, fingerprint="b")
    url = f"/alerting/silences/new/?alert={beta_alert.pk}"
    assert client_for(world.restricted).get(url).status_code == 404


# --- alerts -------------------------------------------------------------------------------


def test_alert_list_shows_and_filters_alerts(world):
    integration, key = make_integration(world)
    post_alerts("alertmanager", key)
    quiet = fire(integration, fingerprint="q", name="QuietOne", host="db9")
    Alert.objects.filter(pk=quiet.pk).update(flapping=True, status="resolved")
    client = client_for(world.agent)
    page = client.get("/alerting/alerts/").content.decode()
    assert "DiskFull" in page and "QuietOne" in page
    assert "instance=db1:9100" in page and "flapping" in page
    incident = Alert.objects.filter(name="DiskFull").first().incident
    assert f"/incidents/{incident.number}/" in page
    assert "QuietOne" not in client.get("/alerting/alerts/?status=firing").content.decode()
    assert "DiskFull" not in client.get("/alerting/alerts/?flapping=yes").content.decode()
    assert "DiskFull" not in client.get("/alerting/alerts/?silenced=yes").content.decode()
    by_incident = client.get(f"/alerting/alerts/?incident=INC-{incident.number}").content.decode()
    assert "DiskFull" in by_incident and "QuietOne" not in by_incident


def test_alert_list_paginates_newest_first(world):
    integration, _key = make_integration(world)
    for i in range(55):
        fire(integration, fingerprint=f"a{i}", name=f"Alert{i:02d}")
    first = client_for(world.engineer).get("/alerting/alerts/").content.decode()
    assert "Alert54" in first and "Alert00" not in first
    second = client_for(world.engineer).get("/alerting/alerts/?page=2").content.decode()
    assert "Alert00" in second


def test_a_customer_user_cannot_see_another_customers_alerts_or_integrations(world):
    beta_integration, _key = make_integration(world, customer=world.beta)
    beta_alert = fire(beta_integration, name="Beta disk")
    alpha_integration, _key = make_integration(world)
    fire(alpha_integration, name="Alpha disk")
    for user in (world.alice, world.amy):
        client = client_for(user)
        for url in ("/alerting/alerts/", "/alerting/integrations/", "/alerting/rules/",
                    "/alerting/silences/", f"/alerting/integrations/{beta_integration.pk}/"):  # fmt: skip
            response = client.get(url)
            assert response.status_code == 403, url
            assert b"Beta" not in response.content
    # Staff kept away from Beta see Alpha's, never Beta's.
    client = client_for(world.restricted)
    alerts = client.get("/alerting/alerts/").content.decode()
    assert "Alpha disk" in alerts and "Beta disk" not in alerts
    integrations = client.get("/alerting/integrations/").content.decode()
    assert alpha_integration.name in integrations and beta_integration.name not in integrations
    assert client.get(f"/alerting/integrations/{beta_integration.pk}/").status_code == 404
    assert client.get(f"/alerting/alerts/?integration={beta_integration.pk}").status_code == 200
    assert (
        "Beta disk"
        not in client.get(
            f"/alerting/alerts/?incident={beta_alert.incident.number}"
        ).content.decode()
    )


def test_incident_alerts_partial(world):
    integration, key = make_integration(world)
    post_alerts("alertmanager", key)
    incident = Alert.objects.first().incident
    html = render_to_string(
        "alerting/_incident_alerts.html",
        {"alerts": Alert.objects.filter(incident=incident), "incident": incident},
    )
    assert html.count('class="alert-item') == 2
    assert "instance=db1:9100" in html and f"?incident={incident.number}" in html
    assert "No alerts belong" in render_to_string("alerting/_incident_alerts.html", {"alerts": []})


def test_the_incident_page_lists_its_alerts(world):
    integration, key = make_integration(world)
    post_alerts("alertmanager", key)
    incident = Alert.objects.first().incident
    body = client_for(world.engineer).get(f"/incidents/{incident.number}/").content.decode()
    assert body.count('class="alert-item') == 2 and "instance=db1:9100" in body


def test_navigation_and_index(world):
    client = client_for(world.viewer)
    assert client.get("/alerting/").url == "/alerting/alerts/"
    assert 'href="/alerting/"' in client.get("/alerting/alerts/").content.decode()
    assert 'href="/alerting/"' not in client_for(world.amy).get("/").content.decode()
