"""SLA clocks over business hours: the one place that turns calendars and pauses into time.

Conventions:

* Every instant must be timezone-aware (naive datetimes raise ``ValueError``); arithmetic is
  done on UTC instants, so results never depend on the tzinfo the caller happened to use.
* Spans are half-open ``[start, end)``. A span with ``end <= start`` measures zero.
* Weekly hours are wall-clock times in ``BusinessCalendar.tz``. An end of ``time(0)`` means
  midnight at the *end* of that day (24:00), so ``(0, time(0), time(0))`` is all of Monday.
* DST: a wall time stands for the first instant at which the local clock shows that time or
  later. So an ambiguous time (clocks go back) is its first occurrence (``fold=0``) and a
  non-existent time (clocks go forward) is shifted forward to the end of the gap (02:30 on a
  02:00->03:00 night means 03:00). An 08:00-18:00 day is therefore 10 real hours unless the
  switch falls inside it (01:00-04:00 is 2 or 4 real hours on switch nights), and a 24x7
  calendar in any zone measures exactly the real elapsed time.
* A holiday closes the whole local day: every interval that starts on that day's weekday entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "BusinessCalendar",
    "ClockReading",
    "ClockState",
    "Pause",
    "add_business_time",
    "breach_time",
    "business_time_between",
    "read_clock",
    "warning_time",
]

Pause = tuple[datetime, datetime | None]
"""``(paused_at, resumed_at)``; ``resumed_at=None`` means the clock is still paused."""

_Span = tuple[datetime, datetime]

_MIDNIGHT = time(0)
_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
_MICROSECOND = timedelta(microseconds=1)
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _end_key(end: time) -> tuple[int, time]:
    """Sort key that places a midnight end (24:00) after every other time of the day."""
    return (1, end) if end == _MIDNIGHT else (0, end)


@dataclass(frozen=True)
class BusinessCalendar:
    tz: str
    weekly: tuple[tuple[int, time, time], ...]
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown time zone {self.tz!r}") from exc
        weekly = tuple(self._checked_interval(entry) for entry in self.weekly)
        if not weekly:
            raise ValueError("a business calendar needs at least one open interval")
        weekly = tuple(sorted(weekly, key=lambda e: (e[0], e[1], _end_key(e[2]))))
        for (day, _, prev_end), (next_day, next_start, _) in zip(weekly, weekly[1:], strict=False):
            if day == next_day and (prev_end == _MIDNIGHT or next_start < prev_end):
                raise ValueError(
                    f"overlapping open intervals on {_DAY_NAMES[day]}: one ends at "
                    f"{prev_end:%H:%M} after the next starts at {next_start:%H:%M}"
                )
        holidays = frozenset(self.holidays)
        for holiday in holidays:
            if not isinstance(holiday, date) or isinstance(holiday, datetime):
                raise ValueError(f"holidays must be dates, got {holiday!r}")
        # Normalised so that equal calendars compare (and hash) equal.
        object.__setattr__(self, "weekly", weekly)
        object.__setattr__(self, "holidays", holidays)

    @staticmethod
    def _checked_interval(entry: tuple[int, time, time]) -> tuple[int, time, time]:
        try:
            day, start, end = entry
        except (TypeError, ValueError) as exc:
            raise ValueError(f"open interval must be (weekday, start, end), got {entry!r}") from exc
        if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
            raise ValueError(f"weekday must be an int 0 (Monday) .. 6 (Sunday), got {day!r}")
        for value in (start, end):
            if not isinstance(value, time):
                raise ValueError(f"open interval bounds must be datetime.time, got {value!r}")
            if value.tzinfo is not None:
                raise ValueError(f"open interval bounds must be naive wall times, got {value!r}")
        start, end = start.replace(fold=0), end.replace(fold=0)
        if end != _MIDNIGHT and not start < end:
            raise ValueError(
                f"open interval on {_DAY_NAMES[day]} must start before it ends "
                f"({start:%H:%M} >= {end:%H:%M}); use time(0) as end for midnight"
            )
        return day, start, end

    @classmethod
    def always(cls) -> BusinessCalendar:
        """24x7 in UTC: business time equals real elapsed time."""
        return cls(tz="UTC", weekly=tuple((day, _MIDNIGHT, _MIDNIGHT) for day in range(7)))

    @classmethod
    def office(
        cls,
        tz: str,
        start: time = time(8),
        end: time = time(18),
        days: Iterable[int] = range(0, 5),
        holidays: Iterable[date] = (),
    ) -> BusinessCalendar:
        return cls(
            tz=tz,
            weekly=tuple((day, start, end) for day in days),
            holidays=frozenset(holidays),
        )

    @cached_property
    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @cached_property
    def _by_weekday(self) -> tuple[tuple[tuple[time, time], ...], ...]:
        return tuple(
            tuple((start, end) for day, start, end in self.weekly if day == weekday)
            for weekday in range(7)
        )


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    WARNING = "warning"
    BREACHED = "breached"
    MET = "met"


@dataclass(frozen=True)
class ClockReading:
    target: timedelta
    elapsed: timedelta
    remaining: timedelta
    due_at: datetime | None
    state: ClockState


def business_time_between(
    cal: BusinessCalendar,
    start: datetime,
    end: datetime,
    pauses: Iterable[Pause] = (),
) -> timedelta:
    """Business time in ``[start, end)`` not covered by any pause; zero if ``end <= start``."""
    start_utc = _as_utc(start, "start")
    end_utc = _as_utc(end, "end")
    closed, paused_from = _merge_pauses(pauses)
    return _business_time(cal, start_utc, end_utc, closed, paused_from)


def add_business_time(
    cal: BusinessCalendar,
    start: datetime,
    duration: timedelta,
    pauses: Iterable[Pause] = (),
) -> datetime | None:
    """Earliest instant by which ``duration`` of unpaused business time has passed since start.

    Returns ``None`` when an open-ended pause stops the clock before that. The result is in
    ``start``'s tzinfo.
    """
    if duration < _ZERO:
        raise ValueError(f"duration must not be negative, got {duration}")
    start_utc = _as_utc(start, "start")
    closed, paused_from = _merge_pauses(pauses)
    reached = _add(cal, start_utc, duration, closed, paused_from)
    return None if reached is None else reached.astimezone(start.tzinfo)


def breach_time(
    cal: BusinessCalendar,
    started_at: datetime,
    target: timedelta,
    pauses: Iterable[Pause] = (),
) -> datetime | None:
    """When the clock reaches its target; ``None`` while an open-ended pause stops it first."""
    return add_business_time(cal, started_at, target, pauses)


def warning_time(
    cal: BusinessCalendar,
    started_at: datetime,
    target: timedelta,
    pauses: Iterable[Pause] = (),
    warn_share: float = 0.75,
) -> datetime | None:
    """When the clock enters its warning state; same threshold as ``read_clock``."""
    _check_clock_args(target, warn_share)
    return add_business_time(cal, started_at, target * warn_share, pauses)


def read_clock(
    cal: BusinessCalendar,
    started_at: datetime,
    target: timedelta,
    now: datetime,
    pauses: Iterable[Pause] = (),
    stopped_at: datetime | None = None,
    warn_share: float = 0.75,
) -> ClockReading:
    """The clock as it stands at ``now``.

    Only history up to ``now`` counts: pauses that begin after ``now`` and a ``stopped_at``
    after ``now`` are ignored, so ``due_at`` is a projection that assumes no further pauses.
    Breached outranks paused, so a breached clock stays breached while paused (``due_at`` is
    then ``None``); a running breached clock keeps its past ``due_at``.
    """
    _check_clock_args(target, warn_share)
    start_utc = _as_utc(started_at, "started_at")
    now_utc = _as_utc(now, "now")
    stop_utc = None if stopped_at is None else _as_utc(stopped_at, "stopped_at")
    closed, paused_from = _merge_pauses(pauses)
    closed = [(p, r) for p, r in closed if p <= now_utc]
    if paused_from is not None and paused_from > now_utc:
        paused_from = None

    if stop_utc is not None and stop_utc <= now_utc:
        elapsed = _business_time(cal, start_utc, stop_utc, closed, paused_from)
        state = ClockState.MET if elapsed <= target else ClockState.BREACHED
        return ClockReading(target, elapsed, target - elapsed, None, state)

    elapsed = _business_time(cal, start_utc, now_utc, closed, paused_from)
    remaining = target - elapsed
    paused = paused_from is not None or any(p <= now_utc < r for p, r in closed)
    if elapsed > target:
        state = ClockState.BREACHED
    elif paused:
        state = ClockState.PAUSED
    elif elapsed >= target * warn_share:
        state = ClockState.WARNING
    else:
        state = ClockState.RUNNING

    due_at: datetime | None = None
    if not paused:
        if remaining > _ZERO:  # cheaper: only the business time still to come
            due_at = _add(cal, now_utc, remaining, [], None)
        else:
            due_at = _add(cal, start_utc, target, closed, None)
    if due_at is not None:
        due_at = due_at.astimezone(started_at.tzinfo)
    return ClockReading(target, elapsed, remaining, due_at, state)


def _check_clock_args(target: timedelta, warn_share: float) -> None:
    if target < _ZERO:
        raise ValueError(f"target must not be negative, got {target}")
    if not 0 <= warn_share <= 1:
        raise ValueError(f"warn_share must be between 0 and 1, got {warn_share!r}")


def _as_utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)


def _merge_pauses(pauses: Iterable[Pause]) -> tuple[list[_Span], datetime | None]:
    """Merge pauses into sorted disjoint closed spans plus the start of an open-ended pause.

    An open-ended pause swallows everything after it, so at most one survives and it is last.
    """
    spans: list[tuple[datetime, datetime | None]] = []
    for paused_at, resumed_at in pauses:
        p = _as_utc(paused_at, "paused_at")
        if resumed_at is None:
            spans.append((p, None))
            continue
        r = _as_utc(resumed_at, "resumed_at")
        if r < p:
            raise ValueError(f"pause resumes ({resumed_at}) before it starts ({paused_at})")
        if r > p:
            spans.append((p, r))
    spans.sort(key=lambda span: span[0])

    merged: list[_Span] = []
    for p, r in spans:
        if r is None:
            if merged and p <= merged[-1][1]:
                return merged[:-1], merged[-1][0]
            return merged, p
        if merged and p <= merged[-1][1]:
            if r > merged[-1][1]:
                merged[-1] = (merged[-1][0], r)
        else:
            merged.append((p, r))
    return merged, None


def _business_time(
    cal: BusinessCalendar,
    start: datetime,
    end: datetime,
    closed: list[_Span],
    paused_from: datetime | None,
) -> timedelta:
    total = _ZERO
    for s, e in _active_spans(cal, start, end, closed, paused_from):
        total += e - s
    return total


def _add(
    cal: BusinessCalendar,
    start: datetime,
    duration: timedelta,
    closed: list[_Span],
    paused_from: datetime | None,
) -> datetime | None:
    if duration <= _ZERO:
        return start
    remaining = duration
    for s, e in _active_spans(cal, start, None, closed, paused_from):
        if e - s >= remaining:
            return s + remaining
        remaining -= e - s
    return None


def _active_spans(
    cal: BusinessCalendar,
    start: datetime,
    end: datetime | None,
    closed: list[_Span],
    paused_from: datetime | None,
) -> Iterator[_Span]:
    """Open business spans in ``[start, end)`` minus pauses, in order (``end=None``: no end)."""
    if paused_from is not None:
        end = paused_from if end is None else min(end, paused_from)
    if end is not None and end <= start:
        return
    i, n = 0, len(closed)
    for s, e in _open_spans(cal, start, end):
        cursor = s
        while i < n and closed[i][1] <= cursor:
            i += 1
        while i < n and closed[i][0] < e:
            paused_at, resumed_at = closed[i]
            if paused_at > cursor:
                yield cursor, paused_at
            if resumed_at >= e:
                cursor = e
                break
            cursor = resumed_at
            i += 1
        if cursor < e:
            yield cursor, e


def _open_spans(cal: BusinessCalendar, start: datetime, end: datetime | None) -> Iterator[_Span]:
    """Open calendar spans clipped to ``[start, end)``, one local day at a time."""
    zone = cal._zone
    by_weekday = cal._by_weekday
    holidays = cal.holidays
    # Begin a day early: a local day's hours can never reach past the next local midnight,
    # but starting one day before costs little and keeps odd zones (midnight DST) safe.
    day = start.astimezone(zone).date() - _ONE_DAY
    last = None if end is None else end.astimezone(zone).date() + _ONE_DAY
    while last is None or day <= last:
        intervals = by_weekday[day.weekday()]
        if intervals and day not in holidays:
            for open_at, close_at in intervals:
                s = _wall_to_utc(zone, day, open_at)
                close_day = day + _ONE_DAY if close_at == _MIDNIGHT else day
                e = _wall_to_utc(zone, close_day, close_at)
                if end is not None and s >= end:
                    return
                if e <= start:
                    continue
                s = max(s, start)
                if end is not None:
                    e = min(e, end)
                if s < e:
                    yield s, e
        day += _ONE_DAY


def _wall_to_utc(zone: tzinfo, day: date, at: time) -> datetime:
    """The instant a local wall time stands for (fold=0; times in a DST gap move past it)."""
    wall = datetime.combine(day, at)
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # Non-existent wall time: find the first instant whose local time is at or after it.
    # fold=0 and fold=1 read the gap with the offsets either side, bracketing the transition.
    other = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    lo, hi = min(instant, other), max(instant, other)
    low, high = 0, (hi - lo) // _MICROSECOND
    while low < high:
        mid = (low + high) // 2
        if (lo + mid * _MICROSECOND).astimezone(zone).replace(tzinfo=None) >= wall:
            high = mid
        else:
            low = mid + 1
    return lo + high * _MICROSECOND
