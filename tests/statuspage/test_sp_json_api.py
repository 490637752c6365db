"""The Statuspage-compatible JSON: the exact field sets of INTEGRATIONS.md §4."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from fixfirst.statuspage import maintenance as maintenances
from fixfirst.statuspage import services

PAGE_KEYS = {"id", "name", "url", "time_zone", "updated_at"}
STATUS_KEYS = {"indicator", "description"}
COMPONENT_KEYS = {
    "id",
    "page_id",
    "name",
    "description",
    "status",
    "created_at",
    "updated_at",
    "position",
    "showcase",
    "start_date",
    "group_id",
    "group",
    "only_show_if_degraded",
}
GROUP_KEYS = COMPONENT_KEYS | {"components"}
INCIDENT_KEYS = {
    "id",
    "page_id",
    "name",
    "status",
    "impact",
    "created_at",
    "updated_at",
    "monitoring_at",
    "resolved_at",
    "started_at",
    "shortlink",
    "incident_updates",
    "components",
}
MAINTENANCE_KEYS = INCIDENT_KEYS | {"scheduled_for", "scheduled_until"}
UPDATE_KEYS = {
    "id",
    "incident_id",
    "status",
    "body",
    "created_at",
    "updated_at",
    "display_at",
    "affected_components",
    "deliver_notifications",
    "custom_tweet",
    "tweet_id",
}
AFFECTED_KEYS = {"code", "name", "old_status", "new_status"}


def _get(path):
    response = Client().get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def test_every_document_has_statuspage_field_sets(sp, p1_on_mail):
    services.publish_incident_update(
        incident=p1_on_mail, body="We are looking into it.", status="investigating", by=sp.w.manager
    )
    soon = timezone.now() + dt.timedelta(days=1)
    maintenances.create_maintenance(
        page=sp.page,
        by=sp.w.manager,
        name="Upgrade",
        body="Planned.",
        scheduled_for=soon,
        scheduled_until=soon + dt.timedelta(hours=1),
        components=[sp.erp],
    )
    base = "/status/acme/api/v2/"

    summary = _get(base + "summary.json")
    assert set(summary) == {"page", "status", "components", "incidents", "scheduled_maintenances"}
    assert set(summary["page"]) == PAGE_KEYS
    assert set(summary["status"]) == STATUS_KEYS
    groups = [c for c in summary["components"] if c["group"]]
    plain = [c for c in summary["components"] if not c["group"]]
    assert [set(g) for g in groups] == [GROUP_KEYS]
    assert all(set(c) == COMPONENT_KEYS for c in plain)
    assert groups[0]["components"] == [sp.mail.public_id]
    [incident] = summary["incidents"]
    assert set(incident) == INCIDENT_KEYS
    [update] = incident["incident_updates"]
    assert set(update) == UPDATE_KEYS
    assert [set(a) for a in update["affected_components"]] == [AFFECTED_KEYS]
    assert update["affected_components"][0] == {
        "code": sp.mail.public_id,
        "name": "Mail",
        "old_status": "operational",
        "new_status": "major_outage",
    }
    assert all(set(c) == COMPONENT_KEYS for c in incident["components"])
    [maintenance] = summary["scheduled_maintenances"]
    assert set(maintenance) == MAINTENANCE_KEYS
    assert maintenance["impact"] == "maintenance"

    assert set(_get(base + "status.json")) == {"page", "status"}
    assert set(_get(base + "components.json")) == {"page", "components"}
    for name in ("incidents", "incidents/unresolved"):
        body = _get(base + name + ".json")
        assert set(body) == {"page", "incidents"}
        assert all(set(i) == INCIDENT_KEYS for i in body["incidents"])
    for name in (
        "scheduled-maintenances",
        "scheduled-maintenances/upcoming",
        "scheduled-maintenances/active",
    ):
        body = _get(base + name + ".json")
        assert set(body) == {"page", "scheduled_maintenances"}
        assert all(set(m) == MAINTENANCE_KEYS for m in body["scheduled_maintenances"])
    assert len(_get(base + "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]) == 1
    assert _get(base + "scheduled-maintenances/active.json")["scheduled_maintenances"] == []


def test_status_roll_up_follows_components_and_impact(sp, p1_on_mail):
    assert _get("/status/acme/api/v2/status.json")["status"] == {
        "indicator": "none",
        "description": "All Systems Operational",
    }
    services.refresh_all()
    assert _get("/status/acme/api/v2/status.json")["status"] == {
        "indicator": "critical",
        "description": "Major System Outage",
    }


def test_timestamps_carry_milliseconds_and_the_page_offset(sp):
    page = _get("/status/acme/api/v2/status.json")["page"]
    stamp = page["updated_at"]
    assert stamp[19] == "." and len(stamp.split(".")[1]) in (4, 9)  # ".123Z" or ".123+01:00"
    assert dt.datetime.fromisoformat(stamp)


def test_resolved_incidents_leave_unresolved_but_stay_in_incidents(sp, p1_on_mail):
    services.publish_incident_update(
        incident=p1_on_mail, body="Looking.", status="investigating", by=sp.w.manager
    )
    services.publish_incident_update(
        incident=p1_on_mail, body="Fixed.", status="resolved", by=sp.w.manager
    )
    assert _get("/status/acme/api/v2/incidents/unresolved.json")["incidents"] == []
    [incident] = _get("/status/acme/api/v2/incidents.json")["incidents"]
    assert incident["status"] == "resolved" and incident["resolved_at"]
    assert [u["status"] for u in incident["incident_updates"]] == ["resolved", "investigating"]


def test_unknown_document_is_404(sp):
    assert Client().get("/status/acme/api/v2/nothing.json").status_code == 404
    assert Client().get("/status/nope/api/v2/summary.json").status_code == 404
