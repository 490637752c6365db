"""Status pages: components in groups, published incidents with their updates, scheduled
maintenance and subscribers. Statuses are Atlassian Statuspage's (see ``choices``)."""

from __future__ import annotations

import secrets
import string
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fixfirst.statuspage.choices import (
    ComponentStatus,
    Impact,
    IncidentStatus,
    MaintenanceStatus,
    SubscriberKind,
    Visibility,
)

_ID_ALPHABET = string.ascii_lowercase + string.digits


def public_id() -> str:
    """A 12-character id like Statuspage's (``srhpyqt94yxb``): no database ids leak out."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))


def new_token() -> str:
    return secrets.token_urlsafe(32)


class StatusPage(models.Model):
    """One status page: the provider's own (no customer) or one customer's."""

    tenancy_path: ClassVar[str] = "customer"

    public_id = models.CharField(max_length=12, unique=True, default=public_id, editable=False)
    slug = models.SlugField(_("address"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey(
        "tenancy.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_pages",
        verbose_name=_("customer"),
        help_text=_("Empty for the provider's own page."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    intro = models.TextField(_("introduction"), blank=True)
    support_url = models.URLField(_("support address"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Bumped by every service that changes what the page shows: the cache key includes it.
    version = models.PositiveBigIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["customer__name", "name"]
        verbose_name = _("status page")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/status/{self.slug}/"

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class ComponentGroup(models.Model):
    tenancy_path: ClassVar[str] = "page__customer"

    public_id = models.CharField(max_length=12, unique=True, default=public_id, editable=False)
    page = models.ForeignKey(StatusPage, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("component group")

    def __str__(self) -> str:
        return self.name


class Component(models.Model):
    """Something the readers of a page care about; usually one catalogue service."""

    tenancy_path: ClassVar[str] = "page__customer"

    public_id = models.CharField(max_length=12, unique=True, default=public_id, editable=False)
    page = models.ForeignKey(StatusPage, on_delete=models.CASCADE, related_name="components")
    group = models.ForeignKey(
        ComponentGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="components",
        verbose_name=_("group"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_components",
        verbose_name=_("service"),
        help_text=_("Open incidents on this service set the component's status."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    showcase = models.BooleanField(_("show uptime"), default=True)
    only_show_if_degraded = models.BooleanField(_("only show when not operational"), default=False)
    follow_incidents = models.BooleanField(
        _("follow incidents"),
        default=True,
        help_text=_("Derive the status from open incidents on the service."),
    )
    # The status shown now: recomputed by services.refresh_page from incidents, published
    # incidents, maintenance and the override, so readers never wait for that computation.
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ComponentStatus.choices,
        default=ComponentStatus.OPERATIONAL,
        editable=False,
    )
    override_status = models.CharField(
        _("manual status"), max_length=24, choices=ComponentStatus.choices, blank=True
    )
    override_until = models.DateTimeField(_("manual status until"), null=True, blank=True)
    start_date = models.DateField(_("in service since"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("component")

    def __str__(self) -> str:
        return self.name

    def override_active(self, now: object = None) -> bool:
        if not self.override_status:
            return False
        return self.override_until is None or self.override_until > (now or timezone.now())  # type: ignore[operator]


class PageIncident(models.Model):
    """An incident as a page shows it: linked to a FixFirst incident, or status-only."""

    tenancy_path: ClassVar[str] = "page__customer"

    public_id = models.CharField(max_length=12, unique=True, default=public_id, editable=False)
    page = models.ForeignKey(StatusPage, on_delete=models.CASCADE, related_name="incidents")
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="page_incidents",
        verbose_name=_("incident"),
    )
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=IncidentStatus.choices,
        default=IncidentStatus.INVESTIGATING,
    )
    impact = models.CharField(
        _("impact"), max_length=8, choices=Impact.choices, default=Impact.MINOR
    )
    components = models.ManyToManyField(
        Component, blank=True, related_name="page_incidents", verbose_name=_("affected components")
    )
    # What the affected components show while this incident is unresolved.
    component_status = models.CharField(
        _("component status"),
        max_length=24,
        choices=ComponentStatus.choices,
        default=ComponentStatus.DEGRADED,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(default=timezone.now)
    monitoring_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("published incident")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "incident"],
                condition=models.Q(incident__isnull=False),
                name="page_incident_once",
            )
        ]
        indexes = [models.Index(fields=["page", "status"], name="sp_incident_status")]

    def __str__(self) -> str:
        return self.name


class ScheduledMaintenance(models.Model):
    tenancy_path: ClassVar[str] = "page__customer"

    public_id = models.CharField(max_length=12, unique=True, default=public_id, editable=False)
    page = models.ForeignKey(StatusPage, on_delete=models.CASCADE, related_name="maintenances")
    name = models.CharField(_("name"), max_length=200)
    body = models.TextField(_("description"))
    components = models.ManyToManyField(
        Component, blank=True, related_name="maintenances", verbose_name=_("components")
    )
    scheduled_for = models.DateTimeField(_("starts"))
    scheduled_until = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MaintenanceStatus.choices,
        default=MaintenanceStatus.SCHEDULED,
    )
    # Move to in progress / completed by the clock (the periodic job); off = by hand.
    auto_transition = models.BooleanField(_("start and end automatically"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_for", "-pk"]
        verbose_name = _("scheduled maintenance")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scheduled_until__gt=models.F("scheduled_for")),
                name="maintenance_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["status", "scheduled_for"], name="sp_maintenance_due")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.scheduled_for
            and self.scheduled_until
            and self.scheduled_until <= self.scheduled_for
        ):
            raise ValidationError(
                {"scheduled_until": _("The maintenance must end after it starts.")}
            )


class PageUpdate(models.Model):
    """One message on a published incident or a maintenance; append-only."""

    tenancy_path: ClassVar[str] = "page__customer"

    public_id = models.CharField(max_length=12, unique=True, default=public_id, editable=False)
    page = models.ForeignKey(StatusPage, on_delete=models.CASCADE, related_name="updates")
    page_incident = models.ForeignKey(
        PageIncident, on_delete=models.CASCADE, null=True, blank=True, related_name="updates"
    )
    maintenance = models.ForeignKey(
        ScheduledMaintenance,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="updates",
    )
    status = models.CharField(_("status"), max_length=16)
    body = models.TextField(_("message"))
    # [{"code": component public id, "name", "old_status", "new_status"}], as Statuspage sends.
    affected_components = models.JSONField(default=list, blank=True)
    deliver_notifications = models.BooleanField(default=True)
    author = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    display_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-display_at", "-pk"]
        verbose_name = _("status update")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(page_incident__isnull=False, maintenance__isnull=True)
                | models.Q(page_incident__isnull=True, maintenance__isnull=False),
                name="page_update_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.status}: {self.body[:60]}"


class Subscriber(models.Model):
    """Someone told about changes: an email address (after double opt-in) or a webhook."""

    tenancy_path: ClassVar[str] = "page__customer"

    page = models.ForeignKey(StatusPage, on_delete=models.CASCADE, related_name="subscribers")
    kind = models.CharField(_("kind"), max_length=8, choices=SubscriberKind.choices)
    email = models.EmailField(_("email"), blank=True)
    url = models.URLField(_("webhook address"), max_length=1000, blank=True)
    # Standard Webhooks signing secret, ``whsec_<base64>``: shown to the subscriber once.
    secret = models.CharField(max_length=100, blank=True, editable=False)
    # Staff-made webhooks may point into the provider's own network; public ones may not.
    allow_private = models.BooleanField(default=False, editable=False)
    components = models.ManyToManyField(
        Component,
        blank=True,
        related_name="subscribers",
        verbose_name=_("components"),
        help_text=_("None chosen: every component."),
    )
    confirm_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribe_token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("subscriber")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "email"],
                condition=models.Q(kind=SubscriberKind.EMAIL),
                name="subscriber_email_once",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=SubscriberKind.EMAIL, url="") & ~models.Q(email="")
                | models.Q(kind=SubscriberKind.WEBHOOK, email="") & ~models.Q(url=""),
                name="subscriber_email_or_url",
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.url

    @property
    def address(self) -> str:
        return self.email or self.url
