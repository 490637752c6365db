"""A person's contact methods and rules: email verified by a mailed link (GET shows, POST
confirms), other kinds only by a code over their own channel, which needs its transport."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from fixfirst.notify.models import Delivery
from fixfirst.oncall import contacts
from fixfirst.oncall.models import ContactMethod, NotificationRule
from tests.conftest import client_for


def _link(address: str) -> str:
    mail = Delivery.objects.filter(recipient=address, reason="oncall.verify").latest("pk")
    return re.search(r"http://[^/\s]+(/oncall/verify/\S+/)", mail.body).group(1)


def test_an_email_address_is_verified_by_the_mailed_link(oncall):
    client = client_for(oncall.engineer)
    response = client.post(
        reverse("oncall:method_add"), {"kind": "email", "address": "pager@example.com"}
    )
    assert response.status_code == 302
    method = ContactMethod.objects.get(address="pager@example.com")
    assert not method.is_verified
    url = _link("pager@example.com")
    assert Client().get(url).status_code == 200
    method.refresh_from_db()
    assert not method.is_verified, "a GET (a mail scanner) verifies nothing"
    assert b"confirmed" in Client().post(url).content.lower()
    method.refresh_from_db()
    assert method.is_verified


def test_a_changed_address_or_forged_link_does_not_verify(oncall):
    method = contacts.add_contact_method(
        oncall.engineer, by=oncall.engineer, kind="email", address="a@example.com"
    )
    url = _link("a@example.com")
    ContactMethod.objects.filter(pk=method.pk).update(address="b@example.com")
    assert Client().post(url).status_code == 404
    assert Client().post(url[:-3] + "xx/").status_code == 404


@pytest.mark.parametrize(
    ("kind", "address"),
    [("email", "not-an-address"), ("sms", "0612"), ("push", "has spaces"), ("webhook", "ftp://x")],
)
def test_bad_addresses_are_refused(oncall, kind, address):
    with pytest.raises(ValidationError):
        contacts.add_contact_method(oncall.engineer, by=oncall.engineer, kind=kind, address=address)


def test_rules_use_only_ones_own_methods_and_pages_show_them(oncall):
    mine = contacts.add_contact_method(
        oncall.engineer, by=oncall.engineer, kind="email", address="mine@example.com"
    )
    theirs = contacts.add_contact_method(
        oncall.eva, by=oncall.eva, kind="email", address="eva2@example.com"
    )
    client = client_for(oncall.engineer)
    assert (
        client.post(
            reverse("oncall:rule_add"), {"contact_method": theirs.pk, "delay_minutes": 0}
        ).status_code
        == 400
    )
    assert (
        client.post(
            reverse("oncall:rule_add"), {"contact_method": mine.pk, "delay_minutes": 5}
        ).status_code
        == 302
    )
    rule = NotificationRule.objects.get(user=oncall.engineer)
    assert rule.delay_minutes == 5
    # Not yours: 404, and nothing changes.
    other = client_for(oncall.eva)
    assert other.post(reverse("oncall:rule_delete", args=[rule.pk])).status_code == 404
    assert other.post(reverse("oncall:method_delete", args=[mine.pk])).status_code == 404
    assert client.post(reverse("oncall:method_delete", args=[mine.pk])).status_code == 302
    assert not NotificationRule.objects.filter(pk=rule.pk).exists()


def test_customers_cannot_have_contact_methods(oncall):
    with pytest.raises(ValidationError):
        contacts.add_contact_method(
            oncall.alice, by=oncall.alice, kind="email", address="x@example.com"
        )
