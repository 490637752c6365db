"""Mails an incident causes: to its reporter (received, update, resolved) and to staff
(assigned, escalated, @mentioned, commented). Queued as durable deliveries in the caller's
transaction."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from fixfirst.incidents.models import Incident, TimelineEvent
from fixfirst.notify.services import queue_email
from fixfirst.tenancy.models import User

_MENTION = re.compile(r"(?<![\w@])@([\w.\-]+)")
_LINK_SALT = "fixfirst.incident.resolution"


def subject_tag(incident: Incident) -> str:
    """``[INC-1042]``: replies carrying it land on the incident's timeline."""
    return f"[{incident.reference}]"


def resolution_token(incident: Incident) -> str:
    return signing.dumps({"i": incident.pk, "n": incident.number}, salt=_LINK_SALT)


def incident_id_from_token(token: str) -> int | None:
    """The incident a confirm/reopen link is for; None when forged or expired."""
    max_age = settings.FIXFIRST_REOPEN_DAYS * 86400
    try:
        data = signing.loads(token, salt=_LINK_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return int(data["i"]) if isinstance(data, dict) and "i" in data else None


def _url(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def _reply_to() -> str | None:
    return settings.FIXFIRST_INBOUND_ADDRESS or None


def notify_reporter(incident: Incident, kind: str, event: TimelineEvent | None = None) -> None:
    """kind: received | update | resolved."""
    reporter = incident.reporter
    if reporter is None or not reporter.email:
        return
    context: dict[str, Any] = {
        "incident": incident,
        "event": event,
        "reporter": reporter,
        "tag": subject_tag(incident),
        "view_url": _url(reverse("incidents:portal_detail", args=[incident.number])),
    }
    if kind == "resolved":
        context["link_url"] = _url(
            reverse("incidents:resolution_link", args=[resolution_token(incident)])
        )
    language = (
        reporter.user.language if reporter.user_id and reporter.user.language else ""
    ) or incident.customer.language
    with translation.override(language):
        subject = render_to_string(f"incidents/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"incidents/email/{kind}.txt", context)
    queue_email(
        to=reporter.email,
        subject=" ".join(subject.split()),
        body=body,
        reason=f"reporter.{kind}",
        incident=incident,
        customer=incident.customer,
        reply_to=_reply_to(),
    )


def notify_staff(incident: Incident, people: Iterable[User], reason: str, *, by: Any) -> None:
    """reason: assigned | escalated | mention | comment | reopened | sla_warning | sla_breach."""
    for person in people:
        if not person.email or not person.is_active or person == by:
            continue
        context = {
            "incident": incident,
            "person": person,
            "reason": reason,
            "by": getattr(by, "display_name", None) or str(by or "FixFirst"),
            "tag": subject_tag(incident),
            "url": _url(reverse("incidents:detail", args=[incident.number])),
        }
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject = render_to_string("incidents/email/staff_subject.txt", context).strip()
            body = render_to_string("incidents/email/staff.txt", context)
        queue_email(
            to=person.email,
            subject=" ".join(subject.split()),
            body=body,
            reason=f"staff.{reason}",
            incident=incident,
            customer=incident.customer,
        )


def mentioned_staff(text: str) -> list[User]:
    names = set(_MENTION.findall(text))
    if not names:
        return []
    return list(User.objects.filter(username__in=names, customer__isnull=True, is_active=True))


def notify_mentions(incident: Incident, text: str, *, by: Any) -> None:
    notify_staff(incident, mentioned_staff(text), "mention", by=by)
