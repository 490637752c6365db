"""Component status: derived from open incidents, published status, override, maintenance."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fixfirst.incidents.choices import Impact, Urgency
from fixfirst.incidents.services import open_incident, resolve
from fixfirst.statuspage import services
from fixfirst.statuspage.models import Component


def _status(component):
    return Component.objects.get(pk=component.pk).status


def test_open_p1_on_its_service_makes_a_major_outage(sp, p1_on_mail):
    assert p1_on_mail.priority == 1
    services.refresh_all()
    assert _status(sp.mail) == "major_outage"
    assert _status(sp.erp) == "operational"
    resolve(p1_on_mail, by=sp.w.engineer, resolution="Restarted the mail server.")
    services.refresh_all()
    assert _status(sp.mail) == "operational"


def test_priorities_map_to_statuses_and_p4_is_not_news(sp):
    w = sp.w
    open_incident(
        by=w.engineer,
        customer=w.alpha,
        title="one user",
        channel="phone",
        impact=Impact.LOW,
        urgency=Urgency.LOW,
        services=[sp.erp_service],
    )
    services.refresh_all()
    assert _status(sp.erp) == "operational"
    open_incident(
        by=w.engineer,
        customer=w.alpha,
        title="slow",
        channel="phone",
        impact=Impact.MEDIUM,
        urgency=Urgency.MEDIUM,
        services=[sp.erp_service],
    )
    services.refresh_all()
    assert _status(sp.erp) in ("degraded_performance", "partial_outage")


def test_manual_override_wins_until_cleared(sp, p1_on_mail):
    services.set_component_override(sp.mail, by=sp.w.manager, status="degraded_performance")
    assert _status(sp.mail) == "degraded_performance"
    services.refresh_all()
    assert _status(sp.mail) == "degraded_performance"
    services.set_component_override(sp.mail, by=sp.w.manager, status=None)
    assert _status(sp.mail) == "major_outage"


def test_override_ends_by_itself(sp, p1_on_mail):
    later = timezone.now() + dt.timedelta(hours=1)
    services.set_component_override(sp.mail, by=sp.w.manager, status="operational", until=later)
    assert _status(sp.mail) == "operational"
    services.refresh_all(now=later + dt.timedelta(seconds=1))
    assert _status(sp.mail) == "major_outage"


def test_published_status_replaces_the_derived_one_and_resolution_ends_it(sp, p1_on_mail):
    services.publish_incident_update(
        incident=p1_on_mail,
        body="Slow mail.",
        status="identified",
        component_status="degraded_performance",
        by=sp.w.manager,
    )
    assert _status(sp.mail) == "degraded_performance"
    services.publish_incident_update(
        incident=p1_on_mail, body="Fixed.", status="resolved", by=sp.w.manager
    )
    assert _status(sp.mail) == "operational"  # the page says resolved, whatever the desk says


def test_customer_page_counts_only_its_customer(sp):
    w = sp.w
    open_incident(
        by=w.engineer,
        customer=w.beta,
        title="Beta mail",
        channel="phone",
        reported_high_impact=True,
        services=[sp.mail_service],
    )
    services.refresh_all()
    assert _status(sp.mail) == "major_outage"  # the provider's page counts everyone
    assert _status(sp.alpha_mail) == "operational"


def test_publish_defaults_to_provider_page_and_customer_page(sp, p1_on_mail):
    updates = services.publish_incident_update(
        incident=p1_on_mail, body="Looking.", status="new", by=sp.w.manager
    )
    assert {u.page.slug for u in updates} == {"acme", "alpha-it"}
    assert {u.status for u in updates} == {"investigating"}
    assert updates[0].page_incident.impact == "critical"


def test_status_only_incident(sp):
    update = services.post_page_update(
        page=sp.page,
        by=sp.w.manager,
        body="Slow ERP.",
        status="investigating",
        name="ERP is slow",
        components=[sp.erp],
        component_status="partial_outage",
    )
    assert update.page_incident.incident is None
    assert _status(sp.erp) == "partial_outage"
