"""Email subscribers: double opt-in, confirm link, one-click unsubscribe."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from fixfirst.notify.models import Delivery
from fixfirst.statuspage import services, subscriptions
from fixfirst.statuspage.models import Subscriber


def _link(body: str, kind: str) -> str:
    return (
        re.search(rf"http://\S+/subscriptions/{kind}/\S+/", body)
        .group(0)
        .split("8000", 1)[-1]
        .split("0.0.1", 1)[-1]
    )


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.mark.django_db(transaction=True)
def test_double_opt_in_confirm_and_unsubscribe(sp, p1_on_mail, run_worker):
    client = Client()
    response = client.post("/status/acme/subscribe/", {"email": "Reader@Example.org"})
    assert response.status_code == 200
    subscriber = Subscriber.objects.get(email="reader@example.org")
    assert subscriber.confirmed_at is None
    run_worker()  # also declares the P1 a major incident, which mails the team and customer
    [confirmation] = [m for m in mail.outbox if "reader@example.org" in m.to]
    confirm_url = re.search(r"(http://\S+/subscriptions/confirm/\S+/)", confirmation.body).group(1)

    # Unconfirmed: an update mails nobody.
    services.publish_incident_update(
        incident=p1_on_mail, body="Mail is down.", status="investigating", by=sp.w.manager
    )
    assert not Delivery.objects.filter(reason="statuspage.incident").exists()

    # The link only asks; the button confirms.
    assert client.get(_path(confirm_url)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    assert client.post(_path(confirm_url)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None

    services.publish_incident_update(
        incident=p1_on_mail, body="We found the cause.", status="identified", by=sp.w.manager
    )
    [delivery] = Delivery.objects.filter(reason="statuspage.incident")
    assert delivery.recipient == "reader@example.org"
    assert "We found the cause." in delivery.body
    assert (
        delivery.customer is None and delivery.incident is None
    )  # public subscriber: no tenant link
    unsubscribe = delivery.payload["headers"]["List-Unsubscribe"].strip("<>")
    assert delivery.payload["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    mail.outbox.clear()
    run_worker()
    assert [m.to for m in mail.outbox if "reader@example.org" in m.to] == [["reader@example.org"]]

    # RFC 8058: the mail client POSTs, no cookie, no CSRF token.
    assert Client(enforce_csrf_checks=True).post(_path(unsubscribe)).status_code == 200
    assert not Subscriber.objects.filter(email="reader@example.org").exists()
    services.publish_incident_update(
        incident=p1_on_mail, body="Fixed.", status="resolved", by=sp.w.manager
    )
    assert Delivery.objects.filter(reason="statuspage.incident").count() == 1


def test_subscribing_twice_tells_nothing_and_resends_only_unconfirmed(sp):
    subscriptions.subscribe_email(sp.page, "a@example.org")
    subscriptions.subscribe_email(sp.page, "a@example.org")
    assert Delivery.objects.filter(reason="statuspage.confirm").count() == 2
    subscriptions.confirm(Subscriber.objects.get().confirm_token)
    subscriptions.subscribe_email(sp.page, "a@example.org")
    assert Delivery.objects.filter(reason="statuspage.confirm").count() == 2


def test_component_subset_limits_the_mails(sp, p1_on_mail):
    erp_only = subscriptions.subscribe_email(sp.page, "erp@example.org", [sp.erp])
    everything = subscriptions.subscribe_email(sp.page, "all@example.org")
    subscriptions.confirm(erp_only.confirm_token)
    subscriptions.confirm(everything.confirm_token)
    services.publish_incident_update(
        incident=p1_on_mail,
        body="Mail is down.",
        status="investigating",
        by=sp.w.manager,
        pages=[sp.page],
    )
    assert list(
        Delivery.objects.filter(reason="statuspage.incident").values_list("recipient", flat=True)
    ) == ["all@example.org"]


def test_bad_address_is_refused(sp):
    response = Client().post("/status/acme/subscribe/", {"email": "not-an-address"})
    assert response.status_code == 400
    assert not Subscriber.objects.exists()


def test_wrong_token_is_404(sp):
    assert Client().get("/status/acme/subscriptions/confirm/nope/").status_code == 404
    assert Client().post("/status/acme/subscriptions/unsubscribe/nope/").status_code == 404
