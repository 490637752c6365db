"""However many tasks or workers reach a delivery, it is sent once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from fixfirst.notify.models import DeliveryStatus
from fixfirst.notify.services import queue_email
from fixfirst.notify.tasks import send_delivery


@pytest.mark.django_db(transaction=True)
def test_two_send_tasks_for_one_delivery_send_it_once(smtp, run_worker):
    with transaction.atomic():
        delivery = queue_email(to="ann@alpha.example", subject="Once", body="x", reason="mention")
        send_delivery.enqueue(delivery.pk)  # e.g. a task duplicated by a restore

    run_worker()

    assert len(smtp.messages) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_keeps_off_a_delivery_while_it_is_being_sent(smtp):
    delivery = queue_email(to="ann@alpha.example", subject="Once", body="x", reason="mention")
    smtp.hold = threading.Event()
    outcome = {}

    def first_worker():
        try:
            outcome["first"] = send_delivery.call(delivery.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=first_worker)
    thread.start()
    try:
        assert smtp.in_data.wait(10), "the first worker never reached the server"
        outcome["second"] = send_delivery.call(delivery.pk)
    finally:
        smtp.hold.set()
        thread.join(20)

    assert outcome == {"first": DeliveryStatus.SENT, "second": "skipped"}
    assert len(smtp.messages) == 1
    assert delivery.attempts.count() == 1
