"""Paging follows the incident by itself: a P1 from the portal or a critical alert pages the
on-call engineer by the policy, escalates while nobody acknowledges, and stops on the one-click
acknowledgement, on the incident page's "Acknowledge" or on resolving. P3 and P4 do not page.

These run the real worker (transactional tests: the worker closes its connection between
batches) and switch the automatic rules back on that the other on-call tests turn off.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from fixfirst.alerting import services as alerting
from fixfirst.alerting.models import IntegrationKind
from fixfirst.catalog.services import save_service
from fixfirst.incidents import services as incidents
from fixfirst.incidents.choices import Impact, Priority, Status, Urgency
from fixfirst.incidents.models import Incident
from fixfirst.notify.models import Delivery
from fixfirst.oncall import editing
from fixfirst.oncall.choices import EscalationStatus, TargetKind
from fixfirst.oncall.models import Escalation, Page, RoutingRulePolicy
from fixfirst.tenancy import services as tenancy
from tests.conftest import client_for
from tests.oncall.conftest import run_worker, time_passes

SAMPLES = Path(__file__).resolve().parents[2] / "src/fixfirst/alerting/sources"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def automatic_paging(settings, manual_paging):
    settings.FIXFIRST_PAGING_PRIORITIES = frozenset({Priority.P1, Priority.P2})


@pytest.fixture
def network(oncall):
    """A service of Alpha whose incidents page by the on-call fixture's policy."""
    service = save_service(None, by=None, name="Core network", customers=[oncall.alpha])
    editing.attach_policy(oncall.policy, by=oncall.admin, services=[service])
    return service


def switch_down(oncall, network) -> Incident:
    """A P1 on the network service, opened by an agent on the phone."""
    return incidents.open_incident(
        by=oncall.agent, customer=oncall.alpha, title="Core switch down", channel="phone",
        impact=Impact.HIGH, urgency=Urgency.HIGH, services=[network],
    )  # fmt: skip


def paged(incident) -> list[tuple[str, int | None]]:
    pages = Page.objects.filter(incident=incident).order_by("pk")
    return [(p.user.username, p.step) for p in pages]


def ack_url(incident, user) -> str:
    mail = Delivery.objects.filter(incident=incident, reason="oncall.page", recipient=user.email)
    return re.search(r"http://[^/\s]+(/ack/\S+/)", mail.latest("pk").body).group(1)


def test_a_p1_from_the_portal_pages_escalates_and_stops_on_the_one_click_ack(oncall, network):
    editing.save_policy(oncall.policy, by=oncall.admin, repeat_count=3, repeat_after_minutes=10)
    tenancy.add_contact(
        oncall.alpha, by=None, name="Amy", email="amy@alpha.example", user=oncall.amy
    )
    response = client_for(oncall.amy).post(
        reverse("incidents:portal_new"),
        {"title": "Nobody can reach the network", "high_impact": "on", "service": network.pk},
    )
    assert response.status_code == 302
    incident = Incident.objects.get(title="Nobody can reach the network")
    assert incident.priority == Priority.P1

    run_worker()  # paging starts right after the report commits
    assert paged(incident) == [("engineer", 1)]
    time_passes(minutes=5)
    run_worker()  # nobody acknowledged: the second step pages eva
    assert paged(incident) == [("engineer", 1), ("eva", 2)]

    client = Client()  # the engineer's phone: no session
    client.get(ack_url(incident, oncall.engineer))
    assert client.post(ack_url(incident, oncall.engineer)).status_code == 200
    incident.refresh_from_db()
    assert incident.status == Status.ACKNOWLEDGED
    assert Escalation.objects.get(incident=incident).status == EscalationStatus.ACKNOWLEDGED

    time_passes(minutes=60)
    run_worker()
    assert len(paged(incident)) == 2  # nothing more after the acknowledgement

    page = client_for(oncall.manager).get(reverse("incidents:detail", args=[incident.number]))
    body = page.content.decode()
    assert "Paging" in body and "acknowledged" in body
    assert "oncall.page" in body  # every delivery is listed with its status


def test_a_critical_alert_pages_by_its_integrations_policy(oncall):
    integration, key = alerting.create_integration(
        by=oncall.admin, name="Prometheus", kind=IntegrationKind.ALERTMANAGER, customer=oncall.alpha
    )
    editing.attach_policy(oncall.policy, by=oncall.admin, integrations=[integration])
    firing = json.loads((SAMPLES / "alertmanager/samples/firing_group.json").read_text())
    response = Client().post(
        f"/integrations/alertmanager/{key}/", json.dumps(firing), content_type="application/json"
    )
    assert response.status_code == 200
    incident = Incident.objects.get()
    run_worker()
    assert paged(incident) == [("engineer", 1)]
    assert Escalation.objects.get(incident=incident).policy == oncall.policy


def test_a_p3_does_not_page_until_it_is_raised(oncall, network):
    incident = incidents.open_incident(
        by=oncall.agent, customer=oncall.alpha, title="Slow file share", channel="phone",
        impact=Impact.MEDIUM, urgency=Urgency.MEDIUM, services=[network],
    )  # fmt: skip
    run_worker()
    assert paged(incident) == [] and not Escalation.objects.exists()
    incidents.set_priority(incident, by=oncall.agent, impact=Impact.HIGH, urgency=Urgency.HIGH)
    run_worker()
    assert paged(incident) == [("engineer", 1)]


def test_acknowledging_on_the_incident_page_stops_paging(oncall, network):
    incident = switch_down(oncall, network)
    run_worker()
    client_for(oncall.engineer).post(reverse("incidents:act_acknowledge", args=[incident.number]))
    escalation = Escalation.objects.get(incident=incident)
    assert escalation.status == EscalationStatus.ACKNOWLEDGED
    time_passes(minutes=30)
    run_worker()
    assert paged(incident) == [("engineer", 1)]


def test_acknowledged_before_the_worker_starts_paging_pages_nobody(oncall, network):
    incident = switch_down(oncall, network)
    incidents.acknowledge(incident, by=oncall.engineer)
    run_worker()
    assert paged(incident) == [] and not Escalation.objects.exists()


def test_resolving_stops_paging(oncall, network):
    incident = switch_down(oncall, network)
    run_worker()
    incidents.resolve(incident, by=oncall.engineer, resolution="Power-cycled the switch.")
    escalation = Escalation.objects.get(incident=incident)
    assert escalation.status == EscalationStatus.STOPPED and escalation.end_reason == "resolved"


def test_page_now_from_the_incident_page(oncall):
    incident = incidents.open_incident(
        by=oncall.agent, customer=oncall.alpha, title="Backups failing", channel="phone",
        impact=Impact.LOW, urgency=Urgency.LOW,
    )  # fmt: skip
    url = reverse("oncall:page_incident", args=[incident.number])
    assert client_for(oncall.engineer).post(url, {"policy": "nope"}).status_code == 302
    assert not Escalation.objects.exists()  # refused: no policy chosen
    assert client_for(oncall.viewer).post(url, {"policy": oncall.policy.pk}).status_code == 403
    client_for(oncall.engineer).post(url, {"policy": oncall.policy.pk})
    assert paged(incident) == [("engineer", 1)]
    assert Escalation.objects.get(incident=incident).started_by == "engineer"


def test_a_routing_rules_policy_wins_over_the_integrations(oncall, api_token):
    integration, key = alerting.create_integration(
        by=oncall.admin, name="Prometheus", kind=IntegrationKind.ALERTMANAGER, customer=oncall.alpha
    )
    editing.attach_policy(oncall.policy, by=oncall.admin, integrations=[integration])
    databases = editing.save_policy(None, by=oncall.admin, name="Databases", repeat_count=0)
    editing.add_step(
        databases, by=oncall.admin, delay_minutes=0,
        targets=[{"kind": TargetKind.USER, "user": oncall.eva}],
    )  # fmt: skip
    rule = alerting.save_rule(
        None, by=oncall.admin, integration=integration, name="Disks go to the DBAs",
        matchers=[{"label": "alertname", "op": "=", "value": "DiskFull"}],
    )  # fmt: skip
    response = Client().patch(
        f"/api/v1/escalation-policies/{databases.pk}/",
        {"routing_rules": [rule.pk]},
        content_type="application/json",
        HTTP_AUTHORIZATION=api_token(oncall.manager, "write"),
    )
    assert response.status_code == 200 and response.json()["routing_rules"] == [rule.pk]

    firing = json.loads((SAMPLES / "alertmanager/samples/firing_group.json").read_text())
    Client().post(
        f"/integrations/alertmanager/{key}/", json.dumps(firing), content_type="application/json"
    )
    incident = Incident.objects.get()
    run_worker()
    assert paged(incident) == [("eva", 1)]  # the rule's policy, not the integration's
    assert Escalation.objects.get(incident=incident).policy == databases


def test_the_policy_page_attaches_routing_rules(oncall):
    rule = alerting.save_rule(
        None, by=oncall.admin, name="Everything critical",
        matchers=[{"label": "severity", "op": "=", "value": "critical"}],
    )  # fmt: skip
    url = reverse("oncall:policy_attach", args=[oncall.policy.pk])
    response = client_for(oncall.manager).post(url, {"rules": [rule.pk]})
    assert response.status_code == 302
    detail = client_for(oncall.engineer).get(
        reverse("oncall:policy_detail", args=[oncall.policy.pk])
    )
    assert "Everything critical" in detail.content.decode()
    assert RoutingRulePolicy.objects.get(rule=rule).policy == oncall.policy
    assert client_for(oncall.manager).post(url, {"rules": ["999999"]}).status_code == 302
    assert RoutingRulePolicy.objects.get(rule=rule).policy == oncall.policy  # refused, unchanged
