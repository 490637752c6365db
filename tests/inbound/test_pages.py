"""The inbound mailbox page: the service desk sees every mail read and why one was rejected,
and can download the original."""

from __future__ import annotations

from django.urls import reverse

from fixfirst.inbound.models import InboundMessage, InboundStatus
from tests.conftest import client_for

RAW = b"From: mallory@elsewhere.example\r\nSubject: Printer jammed\r\n\r\nHelp.\r\n"


def _mail(customer=None, **fields) -> InboundMessage:
    defaults = {
        "message_id": f"<{InboundMessage.objects.count()}@example>", "sender": "mallory@elsewhere.example",
        "subject": "Printer jammed", "size": len(RAW), "status": InboundStatus.REJECTED,
        "reason": "unknown sender mallory@elsewhere.example", "raw": RAW, "customer": customer,
    }  # fmt: skip
    return InboundMessage.objects.create(**{**defaults, **fields})


def test_the_service_desk_sees_rejected_mail_with_its_reason_and_the_original(world):
    rejected = _mail()
    _mail(world.alpha, subject="VPN down", status=InboundStatus.ACCEPTED_NEW, reason="")
    client = client_for(world.agent)
    body = client.get(reverse("inbound:list")).content.decode()
    assert "unknown sender mallory@elsewhere.example" in body and "VPN down" in body
    only_rejected = client.get(reverse("inbound:list"), {"status": "rejected"}).content.decode()
    assert "Printer jammed" in only_rejected and "VPN down" not in only_rejected
    assert client.get(reverse("inbound:list"), {"status": "nonsense"}).status_code == 200
    raw = client.get(reverse("inbound:raw", args=[rejected.pk]))
    assert raw.status_code == 200 and raw.content == RAW
    assert raw["Content-Type"] == "message/rfc822"


def test_viewers_customers_and_excluded_staff_do_not_see_it(world):
    beta_mail = _mail(world.beta, subject="Beta secret")
    assert client_for(world.viewer).get(reverse("inbound:list")).status_code == 403
    assert client_for(world.amy).get(reverse("inbound:list")).status_code == 404
    restricted = client_for(world.restricted)
    assert "Beta secret" not in restricted.get(reverse("inbound:list")).content.decode()
    assert restricted.get(reverse("inbound:raw", args=[beta_mail.pk])).status_code == 404
