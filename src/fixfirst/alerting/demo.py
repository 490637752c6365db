"""Demo data of alerting: one integration of each kind, routing, a maintenance window and a
few alerts. The demo keys are derived from the installation's SECRET_KEY, so they can be
printed on every start (real keys are shown once and only their hash is kept)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from fixfirst.alerting import services
from fixfirst.alerting.endpoints import endpoint_url
from fixfirst.alerting.ingest import ingest
from fixfirst.alerting.models import Integration, IntegrationKind, SilenceKind
from fixfirst.alerting.normalized import AlertAction, NormalizedAlert, Severity
from fixfirst.catalog.models import Service
from fixfirst.tenancy.models import Customer

INTEGRATIONS = [
    ("Bakker Prometheus", IntegrationKind.ALERTMANAGER, "bakker", "network"),
    ("Harbour Grafana", IntegrationKind.GRAFANA, "harbour", "pms"),
    ("Müller Zabbix", IntegrationKind.ZABBIX, "mueller", "erp"),
    ("NOC webhook", IntegrationKind.WEBHOOK, None, None),
    ("NOC PagerDuty events", IntegrationKind.PAGERDUTY, None, None),
]


def demo_key(kind: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"demo-{kind}".encode(), hashlib.sha256
    ).hexdigest()[:32]


def load() -> None:
    if Integration.objects.filter(name=INTEGRATIONS[0][0]).exists():
        return
    customers = {c.slug: c for c in Customer.objects.all()}
    catalogue = {s.slug: s for s in Service.objects.all()}
    made = {}
    for name, kind, customer, service in INTEGRATIONS:
        made[kind], _ = services.create_integration(
            by=None, name=name, kind=kind, key=demo_key(kind),
            customer=customers.get(customer or ""), default_service=catalogue.get(service or ""),
        )  # fmt: skip
    for slug, customer in customers.items():
        services.save_rule(
            None, by=None, name=f"customer label {slug}", position=10,
            matchers=[{"label": "customer", "op": "=", "value": slug}], set_customer=customer,
        )  # fmt: skip
    services.save_rule(
        None, by=None, name="drop Watchdog", position=1, drop=True,
        matchers=[{"label": "alertname", "op": "=", "value": "Watchdog"}],
    )  # fmt: skip
    tonight = timezone.localtime().replace(hour=22, minute=0, second=0, microsecond=0)
    services.create_silence(
        by=None, kind=SilenceKind.MAINTENANCE, customer=customers.get("mueller"),
        matchers=[{"label": "host", "op": "=~", "value": "erp-.*"}],
        starts_at=tonight, ends_at=tonight + dt.timedelta(hours=3),
        comment="ERP database upgrade (change CHG-2291)",
    )  # fmt: skip
    ingest(made[IntegrationKind.ALERTMANAGER], [
        NormalizedAlert(fingerprint=f"demo-latency-{i}", action=AlertAction.TRIGGER, name="HighLatency",
                        summary=f"p99 latency above 2 s on vpn-gw{i}", severity=Severity.ERROR,
                        labels={"instance": f"vpn-gw{i}:9100", "job": "blackbox", "site": "rotterdam"})
        for i in (1, 2)
    ])  # fmt: skip


def endpoints_text() -> str:
    lines = ["Demo alert integrations (post alerts here):"]
    for integration in Integration.objects.filter(name__in=[n for n, *_ in INTEGRATIONS]).order_by(
        "pk"
    ):
        key = demo_key(integration.kind)
        where = endpoint_url(integration, key)
        suffix = f"  routing_key={key}" if integration.kind == IntegrationKind.PAGERDUTY else ""
        lines.append(f"  {integration.kind:<12} {where}{suffix}")
    return "\n".join(lines)
