"""Email over SMTP, through Django's mail API and the EMAIL_* settings."""

from __future__ import annotations

import contextlib
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from fixfirst.notify.models import Delivery
from fixfirst.notify.transports.base import TransportError

# Without a timeout one unresponsive server would hold a worker forever.
DEFAULT_TIMEOUT = 20


def send(delivery: Delivery) -> None:
    payload = delivery.payload or {}
    headers = {
        # RFC 3834: tells vacation responders and ticket systems not to answer automatically.
        "Auto-Submitted": "auto-generated",
        **payload.get("headers", {}),
        # The same id on every retry: a receiver that got it twice can see it is one message.
        "Message-ID": delivery.message_id,
    }
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or DEFAULT_TIMEOUT)
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body,
        to=[delivery.recipient],
        reply_to=payload.get("reply_to") or None,
        headers=headers,
        connection=connection,
    )
    if delivery.html_body:
        message.attach_alternative(delivery.html_body, "text/html")
    try:
        connection.open()
        try:
            sent = connection.send_messages([message])
        finally:
            # Once the server has accepted the message, a failed QUIT must not cause a resend.
            with contextlib.suppress(smtplib.SMTPException, OSError):
                connection.close()
    except Exception as exc:  # noqa: BLE001 - every failure is classified, none escapes raw
        raise classify(exc) from exc
    if not sent:
        raise TransportError("The mail backend did not accept the message.")


def _reply(code: Any, message: Any) -> str:
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def classify(exc: BaseException) -> TransportError:
    """Permanent for 5xx answers about this message; transient for 4xx and the network."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        text = "; ".join(_reply(code, msg) for code, msg in answers) or str(exc)
        # Greylisting answers 4xx at RCPT: that is a "come back later", not a bad address.
        return TransportError(text, permanent=any(code >= 500 for code, _msg in answers))
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # Our credentials, not this message: once fixed, waiting deliveries should go out.
        return TransportError(f"SMTP login failed: {_reply(exc.smtp_code, exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        text = _reply(exc.smtp_code, exc.smtp_error)
        return TransportError(text, permanent=500 <= exc.smtp_code < 600)
    if isinstance(exc, smtplib.SMTPException | OSError):
        # Refused connections, timeouts, resets, TLS failures, a server that hung up.
        return TransportError(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, ValueError):
        # A header or address Django cannot encode: no retry will change that.
        return TransportError(f"Cannot build the message: {exc}", permanent=True)
    return TransportError(f"{type(exc).__name__}: {exc}")
