"""Mattermost incoming webhooks against a real HTTP server on loopback (INTEGRATIONS.md 6.3)."""

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

ERRORS = sample("mattermost", "errors.json")


@pytest.fixture
def channel(world, receiver):
    return channel_services.save_channel(
        None, by=world.admin, name="town-square", kind="mattermost",
        config={"url": receiver.url("/hooks/xbkey")},
    )  # fmt: skip


def post(channel):
    (delivery,) = queue_to_channel(
        channel, title=SAMPLE.title, text=SAMPLE.text, link=SAMPLE.link,
        link_label=SAMPLE.link_label, urgent=True, facts=SAMPLE.facts, reason="test.mm",
    )  # fmt: skip
    return delivery


def test_posts_text_and_attachments_never_blocks(channel, receiver, run_worker):
    delivery = post(channel)
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    body = json.loads(receiver.requests[0].body)
    assert body == sample("mattermost", "major_declared.json")
    assert "blocks" not in body and body["text"].startswith("**")
    assert body["attachments"][0]["color"] == "#D63232"


@pytest.mark.parametrize(
    ("status", "text"), [(int(s), t) for s, ts in ERRORS["permanent"].items() for t in ts]
)
def test_refused_payload_or_channel_is_permanent(channel, receiver, run_worker, status, text):
    receiver.default = (status, text)
    delivery = post(channel)
    run_worker()
    delivery.refresh_from_db()
    channel.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempt_count == 1
    assert channel.is_broken and text in channel.last_error


def test_server_error_is_retried(channel, receiver, run_worker, retry_time_comes):
    receiver.answers = [(500, "An internal error occurred")]
    delivery = post(channel)
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    retry_time_comes()
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
