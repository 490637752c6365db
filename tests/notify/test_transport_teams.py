"""Microsoft Teams (Workflows and legacy connectors) against a real HTTP server on loopback
(INTEGRATIONS.md 6.2)."""

from __future__ import annotations

import json

import pytest

from fixfirst.notify import channel_services
from fixfirst.notify.models import DeliveryStatus
from fixfirst.notify.services import queue_to_channel
from tests.notify.http_receiver import receiver_fixture  # noqa: F401 - fixture
from tests.notify.transport_samples import SAMPLE, sample

# The worker runs in the test and closes the connection, as a real one does.
pytestmark = pytest.mark.django_db(transaction=True)


def make(world, receiver, teams_format):
    return channel_services.save_channel(
        None, by=world.admin, name="Ops", kind="teams",
        config={"url": receiver.url("/workflows/abc/triggers/manual/paths/invoke?sig=x"),
                "teams_format": teams_format},
    )  # fmt: skip


def post(channel):
    (delivery,) = queue_to_channel(
        channel, title=SAMPLE.title, text=SAMPLE.text, link=SAMPLE.link,
        link_label=SAMPLE.link_label, urgent=True, facts=SAMPLE.facts, reason="test.teams",
    )  # fmt: skip
    return delivery


@pytest.mark.parametrize(
    ("teams_format", "sample_name", "answer"),
    [
        ("workflow", "major_declared_workflow.json", (202, "")),
        ("connector", "major_declared_connector.json", (200, "1")),
    ],
)
def test_posts_the_card_the_webhook_kind_takes(
    world, receiver, run_worker, teams_format, sample_name, answer
):
    receiver.default = answer
    delivery = post(make(world, receiver, teams_format))
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    request = receiver.requests[0]
    assert request.path.endswith("?sig=x")
    assert json.loads(request.body) == sample("teams", sample_name)


def test_workflow_card_is_an_adaptive_card_with_named_colour(world, receiver, run_worker):
    post(make(world, receiver, "workflow"))
    run_worker()
    body = json.loads(receiver.requests[0].body)
    card = body["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["body"][0]["color"] == "Attention"


def test_bad_request_is_permanent_and_shown_on_the_channel(world, receiver, run_worker):
    receiver.default = (400, "Bad payload")
    channel = make(world, receiver, "workflow")
    delivery = post(channel)
    run_worker()
    delivery.refresh_from_db()
    channel.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert channel.is_broken and "HTTP 400: Bad payload" in channel.last_error


def test_throttled_flow_is_retried(world, receiver, run_worker, retry_time_comes):
    receiver.answers = [(429, "Too many requests")]
    delivery = post(make(world, receiver, "workflow"))
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    retry_time_comes()
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
