from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixfirst.incidents.slaclock import (
    BusinessCalendar,
    ClockState,
    Pause,
    add_business_time,
    breach_time,
    business_time_between,
    read_clock,
    warning_time,
)

AMS = ZoneInfo("Europe/Amsterdam")
NYC = ZoneInfo("America/New_York")
H = timedelta(hours=1)
US = timedelta(microseconds=1)

OFFICE = BusinessCalendar.office("Europe/Amsterdam")  # Mon-Fri 08:00-18:00


def ams(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS)


def all_week(tz: str) -> BusinessCalendar:
    return BusinessCalendar(tz=tz, weekly=tuple((d, time(0), time(0)) for d in range(7)))


# --- calendars -------------------------------------------------------------------------------


def test_night_between_two_office_days_does_not_count() -> None:
    assert business_time_between(OFFICE, ams(2024, 3, 5, 17), ams(2024, 3, 6, 9)) == 2 * H


def test_weekend_does_not_count() -> None:
    assert business_time_between(OFFICE, ams(2024, 3, 8, 12), ams(2024, 3, 11, 12)) == 10 * H


def test_two_business_hours_from_friday_1700_land_on_monday_0900() -> None:
    due = add_business_time(OFFICE, ams(2024, 3, 8, 17), 2 * H)
    assert due == ams(2024, 3, 11, 9)


def test_holiday_monday_pushes_the_deadline_to_tuesday() -> None:
    cal = BusinessCalendar.office("Europe/Amsterdam", holidays=[date(2024, 3, 11)])
    assert add_business_time(cal, ams(2024, 3, 8, 17), 2 * H) == ams(2024, 3, 12, 9)
    assert business_time_between(cal, ams(2024, 3, 8, 17), ams(2024, 3, 12, 9)) == 2 * H


def test_deadline_at_closing_time_is_not_moved_to_next_morning() -> None:
    assert add_business_time(OFFICE, ams(2024, 3, 8, 17), H) == ams(2024, 3, 8, 18)


def test_start_outside_business_hours_waits_for_opening() -> None:
    assert add_business_time(OFFICE, ams(2024, 3, 9, 23), 30 * timedelta(minutes=1)) == ams(
        2024, 3, 11, 8, 30
    )


def test_zero_duration_is_due_immediately() -> None:
    assert add_business_time(OFFICE, ams(2024, 3, 9, 23), timedelta(0)) == ams(2024, 3, 9, 23)


def test_always_calendar_counts_wall_clock_time() -> None:
    start = datetime(2024, 3, 8, 17, 13, tzinfo=UTC)
    end = datetime(2024, 4, 2, 3, 1, 7, tzinfo=UTC)
    assert business_time_between(BusinessCalendar.always(), start, end) == end - start
    assert add_business_time(BusinessCalendar.always(), start, end - start) == end


def test_midnight_end_means_end_of_day() -> None:
    cal = BusinessCalendar(tz="Europe/Amsterdam", weekly=((4, time(22), time(0)),))
    # Friday 22:00 to 24:00, nothing on Saturday.
    assert business_time_between(cal, ams(2024, 3, 8), ams(2024, 3, 10)) == 2 * H


def test_split_day_counts_both_intervals() -> None:
    cal = BusinessCalendar(
        tz="Europe/Amsterdam", weekly=((0, time(13), time(17)), (0, time(8), time(12)))
    )
    assert business_time_between(cal, ams(2024, 3, 11), ams(2024, 3, 12)) == 8 * H
    assert add_business_time(cal, ams(2024, 3, 11, 11), 2 * H) == ams(2024, 3, 11, 14)


def test_result_is_in_the_time_zone_of_the_start() -> None:
    due = add_business_time(OFFICE, datetime(2024, 3, 8, 16, tzinfo=UTC), 2 * H)
    assert due is not None and due.tzinfo is UTC and due == ams(2024, 3, 11, 9)


def test_equal_calendars_compare_equal_whatever_the_input_order() -> None:
    a = BusinessCalendar("UTC", ((1, time(8), time(12)), (0, time(8), time(12))), frozenset())
    b = BusinessCalendar("UTC", ((0, time(8), time(12)), (1, time(8), time(12))), frozenset())
    assert a == b and hash(a) == hash(b)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tz": "Mars/Olympus"}, "unknown time zone"),
        ({"weekly": ()}, "at least one open interval"),
        ({"weekly": ((7, time(8), time(18)),)}, "weekday"),
        ({"weekly": ((0, time(18), time(8)),)}, "must start before it ends"),
        ({"weekly": ((0, time(8), time(8)),)}, "must start before it ends"),
        ({"weekly": ((0, time(8), time(12)), (0, time(11), time(14)))}, "overlapping"),
        ({"weekly": ((0, time(8), time(0)), (0, time(20), time(22)))}, "overlapping"),
        ({"weekly": ((0, time(8, tzinfo=UTC), time(9)),)}, "naive"),
        ({"holidays": frozenset({datetime(2024, 1, 1)})}, "dates"),
    ],
)
def test_invalid_calendar_is_rejected(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "tz": "UTC",
        "weekly": ((0, time(8), time(18)),),
        "holidays": frozenset(),
    }
    fields.update(kwargs)
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**fields)  # type: ignore[arg-type]


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        business_time_between(OFFICE, datetime(2024, 3, 8), ams(2024, 3, 9))
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(OFFICE, ams(2024, 3, 8), H, [(datetime(2024, 3, 8), None)])


def test_negative_duration_and_backwards_pause_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_time(OFFICE, ams(2024, 3, 8), -H)
    with pytest.raises(ValueError, match="before it starts"):
        business_time_between(
            OFFICE, ams(2024, 3, 8), ams(2024, 3, 9), [(ams(2024, 3, 8, 12), ams(2024, 3, 8, 11))]
        )


def test_a_year_is_computed_per_day_not_per_minute() -> None:
    start, end = ams(2024, 1, 1), ams(2025, 1, 1)
    began = clock.perf_counter()
    total = business_time_between(OFFICE, start, end)
    assert clock.perf_counter() - began < 0.1
    assert total == 262 * 10 * H  # 2024 has 262 weekdays


# --- pauses ----------------------------------------------------------------------------------


def test_pause_across_a_night_removes_only_the_business_hours_it_covers() -> None:
    pause = (ams(2024, 3, 11, 17), ams(2024, 3, 12, 10))  # Monday 17:00 to Tuesday 10:00
    elapsed = business_time_between(OFFICE, ams(2024, 3, 11, 9), ams(2024, 3, 12, 12), [pause])
    assert elapsed == 8 * H + 2 * H
    assert add_business_time(OFFICE, ams(2024, 3, 11, 9), 9 * H, [pause]) == ams(2024, 3, 12, 11)


def test_overlapping_pauses_are_merged() -> None:
    pauses = [
        (ams(2024, 3, 11, 10), ams(2024, 3, 11, 12)),
        (ams(2024, 3, 11, 11), ams(2024, 3, 11, 13)),
        (ams(2024, 3, 11, 11, 30), ams(2024, 3, 11, 11, 45)),
    ]
    elapsed = business_time_between(OFFICE, ams(2024, 3, 11, 8), ams(2024, 3, 11, 18), pauses)
    assert elapsed == 7 * H


def test_open_ended_pause_stops_the_clock() -> None:
    pauses: list[Pause] = [(ams(2024, 3, 11, 10), None)]
    assert add_business_time(OFFICE, ams(2024, 3, 11, 8), 4 * H, pauses) is None
    assert breach_time(OFFICE, ams(2024, 3, 11, 8), 4 * H, pauses) is None
    assert add_business_time(OFFICE, ams(2024, 3, 11, 8), 2 * H, pauses) == ams(2024, 3, 11, 10)
    assert business_time_between(OFFICE, ams(2024, 3, 11, 8), ams(2024, 5, 1), pauses) == 2 * H


# --- daylight saving time --------------------------------------------------------------------


def test_spring_forward_weekend_counts_real_hours_not_wall_clock_hours() -> None:
    cal = all_week("Europe/Amsterdam")
    assert business_time_between(cal, ams(2024, 3, 30, 12), ams(2024, 3, 31, 12)) == 23 * H
    assert add_business_time(cal, ams(2024, 3, 30, 12), 24 * H) == ams(2024, 3, 31, 13)


def test_fall_back_weekend_counts_real_hours_not_wall_clock_hours() -> None:
    cal = all_week("Europe/Amsterdam")
    assert business_time_between(cal, ams(2024, 10, 26, 12), ams(2024, 10, 27, 12)) == 25 * H
    assert add_business_time(cal, ams(2024, 10, 26, 12), 24 * H) == ams(2024, 10, 27, 11)


def test_business_hours_spanning_the_switch_are_shorter_or_longer() -> None:
    night = BusinessCalendar(tz="Europe/Amsterdam", weekly=((6, time(1), time(4)),))
    assert business_time_between(night, ams(2024, 3, 30), ams(2024, 4, 1)) == 2 * H
    assert business_time_between(night, ams(2024, 10, 26), ams(2024, 10, 28)) == 4 * H


def test_office_day_on_a_dst_sunday_is_still_ten_hours() -> None:
    cal = BusinessCalendar.office("America/New_York", days=[6])
    start, end = datetime(2024, 3, 10, tzinfo=NYC), datetime(2024, 3, 11, tzinfo=NYC)
    assert business_time_between(cal, start, end) == 10 * H


def test_opening_time_inside_the_dst_gap_moves_to_the_end_of_the_gap() -> None:
    cal = BusinessCalendar(tz="Europe/Amsterdam", weekly=((6, time(2, 30), time(5)),))
    # 02:30 does not exist on 2024-03-31: the day opens at 03:00 CEST.
    assert add_business_time(cal, ams(2024, 3, 30), timedelta(0, 1)) == ams(2024, 3, 31, 3, 0, 1)
    assert business_time_between(cal, ams(2024, 3, 30), ams(2024, 4, 1)) == 2 * H


# --- clock readings --------------------------------------------------------------------------

START = ams(2024, 3, 11, 8)  # Monday opening time
TARGET = 8 * H


def test_clock_is_running_before_the_warning_share() -> None:
    reading = read_clock(OFFICE, START, TARGET, now=ams(2024, 3, 11, 13))
    assert reading.state is ClockState.RUNNING
    assert reading.elapsed == 5 * H and reading.remaining == 3 * H
    assert reading.due_at == ams(2024, 3, 11, 16)


def test_clock_warns_at_75_percent() -> None:
    assert read_clock(OFFICE, START, TARGET, now=ams(2024, 3, 11, 13, 59)).state == "running"
    reading = read_clock(OFFICE, START, TARGET, now=ams(2024, 3, 11, 14))
    assert reading.state is ClockState.WARNING
    assert warning_time(OFFICE, START, TARGET) == ams(2024, 3, 11, 14)


def test_clock_breaches_after_the_target() -> None:
    at_target = read_clock(OFFICE, START, TARGET, now=ams(2024, 3, 11, 16))
    assert at_target.state is ClockState.WARNING and at_target.remaining == timedelta(0)
    reading = read_clock(OFFICE, START, TARGET, now=ams(2024, 3, 12, 9))
    assert reading.state is ClockState.BREACHED
    assert reading.remaining == -3 * H
    assert reading.due_at == ams(2024, 3, 11, 16) == breach_time(OFFICE, START, TARGET)


def test_clock_met_when_stopped_within_target() -> None:
    reading = read_clock(
        OFFICE, START, TARGET, now=ams(2024, 3, 20), stopped_at=ams(2024, 3, 11, 15)
    )
    assert reading.state is ClockState.MET
    assert reading.elapsed == 7 * H and reading.due_at is None


def test_clock_breached_when_stopped_late() -> None:
    reading = read_clock(
        OFFICE, START, TARGET, now=ams(2024, 3, 20), stopped_at=ams(2024, 3, 11, 17)
    )
    assert reading.state is ClockState.BREACHED and reading.remaining == -H


def test_paused_clock_has_no_due_date_and_stops_counting() -> None:
    pauses: list[Pause] = [(ams(2024, 3, 11, 10), None)]
    reading = read_clock(OFFICE, START, TARGET, now=ams(2024, 3, 13), pauses=pauses)
    assert reading.state is ClockState.PAUSED
    assert reading.elapsed == 2 * H and reading.due_at is None


def test_resumed_clock_moves_its_due_date() -> None:
    pauses = [(ams(2024, 3, 11, 10), ams(2024, 3, 11, 12))]
    reading = read_clock(OFFICE, START, TARGET, now=ams(2024, 3, 11, 13), pauses=pauses)
    assert reading.state is ClockState.RUNNING
    assert reading.due_at == ams(2024, 3, 11, 18)


def test_breached_clock_stays_breached_while_paused() -> None:
    pauses: list[Pause] = [(ams(2024, 3, 12, 10), None)]
    reading = read_clock(OFFICE, START, TARGET, now=ams(2024, 3, 12, 11), pauses=pauses)
    assert reading.state is ClockState.BREACHED and reading.due_at is None


def test_pauses_after_now_are_not_yet_known() -> None:
    pauses: list[Pause] = [(ams(2024, 3, 11, 15), None)]
    reading = read_clock(OFFICE, START, TARGET, now=ams(2024, 3, 11, 9), pauses=pauses)
    assert reading.state is ClockState.RUNNING and reading.due_at == ams(2024, 3, 11, 16)


def test_clock_arguments_are_validated() -> None:
    with pytest.raises(ValueError, match="warn_share"):
        read_clock(OFFICE, START, TARGET, now=START, warn_share=1.5)
    with pytest.raises(ValueError, match="target"):
        read_clock(OFFICE, START, -TARGET, now=START)


# --- properties ------------------------------------------------------------------------------

DST_ZONES = ["Europe/Amsterdam", "America/New_York", "Australia/Sydney"]
# UTC instants of the 2024 DST switches in DST_ZONES: generated instants cluster around them.
SWITCHES = [
    datetime(2024, 3, 31, 1, tzinfo=UTC),
    datetime(2024, 10, 27, 1, tzinfo=UTC),
    datetime(2024, 3, 10, 7, tzinfo=UTC),
    datetime(2024, 11, 3, 6, tzinfo=UTC),
    datetime(2024, 4, 6, 16, tzinfo=UTC),
    datetime(2024, 10, 5, 16, tzinfo=UTC),
]
HOLIDAY_CHOICES = sorted({(s + timedelta(days=d)).date() for s in SWITCHES for d in range(-10, 11)})
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, database=None)

# Strategies are built once: building them per draw dominates the run time otherwise.
_SPREAD_US = timedelta(days=10) // US
_QUARTER_US = 15 * 60 * 10**6
OFFSETS = st.one_of(
    st.integers(-_SPREAD_US, _SPREAD_US),
    st.integers(-_SPREAD_US // _QUARTER_US, _SPREAD_US // _QUARTER_US).map(
        lambda q: q * _QUARTER_US
    ),
)
SHOWN_IN: st.SearchStrategy[tzinfo] = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30))] + [ZoneInfo(z) for z in DST_ZONES]
)
PAUSE_LENGTHS = st.integers(0, 3 * 24 * 3600)
PAUSE_COUNTS = st.integers(0, 4)
OPEN_ENDED = st.integers(0, 3).map(lambda n: n == 0)
QUARTER_MARKS = st.sets(st.integers(0, 96), max_size=4)
HOLIDAY_SETS = st.frozensets(st.sampled_from(HOLIDAY_CHOICES), max_size=8)


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    tz = draw(st.sampled_from(DST_ZONES))
    holidays = draw(HOLIDAY_SETS)
    if draw(st.booleans()):
        return BusinessCalendar.office(tz, holidays=holidays)
    weekly: list[tuple[int, time, time]] = []
    for day in range(7):
        # Quarter-hour boundaries, 96 meaning midnight at the end of the day.
        marks = sorted(draw(QUARTER_MARKS))
        for lo, hi in zip(marks[::2], marks[1::2], strict=False):
            start = time(lo // 4, lo % 4 * 15)
            end = time(0) if hi == 96 else time(hi // 4, hi % 4 * 15)
            weekly.append((day, start, end))
    if not weekly:
        weekly.append((draw(st.integers(0, 6)), time(0), time(0)))
    return BusinessCalendar(tz=tz, weekly=tuple(weekly), holidays=holidays)


@dataclass(frozen=True)
class Scenario:
    cal: BusinessCalendar
    times: list[datetime]  # near one DST switch, each shown in some time zone
    pauses: list[list[Pause]]


@st.composite
def scenarios(
    draw: st.DrawFn, times: int = 2, pause_lists: int = 1, in_order: bool = True
) -> Scenario:
    cal = draw(calendars())
    switch = draw(st.sampled_from(SWITCHES))

    def instant() -> datetime:
        return (switch + draw(OFFSETS) * US).astimezone(draw(SHOWN_IN))

    def pauses() -> list[Pause]:
        found: list[Pause] = []
        for _ in range(draw(PAUSE_COUNTS)):
            at = instant()
            if draw(OPEN_ENDED):
                found.append((at, None))
            else:  # add in UTC: aware arithmetic in a ZoneInfo zone is wall-clock arithmetic
                length = timedelta(seconds=draw(PAUSE_LENGTHS))
                found.append((at, (at.astimezone(UTC) + length).astimezone(at.tzinfo)))
        return found

    points = [instant() for _ in range(times)]
    if in_order:
        points.sort(key=lambda t: t.astimezone(UTC))
    return Scenario(cal, points, [pauses() for _ in range(pause_lists)])


def real(start: datetime, end: datetime) -> timedelta:
    return max(end.astimezone(UTC) - start.astimezone(UTC), timedelta(0))


SWITCH_DAYS = [
    (zone, switch.astimezone(zone).date())
    for zone, switch in zip(
        [ZoneInfo(z) for z in DST_ZONES for _ in range(2)], SWITCHES, strict=True
    )
]


def first_instant_showing(zone: ZoneInfo, day: date, at: time) -> datetime:
    """Independent oracle: scan quarter hours (switches here happen on whole UTC hours)."""
    wall = datetime.combine(day, at)
    instant = datetime.combine(day - timedelta(days=2), time(0), tzinfo=UTC)
    while instant.astimezone(zone).replace(tzinfo=None) < wall:
        instant += timedelta(minutes=15)
    return instant


@PROPERTY_SETTINGS
@given(
    st.sampled_from(SWITCH_DAYS),
    st.lists(st.integers(0, 96), min_size=2, max_size=2, unique=True).map(sorted),
)
def test_wall_time_is_the_first_instant_the_local_clock_shows_it(
    switch_day: tuple[ZoneInfo, date], marks: list[int]
) -> None:
    zone, day = switch_day
    quarters = [time(m % 96 // 4, m % 4 * 15) for m in marks]  # 96 is 24:00, i.e. time(0)
    cal = BusinessCalendar(tz=zone.key, weekly=((day.weekday(), quarters[0], quarters[1]),))
    opens = first_instant_showing(zone, day, quarters[0])
    closes = first_instant_showing(zone, day + timedelta(days=marks[1] // 96), quarters[1])
    window = (opens - timedelta(days=3), opens + timedelta(days=3))
    assert business_time_between(cal, *window) == closes - opens
    if closes > opens:  # an interval inside the DST gap is empty: nothing opens that day
        assert add_business_time(cal, window[0], US) == opens + US


@PROPERTY_SETTINGS
@given(scenarios(times=3))
def test_business_time_is_additive(sc: Scenario) -> None:
    (t0, t1, t2), pauses = sc.times, sc.pauses[0]
    first = business_time_between(sc.cal, t0, t1, pauses)
    second = business_time_between(sc.cal, t1, t2, pauses)
    assert first + second == business_time_between(sc.cal, t0, t2, pauses)


@PROPERTY_SETTINGS
@given(scenarios(), st.booleans())
def test_business_time_never_exceeds_real_elapsed_time(sc: Scenario, backwards: bool) -> None:
    start, end = sc.times[::-1] if backwards else sc.times
    assert timedelta(0) <= business_time_between(sc.cal, start, end) <= real(start, end)


@PROPERTY_SETTINGS
@given(scenarios(), st.sampled_from(["UTC", *DST_ZONES]))
def test_round_the_clock_calendar_measures_real_elapsed_time(sc: Scenario, tz: str) -> None:
    cal = BusinessCalendar.always() if tz == "UTC" else all_week(tz)
    start, end = sc.times
    assert business_time_between(cal, start, end) == real(start, end)


@PROPERTY_SETTINGS
@given(scenarios(times=1), st.integers(0, 200 * 3600 * 10**6))
def test_adding_business_time_inverts_measuring_it(sc: Scenario, micros: int) -> None:
    (start,), pauses, duration = sc.times, sc.pauses[0], micros * US
    due = add_business_time(sc.cal, start, duration, pauses)
    if due is None:
        stopped_from = min(at for at, resumed in pauses if resumed is None)
        assert business_time_between(sc.cal, start, stopped_from, pauses) < duration
        return
    assert due.astimezone(UTC) >= start.astimezone(UTC)
    assert business_time_between(sc.cal, start, due, pauses) == duration
    if duration:  # and it is the earliest such instant
        assert business_time_between(sc.cal, start, due - US, pauses) < duration


@PROPERTY_SETTINGS
@given(scenarios(times=3))
def test_business_time_grows_with_the_end(sc: Scenario) -> None:
    start, end1, end2 = sc.times[1], sc.times[0], sc.times[2]  # start may lie anywhere
    pauses = sc.pauses[0]
    first = business_time_between(sc.cal, start, end1, pauses)
    assert first <= business_time_between(sc.cal, start, end2, pauses)


@PROPERTY_SETTINGS
@given(scenarios(pause_lists=2))
def test_pauses_only_ever_reduce_business_time(sc: Scenario) -> None:
    (start, end), (pauses, extra) = sc.times, sc.pauses
    fewer = business_time_between(sc.cal, start, end, pauses)
    assert business_time_between(sc.cal, start, end, pauses + extra) <= fewer
    assert fewer <= business_time_between(sc.cal, start, end)


@PROPERTY_SETTINGS
@given(scenarios(times=4, in_order=False), st.integers(0, 100), st.booleans())
def test_clock_elapsed_never_decreases_as_now_advances(
    sc: Scenario, target_hours: int, stops: bool
) -> None:
    started, stopped, now1, now2 = sc.times
    now1, now2 = sorted((now1, now2), key=lambda t: t.astimezone(UTC))
    target, pauses, stopped_at = target_hours * H, sc.pauses[0], stopped if stops else None
    earlier = read_clock(sc.cal, started, target, now1, pauses, stopped_at)
    later = read_clock(sc.cal, started, target, now2, pauses, stopped_at)
    assert timedelta(0) <= earlier.elapsed <= later.elapsed
    assert later.remaining == target - later.elapsed


@PROPERTY_SETTINGS
@given(scenarios(), st.integers(1, 100 * 3600))
def test_clock_state_agrees_with_scheduled_warning_and_breach(sc: Scenario, seconds: int) -> None:
    (started, now), target = sc.times, timedelta(seconds=seconds)
    past_now = now.astimezone(UTC)
    pauses = [
        (at, resumed)
        for at, resumed in sc.pauses[0]
        if resumed is not None and resumed.astimezone(UTC) <= past_now
    ]
    reading = read_clock(sc.cal, started, target, now, pauses)
    warn_at = warning_time(sc.cal, started, target, pauses)
    assert warn_at is not None
    in_warning = reading.state in (ClockState.WARNING, ClockState.BREACHED)
    assert in_warning == (past_now >= warn_at.astimezone(UTC))
    assert reading.due_at == breach_time(sc.cal, started, target, pauses)
