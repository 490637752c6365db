"""What a received mail becomes: a new incident, a comment on one, or a recorded rejection.

:func:`receive` handles one mail in one transaction: the InboundMessage row, the incident or
comment, and every mail it causes (the reporter's "received", a bounce) commit together or
not at all. The unique Message-ID makes receiving the same mail again a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from fixfirst.audit.log import record
from fixfirst.inbound.models import InboundMessage, InboundStatus
from fixfirst.inbound.parse import MailAttachment, ParsedMail, parse_mail, strip_quoted
from fixfirst.incidents import services as incidents
from fixfirst.incidents import updates
from fixfirst.incidents.choices import Channel
from fixfirst.incidents.models import Incident
from fixfirst.notify.services import queue_email
from fixfirst.tenancy.models import Contact

# RFC 3834: marks FixFirst's own answers as automatic, so that well-behaved responders stay quiet.
_AUTO_REPLY = {"Auto-Submitted": "auto-replied"}


@dataclass(frozen=True)
class Rejection:
    reason: str  # for the record, which staff read
    explanation: str  # for the bounce, which the sender reads: names nothing of other customers


def receive(raw: bytes, *, size: int | None = None) -> tuple[InboundMessage, bool]:
    """Handle one mail; ``(record, created)``, and ``created`` is False for a mail seen before.

    ``size`` is the size the server reports; when ``raw`` holds only the header of an
    oversized mail, it is what decides the rejection.
    """
    mail = parse_mail(raw)
    existing = InboundMessage.objects.filter(message_id=mail.message_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return _handle(mail, raw, len(raw) if size is None else size), True
    except IntegrityError:
        # Another poller recorded the same Message-ID first; its transaction did the work.
        existing = InboundMessage.objects.filter(message_id=mail.message_id).first()
        if existing is None:
            raise
        return existing, False


def _handle(mail: ParsedMail, raw: bytes, size: int) -> InboundMessage:
    msg = InboundMessage(
        message_id=mail.message_id,
        sender=mail.sender,
        subject=mail.subject[:255],
        size=size,
        raw=raw,
    )
    if mail.sender and mail.sender in _own_addresses():
        return _finish(msg, InboundStatus.IGNORED, "sent by FixFirst itself (mail loop)")
    if mail.auto_reply:
        return _finish(msg, InboundStatus.IGNORED, f"automatic mail ({mail.auto_reply})")
    if size > settings.FIXFIRST_INBOUND_MAX_BYTES:
        limit = settings.FIXFIRST_INBOUND_MAX_BYTES // (1024 * 1024)
        text = _("The message is larger than the %(limit)s MB limit.") % {"limit": limit}
        return _reject(msg, mail, Rejection(f"too large: {size} bytes", text))
    if mail.problem:
        text = _("The message could not be read.")
        return _reject(msg, mail, Rejection(f"malformed: {mail.problem}", text))
    contacts = list(Contact.objects.filter(email__iexact=mail.sender).select_related("customer"))
    if not contacts:
        text = _("Your address is not registered as a contact of any of our customers.")
        return _reject(msg, mail, Rejection(f"unknown sender {mail.sender}", text))
    if len({c.customer_id for c in contacts}) == 1:
        msg.customer = contacts[0].customer  # a rejection, too, belongs to the sender's customer
    language = msg.customer.language if msg.customer else settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            with transaction.atomic():
                if mail.reference is not None:
                    return _reply(msg, mail, contacts)
                return _new_incident(msg, mail, contacts)
        except ValidationError as exc:
            reason = "; ".join(exc.messages)
            return _reject(msg, mail, Rejection(reason, reason))


def _new_incident(msg: InboundMessage, mail: ParsedMail, contacts: list[Contact]) -> InboundMessage:
    if len({c.customer_id for c in contacts}) > 1:
        text = _("Your address belongs to several customers; please use the portal.")
        return _reject(msg, mail, Rejection("the sender is a contact of several customers", text))
    contact = contacts[0]
    incident = incidents.open_incident(
        by=contact,
        customer=contact.customer,
        title=mail.subject or _("(no subject)"),
        channel=Channel.EMAIL,
        description=mail.body,
        reporter=contact,
    )
    _attach(incident, contact, mail)
    msg.customer, msg.incident = contact.customer, incident
    return _finish(msg, InboundStatus.ACCEPTED_NEW)


def _reply(msg: InboundMessage, mail: ParsedMail, contacts: list[Contact]) -> InboundMessage:
    number = mail.reference
    incident = Incident.objects.filter(number=number).select_related("customer").first()
    mine = [c for c in contacts if incident is not None and c.customer_id == incident.customer_id]
    contact = mine[0] if mine else None
    if incident is None or contact is None:
        # The same words for "no such incident" and "another customer's": a bounce must
        # not tell a stranger which incident numbers exist.
        text = _("%(ref)s is not one of your organisation's incidents.") % {
            "ref": f"{Incident.NUMBER_PREFIX}{number}"
        }
        why = "no such incident" if incident is None else "incident of another customer"
        return _reject(msg, mail, Rejection(f"{Incident.NUMBER_PREFIX}{number}: {why}", text))
    body = strip_quoted(mail.body) or (_("(attachments only)") if mail.attachments else "")
    if not body:
        text = _("The reply has no text above the quoted message.")
        return _reject(msg, mail, Rejection("empty reply", text))
    updates.add_comment(incident, by=contact, body=body, via="email")
    _attach(incident, contact, mail)
    msg.customer, msg.incident = incident.customer, incident
    return _finish(msg, InboundStatus.ACCEPTED_REPLY)


def _attach(incident: Incident, contact: Contact, mail: ParsedMail) -> None:
    """Attach what the limits allow; what they do not is noted on the timeline and told to
    the sender, and the rest of the mail is still accepted."""
    skipped = []
    for item in mail.attachments:
        try:
            with transaction.atomic():
                updates.attach_file(incident, by=contact, upload=_upload(item))
        except ValidationError as exc:
            skipped.append(f"{item.name}: {'; '.join(exc.messages)}")
    if not skipped:
        return
    listing = "\n".join(f"- {line}" for line in skipped)
    updates.add_note(
        incident, by=None, body=_("Attachments in the email that were not kept:") + "\n" + listing
    )
    context = {"incident": incident, "skipped": skipped}
    queue_email(
        to=mail.sender,
        subject=f"[{incident.reference}] " + _("Some attachments were not accepted"),
        body=render_to_string("inbound/email/attachments_skipped.txt", context),
        reason="inbound.attachments_skipped",
        incident=incident,
        headers=_AUTO_REPLY,
    )


def _upload(item: MailAttachment) -> SimpleUploadedFile:
    return SimpleUploadedFile(item.name, item.content, content_type=item.content_type)


def _finish(msg: InboundMessage, status: str, reason: str = "") -> InboundMessage:
    msg.status, msg.reason = status, reason
    msg.save()
    record(
        f"inbound.{status}",
        msg,
        by=msg.sender or None,
        after={"message_id": msg.message_id, "incident": msg.incident_id, "reason": reason},
    )
    return msg


def _reject(msg: InboundMessage, mail: ParsedMail, rejection: Rejection) -> InboundMessage:
    msg = _finish(msg, InboundStatus.REJECTED, rejection.reason)
    if mail.sender:
        context = {"subject": mail.subject, "explanation": rejection.explanation}
        queue_email(
            to=mail.sender,
            subject=_("Not delivered: %(subject)s") % {"subject": mail.subject[:200] or "-"},
            body=render_to_string("inbound/email/rejected.txt", context),
            reason="inbound.rejected",
            customer=msg.customer,
            headers=_AUTO_REPLY,
        )
    return msg


def _own_addresses() -> set[str]:
    candidates = [
        settings.FIXFIRST_INBOUND_ADDRESS,
        settings.DEFAULT_FROM_EMAIL,
        settings.IMAP_USER,
    ]
    return {parseaddr(c)[1].lower() for c in candidates if c and "@" in c}
