"""The alert pipeline: dedup, grouping, routing, silences, flapping and auto-resolve."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fixfirst.alerting import services
from fixfirst.alerting.ingest import ingest
from fixfirst.alerting.models import Alert, AlertStatus, IntegrationKind, SilenceKind, WhenCleared
from fixfirst.alerting.normalized import AlertAction, NormalizedAlert, Severity
from fixfirst.catalog.services import save_service
from fixfirst.incidents.choices import Channel, EventKind, Priority, Status
from fixfirst.incidents.models import Incident


def fire(fp, name="DiskFull", action=AlertAction.TRIGGER, severity=Severity.CRITICAL, **labels):
    return NormalizedAlert(
        fingerprint=fp,
        action=action,
        name=name,
        summary=f"{name} on {fp}",
        severity=severity,
        labels=labels,
    )


def clear(fp, name="DiskFull", **labels):
    return fire(fp, name, AlertAction.RESOLVE, **labels)


@pytest.fixture
def alpha_am(world):
    integration, _key = services.create_integration(
        by=world.admin,
        name="Alpha Prometheus",
        kind=IntegrationKind.ALERTMANAGER,
        customer=world.alpha,
    )
    return integration


@pytest.fixture
def provider_am(world):
    integration, _key = services.create_integration(
        by=world.admin, name="NOC Prometheus", kind=IntegrationKind.ALERTMANAGER
    )
    return integration


def test_a_firing_alert_opens_a_monitoring_incident(alpha_am):
    result = ingest(alpha_am, [fire("a1", instance="db1")])
    incident = Incident.objects.get()
    assert result.incidents_opened == [incident.reference]
    assert incident.channel == Channel.MONITORING and incident.priority == Priority.P1
    assert incident.events.filter(kind=EventKind.ALERT).count() == 1
    assert "DiskFull" in incident.title


def test_resends_are_deduplicated(alpha_am):
    for _ in range(5):
        ingest(alpha_am, [fire("a1")])
    alert = Alert.objects.get()
    assert alert.occurrences == 5
    assert Incident.objects.count() == 1
    assert Incident.objects.get().events.filter(kind=EventKind.ALERT).count() == 1


def test_alerts_with_the_same_group_key_join_one_incident(alpha_am):
    ingest(alpha_am, [fire("a1", instance="db1"), fire("a2", instance="db2")])
    ingest(alpha_am, [fire("a3", instance="db3")])
    ingest(alpha_am, [fire("b1", name="CPUHigh")])
    assert Incident.objects.count() == 2
    disk = Incident.objects.get(title__startswith="DiskFull")
    assert disk.alerts.count() == 3


def test_after_the_window_a_new_incident_opens(alpha_am):
    ingest(alpha_am, [fire("a1")], now=timezone.now() - dt.timedelta(hours=3))
    ingest(alpha_am, [fire("a2")])
    assert Incident.objects.count() == 2


def test_all_alerts_cleared_resolves_the_incident(alpha_am):
    ingest(alpha_am, [fire("a1"), fire("a2")])
    ingest(alpha_am, [clear("a1")])
    incident = Incident.objects.get()
    assert incident.status == Status.NEW
    ingest(alpha_am, [clear("a2")])
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED
    assert "All alerts cleared" in incident.resolution
    assert incident.events.filter(kind=EventKind.ALERT_CLEARED).count() == 2


def test_cleared_can_move_to_monitoring_instead(alpha_am, world):
    alpha_am = services.update_integration(
        alpha_am, by=world.admin, when_cleared=WhenCleared.MONITORING
    )
    ingest(alpha_am, [fire("a1")])
    ingest(alpha_am, [clear("a1")])
    assert Incident.objects.get().status == Status.MONITORING


def test_refiring_after_resolve_reopens(alpha_am):
    ingest(alpha_am, [fire("a1")])
    ingest(alpha_am, [clear("a1")])
    ingest(alpha_am, [fire("a1")])
    incident = Incident.objects.get()
    assert incident.status == Status.INVESTIGATING
    assert incident.events.filter(kind=EventKind.REOPENED).exists()


def test_flapping_alert_does_not_reopen_each_time(alpha_am):
    ingest(alpha_am, [fire("a1")])
    for _ in range(4):
        ingest(alpha_am, [clear("a1")])
        ingest(alpha_am, [fire("a1")])
    alert = Alert.objects.get()
    assert alert.flapping
    incident = Incident.objects.get()
    reopened = incident.events.filter(kind=EventKind.REOPENED).count()
    assert reopened < 4
    assert Incident.objects.count() == 1


def test_routing_rules_set_customer_service_priority_team(provider_am, world):
    erp = save_service(None, by=None, name="ERP", customers=[world.beta])
    services.save_rule(None, by=world.admin, name="beta prod", matchers=[{"label": "tenant", "op": "=", "value": "beta"}, {"label": "env", "op": "=~", "value": "prod|live"}],
                       set_customer=world.beta, set_service=erp, set_priority=Priority.P2, set_team=world.team)  # fmt: skip
    ingest(provider_am, [fire("x1", tenant="beta", env="prod", severity_label="x")])
    incident = Incident.objects.get()
    assert (incident.customer, incident.priority, incident.team) == (
        world.beta,
        Priority.P2,
        world.team,
    )
    assert list(incident.services.all()) == [erp]


def test_unrouted_provider_alert_is_stored_without_incident(provider_am):
    result = ingest(provider_am, [fire("x1", tenant="unknown")])
    assert result.unrouted == 1
    assert Alert.objects.get().incident is None
    assert not Incident.objects.exists()


def test_drop_rule_discards_noise(alpha_am, world):
    services.save_rule(
        None,
        by=world.admin,
        name="no watchdog",
        integration=alpha_am,
        matchers=[{"label": "alertname", "op": "=", "value": "Watchdog"}],
        drop=True,
    )
    result = ingest(alpha_am, [fire("w", name="Watchdog")])
    assert result.dropped == 1 and not Alert.objects.exists()


def test_silenced_alerts_are_stored_but_open_nothing(alpha_am, world):
    now = timezone.now()
    services.create_silence(by=world.engineer, kind=SilenceKind.MAINTENANCE, customer=world.alpha,
                            matchers=[{"label": "instance", "op": "=", "value": "db1"}],
                            starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1))  # fmt: skip
    result = ingest(alpha_am, [fire("a1", instance="db1"), fire("a2", instance="db2")])
    assert result.silenced == 1
    assert Alert.objects.get(fingerprint="a1").silenced_by is not None
    assert Alert.objects.get(fingerprint="a1").incident is None
    assert Alert.objects.get(fingerprint="a2").incident is not None


def test_a_silence_of_one_customer_does_not_hide_anothers_alerts(alpha_am, world):
    now = timezone.now()
    services.create_silence(by=world.engineer, customer=world.beta, matchers=[],
                            starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1))  # fmt: skip
    assert ingest(alpha_am, [fire("a1")]).silenced == 0


def test_acknowledge_event_acknowledges_the_incident(alpha_am):
    ingest(alpha_am, [fire("a1")])
    ingest(alpha_am, [fire("a1", action=AlertAction.ACKNOWLEDGE)])
    assert Incident.objects.get().status == Status.ACKNOWLEDGED
    assert Alert.objects.get().status == AlertStatus.ACKNOWLEDGED


def test_an_alert_storm_becomes_a_handful_of_incidents(alpha_am):
    batch = [fire(f"s{i}", name=f"Check{i % 5}", instance=f"host{i}") for i in range(300)]
    ingest(alpha_am, batch)
    ingest(alpha_am, batch)
    assert Alert.objects.count() == 300
    assert Incident.objects.count() == 5


def test_rotated_key_changes_the_hash(alpha_am, world):
    old = alpha_am.key_hash
    services.rotate_key(alpha_am, by=world.admin)
    alpha_am.refresh_from_db()
    assert alpha_am.key_hash != old and alpha_am.rotated_at is not None
