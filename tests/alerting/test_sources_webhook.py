"""Generic JSON webhooks read through a field mapping, driven by the sample payloads."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixfirst.alerting.normalized import AlertAction, NormalizedAlert, PayloadError, Severity
from fixfirst.alerting.sources import webhook

SAMPLES = Path(webhook.__file__).parent / "samples"
UTC = dt.UTC
CHECKS = {
    "fingerprint": "id", "name": "check.name", "status": "state", "resolved_values": ["ok", "resolved", "up"],
    "severity": "level", "severity_map": {"P1": "critical", "P3": "info"}, "summary": "message",
    "labels": "tags", "starts_at": "time",
}  # fmt: skip
NESTED = {
    "items": "data.alerts", "fingerprint": "uid", "name": "title", "status": "state", "severity": "priority",
    "summary": "text", "labels": "meta", "required": ["fingerprint", "name"],
}  # fmt: skip


def sample(name: str) -> object:
    return json.loads((SAMPLES / name).read_text())


def test_the_native_shape_needs_no_mapping():
    (alert,) = webhook.parse(sample("native.json"))
    assert alert.fingerprint == "chk-disk-db1"
    assert (alert.action, alert.name, alert.severity) == (
        AlertAction.TRIGGER,
        "Disk almost full",
        Severity.CRITICAL,
    )
    assert alert.summary == "/var on db1 is 95% full"
    assert alert.labels == {"host": "db1", "service": "postgres", "env": "prod"}
    assert alert.annotations == {"runbook": "https://runbooks.example/disk"}
    assert alert.source_url == "https://monitor.example/checks/chk-disk-db1"
    assert alert.starts_at == dt.datetime(2026, 11, 23, 12, 7, 46, tzinfo=UTC)
    assert alert.raw == sample("native.json")
    assert webhook.parse({**sample("native.json"), "status": "OK"})[0].action == AlertAction.RESOLVE


def test_a_list_of_checks_with_tags_and_unix_times():
    down, up = webhook.parse(sample("checks_list.json"), CHECKS)
    assert (down.fingerprint, down.name, down.action, down.severity) == (
        "7",
        "ping shop.example.com",
        AlertAction.TRIGGER,
        Severity.CRITICAL,
    )
    assert down.labels == {"env": "prod", "team": "web", "public": ""}
    assert down.starts_at == dt.datetime(2025, 11, 23, 12, 7, 46, tzinfo=UTC)
    assert (up.action, up.severity, up.summary) == (
        AlertAction.RESOLVE,
        Severity.INFO,
        "200 OK in 120 ms",
    )
    assert up.starts_at == dt.datetime(2025, 11, 23, 12, 7, 46, 123000, tzinfo=UTC)  # milliseconds


def test_alerts_nested_in_an_object():
    backup, cert = webhook.parse(sample("nested_items.json"), NESTED)
    assert (backup.fingerprint, backup.name, backup.severity, backup.labels["job"]) == (
        "a-1",
        "Backup failed",
        Severity.ERROR,
        "erp-nightly",
    )
    assert (cert.action, cert.severity) == (AlertAction.RESOLVE, Severity.INFO)


def test_acknowledged_values_and_a_missing_fingerprint():
    body = {"name": "X", "labels": {"a": "1"}, "status": "ACK"}
    (alert,) = webhook.parse(body)
    assert alert.action == AlertAction.ACKNOWLEDGE
    assert alert.fingerprint == webhook.parse({**body, "labels": {"a": "1"}})[0].fingerprint
    assert alert.fingerprint != webhook.parse({**body, "labels": {"a": "2"}})[0].fingerprint


@pytest.mark.parametrize(
    ("body", "mapping", "message"),
    [
        ("x", None, "body must be an object or an array of objects, not a string"),
        ([{"name": "a"}, 3], None, "[1] must be an object, not a number"),
        ({"summary": "no name"}, None, "body.name is missing (mapped as name)"),
        ([{"id": 7, "check": {}}], CHECKS, "[0].check.name is missing (mapped as name)"),
        (
            {"data": {"alerts": [{"title": "t"}]}},
            NESTED,
            "data.alerts[0].uid is missing (mapped as fingerprint)",
        ),
        ({"data": {}}, NESTED, "data.alerts must be an object or an array of objects, not null"),
        ({"name": {"a": 1}}, None, "body.name must be a string, not an object"),
        ({"name": "a", "labels": "x"}, None, "body.labels must be an object, not a string"),
        ({"name": "a", "labels": [1]}, None, "body.labels[0] must be a string, not a number"),
        ({"name": "a", "labels": {"k": [1]}}, None, "body.labels.k must be a string, not an array"),
        (
            {"name": "a", "labels": [f"t{i}" for i in range(101)]},
            None,
            "body.labels has 101 entries",
        ),
        ({"name": "a", "starts_at": "soon"}, None, "body.starts_at is not an RFC 3339 timestamp"),
        ({"name": "a", "url": 3}, None, "body.url must be a string"),
        ({"name": "a"}, {"nme": "x"}, "field mapping: unknown mapping key 'nme'"),
        ({"name": "a"}, {"name": 3}, "field mapping: name must be a dotted path"),
        (
            {"name": "a"},
            {"resolved_values": "ok"},
            "field mapping: resolved_values must be an array of strings",
        ),
        ({"name": "a"}, {"severity_map": {"P1": "urgent"}}, "field mapping: severity_map must map"),
        (
            {"name": "a"},
            {"required": ["items"]},
            "field mapping: required: 'items' is not a mapped field",
        ),
        (
            {"name": "a"},
            {"summary": "", "required": ["summary"]},
            "required: 'summary' is not a mapped field",
        ),
    ],
)
def test_invalid_bodies_and_mappings_name_the_path(body, mapping, message):
    with pytest.raises(PayloadError) as caught:
        webhook.parse(body, mapping)
    assert message in str(caught.value)


def test_mapping_errors_for_the_integration_form():
    assert (
        webhook.mapping_errors(CHECKS)
        == webhook.mapping_errors(NESTED)
        == webhook.mapping_errors({})
        == []
    )
    assert webhook.mapping_errors([]) == ["the field mapping must be an object, not an array"]


def test_paths_walk_arrays_by_index():
    (alert,) = webhook.parse({"results": [{"n": "first"}]}, {"name": "results.0.n"})
    assert alert.name == "first"
    with pytest.raises(PayloadError, match="body.results.5.n is missing"):
        webhook.parse({"results": [{"n": "first"}]}, {"name": "results.5.n"})


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from(
    [
        "id",
        "name",
        "status",
        "severity",
        "summary",
        "labels",
        "annotations",
        "url",
        "starts_at",
        "ends_at",
    ]
)
ITEM = st.dictionaries(FIELDS, JSON, max_size=10)


@settings(max_examples=300)
@given(
    JSON | ITEM | st.lists(ITEM, max_size=3), st.none() | st.just(CHECKS) | st.just(NESTED) | JSON
)
def test_arbitrary_json_and_mappings_give_alerts_or_a_payload_error(body, mapping):
    try:
        alerts = webhook.parse(
            body, mapping if isinstance(mapping, dict) or mapping is None else {"name": mapping}
        )
    except PayloadError as error:
        assert error.errors
        return
    assert all(isinstance(alert, NormalizedAlert) for alert in alerts)
