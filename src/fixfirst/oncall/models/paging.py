"""How a person is reached (contact methods, personal notification rules) and the pages sent."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fixfirst.oncall.choices import ContactKind, NotificationStatus


class ContactMethod(models.Model):
    """An address a person can be paged at; used only once verified."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_methods"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ContactKind.choices)
    address = models.CharField(_("address"), max_length=254)
    label = models.CharField(_("label"), max_length=50, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    # A one-time code sent over the channel itself (non-email kinds); only its hash is kept.
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["user", "kind", "address"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "address"], name="oncall_contact_method_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.address}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class NotificationRule(models.Model):
    """ "Page me by <method> <delay> minutes after a page starts" (email at 0, sms at 5)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_rules"
    )
    contact_method = models.ForeignKey(
        ContactMethod, on_delete=models.CASCADE, related_name="rules", verbose_name=_("by")
    )
    delay_minutes = models.PositiveSmallIntegerField(_("after (minutes)"), default=0)

    class Meta:
        ordering = ["user", "delay_minutes", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact_method", "delay_minutes"], name="oncall_rule_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_method} after {self.delay_minutes} min"


class Page(models.Model):
    """One person paged about one incident; its acknowledge link points here."""

    tenancy_path: ClassVar[str] = "incident__customer"

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="pages"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pages_received"
    )
    escalation = models.ForeignKey(
        "oncall.Escalation", on_delete=models.CASCADE, null=True, blank=True, related_name="pages"
    )
    step = models.PositiveSmallIntegerField(null=True, blank=True)  # 1-based, as people count
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["incident", "created_at"], name="oncall_page_incident")]

    def __str__(self) -> str:
        return f"page {self.pk} to {self.user_id} for incident {self.incident_id}"


class PageNotification(models.Model):
    """One notification rule applied to a page: sent at once, or a durable timer that is
    skipped if the incident is acknowledged before it is due."""

    tenancy_path: ClassVar[str] = "page__incident__customer"

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="notifications")
    contact_method = models.ForeignKey(
        ContactMethod, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Copied, so that the record still says where it went after the method is deleted.
    kind = models.CharField(max_length=8, choices=ContactKind.choices)
    address = models.CharField(max_length=254)
    delay_minutes = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=8, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    delivery = models.ForeignKey(
        "notify.Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(status=NotificationStatus.PENDING),
                name="oncall_notification_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.address} at {self.due_at:%H:%M}"
