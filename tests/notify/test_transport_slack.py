"""Slack incoming webhooks against a real HTTP server on loopback (INTEGRATIONS.md 6.1)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from fixfirst.notify import channel_services
from fixfirst.notify.models import Delivery, DeliveryStatus
from fixfirst.notify.services import queue_to_channel
from tests.conftest import client_for
from tests.notify.http_receiver import receiver_fixture  # noqa: F401 - fixture
from tests.notify.transport_samples import SAMPLE, sample

# The worker runs in the test and closes the connection, as a real one does.
pytestmark = pytest.mark.django_db(transaction=True)

ERRORS = sample("slack", "errors.json")
PERMANENT = [(int(s), code) for s, codes in ERRORS["permanent"].items() for code in codes]
TRANSIENT = [(int(s), code) for s, codes in ERRORS["transient"].items() for code in codes]


@pytest.fixture
def channel(world, receiver):
    return channel_services.save_channel(
        None, by=world.admin, name="#major-incidents", kind="slack",
        config={"url": receiver.url("/services/T000/B000/secret")},
    )  # fmt: skip


def post(channel):
    (delivery,) = queue_to_channel(
        channel, title=SAMPLE.title, text=SAMPLE.text, link=SAMPLE.link,
        link_label=SAMPLE.link_label, urgent=True, facts=SAMPLE.facts, reason="test.slack",
    )  # fmt: skip
    return delivery


def test_posts_exactly_the_sample_payload_and_slack_says_ok(channel, receiver, run_worker):
    delivery = post(channel)
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    (request,) = receiver.requests
    assert request.method == "POST" and request.path == "/services/T000/B000/secret"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("FixFirst/")
    assert json.loads(request.body) == sample("slack", "major_declared.json")
    channel.refresh_from_db()
    assert channel.state == "verified"


def test_slack_markup_in_our_text_is_escaped(channel, receiver, run_worker):
    queue_to_channel(channel, title="<!channel> & co", text="a <b> c", reason="test.slack")
    run_worker()
    body = json.loads(receiver.requests[0].body)
    assert body["text"].startswith("*&lt;!channel&gt; &amp; co*\na &lt;b&gt; c")


@pytest.mark.parametrize(("status", "code"), PERMANENT)
def test_permanent_error_gives_up_at_once_and_marks_the_channel_broken(
    world, channel, receiver, run_worker, status, code
):
    receiver.default = (status, code)
    delivery = post(channel)
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempt_count == 1 and len(receiver.requests) == 1
    channel.refresh_from_db()
    assert channel.is_broken and f"HTTP {status}: {code}" in channel.last_error
    page = client_for(world.engineer).get(reverse("notify:channel_list")).content.decode()
    assert "broken" in page and code in page


@pytest.mark.parametrize(("status", "code"), TRANSIENT)
def test_rate_limit_and_server_errors_are_retried_then_sent(
    channel, receiver, run_worker, retry_time_comes, status, code
):
    receiver.answers = [(status, code)]
    delivery = post(channel)
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and code in delivery.last_error
    channel.refresh_from_db()
    assert not channel.is_broken
    retry_time_comes()
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempt_count == 2
    assert receiver.requests[0].body == receiver.requests[1].body


def test_a_receiver_that_does_not_answer_in_time_is_retried(
    settings, channel, receiver, run_worker
):
    settings.FIXFIRST_HTTP_READ_TIMEOUT = 0.3
    receiver.delay = 1.0
    delivery = post(channel)
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert "timed out" in delivery.last_error.lower()


def test_a_working_message_heals_a_broken_channel(channel, receiver, run_worker):
    receiver.answers = [(410, "channel_is_archived")]
    post(channel)
    run_worker()
    channel.refresh_from_db()
    assert channel.is_broken
    post(channel)
    run_worker()
    channel.refresh_from_db()
    assert channel.state == "verified" and channel.last_error == ""


def test_an_old_message_failing_does_not_break_a_corrected_channel(
    world, channel, receiver, run_worker
):
    receiver.default = (404, "no_service")
    stale = post(channel)
    channel_services.save_channel(
        channel, by=world.admin, name=channel.name, kind="slack",
        config={"url": receiver.url("/services/T000/B000/new")},
    )  # fmt: skip
    Delivery.objects.filter(pk=stale.pk).update(created_at=channel.changed_at.replace(year=2020))
    run_worker()
    channel.refresh_from_db()
    assert not channel.is_broken
