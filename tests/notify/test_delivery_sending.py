"""A queued mail reaches a real SMTP server once, and only if its transaction commits."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from fixfirst.notify.models import Delivery, DeliveryStatus
from fixfirst.notify.services import queue_email


@pytest.mark.django_db(transaction=True)
def test_queued_mail_arrives_with_subject_body_and_message_id(smtp, run_worker):
    with transaction.atomic():
        delivery = queue_email(
            to="ann@alpha.example",
            subject="[INC-1001] We received your report",
            body="We are on it.\n",
            html_body="<p>We are on it.</p>",
            reason="reporter.received",
            reply_to="replies@provider.example",
            headers={"References": "<thread@fixfirst>"},
        )

    run_worker()

    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert smtp.envelopes == [("fixfirst@provider.example", ["ann@alpha.example"])]
    assert mail["Subject"] == "[INC-1001] We received your report"
    assert mail["To"] == "ann@alpha.example"
    assert mail["Message-ID"] == delivery.message_id
    assert mail["Reply-To"] == "replies@provider.example"
    assert mail["References"] == "<thread@fixfirst>"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail.get_body(("plain",)).get_content().strip() == "We are on it."
    assert mail.get_body(("html",)).get_content().strip() == "<p>We are on it.</p>"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.sent_at is not None
    assert [a.ok for a in delivery.attempts.all()] == [True]


@pytest.mark.django_db(transaction=True)
def test_message_id_is_unique_per_delivery(smtp, run_worker):
    for n in range(2):
        queue_email(to="ann@alpha.example", subject=f"Update {n}", body="x", reason="mention")
    run_worker()
    ids = {m["Message-ID"] for m in smtp.messages}
    assert len(ids) == 2
    assert ids == set(Delivery.objects.values_list("message_id", flat=True))


@pytest.mark.django_db(transaction=True)
def test_mail_queued_in_a_transaction_that_rolls_back_is_never_sent(smtp, run_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(to="ann@alpha.example", subject="Ghost", body="x", reason="mention")
        assert Delivery.objects.count() == 1
        raise RuntimeError("the change that caused the mail fails")

    assert Delivery.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    run_worker()
    assert smtp.messages == []


@pytest.mark.django_db(transaction=True)
def test_sending_twice_does_not_resend(smtp, run_worker):
    queue_email(to="ann@alpha.example", subject="Once", body="x", reason="mention")
    run_worker()
    run_worker()
    assert len(smtp.messages) == 1


def test_pages_are_queued_ahead_of_other_mail(db):
    from django_tasks_db.models import DBTaskResult

    from fixfirst.notify.services import queue_email

    newsletter = queue_email(
        to="reader@example.org", subject="News", body="x", reason="statuspage.incident"
    )
    page = queue_email(to="erik@example.com", subject="P1", body="x", reason="oncall.page")
    first = DBTaskResult.objects.ready().first()  # the worker's own order
    assert str(first.pk) == page.task_id and str(first.pk) != newsletter.task_id
