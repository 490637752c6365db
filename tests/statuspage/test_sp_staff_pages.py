"""The staff pages drive the services end to end."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fixfirst.statuspage.models import (
    Component,
    PageIncident,
    ScheduledMaintenance,
    StatusPage,
    Subscriber,
)
from tests.conftest import client_for


def test_manager_runs_a_page_through_the_staff_pages(sp, p1_on_mail):
    client = client_for(sp.w.manager)
    response = client.post(
        "/statuspages/new/",
        {
            "name": "Staff page",
            "slug": "staff-page",
            "visibility": "public",
            "time_zone": "Europe/Amsterdam",
            "language": "en",
        },
    )
    page = StatusPage.objects.get(slug="staff-page")
    assert response.status_code == 302 and response["Location"] == f"/statuspages/{page.pk}/"
    assert (
        client.post(
            f"/statuspages/{page.pk}/groups/new/", {"name": "Core", "position": 1}
        ).status_code
        == 302
    )
    group = page.groups.get()
    assert (
        client.post(
            f"/statuspages/{page.pk}/components/new/",
            {
                "name": "Mail",
                "group": group.pk,
                "service": sp.mail_service.pk,
                "position": 1,
                "showcase": "on",
                "follow_incidents": "on",
            },
        ).status_code
        == 302
    )
    component = page.components.get()
    assert component.status == "major_outage"  # the open P1 on its service

    assert (
        client.post(
            f"/statuspages/components/{component.pk}/override/", {"status": "operational"}
        ).status_code
        == 302
    )
    assert Component.objects.get(pk=component.pk).status == "operational"

    assert (
        client.post(
            f"/statuspages/{page.pk}/incidents/new/",
            {
                "incident": p1_on_mail.pk,
                "name": "Mail outage",
                "status": "identified",
                "impact": "major",
                "component_status": "partial_outage",
                "body": "A disk failed.",
            },
        ).status_code
        == 302
    )
    pi = PageIncident.objects.get(page=page)
    assert pi.name == "Mail outage" and pi.incident == p1_on_mail
    assert (
        client.post(
            f"/statuspages/incidents/{pi.pk}/update/", {"status": "resolved", "body": "Replaced."}
        ).status_code
        == 302
    )
    assert PageIncident.objects.get(pk=pi.pk).status == "resolved"

    start = timezone.localtime() + dt.timedelta(days=1)
    assert (
        client.post(
            f"/statuspages/{page.pk}/maintenance/new/",
            {
                "name": "Patch",
                "body": "Patching.",
                "scheduled_for": start.strftime("%Y-%m-%dT%H:%M"),
                "scheduled_until": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                "components": [component.pk],
                "auto_transition": "on",
            },
        ).status_code
        == 302
    )
    m = ScheduledMaintenance.objects.get(page=page)
    assert (
        client.post(
            f"/statuspages/maintenance/{m.pk}/advance/", {"status": "in_progress"}
        ).status_code
        == 302
    )
    assert ScheduledMaintenance.objects.get(pk=m.pk).status == "in_progress"

    response = client.post(
        f"/statuspages/{page.pk}/subscribers/", {"url": "https://hooks.example/x"}
    )
    assert response.status_code == 200 and b"whsec_" in response.content
    hook = Subscriber.objects.get(page=page)
    assert client.post(f"/statuspages/subscribers/{hook.pk}/delete/").status_code == 302
    assert not Subscriber.objects.filter(page=page).exists()

    detail = client.get(f"/statuspages/{page.pk}/")
    assert detail.status_code == 200 and b"Mail outage" in detail.content
    assert client.get("/statuspages/").status_code == 200
