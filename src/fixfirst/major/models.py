"""A major incident: the mode an incident is in while everyone works it, with its core team
(role assignments) and its task list. The incident itself stays in ``incidents``."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MajorIncident(models.Model):
    tenancy_path: ClassVar[str] = "incident__customer"

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="major_incidents"
    )
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    automatic = models.BooleanField(_("declared automatically"), default=False)
    # Frozen at declaration (STYLE example 7): editing the plan never moves a running clock.
    cadence_minutes = models.PositiveIntegerField(_("update every (minutes)"))
    paged = models.PositiveIntegerField(_("people paged"), default=0)
    # The overdue deadline the communications lead was last reminded of: one reminder per
    # overdue period, however often the job runs.
    reminded_for = models.DateTimeField(null=True, blank=True)
    stood_down_at = models.DateTimeField(_("stood down"), null=True, blank=True)
    stood_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stand_down_note = models.TextField(_("stand-down note"), blank=True)

    class Meta:
        ordering = ["-declared_at", "-pk"]
        verbose_name = _("major incident")
        constraints = [
            models.UniqueConstraint(
                fields=["incident"],
                condition=models.Q(stood_down_at__isnull=True),
                name="major_one_active_per_incident",
            )
        ]
        indexes = [
            models.Index(
                fields=["declared_at"],
                condition=models.Q(stood_down_at__isnull=True),
                name="major_active",
            )
        ]

    def __str__(self) -> str:
        return f"Major incident {self.incident_id} ({self.declared_at:%Y-%m-%d %H:%M})"

    @property
    def is_active(self) -> bool:
        return self.stood_down_at is None


class RoleAssignment(models.Model):
    """One person in one core-team role of one major incident."""

    tenancy_path: ClassVar[str] = "major__incident__customer"

    major = models.ForeignKey(MajorIncident, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=32)
    # The role's name when it was assigned, for roles the plan has since removed.
    title = models.CharField(_("title"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="major_roles"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["major", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["major", "role", "user"], name="major_role_once")
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.user_id}"


class Task(models.Model):
    """Something the core team must do, with its owner; ticked off in the war room."""

    tenancy_path: ClassVar[str] = "major__incident__customer"

    major = models.ForeignKey(MajorIncident, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="major_tasks",
        verbose_name=_("owner"),
    )
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["done", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title
