"""Integrations (where alerts come from), alerts, routing rules and silences."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fixfirst.incidents.choices import IncidentClass, Priority


class IntegrationKind(models.TextChoices):
    ALERTMANAGER = "alertmanager", _("Prometheus Alertmanager")
    GRAFANA = "grafana", _("Grafana")
    ZABBIX = "zabbix", _("Zabbix")
    WEBHOOK = "webhook", _("Generic webhook")
    PAGERDUTY = "pagerduty", _("PagerDuty Events API v2")


class WhenCleared(models.TextChoices):
    RESOLVE = "resolve", _("Resolve the incident")
    MONITORING = "monitoring", _("Move the incident to monitoring")
    NOTHING = "nothing", _("Leave the incident as it is")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


DEFAULT_SEVERITY_PRIORITY = {"critical": 1, "error": 2, "warning": 3, "info": 4}


class Integration(models.Model):
    """A source of alerts with its own secret key (the URL token / PagerDuty routing key)."""

    tenancy_path: ClassVar[str] = "customer"

    customer = models.ForeignKey(
        "tenancy.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="integrations",
        help_text=_("Empty for the provider's own monitoring; routing rules pick the customer."),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=IntegrationKind.choices)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(max_length=8, editable=False)
    default_service = models.ForeignKey(
        "catalog.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "tenancy.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    severity_priority = models.JSONField(
        _("priority per severity"), default=dict, blank=True,
        help_text=_('e.g. {"critical": 1, "error": 2, "warning": 3, "info": 4}'),
    )  # fmt: skip
    group_by = models.JSONField(
        _("group by labels"), default=list, blank=True,
        help_text=_("Label names; empty = customer + service + alert name."),
    )  # fmt: skip
    group_window_minutes = models.PositiveIntegerField(_("grouping window (minutes)"), default=60)
    when_cleared = models.CharField(
        _("when every alert has cleared"), max_length=12, choices=WhenCleared.choices,
        default=WhenCleared.RESOLVE,
    )  # fmt: skip
    flap_threshold = models.PositiveSmallIntegerField(
        _("flapping after this many state changes"), default=4
    )
    flap_window_minutes = models.PositiveIntegerField(_("flapping window (minutes)"), default=30)
    field_mapping = models.JSONField(_("field mapping (generic webhook)"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_alert_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def new_key() -> str:
        # 32 hex characters: the length PagerDuty clients expect of a routing key.
        return secrets.token_hex(16)

    def set_key(self, key: str) -> None:
        self.key_hash = hash_key(key)
        self.key_hint = key[:6]

    def priority_for(self, severity: str) -> int:
        table = {**DEFAULT_SEVERITY_PRIORITY, **(self.severity_priority or {})}
        value = table.get(severity, Priority.P3)
        return value if value in Priority.values else Priority.P3


class MatchOp(models.TextChoices):
    EQUALS = "=", _("equals")
    NOT_EQUALS = "!=", _("does not equal")
    REGEX = "=~", _("matches regex")
    NOT_REGEX = "!~", _("does not match regex")


def validate_matchers(value: Any) -> None:
    """Matchers are ``[{"label": str, "op": "=", "value": str}, ...]``; regexes must compile."""
    if not isinstance(value, list):
        raise ValidationError(_("Matchers must be a list."))
    for index, matcher in enumerate(value):
        if not isinstance(matcher, dict) or set(matcher) - {"label", "op", "value"}:
            raise ValidationError(
                gettext("Matcher %(index)s: use label, op and value.") % {"index": index}
            )
        label, op, expected = matcher.get("label"), matcher.get("op", "="), matcher.get("value")
        if not isinstance(label, str) or not label or not isinstance(expected, str):
            raise ValidationError(
                gettext("Matcher %(index)s: label and value must be text.") % {"index": index}
            )
        if op not in MatchOp.values:
            raise ValidationError(
                gettext("Matcher %(index)s: unknown op %(op)s; use =, !=, =~ or !~.")
                % {"index": index, "op": repr(op)}
            )
        if op in (MatchOp.REGEX, MatchOp.NOT_REGEX):
            try:
                re.compile(expected)
            except re.error as exc:
                raise ValidationError(
                    gettext("Matcher %(index)s: bad regex: %(error)s")
                    % {"index": index, "error": exc}
                ) from exc


class RoutingRule(models.Model):
    """Ordered label matchers that set where an alert goes, or drop it. First match wins
    unless the rule says to continue."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, null=True, blank=True, related_name="rules",
        help_text=_("Empty: applies to every integration."),
    )  # fmt: skip
    position = models.PositiveIntegerField(_("order"), default=100)
    name = models.CharField(_("name"), max_length=100)
    matchers = models.JSONField(
        _("matchers"), default=list, blank=True, validators=[validate_matchers]
    )
    set_customer = models.ForeignKey(
        "tenancy.Customer", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    set_service = models.ForeignKey(
        "catalog.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_priority = models.PositiveSmallIntegerField(choices=Priority.choices, null=True, blank=True)
    set_class = models.CharField(max_length=8, choices=IncidentClass.choices, blank=True)
    set_team = models.ForeignKey(
        "tenancy.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    drop = models.BooleanField(_("drop the alert"), default=False)
    continue_matching = models.BooleanField(_("continue with the next rule"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class SilenceKind(models.TextChoices):
    SILENCE = "silence", _("Silence")
    MAINTENANCE = "maintenance", _("Maintenance window")


class Silence(models.Model):
    """Alerts matching these labels between start and end are stored but open no incident."""

    tenancy_path: ClassVar[str] = "customer"

    kind = models.CharField(max_length=12, choices=SilenceKind.choices, default=SilenceKind.SILENCE)
    customer = models.ForeignKey(
        "tenancy.Customer", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        help_text=_("Only this customer's alerts; empty = all."),
    )  # fmt: skip
    matchers = models.JSONField(
        _("matchers"), default=list, blank=True, validators=[validate_matchers]
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    comment = models.TextField(_("comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="silence_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class AlertStatus(models.TextChoices):
    FIRING = "firing", _("Firing")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class Alert(models.Model):
    """One alert, deduplicated by (integration, fingerprint); re-sends update it."""

    tenancy_path: ClassVar[str] = "customer"

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="alerts")
    fingerprint = models.CharField(max_length=255)
    customer = models.ForeignKey(
        "tenancy.Customer", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
    )
    status = models.CharField(
        max_length=12, choices=AlertStatus.choices, default=AlertStatus.FIRING
    )
    name = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    severity = models.CharField(max_length=10)
    labels = models.JSONField(default=dict)
    annotations = models.JSONField(default=dict)
    source_url = models.URLField(max_length=1000, blank=True)
    group_key = models.CharField(max_length=255, db_index=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    occurrences = models.PositiveIntegerField(default=1)
    # Recent state changes (ISO times), kept to the flapping window.
    changes = models.JSONField(default=list)
    flapping = models.BooleanField(default=False)
    silenced_by = models.ForeignKey(
        Silence, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    # The rule that decided the route (the last one applied); its escalation policy, when it
    # has one, pages for the alert's incident (oncall.escalation.policy_for).
    routing_rule = models.ForeignKey(
        RoutingRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    raw = models.JSONField(default=dict)

    class Meta:
        ordering = ["-last_seen"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "fingerprint"], name="alert_dedup")
        ]
        indexes = [models.Index(fields=["incident", "status"], name="alert_incident_status")]

    def __str__(self) -> str:
        return self.name


class AlertGroup(models.Model):
    """Which incident alerts with one grouping key currently join."""

    group_key = models.CharField(max_length=255, unique=True)
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    last_alert_at = models.DateTimeField(default=timezone.now)


class ChangeEvent(models.Model):
    """A PagerDuty-style change event (a deploy, a config change): context, not an alert."""

    tenancy_path: ClassVar[str] = "integration__customer"

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="changes")
    summary = models.CharField(max_length=1024)
    source = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(default=timezone.now)
    details = models.JSONField(default=dict)
    links = models.JSONField(default=list)

    class Meta:
        ordering = ["-at"]
