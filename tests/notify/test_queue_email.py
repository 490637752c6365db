"""What queue_email accepts, what it refuses, and retrying a failed delivery by hand."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from fixfirst.audit.models import AuditEntry
from fixfirst.incidents.choices import Channel, Impact, Priority, Urgency
from fixfirst.incidents.models import Incident
from fixfirst.notify.models import Delivery, DeliveryStatus
from fixfirst.notify.services import queue_email, retry_now


def _incident(customer) -> Incident:
    return Incident.objects.create(
        number=5001, title="Mail is down", customer=customer, channel=Channel.EMAIL,
        impact=Impact.HIGH, urgency=Urgency.HIGH, priority=Priority.P1,
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    "to",
    [
        "",
        "not-an-address",
        "ann@alpha.example, eve@evil.example",
        "ann@alpha.example\nBcc: eve@evil.example",
    ],
)
def test_a_bad_address_is_refused_and_nothing_is_queued(to):
    with pytest.raises(ValidationError) as refused:
        queue_email(to=to, subject="Hello", body="x", reason="mention")
    assert "recipient" in refused.value.message_dict
    assert not Delivery.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, field",
    [
        ({"subject": "Hello\r\nBcc: eve@evil.example"}, "subject"),
        ({"subject": ""}, "subject"),
        ({"reason": ""}, "reason"),
        ({"reply_to": "nobody"}, "reply_to"),
        ({"headers": {"X-Tag": "a\nBcc: eve@evil.example"}}, "headers"),
        ({"headers": {"Bcc": "eve@evil.example"}}, "headers"),
        ({"headers": {"Bad Name": "x"}}, "headers"),
    ],
)
def test_header_injection_and_missing_fields_are_refused(fields, field):
    arguments = {"to": "ann@alpha.example", "subject": "Hello", "body": "x", "reason": "mention"}
    with pytest.raises(ValidationError) as refused:
        queue_email(**{**arguments, **fields})
    assert field in refused.value.message_dict
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_an_incident_mail_belongs_to_the_incident_customer(world):
    incident = _incident(world.alpha)
    delivery = queue_email(
        to="ann@alpha.example",
        subject="Hi",
        body="x",
        reason="reporter.received",
        incident=incident,
    )
    assert delivery.customer == world.alpha
    assert list(incident.deliveries.all()) == [delivery]
    assert delivery.status == DeliveryStatus.PENDING
    assert DBTaskResult.objects.get().args_kwargs["args"] == [delivery.pk]

    with pytest.raises(ValidationError):
        queue_email(
            to="ann@alpha.example", subject="Hi", body="x", reason="mention",
            incident=incident, customer=world.beta,
        )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_retry_now_sends_a_failed_delivery_again_and_is_audited(world, smtp, run_worker):
    smtp.answers["RCPT"] = ["550 5.2.1 Mailbox disabled"]
    delivery = queue_email(to="ann@alpha.example", subject="Hi", body="x", reason="mention")
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED

    retry_now(delivery, by=world.manager)  # the mailbox has been re-enabled
    run_worker()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(smtp.messages) == 1
    assert [a.ok for a in delivery.attempts.all()] == [False, True]
    entry = AuditEntry.objects.get(action="delivery.retry")
    assert entry.actor == world.manager
    assert entry.before["status"] == "failed"
    assert entry.after["status"] == "pending"


@pytest.mark.django_db(transaction=True)
def test_a_sent_delivery_cannot_be_retried(world, smtp, run_worker):
    delivery = queue_email(to="ann@alpha.example", subject="Hi", body="x", reason="mention")
    run_worker()
    with pytest.raises(ValidationError):
        retry_now(delivery, by=world.manager)
    run_worker()
    assert len(smtp.messages) == 1
