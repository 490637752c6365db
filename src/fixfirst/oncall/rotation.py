"""Who is on call: pure computation over plain data (no database, no Django).

A schedule has layers and overrides. A layer hands off from one participant to the next every
``shift_hours`` of *wall-clock* time in the schedule's time zone, starting at ``start_date``
``handoff``: a daily shift across a DST switch still hands off at 09:00 local (it lasts 23 or
25 real hours). A layer may be restricted to weekly windows (e.g. Mon-Fri 09:00-17:00); outside
them it has nobody. Where several layers have somebody, the highest ``priority`` wins; where a
layer has nobody, the next one down shows through. An override beats every layer; where
overrides overlap, the one created last wins.

Users are opaque ids here; ``oncall.schedules`` maps database rows to these dataclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise
from zoneinfo import ZoneInfo

UTC = dt.UTC
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """From ``start`` on ``weekday`` (0 = Monday) to ``end`` local time; an ``end`` at or before
    ``start`` runs into the next day (22:00-06:00), equal means 24 hours."""

    weekday: int
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Layer:
    id: int
    priority: int
    participants: tuple[int, ...]
    start_date: dt.date
    handoff: dt.time
    shift_hours: int
    windows: tuple[Window, ...] = ()


@dataclass(frozen=True)
class Override:
    id: int
    user: int
    start: dt.datetime
    end: dt.datetime
    created: dt.datetime


@dataclass(frozen=True)
class Schedule:
    timezone: str
    layers: tuple[Layer, ...] = ()
    overrides: tuple[Override, ...] = ()


@dataclass(frozen=True)
class Source:
    kind: str  # "layer" or "override"
    id: int


@dataclass(frozen=True)
class Shift:
    user: int
    start: dt.datetime
    end: dt.datetime
    source: Source


def to_utc(local: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """A naive local wall time as an aware UTC instant. A time skipped by a DST switch counts
    with the offset before it (02:30 on a spring-forward night is 03:30 summer time)."""
    return local.replace(tzinfo=tz).astimezone(UTC)


def to_local(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


def handoff_at(layer: Layer, tz: ZoneInfo, k: int) -> dt.datetime:
    """The instant shift ``k`` (0 = the first) of ``layer`` begins."""
    anchor = dt.datetime.combine(layer.start_date, layer.handoff)
    return to_utc(anchor + k * dt.timedelta(hours=layer.shift_hours), tz)


def shift_index(layer: Layer, tz: ZoneInfo, moment: dt.datetime) -> int:
    """The shift ``moment`` falls in (negative: before the layer starts)."""
    anchor = dt.datetime.combine(layer.start_date, layer.handoff)
    k = (to_local(moment, tz) - anchor) // dt.timedelta(hours=layer.shift_hours)
    # Wall-clock arithmetic can be an hour off around a DST switch: settle on the real instant.
    while handoff_at(layer, tz, k) > moment:
        k -= 1
    while handoff_at(layer, tz, k + 1) <= moment:
        k += 1
    return k


def window_spans(
    windows: tuple[Window, ...], tz: ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The windows as merged UTC spans that meet [start, end)."""
    spans = []
    day = to_local(start, tz).date() - DAY
    last = to_local(end, tz).date() + DAY
    while day <= last:
        for w in windows:
            if w.weekday != day.weekday():
                continue
            finish_day = day + DAY if w.end <= w.start else day
            a = to_utc(dt.datetime.combine(day, w.start), tz)
            b = to_utc(dt.datetime.combine(finish_day, w.end), tz)
            if a < b and b > start and a < end:
                spans.append((a, b))
        day += DAY
    return _merge(spans)


def _merge(spans: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def layer_shifts(layer: Layer, tz: ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[Shift]:
    """The layer's shifts clipped to [start, end) and to its windows."""
    if not layer.participants or layer.shift_hours <= 0 or end <= start:
        return []
    source = Source("layer", layer.id)
    spans = window_spans(layer.windows, tz, start, end) if layer.windows else [(start, end)]
    shifts = []
    k = max(shift_index(layer, tz, start), 0)
    begins = handoff_at(layer, tz, k)
    while begins < end:
        ends = handoff_at(layer, tz, k + 1)
        user = layer.participants[k % len(layer.participants)]
        for a, b in spans:
            lo, hi = max(begins, a, start), min(ends, b, end)
            if lo < hi:
                shifts.append(Shift(user, lo, hi, source))
        k, begins = k + 1, ends
    return shifts


def final_schedule(schedule: Schedule, start: dt.datetime, end: dt.datetime) -> list[Shift]:
    """Who is on call over [start, end): consecutive shifts, sorted, never overlapping; a
    span with nobody on call has no shift."""
    if end <= start:
        return []
    tz = ZoneInfo(schedule.timezone)
    # (rank, shift): overrides outrank layers, then a later override or higher layer wins.
    ranked: list[tuple[tuple[int, object, int], Shift]] = []
    for layer in schedule.layers:
        rank = (0, layer.priority, layer.id)
        ranked += [(rank, s) for s in layer_shifts(layer, tz, start, end)]
    for o in schedule.overrides:
        lo, hi = max(o.start, start), min(o.end, end)
        if lo < hi:
            ranked.append(((1, o.created, o.id), Shift(o.user, lo, hi, Source("override", o.id))))
    cuts = sorted({start, end} | {s.start for _r, s in ranked} | {s.end for _r, s in ranked})
    ranked.sort(key=lambda item: item[1].start)
    result: list[Shift] = []
    first = 0  # ranked[:first] have all ended before the current segment
    for a, b in pairwise(cuts):
        while first < len(ranked) and ranked[first][1].end <= a:
            first += 1
        best: tuple[tuple[int, object, int], Shift] | None = None
        for item in ranked[first:]:
            shift = item[1]
            if shift.start > a:
                break
            if shift.end >= b and (best is None or item[0] > best[0]):  # type: ignore[operator]
                best = item
        if best is None:
            continue
        winner = best[1]
        previous = result[-1] if result else None
        if (
            previous
            and previous.end == a
            and (previous.user, previous.source)
            == (
                winner.user,
                winner.source,
            )
        ):
            result[-1] = Shift(winner.user, previous.start, b, winner.source)
        else:
            result.append(Shift(winner.user, a, b, winner.source))
    return result


def on_call_at(
    schedule: Schedule, moment: dt.datetime, horizon: dt.timedelta = dt.timedelta(seconds=1)
) -> Shift | None:
    """The shift covering ``moment``, or None when nobody is on call. It starts at ``moment``;
    it ends where it really ends if that is within ``horizon``, else at ``moment + horizon``."""
    shifts = final_schedule(schedule, moment, moment + horizon)
    return shifts[0] if shifts and shifts[0].start == moment else None
