"""A person's contact methods and notification rules, and proving an address is theirs.

Email is verified by a signed link mailed to the address. Every other kind is verified by a
six-digit code sent over that channel itself; until notify has a transport for the kind
(``paging.SENDERS``), such a method can be saved but not verified, and is never paged. We do
not send its code by email instead: that would prove the mailbox, not the phone or topic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fixfirst.audit.log import record
from fixfirst.notify.services import queue_email
from fixfirst.oncall.choices import ContactKind
from fixfirst.oncall.models import ContactMethod, NotificationRule
from fixfirst.oncall.senders import SENDERS, Outgoing
from fixfirst.tenancy.models import User

VERIFY_SALT = "fixfirst.oncall.verify"
VERIFY_MAX_AGE = 3 * 86400
CODE_TTL = dt.timedelta(minutes=15)
MAX_CODE_ATTEMPTS = 5
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def check_address(kind: str, address: str) -> str:
    """The address normalised, or a ValidationError saying what a valid one looks like."""
    address = (address or "").strip()
    if kind == ContactKind.EMAIL:
        validate_email(address)
        return address
    if kind == ContactKind.SMS:
        number = re.sub(r"[\s().-]", "", address)
        if not _E164.match(number):
            raise ValidationError(_("Enter the number in international form, e.g. +31612345678."))
        return number
    if kind == ContactKind.PUSH:
        topic = urlsplit(address).path.strip("/") if "://" in address else address
        if not _TOPIC.match(topic) or ("://" in address and not address.startswith("https://")):
            raise ValidationError(
                _("Enter an ntfy topic (letters, digits, - and _) or its https URL.")
            )
        return address
    if kind == ContactKind.WEBHOOK:
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.hostname or len(address) > 254:
            raise ValidationError(_("Enter an http(s) address."))
        return address
    raise ValidationError(_("Unknown kind of contact method."))


def can_verify(kind: str) -> bool:
    return kind in SENDERS


@transaction.atomic
def add_contact_method(
    user: User, *, by: Any, kind: str, address: str, label: str = ""
) -> ContactMethod:
    """Save an address; for email, mail the verification link at once."""
    if not user.is_provider_staff:
        raise ValidationError(_("Only provider staff are paged."))
    try:
        address = check_address(kind, address)
    except ValidationError as exc:
        raise ValidationError({"address": exc.messages}) from exc
    if ContactMethod.objects.filter(user=user, kind=kind, address=address).exists():
        raise ValidationError({"address": _("You have this address already.")})
    method = ContactMethod.objects.create(user=user, kind=kind, address=address, label=label)
    record("contact_method.create", method, by=by, after={"kind": kind, "address": address})
    if kind == ContactKind.EMAIL:
        send_verification(method, by=by)
    return method


@transaction.atomic
def delete_contact_method(method: ContactMethod, *, by: Any) -> None:
    record(
        "contact_method.delete",
        method,
        by=by,
        before={"kind": method.kind, "address": method.address},
    )
    method.delete()


def verification_token(method: ContactMethod) -> str:
    return signing.dumps({"m": method.pk, "a": method.address}, salt=VERIFY_SALT)


def method_from_token(token: str) -> ContactMethod | None:
    """The method a verification link is for; None if forged, expired, or the address changed."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        ContactMethod.objects.select_related("user")
        .filter(pk=data.get("m"), address=data.get("a"))
        .first()
    )


def _code_hash(method: ContactMethod, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{method.pk}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _mail(method: ContactMethod, template: str, context: dict[str, Any]) -> None:
    with translation.override(method.user.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"oncall/email/{template}_subject.txt", context)
        body = render_to_string(f"oncall/email/{template}.txt", context)
    queue_email(
        to=method.address, subject=" ".join(subject.split()), body=body, reason="oncall.verify"
    )


@transaction.atomic
def send_verification(method: ContactMethod, *, by: Any) -> str:
    """Send the link (email) or a code (other kinds); returns "link" or "code"."""
    if method.is_verified:
        raise ValidationError(_("This address is verified already."))
    context = {"person": method.user, "method": method}
    if method.kind == ContactKind.EMAIL:
        link = reverse("oncall:verify_email", args=[verification_token(method)])
        _mail(method, "verify", {**context, "url": f"{settings.BASE_URL}{link}"})
        return "link"
    sender = SENDERS.get(method.kind)
    if sender is None:
        raise ValidationError(
            _("FixFirst cannot send %(kind)s messages yet, so this address cannot be verified yet; "
              "it is not used for paging until then.") % {"kind": method.get_kind_display()}
        )  # fmt: skip
    code = f"{secrets.randbelow(10**6):06d}"
    method.code_hash = _code_hash(method, code)
    method.code_expires_at = timezone.now() + CODE_TTL
    method.code_attempts = 0
    method.save(update_fields=["code_hash", "code_expires_at", "code_attempts"])
    with translation.override(method.user.language or settings.LANGUAGE_CODE):
        text = _("Your FixFirst verification code: %(code)s") % {"code": code}
    sender(method.address, Outgoing(text, text, None))
    return "code"


@transaction.atomic
def confirm_link(method: ContactMethod) -> bool:
    """The verification link was followed (and its button pressed); False if already verified."""
    if not ContactMethod.objects.filter(pk=method.pk, verified_at__isnull=True).update(
        verified_at=timezone.now()
    ):
        return False
    record("contact_method.verify", method, by=method.user, after={"via": "link"})
    return True


def confirm_code(method: ContactMethod, code: str, *, by: Any) -> None:
    """Verify by the code sent over the channel; a wrong code counts toward the limit."""
    if not _try_code(method, code, by):
        raise ValidationError({"code": _("That code is wrong or expired. Send a new one.")})


@transaction.atomic
def _try_code(method: ContactMethod, code: str, by: Any) -> bool:
    # Returns instead of raising, so that a wrong attempt is counted (not rolled back).
    method = ContactMethod.objects.select_for_update().get(pk=method.pk)
    if method.is_verified:
        return True
    usable = (
        method.code_hash
        and method.code_expires_at is not None
        and method.code_expires_at > timezone.now()
        and method.code_attempts < MAX_CODE_ATTEMPTS
    )
    if usable and hmac.compare_digest(method.code_hash, _code_hash(method, (code or "").strip())):
        method.verified_at, method.code_hash = timezone.now(), ""
        method.save(update_fields=["verified_at", "code_hash"])
        record("contact_method.verify", method, by=by, after={"via": "code"})
        return True
    if usable:
        method.code_attempts += 1
        method.save(update_fields=["code_attempts"])
    return False


@transaction.atomic
def add_rule(
    user: User, *, by: Any, contact_method: ContactMethod, delay_minutes: int
) -> NotificationRule:
    if contact_method.user_id != user.pk:
        raise ValidationError({"contact_method": _("Choose one of your own contact methods.")})
    if NotificationRule.objects.filter(
        contact_method=contact_method, delay_minutes=delay_minutes
    ).exists():
        raise ValidationError({"delay_minutes": _("You have this rule already.")})
    rule = NotificationRule.objects.create(
        user=user, contact_method=contact_method, delay_minutes=delay_minutes
    )
    record(
        "notification_rule.create",
        rule,
        by=by,
        after={"method": str(contact_method), "delay_minutes": delay_minutes},
    )
    return rule


@transaction.atomic
def delete_rule(rule: NotificationRule, *, by: Any) -> None:
    record(
        "notification_rule.delete",
        rule,
        by=by,
        before={"method": str(rule.contact_method), "delay_minutes": rule.delay_minutes},
    )
    rule.delete()
