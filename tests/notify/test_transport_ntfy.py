"""Push through ntfy against a real HTTP server on loopback."""

from __future__ import annotations

import base64

import pytest

from fixfirst.notify import channel_services
from fixfirst.notify.models import DeliveryStatus
from fixfirst.notify.services import queue_push, queue_to_channel
from fixfirst.notify.transports import ntfy
from tests.notify.http_receiver import receiver_fixture  # noqa: F401 - fixture
from tests.notify.transport_samples import SAMPLE, sample

# The worker runs in the test and closes the connection, as a real one does.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def channel(world, receiver):
    return channel_services.save_channel(
        None, by=world.admin, name="On-call phones", kind="ntfy",
        config={"server": receiver.base, "topic": "fixfirst-oncall", "token": "tk_secret"},
    )  # fmt: skip


def test_posts_to_server_slash_topic_with_title_priority_tags_and_click(
    channel, receiver, run_worker
):
    (delivery,) = queue_to_channel(
        channel, title=SAMPLE.title, text=SAMPLE.text, link=SAMPLE.link, urgent=True,
        facts=SAMPLE.facts, reason="test.ntfy",
    )  # fmt: skip
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    request = receiver.requests[0]
    expected = sample("ntfy", "major_declared.json")
    assert request.path == "/fixfirst-oncall"
    assert {k: request.headers[k.lower()] for k in expected["headers"]} == expected["headers"]
    assert request.headers["authorization"] == "Bearer tk_secret"
    assert request.headers["content-type"] == "text/plain; charset=utf-8"
    assert request.body.decode() == expected["body"]


def test_non_ascii_title_travels_as_rfc_2047(db, receiver, run_worker):
    queue_push(topic_url=f"{receiver.base}/t1", title="Störung: Müller", reason="test.ntfy")
    run_worker()
    title = receiver.requests[0].headers["title"]
    assert title.startswith("=?utf-8?b?")
    assert base64.b64decode(title[10:-2]).decode() == "Störung: Müller"


def test_a_topic_is_what_ntfy_accepts():
    assert ntfy.topic_url("ok_topic-1", "https://push.example") == "https://push.example/ok_topic-1"
    with pytest.raises(ValueError):
        ntfy.topic_url("no/slashes")


def test_forbidden_topic_is_permanent(channel, receiver, run_worker):
    receiver.default = (403, '{"code":40301,"http":403,"error":"forbidden"}')
    (delivery,) = queue_to_channel(channel, title="x", reason="test.ntfy")
    run_worker()
    delivery.refresh_from_db()
    channel.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and channel.is_broken


def test_rate_limited_is_retried(channel, receiver, run_worker, retry_time_comes):
    receiver.answers = [(429, '{"code":42901,"http":429,"error":"limit reached"}')]
    (delivery,) = queue_to_channel(channel, title="x", reason="test.ntfy")
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    retry_time_comes()
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
