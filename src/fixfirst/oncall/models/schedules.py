"""Schedules: layers of rotations with hand-off times, restrictions and overrides."""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from fixfirst.oncall import rotation
from fixfirst.oncall.choices import ROTATION_HOURS, Rotation


def new_token() -> str:
    return secrets.token_urlsafe(24)


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def validate_weekdays(value: object) -> None:
    if not isinstance(value, list) or any(d not in range(7) for d in value):
        raise ValidationError(_("Weekdays are numbers from 0 (Monday) to 6 (Sunday)."))


class Schedule(models.Model):
    """Who is on call for a team. Provider-wide (no tenancy_path): staff only."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    team = models.ForeignKey(
        "tenancy.Team", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="oncall_schedules", verbose_name=_("team"),
    )  # fmt: skip
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Amsterdam", validators=[validate_timezone]
    )
    description = models.TextField(_("description"), blank=True)
    # The calendar feed's secret: the URL is the only credential a calendar app can keep.
    ical_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("on-call schedule")

    def __str__(self) -> str:
        return self.name


class Layer(models.Model):
    """One rotation. Where several layers have somebody, the highest position wins."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="layers")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(
        _("priority"), default=1, help_text=_("Higher layers win where they have somebody.")
    )
    rotation = models.CharField(
        _("rotation"), max_length=8, choices=Rotation.choices, default=Rotation.WEEKLY
    )
    shift_hours = models.PositiveSmallIntegerField(
        _("shift length (hours)"), default=24, help_text=_("Only for a custom rotation.")
    )
    handoff_time = models.TimeField(_("hand-off time"), default=dt.time(9, 0))
    start_date = models.DateField(_("starts on"))
    # Empty days and no times: no restriction. Times without days: every day.
    restrict_days = models.JSONField(
        _("only on these weekdays"), default=list, blank=True, validators=[validate_weekdays]
    )
    restrict_start = models.TimeField(_("only from"), null=True, blank=True)
    restrict_end = models.TimeField(_("only until"), null=True, blank=True)

    class Meta:
        ordering = ["schedule", "-position"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "position"], name="oncall_layer_position"),
            models.CheckConstraint(
                condition=models.Q(shift_hours__gt=0), name="oncall_layer_shift_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} · {self.name}"

    def clean(self) -> None:
        if (self.restrict_start is None) != (self.restrict_end is None):
            raise ValidationError(_("Give both the start and the end of the restriction."))

    @property
    def length_hours(self) -> int:
        return ROTATION_HOURS.get(Rotation(self.rotation), self.shift_hours)

    @property
    def is_restricted(self) -> bool:
        return bool(self.restrict_days) or self.restrict_start is not None

    def restriction_label(self) -> str:
        """E.g. "Mon, Tue, Wed, Thu, Fri 09:00–17:00"."""
        names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
        days = ", ".join(str(names[d]) for d in sorted(self.restrict_days)) or str(_("every day"))
        if self.restrict_start is None or self.restrict_end is None:
            return days
        return f"{days} {self.restrict_start:%H:%M}–{self.restrict_end:%H:%M}"

    def windows(self) -> tuple[rotation.Window, ...]:
        if not self.is_restricted:
            return ()
        days = sorted(self.restrict_days) or list(range(7))
        start = self.restrict_start or dt.time(0)
        end = self.restrict_end or dt.time(0)
        return tuple(rotation.Window(day, start, end) for day in days)


class LayerMember(models.Model):
    """A participant of a layer, in rotation order."""

    layer = models.ForeignKey(Layer, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oncall_layers"
    )
    position = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["layer", "position"]
        constraints = [
            models.UniqueConstraint(fields=["layer", "position"], name="oncall_member_position")
        ]

    def __str__(self) -> str:
        return f"{self.layer}: {self.position}. {self.user}"


class Override(models.Model):
    """Somebody else is on call for a span; where overrides overlap, the latest created wins."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oncall_overrides",
        verbose_name=_("on call"),
    )  # fmt: skip
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["schedule", "starts_at"]
        indexes = [models.Index(fields=["schedule", "ends_at"], name="oncall_override_end")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="oncall_override_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.schedule}: {self.user} {self.starts_at:%Y-%m-%d %H:%M}"


class PersonalFeed(models.Model):
    """The secret token of a person's own on-call calendar (all schedules they are in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oncall_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=now, editable=False)

    def __str__(self) -> str:
        return f"feed of {self.user}"
