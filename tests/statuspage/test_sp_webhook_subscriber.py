"""A webhook subscriber gets Statuspage-shaped JSON, signed per Standard Webhooks, at a real
local HTTP server. The signature is checked here independently of FixFirst's signer."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fixfirst.notify.models import Delivery
from fixfirst.statuspage import services, subscriptions
from fixfirst.statuspage.models import Subscriber


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """Standard Webhooks v1, from the spec (INTEGRATIONS.md §7)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [
        s.split(",", 1)[1] for s in headers["webhook-signature"].split() if s.startswith("v1,")
    ]
    fresh = abs(time.time() - int(headers["webhook-timestamp"])) < 300
    return fresh and any(hmac.compare_digest(expected, o) for o in offered)


@pytest.mark.django_db(transaction=True)
def test_webhook_subscriber_receives_a_signed_incident_update(sp, p1_on_mail, receiver, run_worker):
    hook = subscriptions.subscribe_webhook(sp.page, receiver.url, by=sp.w.manager)
    assert hook.secret.startswith("whsec_")
    services.publish_incident_update(
        incident=p1_on_mail,
        body="Mail is down.",
        status="investigating",
        by=sp.w.manager,
        pages=[sp.page],
    )
    run_worker()

    bodies = [r for r in receiver.requests]
    assert bodies, "nothing arrived"
    for request in bodies:
        assert request["headers"]["content-type"] == "application/json"
        assert verify(hook.secret, request["headers"], request["body"])
        assert request["headers"]["webhook-id"].startswith("msg_")
    kinds = sorted(
        next(k for k in ("incident", "component_update") if k in receiver.json(i))
        for i in range(len(bodies))
    )
    assert kinds == ["component_update", "incident"]
    incident = next(r for r in (receiver.json(i) for i in range(len(bodies))) if "incident" in r)
    assert set(incident) == {"meta", "page", "incident"}
    assert set(incident["meta"]) == {"unsubscribe", "documentation", "generated_at"}
    assert set(incident["page"]) == {"id", "status_indicator", "status_description"}
    assert incident["page"]["status_indicator"] == "critical"
    assert incident["incident"]["incident_updates"][0]["body"] == "Mail is down."
    assert (
        "postmortem_body" in incident["incident"]
        and "scheduled_auto_in_progress" in incident["incident"]
    )
    update = next(
        r for r in (receiver.json(i) for i in range(len(bodies))) if "component_update" in r
    )
    assert set(update) == {"meta", "page", "component", "component_update"}
    assert set(update["component_update"]) == {
        "id",
        "component_id",
        "old_status",
        "new_status",
        "created_at",
        "component_type",
    }
    assert update["component_update"]["new_status"] == "major_outage"
    assert all(d.status == "sent" for d in Delivery.objects.filter(transport="webhook"))


@pytest.mark.django_db(transaction=True)
def test_tampered_body_fails_verification(sp, p1_on_mail, receiver, run_worker):
    hook = subscriptions.subscribe_webhook(sp.page, receiver.url, by=sp.w.manager)
    services.post_page_update(
        page=sp.page, by=sp.w.manager, body="Notice.", status="investigating", name="Notice"
    )
    run_worker()
    request = receiver.requests[0]
    assert verify(hook.secret, request["headers"], request["body"])
    assert not verify(hook.secret, request["headers"], request["body"] + b" ")


def test_public_webhook_may_not_point_into_our_network(sp, receiver):
    with pytest.raises(ValidationError):
        subscriptions.subscribe_webhook(
            sp.page, receiver.url
        )  # no staff member: a stranger's address
    response = Client().post("/status/acme/subscribe/", {"url": receiver.url})
    assert response.status_code == 400
    assert not Subscriber.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_webhook_whose_address_turned_internal_is_not_sent(sp, receiver, run_worker):
    hook = subscriptions.subscribe_webhook(sp.page, receiver.url, by=sp.w.manager)
    Subscriber.objects.filter(pk=hook.pk).update(allow_private=False)  # as if made by the public
    services.post_page_update(
        page=sp.page, by=sp.w.manager, body="Notice.", status="investigating", name="Notice"
    )
    run_worker()
    assert receiver.requests == []
    deliveries = Delivery.objects.filter(transport="webhook")
    assert deliveries and all(
        d.status == "failed" and "may not connect to" in d.last_error for d in deliveries
    )
