"""Every kind of contact method is paged for real: SMS through the configured gateway, ntfy
push and a signed personal webhook, all to an HTTP server on loopback; SMS and push addresses
are verified with a code sent over the channel itself."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import ValidationError

from fixfirst.notify.models import Delivery, DeliveryStatus
from fixfirst.notify.transports.webhook.signing import sign
from fixfirst.oncall import contacts
from fixfirst.oncall.choices import ContactKind
from fixfirst.oncall.paging import page_user
from fixfirst.oncall.senders import webhook_secret
from tests.notify.http_receiver import receiver_fixture  # noqa: F401 - fixture
from tests.notify.transport_samples import sample
from tests.oncall.conftest import run_worker, verified

# The worker runs in the test and closes the connection, as a real one does.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gateway(settings, receiver):
    config = sample("sms", "gateway_json.json")["gateway"]
    config["url"] = config["url"].replace("HOST", f"127.0.0.1:{receiver.port}")
    settings.FIXFIRST_SMS_GATEWAY = json.dumps(config)
    return receiver


def test_a_page_reaches_sms_push_and_webhook_with_the_ack_link(oncall, p1, gateway):
    receiver = gateway
    verified(oncall.engineer, "+31612345678", 0, kind=ContactKind.SMS)
    verified(oncall.engineer, receiver.url("/erik-pager"), 0, kind=ContactKind.PUSH)
    hook = receiver.url("/erik-hook")
    verified(oncall.engineer, hook, 0, kind=ContactKind.WEBHOOK)
    incident = p1()
    page_user(incident, oncall.engineer, reason="on call")
    run_worker()

    deliveries = Delivery.objects.filter(incident=incident, reason="oncall.page")
    assert {d.transport for d in deliveries} == {"sms", "ntfy", "webhook"}
    assert all(d.status == DeliveryStatus.SENT for d in deliveries)
    by_path = {r.path.split("?")[0]: r for r in receiver.requests}

    text = json.loads(by_path["/v1/messages"].body)["text"]
    assert incident.reference in text and re.search(r"http://\S+/ack/\S+/", text)

    push = by_path["/erik-pager"]
    assert push.headers["priority"] == "urgent" and "/ack/" in push.headers["click"]

    webhook = by_path["/erik-hook"]
    expected = sign(
        webhook_secret(hook),
        webhook.headers["webhook-id"],
        int(webhook.headers["webhook-timestamp"]),
        webhook.body,
    )
    assert webhook.headers["webhook-signature"] == expected
    event = json.loads(webhook.body)
    assert event["type"] == "oncall.page"
    assert event["data"]["incident"]["reference"] == incident.reference
    assert "/ack/" in event["data"]["acknowledge_url"]


def _code_sent(method) -> str:
    delivery = Delivery.objects.filter(reason="oncall.verify").latest("pk")
    assert delivery.recipient == method.address
    return re.search(r"\d{6}", delivery.body).group(0)


def test_an_sms_number_is_verified_by_a_code_sent_by_sms(oncall, gateway):
    method = contacts.add_contact_method(
        oncall.engineer, by=oncall.engineer, kind="sms", address="+31 6 1234 5678"
    )
    assert method.address == "+31612345678"
    assert contacts.send_verification(method, by=oncall.engineer) == "code"
    code = _code_sent(method)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(ValidationError):
        contacts.confirm_code(method, wrong, by=oncall.engineer)
    contacts.confirm_code(method, code, by=oncall.engineer)
    method.refresh_from_db()
    assert method.is_verified


def test_too_many_wrong_codes_lock_the_code(oncall):
    method = contacts.add_contact_method(
        oncall.engineer, by=oncall.engineer, kind="push", address="erik-pager"
    )
    contacts.send_verification(method, by=oncall.engineer)
    code = re.search(r"\d{6}", Delivery.objects.get(reason="oncall.verify").body).group(0)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(contacts.MAX_CODE_ATTEMPTS):
        with pytest.raises(ValidationError):  # each wrong code is refused
            contacts.confirm_code(method, wrong, by=oncall.engineer)
    with pytest.raises(ValidationError):  # and then the right one too
        contacts.confirm_code(method, code, by=oncall.engineer)
    method.refresh_from_db()
    assert not method.is_verified
