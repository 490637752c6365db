"""Paging a person: their notification rules become notifications, sent at once or later.

A delayed notification is a durable row with ``due_at`` plus a task queued to run then; when
it comes due it is skipped if the incident was acknowledged (or this page answered) meanwhile.
Every send goes through ``notify`` as a Delivery written in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from fixfirst.incidents.models import Incident
from fixfirst.incidents.records import lock
from fixfirst.oncall import senders
from fixfirst.oncall.choices import ContactKind, NotificationStatus
from fixfirst.oncall.models import NotificationRule, Page, PageNotification
from fixfirst.tenancy.models import User

# Timers outrank ordinary sends in the queue: a page due now must not wait behind a mail storm.
TIMER_PRIORITY = 50
ACK_SALT = "fixfirst.oncall.ack"


def ack_max_age() -> int:
    return int(getattr(settings, "FIXFIRST_ACK_LINK_HOURS", 24)) * 3600


def ack_token(page: Page) -> str:
    return signing.dumps({"p": page.pk, "i": page.incident_id}, salt=ACK_SALT)


def page_from_token(token: str) -> Page | None:
    """The page an acknowledge link is for; None when forged, expired or gone."""
    try:
        data = signing.loads(token, salt=ACK_SALT, max_age=ack_max_age())
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        Page.objects.select_related("incident", "user")
        .filter(pk=data.get("p"), incident_id=data.get("i"), user__is_active=True)
        .first()
    )


def ack_url(page: Page) -> str:
    return f"{settings.BASE_URL}{reverse('oncall:ack', args=[ack_token(page)])}"


def _message(page: Page) -> tuple[str, str]:
    incident = page.incident
    context = {
        "incident": incident,
        "page": page,
        "person": page.user,
        "ack_url": ack_url(page),
        "incident_url": f"{settings.BASE_URL}{reverse('incidents:detail', args=[incident.number])}",
        "ack_hours": ack_max_age() // 3600,
    }
    with translation.override(page.user.language or settings.LANGUAGE_CODE):
        subject = render_to_string("oncall/email/page_subject.txt", context)
        body = render_to_string("oncall/email/page.txt", context)
    return " ".join(subject.split()), body


# How each kind of contact method is reached: oncall.senders.
SENDERS = senders.SENDERS


def page_user(
    incident: Incident,
    user: User,
    *,
    reason: str = "",
    escalation_id: int | None = None,
    step: int | None = None,
    now: dt.datetime | None = None,
) -> Page:
    """Page ``user`` by their rules, in the caller's transaction. Without a verified rule the
    account's email address is used, so nobody goes unpaged for want of settings."""
    now = now or timezone.now()
    page = Page.objects.create(
        incident=incident, user=user, escalation_id=escalation_id, step=step,
        reason=reason[:200], created_at=now,
    )  # fmt: skip
    rules = list(
        NotificationRule.objects.filter(
            user=user, contact_method__user=user, contact_method__verified_at__isnull=False
        ).select_related("contact_method")
    )
    plan = [(r.contact_method, r.contact_method.kind, r.contact_method.address, r.delay_minutes)
            for r in rules]  # fmt: skip
    if not plan and user.email:
        plan = [(None, ContactKind.EMAIL, user.email, 0)]
    for method, kind, address, delay in plan:
        notification = PageNotification.objects.create(
            page=page, contact_method=method, kind=kind, address=address, delay_minutes=delay,
            due_at=now + dt.timedelta(minutes=delay),
        )  # fmt: skip
        if delay == 0:
            _send(notification, page, now)
        else:
            schedule(notification)
    return page


def schedule(notification: PageNotification) -> None:
    result = send_page_notification.using(run_after=notification.due_at).enqueue(notification.pk)
    PageNotification.objects.filter(pk=notification.pk).update(task_id=result.id)


def answered(page: Page, incident: Incident) -> bool:
    """Whether paging this person further is pointless: the page or the incident was
    acknowledged after the page started, or the incident is no longer open."""
    return (
        page.acknowledged_at is not None
        or not incident.is_open
        or (incident.acknowledged_at is not None and incident.acknowledged_at >= page.created_at)
    )


def _send(notification: PageNotification, page: Page, now: dt.datetime) -> str:
    fields = {"processed_at": now}
    if answered(page, page.incident):
        fields["status"] = NotificationStatus.SKIPPED
    elif (sender := SENDERS.get(notification.kind)) is None:
        fields["status"] = NotificationStatus.FAILED
        fields["error"] = f"FixFirst cannot send {notification.kind} messages yet."
    else:
        subject, body = _message(page)
        out = senders.Outgoing(subject, body, page.incident, link=ack_url(page))
        fields["delivery"] = sender(notification.address, out)
        fields["status"] = NotificationStatus.QUEUED
    for name, value in fields.items():
        setattr(notification, name, value)
    notification.save(update_fields=list(fields))
    return str(notification.status)


def send_due_notification(notification_id: int, now: dt.datetime | None = None) -> str:
    """Send one delayed notification if it is due and still pending; returns what happened."""
    found = (
        PageNotification.objects.filter(pk=notification_id)
        .values_list("page__incident_id", flat=True)
        .first()
    )
    if found is None:
        return "gone"
    with transaction.atomic():
        # The incident first, in the same order as acknowledging takes its locks.
        incident = lock(Incident(pk=found))
        now = now or timezone.now()
        claimed = PageNotification.objects.filter(
            pk=notification_id, status=NotificationStatus.PENDING, due_at__lte=now
        ).update(status=NotificationStatus.QUEUED, processed_at=now)
        if not claimed:
            return "not due"
        notification = PageNotification.objects.select_related("page__user").get(pk=notification_id)
        notification.page.incident = incident
        return _send(notification, notification.page, now)


@task(priority=TIMER_PRIORITY)
def send_page_notification(notification_id: int) -> str:
    return send_due_notification(notification_id)


def skip_pending(pages: QuerySet[Page], now: dt.datetime | None = None) -> int:
    """Skip the delayed notifications of ``pages`` that have not gone out yet."""
    return PageNotification.objects.filter(
        page__in=pages, status=NotificationStatus.PENDING
    ).update(status=NotificationStatus.SKIPPED, processed_at=now or timezone.now())
