"""Reading mails: references, quoted text, HTML bodies and what counts as automatic."""

from __future__ import annotations

import pytest

from fixfirst.inbound.parse import html_to_text, parse_mail, strip_quoted


def raw(headers: str, body: str = "Hello") -> bytes:
    return (headers.strip().replace("\n", "\r\n") + "\r\n\r\n" + body).encode()


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("[INC-1042] Printer", 1042),
        ("Re: Fwd: [inc-7] Printer", 7),
        ("about Inc-1042, again", 1042),
        ("PRINC-12 broke", None),
        ("INC-12a", None),
        ("Printer", None),
    ],
)
def test_incident_reference_in_subject(subject, number):
    assert parse_mail(raw(f"From: a@b.example\nSubject: {subject}")).reference == number


@pytest.mark.parametrize(
    "reply",
    [
        "Works now.\n\nOn Mon, 3 Mar 2025 at 10:00, Desk <d@x.example> wrote:\n> old",
        "Works now.\n\nOn Mon, 3 Mar 2025 at 10:00, Desk <\nd@x.example> wrote:\n> old",
        "Works now.\n\nAm Mo., 3. März 2025 um 10:00 Uhr schrieb Desk <d@x.example>:\nalt",
        "Works now.\n\nOp ma 3 mrt 2025 om 10:00 schreef Desk <d@x.example>:\noud",
        "Works now.\n-----Original Message-----\nFrom: Desk\nSent: Monday\n",
        "Works now.\n\nFrom: Desk <d@x.example>\nSent: Monday, 3 March 2025 10:00\nold",
        "> quoted first\nWorks now.\n>> deeper",
    ],
)
def test_quoted_reply_text_is_trimmed(reply):
    assert strip_quoted(reply) == "Works now."


def test_text_before_and_after_an_inline_quote_is_kept():
    assert strip_quoted("Yes.\n> Is it on?\nAnd it is plugged in.") == (
        "Yes.\nAnd it is plugged in."
    )


def test_html_becomes_readable_text():
    html = (
        "<html><head><style>p {color: red}</style><script>x()</script></head>"
        "<body><p>Hello <b>desk</b> &amp; team</p><div>Line two<br>Line three</div>"
        "<blockquote><p>quoted</p></blockquote></body></html>"
    )
    assert html_to_text(html) == "Hello desk & team\n\nLine two\nLine three\n\n> quoted"


def test_mail_without_message_id_gets_a_stable_one():
    data = raw("From: a@b.example\nSubject: x")
    first, second = parse_mail(data), parse_mail(data)
    assert first.message_id == second.message_id
    assert first.message_id.endswith("@fixfirst.invalid>")
    assert parse_mail(raw("From: a@b.example\nSubject: y")).message_id != first.message_id


def test_sender_is_the_lower_cased_address():
    assert parse_mail(raw('From: "Ann, Alpha" <Ann@Alpha.Example>')).sender == "ann@alpha.example"


@pytest.mark.parametrize("sender", ["", "From: nobody", "From: <not an address>"])
def test_mail_without_a_valid_sender_is_malformed(sender):
    mail = parse_mail(raw(f"{sender}\nSubject: hi"))
    assert mail.sender == "" and "sender" in mail.problem


@pytest.mark.parametrize(
    ("headers", "automatic"),
    [
        ("Auto-Submitted: auto-replied", True),
        ("Auto-Submitted: auto-generated; type=vacation", True),
        ("Auto-Submitted: no", False),
        ("Precedence: list", True),
        ("Precedence: first-class", False),
        ("X-Autoreply: yes", True),
        ("Content-Type: multipart/report; report-type=delivery-status; boundary=b", True),
    ],
)
def test_automatic_mails_are_recognised(headers, automatic):
    mail = parse_mail(raw(f"From: a@b.example\nSubject: x\n{headers}"))
    assert bool(mail.auto_reply) is automatic
