"""Who is on call, computed by the pure ``rotation`` module: properties checked by hypothesis
against a slow, obvious oracle, and across DST switches."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixfirst.oncall.rotation import (
    Layer,
    Override,
    Schedule,
    Window,
    final_schedule,
    layer_shifts,
    on_call_at,
)

UTC = dt.UTC
AMS = "Europe/Amsterdam"
ZONES = [AMS, "America/New_York", "Australia/Sydney", "UTC", "Asia/Kolkata"]
# 2026: Europe switches on 29 March and 25 October, New York on 8 March and 1 November,
# Sydney on 5 April and 4 October: this span crosses all of them.
SPAN_START = dt.datetime(2026, 2, 20, tzinfo=UTC)
SPAN_DAYS = 280
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def to_utc(local: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return local.replace(tzinfo=tz).astimezone(UTC)


# --- the oracle: slow and obvious ----------------------------------------------------------


def _layer_user_at(layer: Layer, tz: ZoneInfo, t: dt.datetime) -> int | None:
    anchor = dt.datetime.combine(layer.start_date, layer.handoff)
    length = dt.timedelta(hours=layer.shift_hours)

    def boundary(k: int) -> dt.datetime:
        return to_utc(anchor + k * length, tz)

    if not layer.participants or t < boundary(0):
        return None
    lo, hi = 0, 1
    while boundary(hi) <= t:
        hi *= 2
    while hi - lo > 1:  # largest k with boundary(k) <= t
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if boundary(mid) <= t else (lo, mid)
    if layer.windows and not _in_windows(layer.windows, tz, t):
        return None
    return layer.participants[lo % len(layer.participants)]


def _in_windows(windows: tuple[Window, ...], tz: ZoneInfo, t: dt.datetime) -> bool:
    local_day = t.astimezone(tz).date()
    for day in (local_day, local_day - dt.timedelta(days=1)):
        for w in windows:
            if w.weekday != day.weekday():
                continue
            end_day = day + dt.timedelta(days=1) if w.end <= w.start else day
            start = to_utc(dt.datetime.combine(day, w.start), tz)
            end = to_utc(dt.datetime.combine(end_day, w.end), tz)
            if start <= t < end:
                return True
    return False


def oracle(schedule: Schedule, t: dt.datetime) -> int | None:
    covering = [o for o in schedule.overrides if o.start <= t < o.end]
    if covering:
        return max(covering, key=lambda o: (o.created, o.id)).user
    tz = ZoneInfo(schedule.timezone)
    for layer in sorted(schedule.layers, key=lambda x: (x.priority, x.id), reverse=True):
        user = _layer_user_at(layer, tz, t)
        if user is not None:
            return user
    return None


def user_at(shifts, t: dt.datetime) -> int | None:
    found = [s.user for s in shifts if s.start <= t < s.end]
    assert len(found) <= 1, f"overlapping shifts at {t}"
    return found[0] if found else None


# --- strategies ------------------------------------------------------------------------------

minutes = st.integers(0, 24 * 60 - 1).map(lambda m: dt.time(m // 60, m % 60))
offsets = st.integers(0, SPAN_DAYS * 24 * 60)  # minutes into the span


@st.composite
def windows(draw) -> tuple[Window, ...]:
    days = draw(st.sets(st.integers(0, 6), min_size=1, max_size=7))
    start, end = draw(minutes), draw(minutes)
    return tuple(Window(d, start, end) for d in sorted(days))


@st.composite
def layers(draw, ident: int) -> Layer:
    return Layer(
        id=ident,
        priority=draw(st.integers(0, 5)),
        participants=tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))),
        start_date=SPAN_START.date() + dt.timedelta(days=draw(st.integers(-30, 60))),
        handoff=draw(minutes),
        shift_hours=draw(st.sampled_from([24, 168, 1, 8, 12, 36, 72])),
        windows=draw(st.one_of(st.just(()), windows())),
    )


@st.composite
def overrides(draw, ident: int) -> Override:
    start = SPAN_START + dt.timedelta(minutes=draw(offsets))
    return Override(
        id=ident,
        user=draw(st.integers(1, 6)),
        start=start,
        end=start + dt.timedelta(minutes=draw(st.integers(1, 5 * 24 * 60))),
        created=SPAN_START + dt.timedelta(seconds=draw(st.integers(0, 10))),
    )


@st.composite
def schedules(draw) -> Schedule:
    count = draw(st.integers(1, 3))
    return Schedule(
        timezone=draw(st.sampled_from(ZONES)),
        layers=tuple(draw(layers(i + 1)) for i in range(count)),
        overrides=tuple(draw(overrides(i + 1)) for i in range(draw(st.integers(0, 4)))),
    )


@st.composite
def ranges(draw) -> tuple[dt.datetime, dt.datetime]:
    start = SPAN_START + dt.timedelta(minutes=draw(offsets))
    return start, start + dt.timedelta(minutes=draw(st.integers(1, 21 * 24 * 60)))


# --- properties --------------------------------------------------------------------------------


@SETTINGS
@given(schedules(), ranges(), st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=25))
def test_final_schedule_agrees_with_the_oracle_at_any_instant(schedule, span, fractions):
    start, end = span
    shifts = final_schedule(schedule, start, end)
    for a, b in zip(shifts, shifts[1:], strict=False):
        assert a.end <= b.start, "shifts are sorted and never overlap"
    assert all(start <= s.start < s.end <= end for s in shifts)
    last = end - dt.timedelta(microseconds=1)  # (end - start) * f can round up to end itself
    instants = [min(start + (end - start) * f, last) for f in fractions]
    instants += [s.start for s in shifts] + [s.end - dt.timedelta(microseconds=1) for s in shifts]
    for t in instants:
        assert user_at(shifts, t) == oracle(schedule, t), t


@SETTINGS
@given(schedules(), ranges())
def test_adjacent_shifts_of_one_source_are_merged(schedule, span):
    shifts = final_schedule(schedule, *span)
    for a, b in zip(shifts, shifts[1:], strict=False):
        assert not (a.end == b.start and a.user == b.user and a.source == b.source)


@SETTINGS
@given(
    handoff=minutes.filter(lambda t: t.hour != 2),  # 02:00-02:59 does not exist once a year
    first_day=st.integers(0, 30),
    people=st.integers(1, 4),
    zone=st.sampled_from([AMS, "America/New_York", "Australia/Sydney"]),
)
def test_a_24_hour_shift_across_a_dst_switch_hands_off_at_the_same_wall_time(
    handoff, first_day, people, zone
):
    tz = ZoneInfo(zone)
    start_date = dt.date(2026, 2, 1) + dt.timedelta(days=first_day)
    layer = Layer(1, 1, tuple(range(1, people + 1)), start_date, handoff, 24)
    start = to_utc(dt.datetime.combine(dt.date(2026, 2, 1), dt.time(0)), tz)
    shifts = layer_shifts(layer, tz, start, start + dt.timedelta(days=300))
    assert shifts[0].start == to_utc(dt.datetime.combine(start_date, handoff), tz)
    lengths = set()
    for shift in shifts[:-1]:
        local = shift.end.astimezone(tz)
        assert (local.hour, local.minute) == (handoff.hour, handoff.minute)
        lengths.add(shift.end - shift.start)
    assert lengths == {dt.timedelta(hours=h) for h in (23, 24, 25)}, "both switches crossed"
    for a, b in zip(shifts, shifts[1:], strict=False):
        assert a.end == b.start and b.user == layer.participants[(a.user) % people]


@SETTINGS
@given(st.lists(overrides(0), min_size=2, max_size=6), ranges())
def test_where_overrides_overlap_the_latest_created_wins(raw, span):
    made = tuple(
        Override(i + 1, o.user, o.start, o.end, SPAN_START + dt.timedelta(seconds=i))
        for i, o in enumerate(raw)
    )
    base = Layer(1, 1, (99,), dt.date(2026, 1, 1), dt.time(9), 24)
    shifts = final_schedule(Schedule(AMS, (base,), made), *span)
    for shift in shifts:
        middle = shift.start + (shift.end - shift.start) / 2
        covering = [o for o in made if o.start <= middle < o.end]
        expected = covering[-1].user if covering else 99
        assert shift.user == expected
        assert (shift.source.kind == "override") == bool(covering)


@SETTINGS
@given(layers(1), layers(2), ranges())
def test_a_higher_layer_wins_wherever_it_has_somebody(low, high, span):
    low = Layer(1, 1, low.participants, low.start_date, low.handoff, low.shift_hours, low.windows)
    high = Layer(2, 2, (50, 51), high.start_date, high.handoff, high.shift_hours, high.windows)
    tz = ZoneInfo(AMS)
    shifts = final_schedule(Schedule(AMS, (low, high)), *span)
    for own in layer_shifts(high, tz, *span):
        for s in shifts:
            if s.start < own.end and own.start < s.end:
                assert s.user == own.user and s.source.id == 2


@SETTINGS
@given(windows(), ranges(), st.sampled_from(ZONES))
def test_a_restricted_layer_covers_exactly_its_windows_and_the_layer_below_the_rest(
    restricted, span, zone
):
    start, end = span
    night = Layer(1, 1, (7,), dt.date(2026, 1, 1), dt.time(9), 168)
    day = Layer(2, 2, (8,), dt.date(2026, 1, 1), dt.time(9), 24, restricted)
    shifts = final_schedule(Schedule(zone, (night, day)), start, end)
    assert shifts[0].start == start and shifts[-1].end == end
    for a, b in zip(shifts, shifts[1:], strict=False):
        assert a.end == b.start, "no gaps: the lower layer fills them"
    tz = ZoneInfo(zone)
    for s in shifts:
        for t in (s.start, s.end - dt.timedelta(microseconds=1)):
            assert (s.user == 8) == _in_windows(restricted, tz, t)


# --- examples ----------------------------------------------------------------------------------


def test_weekly_rotation_hands_off_on_monday_at_nine_amsterdam_time():
    tz = ZoneInfo(AMS)
    erik, eva, omar = 1, 2, 3
    layer = Layer(1, 1, (erik, eva, omar), dt.date(2026, 10, 19), dt.time(9), 168)  # a Monday
    schedule = Schedule(AMS, (layer,))

    def who(text: str) -> int | None:
        shift = on_call_at(schedule, dt.datetime.fromisoformat(text).replace(tzinfo=tz))
        return shift.user if shift else None

    assert who("2026-10-19 08:59") is None  # before the first shift
    assert who("2026-10-19 09:00") == erik
    assert who("2026-10-26 08:59") == erik  # the week with the DST switch lasts 169 hours
    assert who("2026-10-26 09:00") == eva
    assert who("2026-11-02 09:00") == omar
    assert who("2026-11-09 09:00") == erik


def test_an_overnight_window_runs_into_the_next_day():
    tz = ZoneInfo(AMS)
    nights = (Window(4, dt.time(22), dt.time(6)),)  # Friday 22:00 to Saturday 06:00
    layer = Layer(1, 1, (5,), dt.date(2026, 11, 1), dt.time(0), 24, nights)
    start = dt.datetime(2026, 11, 20, tzinfo=tz)
    shifts = layer_shifts(layer, tz, start, start + dt.timedelta(days=2))
    spans = [(s.start.astimezone(tz), s.end.astimezone(tz)) for s in shifts]
    assert spans == [
        (dt.datetime(2026, 11, 20, 22, tzinfo=tz), dt.datetime(2026, 11, 21, 0, tzinfo=tz)),
        (dt.datetime(2026, 11, 21, 0, tzinfo=tz), dt.datetime(2026, 11, 21, 6, tzinfo=tz)),
    ]
