"""Escalation policies (whom to page, after how long) and the escalations running them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fixfirst.oncall.choices import EscalationStatus, TargetKind


class EscalationPolicy(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    repeat_count = models.PositiveSmallIntegerField(
        _("repeat"), default=0, help_text=_("Run all steps again this many times.")
    )
    repeat_after_minutes = models.PositiveSmallIntegerField(
        _("repeat after (minutes)"), default=10,
        help_text=_("Wait after the last step before starting over."),
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("escalation policy")
        verbose_name_plural = _("escalation policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(repeat_count__lte=9), name="oncall_policy_repeat_max"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EscalationStep(models.Model):
    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("step"))
    delay_minutes = models.PositiveSmallIntegerField(
        _("after (minutes)"), default=0,
        help_text=_("Minutes after the previous step (for step 1: after the start)."),
    )  # fmt: skip

    class Meta:
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "position"], name="oncall_step_position")
        ]

    def __str__(self) -> str:
        return f"{self.policy} step {self.position}"


class EscalationTarget(models.Model):
    step = models.ForeignKey(EscalationStep, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("whom"), max_length=16, choices=TargetKind.choices)
    schedule = models.ForeignKey(
        "oncall.Schedule", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        "tenancy.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["step", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind=TargetKind.SCHEDULE, schedule__isnull=False)
                    | models.Q(kind=TargetKind.USER, user__isnull=False)
                    | models.Q(kind=TargetKind.TEAM, team__isnull=False)
                    | models.Q(kind=TargetKind.ALL_ENGINEERS)
                ),
                name="oncall_target_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return self.label()

    def label(self) -> str:
        if self.kind == TargetKind.SCHEDULE and self.schedule:
            return str(_("on call in %(name)s") % {"name": self.schedule.name})
        if self.kind == TargetKind.USER and self.user:
            return self.user.get_username()
        if self.kind == TargetKind.TEAM and self.team:
            return str(_("team %(name)s") % {"name": self.team.name})
        return str(TargetKind.ALL_ENGINEERS.label)

    def frozen(self) -> dict[str, Any]:
        """What an escalation keeps of this target; names so the timeline reads well later."""
        ref = self.schedule or self.user or self.team
        return {
            "kind": self.kind,
            "id": ref.pk if ref is not None else None,
            "name": (ref.get_username() if self.user else str(ref)) if ref is not None else "",
        }


class ServicePolicy(models.Model):
    """The policy that pages for incidents of a catalogue service."""

    service = models.OneToOneField(
        "catalog.Service", on_delete=models.CASCADE, related_name="escalation_link"
    )
    policy = models.ForeignKey(EscalationPolicy, on_delete=models.CASCADE, related_name="services")

    def __str__(self) -> str:
        return f"{self.service} → {self.policy}"


class IntegrationPolicy(models.Model):
    """The policy that pages for incidents opened by an alert integration."""

    integration = models.OneToOneField(
        "alerting.Integration", on_delete=models.CASCADE, related_name="escalation_link"
    )
    policy = models.ForeignKey(
        EscalationPolicy, on_delete=models.CASCADE, related_name="integrations"
    )

    def __str__(self) -> str:
        return f"{self.integration} → {self.policy}"


class RoutingRulePolicy(models.Model):
    """The policy that pages for incidents opened by alerts this routing rule routed (as an
    escalation chain on a Grafana OnCall route). Wins over the integration's and service's."""

    rule = models.OneToOneField(
        "alerting.RoutingRule", on_delete=models.CASCADE, related_name="escalation_link"
    )
    policy = models.ForeignKey(
        EscalationPolicy, on_delete=models.CASCADE, related_name="routing_rules"
    )

    def __str__(self) -> str:
        return f"{self.rule} → {self.policy}"


def integration_model() -> type[models.Model]:
    """alerting.Integration, without importing alerting (it sits beside us, not below)."""
    return IntegrationPolicy._meta.get_field("integration").related_model  # type: ignore[return-value]


class Escalation(models.Model):
    """A policy running for one incident. ``plan`` is the policy frozen when it started, so
    editing the policy never changes an escalation in flight. The timer is ``next_fire_at``;
    ``fire_seq`` changes with every step, so a stale or duplicated timer task finds nothing."""

    tenancy_path: ClassVar[str] = "incident__customer"

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="escalations"
    )
    policy = models.ForeignKey(
        EscalationPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # {"policy": name, "repeat_count": n, "repeat_after_minutes": m,
    #  "steps": [{"delay_minutes": d, "targets": [{"kind", "id", "name"}, ...]}, ...]}
    plan = models.JSONField()
    status = models.CharField(
        max_length=16, choices=EscalationStatus.choices, default=EscalationStatus.ACTIVE
    )
    step_index = models.PositiveSmallIntegerField(default=0)  # the next step to fire
    round = models.PositiveSmallIntegerField(default=0)  # 0 = first run, 1 = first repeat ...
    fire_seq = models.PositiveIntegerField(default=0)
    next_fire_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.CharField(max_length=150, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_fire_at"],
                condition=models.Q(status=EscalationStatus.ACTIVE),
                name="oncall_escalation_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["incident"],
                condition=models.Q(status=EscalationStatus.ACTIVE),
                name="oncall_one_active_escalation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.get('policy', '?')} for incident {self.incident_id}"

    @property
    def steps(self) -> list[dict[str, Any]]:
        return list(self.plan.get("steps", []))
