"""Schedules from the database through ``rotation``: who is on call, with User objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.db.models import Prefetch

from fixfirst.oncall import rotation
from fixfirst.oncall.models import Layer, LayerMember, Override, Schedule
from fixfirst.tenancy.models import User


@dataclass(frozen=True)
class UserShift:
    user: User
    start: dt.datetime
    end: dt.datetime
    source: rotation.Source
    label: str  # the layer's name, or the override's reason

    @property
    def is_override(self) -> bool:
        return self.source.kind == "override"


def with_layers(schedules: Iterable[Schedule] | None = None) -> list[Schedule]:
    """Schedules with their layers and members fetched in three queries."""
    qs = Schedule.objects.all() if schedules is None else schedules
    members = Prefetch("members", LayerMember.objects.select_related("user").order_by("position"))
    layers = Prefetch("layers", Layer.objects.prefetch_related(members))
    return list(qs.prefetch_related(layers))  # type: ignore[union-attr]


def spec(schedule: Schedule, start: dt.datetime, end: dt.datetime) -> rotation.Schedule:
    """The pure-data schedule for [start, end): layers, and the overrides meeting that span."""
    layers = tuple(
        rotation.Layer(
            id=layer.pk,
            priority=layer.position,
            participants=tuple(m.user_id for m in layer.members.all() if m.user.is_active),
            start_date=layer.start_date,
            handoff=layer.handoff_time,
            shift_hours=layer.length_hours,
            windows=layer.windows(),
        )
        for layer in schedule.layers.all()
    )
    overrides = tuple(
        rotation.Override(o.pk, o.user_id, o.starts_at, o.ends_at, o.created_at)
        for o in schedule.overrides.filter(
            ends_at__gt=start, starts_at__lt=end, user__is_active=True
        )
    )
    return rotation.Schedule(schedule.timezone, layers, overrides)


def _labels(schedule: Schedule, shifts: list[rotation.Shift]) -> dict[rotation.Source, str]:
    labels = {rotation.Source("layer", layer.pk): layer.name for layer in schedule.layers.all()}
    ids = {s.source.id for s in shifts if s.source.kind == "override"}
    found = Override.objects.filter(pk__in=ids).values_list("pk", "reason") if ids else []
    for pk, reason in found:
        labels[rotation.Source("override", pk)] = reason
    return labels


def final_schedule(schedule: Schedule, start: dt.datetime, end: dt.datetime) -> list[UserShift]:
    shifts = rotation.final_schedule(spec(schedule, start, end), start, end)
    users = User.objects.in_bulk({s.user for s in shifts})
    labels = _labels(schedule, shifts)
    return [
        UserShift(users[s.user], s.start, s.end, s.source, labels.get(s.source, ""))
        for s in shifts
        if s.user in users
    ]


def on_call_at(
    schedule: Schedule, at: dt.datetime, horizon: dt.timedelta = dt.timedelta(seconds=1)
) -> UserShift | None:
    """Who is on call at ``at`` (the shift's end is exact within ``horizon``)."""
    shifts = final_schedule(schedule, at, at + horizon)
    return shifts[0] if shifts and shifts[0].start == at else None


def schedules_of(user: User) -> list[Schedule]:
    """Schedules ``user`` takes part in, by a layer or an override."""
    ids = set(LayerMember.objects.filter(user=user).values_list("layer__schedule", flat=True))
    ids |= set(Override.objects.filter(user=user).values_list("schedule", flat=True))
    return with_layers(Schedule.objects.filter(pk__in=ids))


def shifts_of(user: User, start: dt.datetime, end: dt.datetime) -> list[tuple[Schedule, UserShift]]:
    """``user``'s shifts in every schedule over [start, end), in time order; back-to-back
    shifts of one schedule (from different layers) read as one."""
    found: list[tuple[Schedule, UserShift]] = []
    for schedule in schedules_of(user):
        mine: list[UserShift] = []
        for shift in final_schedule(schedule, start, end):
            if shift.user.pk != user.pk:
                continue
            if mine and mine[-1].end == shift.start:
                mine[-1] = replace(mine[-1], end=shift.end)
            else:
                mine.append(shift)
        found += [(schedule, shift) for shift in mine]
    return sorted(found, key=lambda pair: (pair[1].start, pair[0].name))


@dataclass
class DayRow:
    day: dt.date
    shifts: list[tuple[UserShift, dt.datetime, dt.datetime]]  # shift, local start, local end


def day_table(schedule: Schedule, first: dt.date, days: int) -> list[DayRow]:
    """Per local day, who is on call from when to when (shifts cut at midnight)."""
    tz = ZoneInfo(schedule.timezone)
    start = rotation.to_utc(dt.datetime.combine(first, dt.time(0)), tz)
    end = rotation.to_utc(dt.datetime.combine(first + dt.timedelta(days=days), dt.time(0)), tz)
    shifts = final_schedule(schedule, start, end)
    rows = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        lo = rotation.to_utc(dt.datetime.combine(day, dt.time(0)), tz)
        hi = rotation.to_utc(dt.datetime.combine(day + rotation.DAY, dt.time(0)), tz)
        cut = [
            (s, max(s.start, lo).astimezone(tz), min(s.end, hi).astimezone(tz))
            for s in shifts
            if s.start < hi and s.end > lo
        ]
        rows.append(DayRow(day, cut))
    return rows
