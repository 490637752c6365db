"""Shared parsing rules: timestamps (INTEGRATIONS.md section 9), bounds, storable JSON."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixfirst.alerting.normalized import PayloadError, Severity
from fixfirst.alerting.sources.common import (
    MAX_KEY,
    MAX_LABEL_VALUE,
    clean,
    labels_fingerprint,
    severity_from,
    str_map,
    timestamp,
)

UTC = dt.UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23T12:07:46Z", dt.datetime(2026, 11, 23, 12, 7, 46, tzinfo=UTC)),
        (
            "2026-11-23T12:12:19.638950041Z",
            dt.datetime(2026, 11, 23, 12, 12, 19, 638950, tzinfo=UTC),
        ),
        ("2026-11-23T12:12:19.6Z", dt.datetime(2026, 11, 23, 12, 12, 19, 600000, tzinfo=UTC)),
        (
            "2021-10-12T09:51:03.157076+02:00",
            dt.datetime(2021, 10, 12, 7, 51, 3, 157076, tzinfo=UTC),
        ),
        ("2015-07-17T08:42:58.315+0000", dt.datetime(2015, 7, 17, 8, 42, 58, 315000, tzinfo=UTC)),
        ("2026-01-01T10:00:00-08:00", dt.datetime(2026, 1, 1, 18, 0, tzinfo=UTC)),
        ("2026-01-01 10:00:00", dt.datetime(2026, 1, 1, 10, 0, tzinfo=UTC)),  # no offset: UTC
        ("0001-01-01T00:00:00Z", None),  # Go's zero time: not set
        ("", None),
        (None, None),
    ],
)
def test_timestamps_in_the_forms_monitoring_tools_send(text, expected):
    assert timestamp(text, "startsAt") == expected


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "2026-13-01T00:00:00Z",
        "2026-11-23T25:00:00Z",
        "2026-11-23T12:00:00.1234567890Z",
        "2026-11-23T12:00:00+24:00",
        "9999-12-31T23:00:00-05:00",
        "23/11/2026 12:00",
    ],
)
def test_bad_timestamps_are_refused_naming_the_field(text):
    with pytest.raises(PayloadError, match="alerts\\[0\\].startsAt"):
        timestamp(text, "alerts[0].startsAt")


def test_numbers_are_unix_time_only_where_allowed():
    assert timestamp(1763899666, "t", epoch=True) == dt.datetime(
        2025, 11, 23, 12, 7, 46, tzinfo=UTC
    )
    assert timestamp(1763899666123, "t", epoch=True) == dt.datetime(
        2025, 11, 23, 12, 7, 46, 123000, tzinfo=UTC
    )
    with pytest.raises(PayloadError, match="t must be a timestamp string"):
        timestamp(1763899666, "t")
    with pytest.raises(PayloadError, match="t must be a timestamp string"):
        timestamp(True, "t", epoch=True)
    with pytest.raises(PayloadError, match="not a valid Unix timestamp"):
        timestamp(1e300, "t", epoch=True)
    with pytest.raises(PayloadError, match="not a valid Unix timestamp"):
        timestamp(10**400, "t", epoch=True)


_OFFSETS = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)


@given(st.datetimes(min_value=dt.datetime(2, 1, 1), timezones=_OFFSETS))
def test_any_isoformat_round_trips(moment):
    try:
        expected = moment.astimezone(UTC)
    except OverflowError:
        return
    assert timestamp(moment.isoformat(), "t") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("critical", Severity.CRITICAL),
        ("PAGE", Severity.CRITICAL),
        ("error", Severity.ERROR),
        ("high", Severity.ERROR),
        ("warning", Severity.WARNING),
        (" warn ", Severity.WARNING),
        ("info", Severity.INFO),
        ("low", Severity.INFO),
        ("none", Severity.INFO),
        ("disaster", Severity.WARNING),
        (None, Severity.WARNING),
        (3, Severity.WARNING),
    ],
)
def test_severity_names(value, expected):
    assert severity_from(value) == expected


def test_maps_are_bounded_and_stringified():
    labels = str_map({"k" * 500: "v" * 5000, "n": 3, "b": True, "z": None, "f": 0.5}, "labels")
    assert labels == {
        "k" * MAX_KEY: "v" * MAX_LABEL_VALUE,
        "n": "3",
        "b": "true",
        "z": "",
        "f": "0.5",
    }
    with pytest.raises(PayloadError, match="labels has 101 entries, more than the 100 allowed"):
        str_map({str(i): "x" for i in range(101)}, "labels")
    with pytest.raises(PayloadError, match="labels.nested must be a string, not an object"):
        str_map({"nested": {"a": 1}}, "labels")
    with pytest.raises(PayloadError, match="labels must be an object, not an array"):
        str_map(["a"], "labels")


def test_clean_makes_json_storable():
    deep: list = []
    for _ in range(200):
        deep = [deep]
    cleaned = clean(
        {"a\x00b": "x\x00y", "s": "\ud800", "n": float("nan"), "i": float("inf"), "d": deep}
    )
    assert cleaned["ab"] == "xy"
    assert cleaned["s"] == "?"
    assert (cleaned["n"], cleaned["i"]) == ("nan", "inf")
    assert "(nested too deep)" in str(cleaned["d"])


def test_labels_fingerprint_is_stable_and_order_free():
    a = labels_fingerprint({"alertname": "X", "instance": "db1"})
    assert a == labels_fingerprint({"instance": "db1", "alertname": "X"})
    assert a != labels_fingerprint({"alertname": "X", "instance": "db2"})
    assert len(a) == 16
