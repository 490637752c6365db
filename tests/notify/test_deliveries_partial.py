"""The deliveries partial the incident page includes."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from fixfirst.notify.models import Delivery, DeliveryAttempt, DeliveryStatus
from fixfirst.notify.services import queue_email


def _delivery(to: str, status: str, errors: list[str], sent: bool = False) -> Delivery:
    delivery = queue_email(to=to, subject="Update", body="x", reason="reporter.update")
    for error in errors:
        DeliveryAttempt.objects.create(delivery=delivery, ok=False, error=error, duration_ms=12)
    if sent:
        DeliveryAttempt.objects.create(delivery=delivery, ok=True, duration_ms=8)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, last_error=errors[-1] if errors else "", attempt_count=len(errors) + sent
    )
    return delivery


@pytest.mark.django_db
def test_lists_each_delivery_with_its_status_and_attempts(django_assert_num_queries):
    _delivery("ann@alpha.example", DeliveryStatus.FAILED, ["550 5.1.1 No such user"])
    _delivery("bert@alpha.example", DeliveryStatus.SENT, ["451 4.7.1 Greylisted"], sent=True)
    _delivery("carl@alpha.example", DeliveryStatus.PENDING, [])

    with django_assert_num_queries(2):
        html = render_to_string(
            "notify/_deliveries.html", {"deliveries": Delivery.objects.with_attempts()}
        )

    for text in [
        "ann@alpha.example",
        "bert@alpha.example",
        "carl@alpha.example",
        "reporter.update",
    ]:
        assert text in html
    assert "550 5.1.1 No such user" in html
    assert "451 4.7.1 Greylisted" in html
    assert html.count("<details>") == 2  # the new delivery has no attempts to show
    assert 'class="badge delivery-failed"' in html
    assert "style=" not in html and "<script" not in html


def test_says_so_when_there_are_none():
    html = render_to_string("notify/_deliveries.html", {"deliveries": []})
    assert "No notifications yet." in html
    assert "<table" not in html


@pytest.mark.django_db
def test_what_a_recipient_or_error_contains_is_escaped():
    _delivery("ann@alpha.example", DeliveryStatus.FAILED, ["550 <script>alert(1)</script>"])
    html = render_to_string("notify/_deliveries.html", {"deliveries": Delivery.objects.all()})
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
