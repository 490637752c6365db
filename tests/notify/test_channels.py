"""Channels: settings checked per kind, secrets never shown, pages and API for staff only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fixfirst.notify import channel_services
from fixfirst.notify.channels import Channel
from fixfirst.notify.models import Delivery
from fixfirst.notify.services import queue_to_channel
from fixfirst.notify.transports.webhook.signing import new_secret
from tests.conftest import client_for

SLACK = "https://hooks.slack.com/services/T1/B1/very-secret-key"


@pytest.mark.parametrize(
    ("kind", "config", "field"),
    [
        ("slack", {"url": "not a url"}, "url"),
        ("teams", {"url": SLACK, "teams_format": "fax"}, "teams_format"),
        ("webhook", {"url": SLACK, "secret": "plain"}, "secret"),
        ("sms", {"numbers": "0612"}, "numbers"),
        ("ntfy", {"topic": "a/b"}, "topic"),
        ("email_list", {"addresses": "nobody"}, "addresses"),
        ("email_list", {"addresses": ""}, "addresses"),
    ],
)
def test_settings_are_checked_per_kind(settings, kind, config, field):
    settings.FIXFIRST_SMS_GATEWAY = {"url": "http://gw.example/send"}
    with pytest.raises(ValidationError) as caught:
        channel_services.clean_config(kind, config)
    assert field in caught.value.message_dict


def test_secrets_stay_out_of_the_list_page_and_the_api(world):
    channel = channel_services.save_channel(
        None, by=world.admin, name="Ops", kind="slack", config={"url": SLACK}
    )
    page = client_for(world.engineer).get(reverse("notify:channel_list")).content.decode()
    api = client_for(world.engineer).get(f"/api/v1/channels/{channel.pk}/").json()
    assert "very-secret-key" not in page and "very-secret-key" not in str(api)
    assert api["config"]["url"] == "hooks.slack.com/…" and api["state"] == "unverified"


def test_manager_adds_a_channel_through_the_api_and_engineer_may_not(world):
    body = {"name": "Alpha ops", "kind": "email_list", "customer": "alpha",
            "config": {"addresses": ["ops@alpha.example"]}}  # fmt: skip
    denied = client_for(world.engineer).post(
        "/api/v1/channels/", body, content_type="application/json"
    )
    assert denied.status_code == 403
    made = client_for(world.manager).post(
        "/api/v1/channels/", body, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    assert made.json()["customer"] == "alpha"
    test = client_for(world.manager).post(f"/api/v1/channels/{made.json()['id']}/test/")
    assert test.status_code == 202
    assert Delivery.objects.get(pk=test.json()["deliveries"][0]).recipient == "ops@alpha.example"


def test_manager_adds_a_channel_on_the_page(world):
    client = client_for(world.manager)
    response = client.post(reverse("notify:channel_create"), {
        "name": "Mattermost ops", "kind": "mattermost", "url": "https://chat.example/hooks/k",
        "announce_major": "on", "is_active": "on",
    })  # fmt: skip
    assert response.status_code == 302
    channel = Channel.objects.get(name="Mattermost ops")
    assert channel.config == {"url": "https://chat.example/hooks/k"} and channel.announce_major


def test_customers_never_see_channel_pages(world):
    assert client_for(world.alice).get(reverse("notify:channel_list")).status_code == 404
    assert client_for(world.alice).get("/api/v1/channels/").json()["results"] == []


def test_a_customer_channel_takes_only_that_customers_messages(world):
    beta_room = channel_services.save_channel(
        None, by=world.admin, name="Beta room", kind="webhook", customer=world.beta,
        config={"url": "https://beta.example/hook", "secret": new_secret()},
    )  # fmt: skip
    with pytest.raises(ValidationError):
        queue_to_channel(beta_room, title="Alpha news", reason="test", customer=world.alpha)
    (delivery,) = queue_to_channel(beta_room, title="Beta news", reason="test")
    assert delivery.customer == world.beta and delivery.payload["channel"] == beta_room.pk


def test_restricted_staff_do_not_see_the_channels_of_customers_they_are_excluded_from(world):
    channel_services.save_channel(
        None, by=world.admin, name="Beta room", kind="email_list", customer=world.beta,
        config={"addresses": "it@beta.example"},
    )  # fmt: skip
    page = client_for(world.restricted).get(reverse("notify:channel_list")).content.decode()
    assert "Beta room" not in page


def test_an_inactive_channel_gets_nothing(world):
    channel = channel_services.save_channel(
        None, by=world.admin, name="Off", kind="email_list", is_active=False,
        config={"addresses": "x@example.com"},
    )  # fmt: skip
    assert queue_to_channel(channel, title="x", reason="test") == []
