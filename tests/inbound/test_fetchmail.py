"""Inbound mail end to end: mails put into a real IMAP mailbox (Dovecot on loopback), read by
``fixfirst fetchmail`` / the periodic task, and what they become."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fixfirst.core import periodic
from fixfirst.inbound import services, tasks
from fixfirst.inbound.models import InboundMessage, InboundStatus
from fixfirst.incidents import services as incidents
from fixfirst.incidents.choices import Channel, EventKind, Status
from fixfirst.incidents.models import Incident
from fixfirst.notify.models import Delivery

pytestmark = pytest.mark.django_db(transaction=True)


def mail(
    sender: str = "Ann Alpha <ann@alpha.example>",
    subject: str = "Printer on floor 2 is jammed",
    body: str = "It has been blinking red since this morning.\n",
    **headers: str,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "servicedesk@provider.example"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="alpha.example")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def fetchmail() -> str:
    out = StringIO()
    call_command("fetchmail", stdout=out)
    return out.getvalue()


def bounces_to(address: str) -> list[Delivery]:
    return list(Delivery.objects.filter(recipient=address, reason="inbound.rejected"))


def alpha_incident(world) -> Incident:
    return incidents.open_incident(
        by=world.agent,
        customer=world.alpha,
        title="VPN drops every hour",
        channel=Channel.PHONE,
        reporter=world.alpha_contact,
    )


# --- new incidents ------------------------------------------------------------------------


def test_mail_from_known_contact_opens_incident_for_their_customer(world, inbox):
    inbox.append(mail(sender="Ann Alpha <ANN@Alpha.Example>").as_bytes())

    output = fetchmail()

    incident = Incident.objects.get()
    assert incident.customer == world.alpha
    assert incident.reporter == world.alpha_contact
    assert incident.channel == Channel.EMAIL
    assert incident.title == "Printer on floor 2 is jammed"
    assert incident.description == "It has been blinking red since this morning."
    received = Delivery.objects.get(recipient="ann@alpha.example", reason="reporter.received")
    assert incident.reference in received.subject
    record = InboundMessage.objects.get()
    assert (record.status, record.incident, record.customer) == (
        InboundStatus.ACCEPTED_NEW,
        incident,
        world.alpha,
    )
    assert b"blinking red" in bytes(record.raw)
    assert "1 new incidents" in output
    assert inbox.unseen_count() == 0


def test_html_only_mail_is_described_in_plain_text(world, inbox):
    msg = mail()
    msg.set_content("<p>Screen is <b>black</b></p><ul><li>since 9:00</li></ul>", subtype="html")
    inbox.append(msg.as_bytes())

    fetchmail()

    assert Incident.objects.get().description == "Screen is black\n\n- since 9:00"


def test_attachments_within_limits_are_kept_and_others_noted(world, inbox, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    msg = mail()
    msg.add_attachment(b"error 0x42\n", maintype="text", subtype="plain", filename="log.txt")
    msg.add_attachment(b"MZ...", maintype="application", subtype="octet-stream", filename="fix.exe")
    inbox.append(msg.as_bytes())

    fetchmail()

    incident = Incident.objects.get()
    assert [a.name for a in incident.attachments.all()] == ["log.txt"]
    note = incident.events.get(kind=EventKind.NOTE)
    assert "fix.exe" in note.body and not note.public
    told = Delivery.objects.get(reason="inbound.attachments_skipped")
    assert told.recipient == "ann@alpha.example" and "fix.exe" in told.body
    assert InboundMessage.objects.get().status == InboundStatus.ACCEPTED_NEW


# --- replies ------------------------------------------------------------------------------


def test_reply_with_reference_lands_on_that_incident_with_quote_trimmed(world, inbox):
    incident = alpha_incident(world)
    body = (
        "Rebooting the router fixed it for now.\n"
        "\n"
        "On Mon, 3 Mar 2025 at 10:00, FixFirst <servicedesk@provider.example> wrote:\n"
        "> We have received your report.\n"
        "> Priority: P3\n"
    )
    inbox.append(mail(subject=f"RE: [{incident.reference}] VPN drops", body=body).as_bytes())

    fetchmail()

    comment = incident.events.get(kind=EventKind.COMMENT)
    assert comment.body == "Rebooting the router fixed it for now."
    assert comment.public and comment.data["via"] == "email"
    assert comment.actor_label == "ann@alpha.example"
    record = InboundMessage.objects.get()
    assert (record.status, record.incident) == (InboundStatus.ACCEPTED_REPLY, incident)
    assert Incident.objects.count() == 1


def test_reference_without_brackets_in_any_case_is_recognised(world, inbox):
    incident = alpha_incident(world)
    subject = f"question about {incident.reference.lower()}"
    inbox.append(mail(subject=subject, body="Any news?\n> old").as_bytes())

    fetchmail()

    assert incident.events.get(kind=EventKind.COMMENT).body == "Any news?"


def test_reply_ends_waiting_for_customer(world, inbox):
    incident = alpha_incident(world)
    incidents.change_status(incident, Status.WAITING, by=world.agent)
    inbox.append(mail(subject=f"[{incident.reference}]", body="Here is the info.").as_bytes())

    fetchmail()

    incident.refresh_from_db()
    assert incident.status == Status.INVESTIGATING


def test_reference_to_another_customers_incident_is_rejected(world, inbox):
    incident = alpha_incident(world)
    subject = f"Re: [{incident.reference}]"
    inbox.append(mail(sender="bert@beta.example", subject=subject, body="Me too").as_bytes())

    fetchmail()

    assert not incident.events.filter(kind=EventKind.COMMENT).exists()
    record = InboundMessage.objects.get()
    assert record.status == InboundStatus.REJECTED
    assert "another customer" in record.reason
    assert record.customer == world.beta and record.incident is None
    [bounce] = bounces_to("bert@beta.example")
    assert "VPN" not in bounce.body and "Alpha" not in bounce.body
    assert bounce.customer == world.beta
    assert bounce.payload["headers"] == {"Auto-Submitted": "auto-replied"}


def test_reply_to_closed_incident_is_rejected_with_the_rule(world, inbox):
    incident = alpha_incident(world)
    incidents.resolve(incident, by=world.agent, resolution="Replaced the cable.")
    incidents.change_status(incident, Status.CLOSED, by=world.agent)
    inbox.append(mail(subject=f"[{incident.reference}]", body="It is back!").as_bytes())

    fetchmail()

    record = InboundMessage.objects.get()
    assert record.status == InboundStatus.REJECTED
    assert "closed" in record.reason
    assert "report a new one" in bounces_to("ann@alpha.example")[0].body


# --- once only ----------------------------------------------------------------------------


def test_same_message_fetched_twice_makes_one_incident(world, inbox):
    raw = mail().as_bytes()
    inbox.append(raw)
    inbox.append(raw)  # delivered twice, same Message-ID

    output = fetchmail()
    inbox.mark_all_unseen()  # as if the poller died after committing, before \Seen
    fetchmail()

    assert Incident.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    assert Delivery.objects.filter(reason="reporter.received").count() == 1
    assert "1 already seen" in output
    assert inbox.unseen_count() == 0


def test_mail_that_fails_stays_unseen_and_is_retried(world, inbox, monkeypatch):
    inbox.append(mail(subject="first").as_bytes())
    inbox.append(mail(subject="second").as_bytes())
    real = services.receive

    def flaky(raw: bytes, **kwargs):
        if b"Subject: first" in raw:
            raise RuntimeError("database went away")
        return real(raw, **kwargs)

    monkeypatch.setattr(services, "receive", flaky)
    assert "1 failed" in fetchmail()
    assert list(Incident.objects.values_list("title", flat=True)) == ["second"]
    assert inbox.unseen_count() == 1

    monkeypatch.setattr(services, "receive", real)
    fetchmail()
    assert sorted(Incident.objects.values_list("title", flat=True)) == ["first", "second"]


# --- rejected and ignored -----------------------------------------------------------------


def test_unknown_sender_is_rejected_and_bounced(world, inbox):
    inbox.append(mail(sender="Mallory <mallory@elsewhere.example>").as_bytes())

    fetchmail()

    assert not Incident.objects.exists()
    record = InboundMessage.objects.get()
    assert record.status == InboundStatus.REJECTED
    assert record.reason == "unknown sender mallory@elsewhere.example"
    assert record.customer is None
    [bounce] = bounces_to("mallory@elsewhere.example")
    assert "not registered as a contact" in bounce.body
    assert "Printer on floor 2 is jammed" in bounce.subject


def test_oversized_mail_is_rejected_and_only_its_header_kept(world, inbox, settings):
    settings.FIXFIRST_INBOUND_MAX_BYTES = 4000
    inbox.append(mail(body=("x" * 76 + "\n") * 100).as_bytes())  # ~7.7 kB

    fetchmail()

    assert not Incident.objects.exists()
    record = InboundMessage.objects.get()
    assert record.status == InboundStatus.REJECTED
    assert record.reason.startswith("too large")
    assert record.size > 4000 and len(record.raw) < 1000
    assert b"Subject: Printer" in bytes(record.raw) and b"xxxx" not in bytes(record.raw)
    assert "larger than" in bounces_to("ann@alpha.example")[0].body


def test_malformed_mail_is_rejected_and_recorded(world, inbox):
    garbage = b"this is not a mail at all\r\n\r\n\x80\x81 binary junk\r\n"
    inbox.append(garbage)

    fetchmail()

    record = InboundMessage.objects.get()
    assert record.status == InboundStatus.REJECTED
    assert record.reason.startswith("malformed")
    assert bytes(record.raw).startswith(b"this is not a mail")
    assert not Delivery.objects.filter(reason="inbound.rejected").exists()  # nobody to tell
    assert inbox.unseen_count() == 0


def test_mail_with_unknown_charset_is_read_leniently(world, inbox):
    raw = (
        b"From: Ann <ann@alpha.example>\r\nSubject: broken\r\nMessage-ID: <b1@alpha.example>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: text/plain; charset="no-such-charset"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n"
    )
    inbox.append(raw)

    fetchmail()

    record = InboundMessage.objects.get()
    # An unknown charset is read leniently: a readable mail is better than a bounce.
    assert record.status == InboundStatus.ACCEPTED_NEW


@pytest.mark.parametrize(
    "header",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
    ],
)
def test_auto_reply_is_recorded_and_ignored(world, inbox, header):
    inbox.append(mail(subject="Out of office", **header).as_bytes())

    fetchmail()

    record = InboundMessage.objects.get()
    assert record.status == InboundStatus.IGNORED
    assert "automatic" in record.reason
    assert not Incident.objects.exists()
    assert not Delivery.objects.exists()


def test_auto_submitted_no_is_a_persons_mail(world, inbox):
    inbox.append(mail(Auto_Submitted="no").as_bytes())

    fetchmail()

    assert InboundMessage.objects.get().status == InboundStatus.ACCEPTED_NEW


def test_mail_from_fixfirst_itself_is_ignored(world, inbox, settings):
    settings.FIXFIRST_INBOUND_ADDRESS = "servicedesk@provider.example"
    inbox.append(mail(sender="FixFirst <servicedesk@provider.example>").as_bytes())

    fetchmail()

    assert InboundMessage.objects.get().status == InboundStatus.IGNORED
    assert not Delivery.objects.exists()


# --- the poller ---------------------------------------------------------------------------


def test_periodic_task_polls_every_30_seconds(world, inbox):
    [job] = [j for j in periodic.jobs() if j.task is tasks.fetch_mail]
    assert job.every.total_seconds() == 30
    inbox.append(mail().as_bytes())

    result = tasks.fetch_mail.call()

    assert result["fetched"] == 1 and result[InboundStatus.ACCEPTED_NEW] == 1
    assert Incident.objects.count() == 1


def test_periodic_task_does_nothing_without_a_mailbox(db, settings):
    settings.IMAP_HOST = ""
    assert tasks.fetch_mail.call() == {}


def test_fetchmail_without_a_mailbox_says_how_to_configure(db, settings):
    settings.IMAP_HOST = ""
    with pytest.raises(CommandError, match="IMAP_HOST"):
        call_command("fetchmail")


def test_fetchmail_with_a_wrong_password_fails_clearly(world, inbox, settings):
    settings.IMAP_PASSWORD = "wrong"
    with pytest.raises(CommandError, match="IMAP 127.0.0.1"):
        call_command("fetchmail")
