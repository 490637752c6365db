"""The war room: live timeline, core team, tasks, the next update with its countdown; staff
only, and only staff who may see the customer."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from fixfirst.incidents.services import open_incident
from fixfirst.major import services
from fixfirst.major.choices import CoreRole
from fixfirst.major.models import Task
from fixfirst.notify.models import Delivery
from tests.conftest import client_for


@pytest.fixture
def major(world, incident):
    major = services.declare_major(
        incident, by=world.manager, reason="Office offline",
        roles={CoreRole.TECHNICAL_LEAD: [world.engineer]},
    )  # fmt: skip
    services.add_task(major, title="Reboot the core switch", owner=world.engineer, by=world.manager)
    return major


def test_war_room_shows_timeline_roles_tasks_and_the_next_update(world, incident, major):
    response = client_for(world.engineer).get(reverse("major:war_room", args=[incident.number]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Office offline" in page and "Major incident declared" in page  # timeline
    assert "Technical lead" in page and "@engineer" in page  # roles
    assert "Reboot the core switch" in page  # tasks
    due = timezone.localtime(services.cadence.next_update_due(major))
    assert f'data-countdown="{due.isoformat()}"' in page and "Next customer update" in page
    assert 'hx-trigger="every 5s"' in page
    assert "war_room.js" in page and "<script>" not in page  # CSP: no inline script


def test_the_live_part_refreshes_on_its_own(world, incident, major):
    client = client_for(world.engineer)
    services.add_task(major, title="Call the vendor", by=world.manager)
    live = client.get(reverse("major:live", args=[incident.number]))
    assert live.status_code == 200 and "Call the vendor" in live.content.decode()
    assert live.content.decode().lstrip().startswith('<div id="war-room-live"')


@pytest.mark.parametrize("username", ["alice", "amy", "bob"])
def test_customers_get_404_on_the_war_room_even_for_their_own_incident(
    world, incident, major, username
):
    client = client_for(getattr(world, username))
    for name in ("war_room", "live"):
        assert client.get(reverse(f"major:{name}", args=[incident.number])).status_code == 404
    assert (
        client.post(reverse("major:task_add", args=[incident.number]), {"title": "x"}).status_code
        == 404
    )
    assert client.get("/api/v1/major-incidents/").json()["results"] == []


def test_staff_excluded_from_the_customer_get_404(world):
    beta = open_incident(by=world.bob, customer=world.beta, title="Beta down", channel="portal")
    services.declare_major(beta, by=world.admin, reason="x")
    client = client_for(world.restricted)
    assert client.get(reverse("major:war_room", args=[beta.number])).status_code == 404
    assert client.get("/api/v1/major-incidents/").json()["results"] == []
    assert "Beta down" not in client.get(reverse("major:list")).content.decode()


def test_engineers_tick_off_tasks_and_the_owner_is_told(world, incident, major):
    task = Task.objects.get()
    assert Delivery.objects.filter(reason="major.task", recipient="engineer@example.com").exists()
    client = client_for(world.engineer)
    client.post(
        reverse("major:task_toggle", args=[incident.number, task.pk]), HTTP_HX_REQUEST="true"
    )
    task.refresh_from_db()
    assert task.done and task.done_at is not None
    assert incident.events.filter(data__major="task_done").exists()


def test_only_managers_and_the_commander_assign_roles(world, incident, major):
    url = reverse("major:assign", args=[incident.number])
    data = {"role": CoreRole.SCRIBE, "user": world.agent.pk}
    assert client_for(world.engineer).post(url, data).status_code == 403
    assert client_for(world.manager).post(url, data).status_code == 302
    assert major.roles.filter(role=CoreRole.SCRIBE, user=world.agent).exists()


def test_a_new_liaison_is_introduced_to_the_customer(world, incident, major):
    before = Delivery.objects.filter(reason="major.customer").count()
    services.assign_role(major, role=CoreRole.CUSTOMER_LIAISON, user=world.agent, by=world.manager)
    mails = Delivery.objects.filter(reason="major.customer").order_by("pk")[before:]
    assert {d.recipient for d in mails} == {"ann@alpha.example", "cas@alpha.example"}
    assert all("agent@example.com" in d.body for d in mails)
    assert list(
        major.roles.filter(role=CoreRole.CUSTOMER_LIAISON).values_list("user__username", flat=True)
    ) == ["agent"]


def test_people_who_may_not_work_this_customer_cannot_hold_a_role(world, incident, major):
    with pytest.raises(Exception) as caught:
        services.assign_role(major, role=CoreRole.SCRIBE, user=world.viewer, by=world.manager)
    assert "Only active staff" in str(caught.value)


def test_major_incident_list(world, incident, major):
    page = client_for(world.agent).get(reverse("major:list")).content.decode()
    assert incident.reference in page


def test_after_standing_down_the_war_room_is_a_read_only_record(world, incident, major):
    services.stand_down(major, by=world.manager, note="Workaround holds.")
    client = client_for(world.manager)
    page = client.get(reverse("major:war_room", args=[incident.number])).content.decode()
    assert "Stood down" in page and "Workaround holds." in page
    assert 'hx-trigger="every 5s"' not in page and "Declare a major incident again" in page
    assert (
        client.post(reverse("major:task_add", args=[incident.number]), {"title": "x"}).status_code
        == 404
    )


def test_an_engineer_sees_that_an_incident_is_not_major(world, incident):
    page = client_for(world.engineer).get(reverse("major:war_room", args=[incident.number]))
    assert page.status_code == 200 and "not a major incident" in page.content.decode()
    assert "Declare and page everyone" not in page.content.decode()
