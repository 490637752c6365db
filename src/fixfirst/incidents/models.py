"""Incidents, their timeline, the priority matrix and the SLA settings they are measured by."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fixfirst.incidents.choices import (
    OPEN_STATUSES,
    Channel,
    EventKind,
    Impact,
    IncidentClass,
    LinkKind,
    Priority,
    ResolutionCode,
    Status,
    SupportLevel,
    Urgency,
)


class PriorityRule(models.Model):
    """One cell of the impact x urgency matrix (provider-wide, editable)."""

    impact = models.PositiveSmallIntegerField(_("impact"), choices=Impact.choices)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)

    class Meta:
        ordering = ["impact", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="priority_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_impact_display()} x {self.get_urgency_display()} = P{self.priority}"


class Category(models.Model):
    """A node of the category tree, e.g. Workplace > Email > Outlook."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["parent__name", "name"]
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_in_parent")
        ]

    def __str__(self) -> str:
        return f"{self.parent} › {self.name}" if self.parent_id else self.name


class BusinessCalendar(models.Model):
    """Opening hours in a time zone, with holidays; SLA time counts only inside them."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    # [[weekday 0=Mon, "08:00", "18:00"], ...]; "00:00" as an end means midnight (24:00).
    hours = models.JSONField(_("opening hours"), default=list)
    always_open = models.BooleanField(_("24x7"), default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="holiday_once")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class SlaPolicy(models.Model):
    """A contract's service levels: a calendar and targets per priority."""

    tenancy_path: ClassVar[str] = "contract__customer"

    contract = models.OneToOneField(
        "tenancy.Contract", on_delete=models.CASCADE, related_name="sla_policy"
    )
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="policies"
    )
    p1_always_open = models.BooleanField(
        _("P1 measured 24x7"), default=True, help_text=_("P1 clocks run around the clock.")
    )
    warn_share = models.FloatField(
        _("warn at share of target"), default=0.75, help_text=_("0.75 = warn at 75 %.")
    )

    def __str__(self) -> str:
        return f"SLA {self.contract}"


class SlaTarget(models.Model):
    tenancy_path: ClassVar[str] = "policy__contract__customer"

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(_("response within (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolve within (minutes)"))

    class Meta:
        ordering = ["priority"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_once"),
            models.CheckConstraint(
                condition=models.Q(response_minutes__gt=0, resolution_minutes__gt=0),
                name="sla_target_positive",
            ),
        ]


class NumberSequence(models.Model):
    """Readable incident numbers (INC-1001, ...), handed out under a row lock."""

    name = models.CharField(max_length=20, primary_key=True)
    last = models.PositiveBigIntegerField(default=1000)


class Incident(models.Model):
    tenancy_path: ClassVar[str] = "customer"
    NUMBER_PREFIX: ClassVar[str] = "INC-"

    number = models.PositiveBigIntegerField(_("number"), unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    customer = models.ForeignKey(
        "tenancy.Customer", on_delete=models.PROTECT, related_name="incidents"
    )
    reporter = models.ForeignKey(
        "tenancy.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("reporter"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    services = models.ManyToManyField(
        "catalog.Service", blank=True, related_name="incidents", verbose_name=_("services")
    )
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("category")
    )
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Impact.choices)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    reported_high_impact = models.BooleanField(_("customer reported high impact"), default=False)
    incident_class = models.CharField(
        _("class"), max_length=8, choices=IncidentClass.choices, default=IncidentClass.MINOR
    )
    support_level = models.PositiveSmallIntegerField(
        _("support level"), choices=SupportLevel.choices, default=SupportLevel.FIRST
    )
    team = models.ForeignKey(
        "tenancy.Team", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("team")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_incidents",
        verbose_name=_("assignee"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    workaround = models.TextField(_("workaround"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolution_code = models.CharField(
        _("resolution code"), max_length=16, choices=ResolutionCode.choices, blank=True
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    # SLA, frozen when the incident opens or its priority changes (editing a contract never
    # changes the clock of an incident in flight). Empty when the customer has no SLA.
    sla_terms = models.JSONField(default=dict, blank=True)
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    response_warned = models.BooleanField(default=False)
    resolution_warned = models.BooleanField(default=False)
    # When the SLA job should look at this incident next (warning or breach instant).
    sla_next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["status", "priority", "opened_at"], name="inc_queue"),
            models.Index(fields=["customer", "status", "opened_at"], name="inc_customer_queue"),
            models.Index(fields=["assignee", "status"], name="inc_assignee"),
            models.Index(fields=["team", "status"], name="inc_team"),
            models.Index(fields=["resolution_due_at"], name="inc_due"),
            # The queue's default order over all incidents ("all" tab): no sort of the table.
            models.Index(fields=["priority", "opened_at"], name="inc_priority"),
            # Every column the queue's tab counts look at, status first: counting the open
            # incidents reads this index only, never the table. (Not a partial index: Django
            # binds the IN list as parameters, and SQLite then cannot prove the condition.)
            models.Index(
                fields=[
                    "status",
                    "assignee",
                    "team",
                    "resolution_due_at",
                    "resolution_breached",
                    "response_breached",
                    "customer",
                ],
                name="inc_tab_counts",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"{self.NUMBER_PREFIX}{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class IncidentLink(models.Model):
    tenancy_path: ClassVar[str] = "source__customer"

    source = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=16, choices=LinkKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="link_once"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="link_not_self"
            ),
        ]


class SlaPause(models.Model):
    """A span the SLA clock stood still (waiting for the customer)."""

    tenancy_path: ClassVar[str] = "incident__customer"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]


class TimelineEvent(models.Model):
    """Append-only: what happened to an incident, internal or public."""

    tenancy_path: ClassVar[str] = "incident__customer"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    public = models.BooleanField(default=False)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["incident", "at"], name="event_incident_at")]

    def __str__(self) -> str:
        return f"{self.incident.reference} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Timeline events cannot be changed.")
        super().save(*args, **kwargs)


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.incident_id}/{dt.date.today():%Y%m}/{filename}"


class Attachment(models.Model):
    tenancy_path: ClassVar[str] = "incident__customer"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    event = models.OneToOneField(TimelineEvent, on_delete=models.CASCADE, related_name="attachment")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
