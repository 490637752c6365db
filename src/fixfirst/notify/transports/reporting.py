"""A delivery to a channel reports back to the channel (STYLE example 2): a permanent error
marks the channel broken and keeps the error for the channel pages; a message that gets
through marks it verified (and no longer broken). Deliveries without a channel are untouched.

Only outcomes of messages queued after the channel's settings last changed count: a message
still on its way to an old, wrong address says nothing about the corrected channel.
"""

from __future__ import annotations

import functools

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fixfirst.audit.log import record
from fixfirst.notify.channels import Channel
from fixfirst.notify.models import Delivery
from fixfirst.notify.transports.base import Transport, TransportError


def reporting(send: Transport) -> Transport:
    @functools.wraps(send)
    def send_and_report(delivery: Delivery) -> None:
        channel_id = (delivery.payload or {}).get("channel")
        if not channel_id:
            send(delivery)
            return
        try:
            send(delivery)
        except TransportError as exc:
            if exc.permanent:
                mark_broken(channel_id, delivery, str(exc))
            raise
        mark_working(channel_id, delivery)

    return send_and_report


def _current(channel_id: int, delivery: Delivery) -> Q:
    return Q(pk=channel_id, changed_at__lte=delivery.created_at)


@transaction.atomic
def mark_broken(channel_id: int, delivery: Delivery, error: str) -> bool:
    now = timezone.now()
    changed = Channel.objects.filter(_current(channel_id, delivery)).update(
        broken_at=now, last_error=error[:2000]
    )
    if changed:
        channel = Channel.objects.get(pk=channel_id)
        record("channel.broken", channel, after={"error": error[:500], "delivery": delivery.pk})
    return bool(changed)


def mark_working(channel_id: int, delivery: Delivery) -> bool:
    # Only when something changes: the common case (already verified, not broken) writes nothing.
    return bool(
        Channel.objects.filter(_current(channel_id, delivery))
        .filter(Q(verified_at__isnull=True) | Q(broken_at__isnull=False))
        .update(verified_at=timezone.now(), broken_at=None, last_error="")
    )
