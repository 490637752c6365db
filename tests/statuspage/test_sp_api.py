"""The management REST API: /api/v1/status-pages/ and /api/v1/status-components/."""

from __future__ import annotations

from django.test import Client

from fixfirst.statuspage.models import Component, PageIncident


def _client(header):
    return Client(HTTP_AUTHORIZATION=header)


def test_manager_builds_and_runs_a_page_over_the_api(sp, api_token):
    client = _client(api_token(sp.w.manager))
    page = client.post(
        "/api/v1/status-pages/",
        {"name": "API page", "slug": "api-page"},
        content_type="application/json",
    )
    assert page.status_code == 201, page.content
    pk = page.json()["id"]
    component = client.post(
        f"/api/v1/status-pages/{pk}/components/",
        {"name": "Mail", "service": sp.mail_service.slug},
        content_type="application/json",
    )
    assert component.status_code == 201, component.content
    public_id = component.json()["public_id"]
    published = client.post(
        f"/api/v1/status-pages/{pk}/incidents/",
        {
            "name": "Mail slow",
            "body": "Looking into it.",
            "status": "investigating",
            "components": [public_id],
            "component_status": "degraded_performance",
        },
        content_type="application/json",
    )
    assert published.status_code == 201, published.content
    assert published.json()["components"] == [public_id]
    component_pk = Component.objects.get(public_id=public_id).pk
    override = client.post(
        f"/api/v1/status-components/{component_pk}/override/",
        {"status": "major_outage"},
        content_type="application/json",
    )
    assert override.status_code == 200 and override.json()["status"] == "major_outage"
    hook = client.post(
        f"/api/v1/status-pages/{pk}/subscribers/",
        {"url": "https://example.org/hook"},
        content_type="application/json",
    )
    assert hook.status_code == 201 and hook.json()["secret"].startswith("whsec_")
    assert "secret" not in client.get(f"/api/v1/status-pages/{pk}/subscribers/").json()[0]
    assert (
        Client().get("/status/api-page/api/v2/status.json").json()["status"]["indicator"]
        == "critical"
    )


def test_publish_a_fixfirst_incident_over_the_api(sp, p1_on_mail, api_token):
    client = _client(api_token(sp.w.manager))
    response = client.post(
        f"/api/v1/status-pages/{sp.page.pk}/incidents/",
        {
            "incident": p1_on_mail.number,
            "body": "Down.",
            "status": "identified",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert PageIncident.objects.get(page=sp.page).incident == p1_on_mail


def test_engineers_and_customers_may_not_manage(sp, api_token):
    for user in (sp.w.engineer, sp.w.amy):
        assert _client(api_token(user)).get("/api/v1/status-pages/").status_code == 403
