"""SMS through a configurable HTTP gateway template, against a real HTTP server on loopback."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError

from fixfirst.notify import channel_services
from fixfirst.notify.channels import ChannelKind
from fixfirst.notify.models import DeliveryStatus
from fixfirst.notify.services import queue_sms, queue_to_channel
from fixfirst.notify.transports import sms
from tests.notify.http_receiver import receiver_fixture  # noqa: F401 - fixture
from tests.notify.transport_samples import sample

# The worker runs in the test and closes the connection, as a real one does.
pytestmark = pytest.mark.django_db(transaction=True)


def gateway(name: str, receiver) -> dict:
    data = sample("sms", name)
    host = f"127.0.0.1:{receiver.port}"
    data["gateway"]["url"] = data["gateway"]["url"].replace("HOST", host)
    data["request"]["url"] = data["request"]["url"].replace("HOST", host)
    return data


@pytest.mark.parametrize("name", ["gateway_json.json", "gateway_form.json", "gateway_get.json"])
def test_the_template_fills_to_and_message_escaped_for_where_they_stand(
    db, settings, receiver, run_worker, name
):
    data = gateway(name, receiver)
    settings.FIXFIRST_SMS_GATEWAY = json.dumps(data["gateway"])  # as it comes from the environment
    delivery = queue_sms(to="+31 6 1234 5678", text=data["message"], reason="test.sms")
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    request, expected = receiver.requests[0], data["request"]
    url = urlsplit(expected["url"])
    assert request.method == expected["method"]
    assert request.path == url.path + (f"?{url.query}" if url.query else "")
    for header, value in expected["headers"].items():
        assert request.headers[header.lower()] == value
    assert request.body.decode() == (expected["body"] or "")
    if expected["body"] and "json" in expected["content_type"]:
        assert json.loads(request.body)["text"] == data["message"]


def test_numbers_are_normalised_to_e164_or_refused():
    assert sms.normalise_number("0031 (6) 1234-5678") == "+31612345678"
    for bad in ("0612345678", "+0612345678", "call me", "+31 6"):
        with pytest.raises(ValueError):
            sms.normalise_number(bad)


def test_a_bad_number_is_refused_before_anything_is_queued(db):
    with pytest.raises(ValidationError):
        queue_sms(to="06-12345678", text="x", reason="test.sms")


def test_long_texts_are_cut_to_three_segments():
    assert len(sms.fit("x" * 1000)) == sms.MAX_LENGTH


def test_without_a_gateway_the_message_waits_and_sms_channels_are_hidden(db, settings, run_worker):
    settings.FIXFIRST_SMS_GATEWAY = None
    assert ChannelKind.SMS not in channel_services.available_kinds()
    delivery = queue_sms(to="+31612345678", text="x", reason="test.sms")
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert "FIXFIRST_SMS_GATEWAY" in delivery.last_error


def test_gateway_refusal_is_permanent_and_breaks_the_channel(
    world, settings, receiver, run_worker, retry_time_comes
):
    settings.FIXFIRST_SMS_GATEWAY = gateway("gateway_json.json", receiver)["gateway"]
    channel = channel_services.save_channel(
        None, by=world.admin, name="Duty phones", kind="sms",
        config={"numbers": "+31612345678\n+49 151 2345 6789"},
    )  # fmt: skip
    receiver.answers = [(503, "busy"), (422, "invalid destination")]
    first, second = queue_to_channel(channel, title="INC-1 down", text="details", reason="t.sms")
    run_worker()
    first.refresh_from_db()
    second.refresh_from_db()
    statuses = sorted([first.status, second.status])
    assert statuses == [DeliveryStatus.FAILED, DeliveryStatus.PENDING]
    channel.refresh_from_db()
    assert channel.is_broken and "invalid destination" in channel.last_error
    retry_time_comes()
    run_worker()
    assert {r.headers["x-recipient"] for r in receiver.requests} == {
        "+31612345678",
        "+4915123456789",
    }
