"""Telling subscribers: confirmation mails, update mails, and Statuspage-shaped webhooks.

Every message is a notify.Delivery queued in the caller's transaction. Email subscribers get
mail only once confirmed (double opt-in); webhook subscribers get one POST per event, shaped
like Statuspage's subscriber notifications (INTEGRATIONS.md §4.3) and signed per Standard
Webhooks. Deliveries carry the page's customer (None for the provider's page) and never the
incident: a public subscriber's address must not show up on a customer's incident page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from fixfirst.notify.services import queue_email, queue_webhook
from fixfirst.statuspage import jsonapi
from fixfirst.statuspage.choices import SubscriberKind
from fixfirst.statuspage.models import (
    Component,
    PageIncident,
    PageUpdate,
    ScheduledMaintenance,
    StatusPage,
    Subscriber,
    public_id,
)


def absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute(
        reverse("statuspage:unsubscribe", args=[subscriber.page.slug, subscriber.unsubscribe_token])
    )


def confirm_url(subscriber: Subscriber) -> str:
    return absolute(
        reverse("statuspage:confirm", args=[subscriber.page.slug, subscriber.confirm_token])
    )


def _mail(
    page: StatusPage, subscriber: Subscriber, template: str, context: dict[str, Any], reason: str
) -> None:
    with translation.override(page.language), timezone.override(jsonapi.tz_of(page)):
        context = {**context, "page": page, "page_url": absolute(page.get_absolute_url()),
                   "unsubscribe_url": unsubscribe_url(subscriber)}  # fmt: skip
        subject = " ".join(
            render_to_string(f"statuspage/email/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"statuspage/email/{template}.txt", context)
    headers = {}
    if template != "confirm":
        # RFC 8058 one-click unsubscribe: mail clients POST to this address, no login needed.
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    queue_email(
        to=subscriber.email, subject=subject[:900], body=body, reason=reason,
        customer=page.customer, headers=headers,
    )  # fmt: skip


def confirmation(page: StatusPage, subscriber: Subscriber) -> None:
    _mail(
        page, subscriber, "confirm", {"confirm_url": confirm_url(subscriber)}, "statuspage.confirm"
    )


def _audience(page: StatusPage, component_ids: Iterable[int]) -> list[Subscriber]:
    """Confirmed subscribers who follow one of these components (or all of them)."""
    wanted = set(component_ids)
    subscribers = page.subscribers.filter(confirmed_at__isnull=False).prefetch_related("components")
    out = []
    for s in subscribers:
        theirs = {c.pk for c in s.components.all()}
        if not theirs or not wanted or theirs & wanted:
            out.append(s)
    return out


def _envelope(page: StatusPage, subscriber: Subscriber) -> dict[str, Any]:
    from fixfirst.statuspage.snapshot import Snapshot

    indicator = Snapshot(page).indicator
    return jsonapi.webhook_envelope(page, indicator.indicator, unsubscribe_url(subscriber))


def _hook(page: StatusPage, subscriber: Subscriber, body: dict[str, Any], reason: str) -> None:
    queue_webhook(
        url=subscriber.url, payload={**_envelope(page, subscriber), **body}, secret=subscriber.secret,
        reason=reason, customer=page.customer, allow_private=subscriber.allow_private,
    )  # fmt: skip


def _components_json(page: StatusPage, components: Iterable[Component]) -> list[dict[str, Any]]:
    return [jsonapi.component_object(c, page, c.status) for c in components]


def incident_update(
    page: StatusPage,
    pi: PageIncident,
    update: PageUpdate,
    changes: list[tuple[Component, str, str]],
) -> None:
    components = list(pi.components.select_related("group").order_by("position", "name"))
    updates = list(pi.updates.order_by("-display_at", "-pk"))
    incident = {
        **jsonapi.incident_object(pi, page, updates, _components_json(page, components)),
        **jsonapi.WEBHOOK_INCIDENT_EXTRAS,
    }
    context = {"subject": pi, "update": update, "url": jsonapi.incident_url(page, pi.public_id),
               "status_label": pi.get_status_display(), "components": components}  # fmt: skip
    for s in _audience(page, [c.pk for c in components]):
        if s.kind == SubscriberKind.EMAIL:
            _mail(page, s, "update", context, "statuspage.incident")
        else:
            _hook(page, s, {"incident": incident}, "statuspage.incident")
    component_changes(page, changes)


def maintenance_update(
    page: StatusPage,
    m: ScheduledMaintenance,
    update: PageUpdate,
    changes: list[tuple[Component, str, str]],
) -> None:
    components = list(m.components.select_related("group").order_by("position", "name"))
    updates = list(m.updates.order_by("-display_at", "-pk"))
    incident = {
        **jsonapi.maintenance_object(m, page, updates, _components_json(page, components)),
        **jsonapi.WEBHOOK_INCIDENT_EXTRAS,
        "scheduled_auto_in_progress": m.auto_transition,
        "scheduled_auto_completed": m.auto_transition,
    }
    context = {"subject": m, "update": update, "url": absolute(page.get_absolute_url()),
               "status_label": m.get_status_display(), "components": components, "maintenance": True}  # fmt: skip
    for s in _audience(page, [c.pk for c in components]):
        if s.kind == SubscriberKind.EMAIL:
            _mail(page, s, "update", context, "statuspage.maintenance")
        else:
            _hook(page, s, {"incident": incident}, "statuspage.maintenance")
    component_changes(page, changes)


def component_changes(page: StatusPage, changes: list[tuple[Component, str, str]]) -> None:
    """One ``component_update`` webhook per changed component (webhook subscribers only:
    an email per component flip would be noise; mails go out with incident updates)."""
    if not changes:
        return
    hooks = [s for s in _audience(page, []) if s.kind == SubscriberKind.WEBHOOK]
    tz = jsonapi.tz_of(page)
    for component, old, new in changes:
        body = {
            "component": jsonapi.component_object(component, page, new),
            "component_update": {
                "id": public_id(),
                "component_id": component.public_id,
                "old_status": old,
                "new_status": new,
                "created_at": jsonapi.stamp(component.updated_at, tz),
                "component_type": "Component",
            },
        }
        for s in hooks:
            theirs = {c.pk for c in s.components.all()}
            if not theirs or component.pk in theirs:
                _hook(page, s, body, "statuspage.component")
