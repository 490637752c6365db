"""Subscribers of a status page: email with double opt-in, one-click unsubscribe, and signed
webhooks. Each function runs in one transaction and writes its audit entry; what they are sent
is in ``notifications``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fixfirst.audit.log import record
from fixfirst.net import BlockedAddress, resolve
from fixfirst.notify.services import check_webhook_url
from fixfirst.notify.transports.webhook.signing import new_secret
from fixfirst.statuspage import notifications
from fixfirst.statuspage.choices import SubscriberKind
from fixfirst.statuspage.models import Component, StatusPage, Subscriber


def _components_of(page: StatusPage, components: Iterable[Component]) -> list[Component]:
    chosen = list(components)
    if any(c.page_id != page.pk for c in chosen):
        raise ValidationError({"components": _("A component of another page was chosen.")})
    return chosen


@transaction.atomic
def subscribe_email(
    page: StatusPage, email: str, components: Iterable[Component] = (), *, by: Any = None
) -> Subscriber:
    """Double opt-in: the address gets a confirmation link and nothing else until it is used.
    Subscribing again re-sends the link (unconfirmed) or changes nothing (confirmed): the
    answer is the same either way, so the form does not tell who is subscribed."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    chosen = _components_of(page, components)
    subscriber = Subscriber.objects.filter(
        page=page, kind=SubscriberKind.EMAIL, email=email
    ).first()
    if subscriber is None:
        subscriber = Subscriber.objects.create(page=page, kind=SubscriberKind.EMAIL, email=email)
        subscriber.components.set(chosen)
        record("statuspage.subscribe", subscriber, by=by, after={"kind": "email"})
    elif subscriber.confirmed_at is not None:
        return subscriber
    elif chosen:
        subscriber.components.set(chosen)
    notifications.confirmation(page, subscriber)
    return subscriber


@transaction.atomic
def confirm(token: str) -> Subscriber | None:
    subscriber = (
        Subscriber.objects.select_for_update().filter(confirm_token=token).first()
        if token
        else None
    )
    if subscriber is None:
        return None
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
        record("statuspage.subscribe.confirm", subscriber, after={"kind": subscriber.kind})
    return subscriber


@transaction.atomic
def unsubscribe(token: str) -> Subscriber | None:
    """One click, no login: the token is the authority. Returns the removed subscriber."""
    subscriber = (
        Subscriber.objects.select_related("page").filter(unsubscribe_token=token).first()
        if token
        else None
    )
    if subscriber is None:
        return None
    record("statuspage.unsubscribe", subscriber, after={"kind": subscriber.kind})
    subscriber.delete()
    return subscriber


def _check_reachable(url: str) -> None:
    """A public subscriber's address must lead to the internet, not into our network (the
    transport checks again on every send, as DNS answers may change)."""
    parts = urlsplit(url)
    try:
        resolve(parts.hostname or "", parts.port or 443, allow_private=False)
    except (BlockedAddress, OSError) as exc:
        raise ValidationError({"url": str(exc)}) from exc


@transaction.atomic
def subscribe_webhook(
    page: StatusPage, url: str, components: Iterable[Component] = (), *, by: Any = None
) -> Subscriber:
    """A webhook subscriber, active at once; its signing secret is in ``subscriber.secret``.
    Staff (``by`` given) may point it into the provider's own network; the public may not."""
    try:
        url = check_webhook_url(url)
    except ValidationError as exc:
        raise ValidationError({"url": exc.messages}) from exc
    chosen = _components_of(page, components)
    staff = bool(getattr(by, "is_authenticated", False) and by.is_provider_staff)
    if not staff:
        _check_reachable(url)
    subscriber = Subscriber.objects.create(
        page=page, kind=SubscriberKind.WEBHOOK, url=url, secret=new_secret(),
        allow_private=staff, confirmed_at=timezone.now(),
    )  # fmt: skip
    subscriber.components.set(chosen)
    record("statuspage.subscribe", subscriber, by=by, after={"kind": "webhook", "url": url})
    return subscriber


@transaction.atomic
def remove_subscriber(subscriber: Subscriber, *, by: Any) -> None:
    record(
        "statuspage.subscriber.remove", subscriber, by=by, before={"address": subscriber.address}
    )
    subscriber.delete()
