"""The composer's status-page channel: statuspage.publish_incident_update, same transaction."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from fixfirst.catalog.services import save_service
from fixfirst.comms import compose
from fixfirst.incidents.choices import Impact, Urgency
from fixfirst.incidents.services import open_incident
from tests.conftest import client_for

pytestmark = pytest.mark.skipif(
    not apps.is_installed("fixfirst.statuspage"), reason="the statuspage app is not installed"
)


@pytest.fixture
def page_incident(world, plan, contacts):
    from fixfirst.statuspage import services as statuspage

    mail = save_service(None, by=None, name="Mail", customers=[world.alpha])
    page = statuspage.create_page(by=world.manager, name="Kade status", slug="kade")
    statuspage.save_component(None, by=world.manager, page=page, name="Mail", service=mail)
    incident = open_incident(
        by=world.agent, customer=world.alpha, title="Mail is down", channel="phone",
        impact=Impact.HIGH, urgency=Urgency.HIGH, services=[mail],
    )  # fmt: skip
    return incident, page


def test_the_composer_posts_to_the_status_page_with_the_timeline(world, page_incident):
    from fixfirst.statuspage.models import PageUpdate

    incident, page = page_incident
    client = client_for(world.agent)
    url = reverse("comms:composer", args=[incident.number])
    form = client.get(url).context["form"]
    assert form["to_statuspage"].initial == [f"page:{page.pk}"]
    data = {name: form.initial.get(name, field.initial) for name, field in form.fields.items()}
    data = {k: v for k, v in data.items() if v not in (None, False, [])}
    assert client.post(url, data).status_code == 302
    update = PageUpdate.objects.get(page=page)
    assert update.status == "investigating"
    assert incident.reference in data["subject"]
    assert update.body == data["body"].strip()


def test_a_post_incident_review_is_a_postmortem_on_the_page(world, page_incident):
    from fixfirst.statuspage.models import PageUpdate

    incident, page = page_incident
    body = ("What happened: the mail cluster lost quorum because a switch firmware update "
            "rebooted both uplinks at once. We now update one switch at a time.")  # fmt: skip
    compose.post_comms_update(
        incident, by=world.agent, phase="post_incident", body=body,
        channels={"statuspage": [f"page:{page.pk}"]},
    )  # fmt: skip
    assert PageUpdate.objects.get(page=page).status == "postmortem"


def test_the_status_page_is_not_offered_for_internal_updates(world, page_incident):
    incident, _page = page_incident
    client = client_for(world.agent)
    url = reverse("comms:composer", args=[incident.number])
    form = client.get(url, {"audience": "staff"}).context["form"]
    assert "to_statuspage" not in form.fields
