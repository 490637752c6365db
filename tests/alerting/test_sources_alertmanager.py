"""Alertmanager webhook payloads (INTEGRATIONS.md 1.1), driven by the sample payloads."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixfirst.alerting.normalized import AlertAction, NormalizedAlert, PayloadError, Severity
from fixfirst.alerting.sources import alertmanager

SAMPLES = Path(alertmanager.__file__).parent / "samples"
UTC = dt.UTC


def sample(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text())


def test_every_sample_parses():
    for path in sorted(SAMPLES.glob("*.json")):
        alerts = alertmanager.parse(json.loads(path.read_text()))
        assert alerts and all(isinstance(a, NormalizedAlert) for a in alerts), path.name


def test_a_firing_group_gives_one_alert_per_element():
    first, second = alertmanager.parse(sample("firing_group.json"))
    assert (first.fingerprint, second.fingerprint) == ("efb0c6c488e007da", "3f1d9ab7c2e40d15")
    assert first.action == second.action == AlertAction.TRIGGER
    assert first.name == "DiskFull"
    assert first.summary == "Disk almost full"
    assert first.severity == Severity.CRITICAL
    assert first.labels["instance"] == "db1:9100" and second.labels["instance"] == "db2:9100"
    assert first.annotations["runbook_url"] == "https://runbooks.example/disk-full"
    assert first.starts_at == dt.datetime(2026, 11, 23, 12, 12, 19, 638950, tzinfo=UTC)
    assert first.ends_at is None  # Go's zero time
    assert first.source_url.startswith("http://prom.local/graph?")
    assert first.raw["groupKey"] == '{}:{alertname="DiskFull"}'
    assert first.raw["externalURL"] == "http://vm:19093"
    assert first.raw["fingerprint"] == "efb0c6c488e007da"


def test_a_resolved_group_resolves_with_its_end_time():
    (alert,) = alertmanager.parse(sample("resolved_group.json"))
    assert alert.action == AlertAction.RESOLVE
    assert alert.fingerprint == "efb0c6c488e007da"
    assert alert.ends_at == dt.datetime(2026, 11, 23, 12, 8, 10, tzinfo=UTC)


def test_a_mixed_group_is_read_alert_by_alert():
    resolved, firing = alertmanager.parse(sample("mixed_group.json"))
    assert (resolved.action, firing.action) == (AlertAction.RESOLVE, AlertAction.TRIGGER)
    assert (resolved.severity, firing.severity) == (Severity.WARNING, Severity.CRITICAL)  # page
    assert firing.summary == "load 12 for 10 minutes"  # description when there is no summary
    assert firing.starts_at == dt.datetime(2026, 11, 23, 11, 5, tzinfo=UTC)
    assert firing.source_url == ""


def test_group_labels_are_not_merged_into_the_alerts():
    body = sample("firing_group.json")
    body["commonLabels"]["extra"] = "x"
    assert all("extra" not in a.labels for a in alertmanager.parse(body))


def test_unknown_fields_and_versions_are_accepted():
    body = sample("resolved_group.json")
    body.update(version="5", somethingNew={"a": 1})
    body["alerts"][0]["future"] = [1, 2]
    assert alertmanager.parse(body)[0].raw["future"] == [1, 2]
    assert alertmanager.parse({"alerts": []}) == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("critical", Severity.CRITICAL),
        ("page", Severity.CRITICAL),
        ("error", Severity.ERROR),
        ("high", Severity.ERROR),
        ("warning", Severity.WARNING),
        ("warn", Severity.WARNING),
        ("info", Severity.INFO),
        ("low", Severity.INFO),
        ("none", Severity.INFO),
        ("P5", Severity.WARNING),
    ],
)
def test_severity_label_mapping(raw, expected):
    body = sample("resolved_group.json")
    body["alerts"][0]["labels"]["severity"] = raw
    assert alertmanager.parse(body)[0].severity == expected


def test_without_a_fingerprint_the_label_set_is_hashed():
    body = sample("resolved_group.json")
    del body["alerts"][0]["fingerprint"]
    reordered = copy.deepcopy(body)
    reordered["alerts"][0]["labels"] = dict(reversed(body["alerts"][0]["labels"].items()))
    key = alertmanager.parse(body)[0].fingerprint
    assert key == alertmanager.parse(reordered)[0].fingerprint
    body["alerts"][0]["labels"]["instance"] = "db9:9100"
    assert alertmanager.parse(body)[0].fingerprint != key


def test_oversize_labels_are_cut_and_the_alert_still_named():
    body = sample("resolved_group.json")
    labels = body["alerts"][0]["labels"]
    labels.update({"k" * 300: "v", "long": "x" * 10_000})
    del labels["alertname"]
    (alert,) = alertmanager.parse(body)
    assert alert.labels["k" * 128] == "v" and len(alert.labels["long"]) == 1024
    assert alert.name == "Disk almost full"  # no alertname: the summary


def _with(path: str, value: object) -> dict:
    body = sample("mixed_group.json")
    *parents, last = path.split(".")
    target = body
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key = int(last) if last.isdigit() else last
    if value is KeyError:
        del target[key]
    else:
        target[key] = value
    return body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "body must be an object, not an array"),
        ("alerts", "body must be an object, not a string"),
        ({"status": "firing"}, "alerts is missing"),
        (_with("alerts", {"a": 1}), "alerts must be an array, not an object"),
        (_with("alerts.1", "x"), "alerts[1] must be an object, not a string"),
        (_with("alerts.0.status", KeyError), "alerts[0].status is missing"),
        (_with("alerts.0.status", "pending"), 'alerts[0].status must be "firing" or "resolved"'),
        (_with("alerts.1.labels", KeyError), "alerts[1].labels is missing"),
        (_with("alerts.1.labels", None), "alerts[1].labels must be an object, not null"),
        (_with("alerts.1.labels", ["a=b"]), "alerts[1].labels must be an object, not an array"),
        (_with("alerts.0.labels.instance", {"a": 1}), "alerts[0].labels.instance must be a string"),
        (_with("alerts.0.annotations", "x"), "alerts[0].annotations must be an object"),
        (
            _with("alerts.0.startsAt", "yesterday"),
            "alerts[0].startsAt is not an RFC 3339 timestamp",
        ),
        (
            _with("alerts.1.endsAt", "2026-02-30T00:00:00Z"),
            "alerts[1].endsAt is not a valid timestamp",
        ),
        (_with("alerts.0.startsAt", 1763899666), "alerts[0].startsAt must be a timestamp string"),
        (_with("alerts.0.generatorURL", 5), "alerts[0].generatorURL must be a string"),
        (_with("alerts.0.fingerprint", ["x"]), "alerts[0].fingerprint must be a string"),
        (
            _with("alerts.1.labels", {str(i): "x" for i in range(101)}),
            "alerts[1].labels has 101 entries",
        ),
    ],
)
def test_invalid_payloads_name_the_field(body, message):
    with pytest.raises(PayloadError) as caught:
        alertmanager.parse(body)
    assert message in str(caught.value)
    assert caught.value.errors == [str(caught.value)]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
ALERT = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["firing", "resolved", "x"]) | JSON,
        "labels": st.dictionaries(st.text(max_size=8), st.text(max_size=8) | JSON, max_size=4)
        | JSON,
        "annotations": st.dictionaries(st.sampled_from(["summary", "description"]), st.text())
        | JSON,
        "startsAt": st.sampled_from(["0001-01-01T00:00:00Z", "2026-11-23T12:00:00.1+02:00"]) | JSON,
        "endsAt": st.datetimes().map(lambda d: d.isoformat()) | JSON,
        "generatorURL": st.text() | JSON,
        "fingerprint": st.text(max_size=300) | JSON,
    },
)


@settings(max_examples=300)
@given(JSON | st.fixed_dictionaries({"alerts": st.lists(ALERT | JSON, max_size=3)}))
def test_arbitrary_json_gives_alerts_or_a_payload_error(body):
    try:
        alerts = alertmanager.parse(body)
    except PayloadError as error:
        assert error.errors
        return
    for alert in alerts:
        assert isinstance(alert, NormalizedAlert) and len(alert.fingerprint) <= 255
        assert all(isinstance(v, str) for v in alert.labels.values())
