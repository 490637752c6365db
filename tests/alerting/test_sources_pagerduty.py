"""PagerDuty Events API v2 (INTEGRATIONS.md 3), driven by the sample payloads."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixfirst.alerting.normalized import AlertAction, NormalizedAlert, PayloadError, Severity
from fixfirst.alerting.sources import pagerduty
from fixfirst.alerting.sources.pagerduty import responses

SAMPLES = Path(pagerduty.__file__).parent / "samples"
KEY = "e93facc04764012d7bfb002500d5d1a6"
UTC = dt.UTC
LENGTH = "Length of 'routing_key' is incorrect (should be 32 characters)"


def sample(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text())


def errors_of(body: object, parse=pagerduty.parse) -> list[str]:
    with pytest.raises(PayloadError) as caught:
        parse(body)
    return caught.value.errors


def test_every_valid_sample_parses():
    for path in sorted(SAMPLES.glob("*.json")):
        body = json.loads(path.read_text())
        parse = pagerduty.parse_change if path.name.startswith("change") else pagerduty.parse
        if path.name.startswith("invalid_"):
            assert errors_of(body, parse), path.name
        else:
            assert parse(body), path.name


def test_a_trigger():
    (alert,) = pagerduty.parse(sample("trigger.json"))
    assert alert.fingerprint == "srv01/mysql"
    assert alert.action == AlertAction.TRIGGER
    assert alert.name == alert.summary == "DISK at 99% on machine prod-datapipe03.example.com"
    assert alert.severity == Severity.CRITICAL
    assert alert.labels == {
        "source": "prod-datapipe03.example.com", "component": "mysql", "group": "prod-datapipe",
        "class": "disk", "free space": "1%", "load avg": "0.75", "ping time": "1500ms",
    }  # fmt: skip
    assert alert.starts_at == dt.datetime(2015, 7, 17, 8, 42, 58, 315000, tzinfo=UTC)
    assert alert.source_url == "https://monitoring.service.com"
    assert alert.annotations == {
        "client": "Sample Monitoring Service",
        "client_url": "https://monitoring.service.com",
    }
    assert "routing_key" not in alert.raw  # the sender's secret is not stored
    assert alert.raw["links"][0]["href"] == "http://pagerduty.example.com"


def test_a_trigger_without_dedup_key_gets_one_for_the_reply():
    (alert,) = pagerduty.parse(sample("trigger_without_dedup_key.json"), new_dedup_key=lambda: "k1")
    assert alert.fingerprint == "k1"
    generated = pagerduty.parse(sample("trigger_without_dedup_key.json"))[0].fingerprint
    assert len(generated) == 32 and int(generated, 16) >= 0
    assert responses.success(generated).body["dedup_key"] == generated
    assert (
        pagerduty.parse({**sample("trigger.json"), "dedup_key": " "}, new_dedup_key=lambda: "k2")[
            0
        ].fingerprint
        == "k2"
    )


@pytest.mark.parametrize(
    ("name", "action"),
    [("acknowledge.json", AlertAction.ACKNOWLEDGE), ("resolve.json", AlertAction.RESOLVE)],
)
def test_acknowledge_and_resolve_need_no_payload(name, action):
    (alert,) = pagerduty.parse(sample(name))
    assert (alert.fingerprint, alert.action, alert.name, alert.labels) == (
        "srv01/mysql",
        action,
        "srv01/mysql",
        {},
    )


def test_alertmanager_trigger_and_resolve_share_the_group_key():
    (trigger,) = pagerduty.parse(sample("alertmanager_trigger.json"))
    (resolve,) = pagerduty.parse(sample("alertmanager_resolve.json"))
    assert trigger.fingerprint == resolve.fingerprint and len(trigger.fingerprint) == 64
    assert resolve.action == AlertAction.RESOLVE
    assert resolve.summary == "[RESOLVED] DiskFull (critical)"
    assert resolve.labels["num_resolved"] == "2" and trigger.labels["num_firing"] == "2"


def test_a_resolve_ignores_a_malformed_payload():
    body = {
        **sample("resolve.json"),
        "payload": {"summary": 3, "severity": "fatal", "timestamp": "x", "custom_details": "text"},
    }
    (alert,) = pagerduty.parse(body)
    assert (alert.summary, alert.severity, alert.starts_at) == ("", Severity.WARNING, None)
    assert alert.labels == {"custom_details": "text"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("invalid_alertmanager_33_char_key.json", [LENGTH]),
        ("invalid_trigger_without_payload.json", ["'payload' is missing or blank"]),
        ("invalid_resolve_without_dedup_key.json", [LENGTH, "'dedup_key' is missing or blank"]),
        (
            "invalid_payload_fields.json",
            [
                "'payload.summary' is missing or blank",
                "'payload.severity' is invalid (must be one of: critical, error, warning, info)",
                "'payload.timestamp' is invalid (must be an ISO 8601 timestamp)",
                "'links[0].href' is missing or blank",
                "'images[0].src' is missing or blank",
            ],
        ),
    ],
)
def test_invalid_samples_list_every_error(name, expected):
    assert errors_of(sample(name)) == expected


def _trigger(**changes: object) -> dict:
    body = sample("trigger.json")
    payload = {**body["payload"], **changes.pop("payload", {})}  # type: ignore[dict-item]
    return {
        key: value
        for key, value in {**body, "payload": payload, **changes}.items()
        if value is not None
    }


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ([], "Event object must be a JSON object"),
        (_trigger(routing_key=None), "'routing_key' is missing or blank"),
        (_trigger(routing_key=12345678901234567890123456789012), "'routing_key' must be a string"),
        (_trigger(event_action=None), "'event_action' is missing or blank"),
        (
            _trigger(event_action="page"),
            "'event_action' is invalid (must be one of: trigger, acknowledge, resolve)",
        ),
        (_trigger(dedup_key="k" * 256), "'dedup_key' is too long (maximum is 255 characters)"),
        (_trigger(dedup_key=["k"]), "'dedup_key' must be a string"),
        (
            _trigger(payload={"summary": "s" * 1025}),
            "'payload.summary' is too long (maximum is 1024 characters)",
        ),
        (_trigger(payload={"source": ""}), "'payload.source' is missing or blank"),
        (_trigger(payload={"severity": None}), "'payload.severity' is missing or blank"),
        (
            _trigger(payload={"severity": "Critical"}),
            "'payload.severity' is invalid (must be one of: critical, error, warning, info)",
        ),
        (_trigger(payload={"component": 3}), "'payload.component' must be a string"),
        (
            _trigger(payload={"timestamp": 1763899666}),
            "'payload.timestamp' is invalid (must be an ISO 8601 timestamp)",
        ),
        ({**sample("trigger.json"), "payload": "disk full"}, "'payload' must be an object"),
        (_trigger(links={"href": "x"}), "'links' must be an array"),
        (_trigger(images=["https://x/y.png"]), "'images[0]' must be an object"),
        (_trigger(client=5), "'client' must be a string"),
    ],
)
def test_each_invalid_field_is_named(body, error):
    assert errors_of(body) == [error]


def test_dedup_keys_as_numbers_and_http_images_are_tolerated():
    (alert,) = pagerduty.parse(_trigger(dedup_key=4312, images=[{"src": "http://x/y.png"}]))
    assert alert.fingerprint == "4312"


def test_custom_details_become_labels_one_level_deep():
    details = {
        "a": {"b": 1, "c": {"d": [1]}},
        "list": [1, "x"],
        "flag": True,
        "none": None,
        "text": "t",
    }
    (alert,) = pagerduty.parse(_trigger(payload={"custom_details": details}))
    assert {k: v for k, v in alert.labels.items() if k not in ("source", "component", "group", "class")} == {
        "a.b": "1", "a.c": '{"d":[1]}', "flag": "true", "list": '[1,"x"]', "none": "", "text": "t",
    }  # fmt: skip
    (alert,) = pagerduty.parse(_trigger(payload={"custom_details": "free text"}))
    assert alert.labels["custom_details"] == "free text"


def test_many_custom_details_are_bounded_but_the_standard_labels_kept():
    (alert,) = pagerduty.parse(
        _trigger(payload={"custom_details": {f"k{i:03}": "v" * 5000 for i in range(300)}})
    )
    assert len(alert.labels) == 100
    assert alert.labels["source"] == "prod-datapipe03.example.com"
    assert all(len(v) <= 1024 for v in alert.labels.values())


def test_routing_key_of():
    assert pagerduty.routing_key_of(sample("trigger.json")) == KEY
    assert pagerduty.routing_key_of({"routing_key": 5}) == pagerduty.routing_key_of([]) == ""


def test_change_events():
    change = pagerduty.parse_change(sample("change.json"))
    assert change.summary == "Build Success: Increase snapshot create timeout to 30 seconds"
    assert change.source == "acme-build-pipeline-tool-default-i-9999"
    assert change.timestamp == dt.datetime(2020, 7, 17, 8, 42, 58, 315000, tzinfo=UTC)
    assert change.custom_details == {
        "build_state": "passed",
        "build_number": "2",
        "run_time": "1236s",
    }
    assert change.links == [
        {"href": "https://acme.pagerduty.dev/build/2", "text": "View more details in Acme!"}
    ]
    pdpyras = pagerduty.parse_change(sample("change_pdpyras.json"))
    assert pdpyras.timestamp == dt.datetime(2026, 11, 23, 12, 7, 46, 123456, tzinfo=UTC)
    assert (pdpyras.custom_details, pdpyras.links) == ({}, [])


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"payload": None}, ["'payload' is missing or blank"]),
        (
            {"payload": {"summary": "s" * 1025}},
            ["'payload.summary' is too long (maximum is 1024 characters)"],
        ),
        (
            {"payload": {"summary": "x", "timestamp": "now"}},
            ["'payload.timestamp' is invalid (must be an ISO 8601 timestamp)"],
        ),
        (
            {"routing_key": "R" + "0" * 31},
            ["Change events cannot be sent to ruleset routing keys (starting with 'R')"],
        ),
        ({"routing_key": "short", "links": [{}]}, [LENGTH, "'links[0].href' is missing or blank"]),
    ],
)
def test_invalid_change_events(change, errors):
    assert errors_of({**sample("change.json"), **change}, pagerduty.parse_change) == errors


def test_change_event_odd_details_are_kept():
    change = pagerduty.parse_change(
        {
            **sample("change_pdpyras.json"),
            "payload": {"summary": "x", "custom_details": "text", "source": "s" * 300},
        }
    )
    assert change.custom_details == {"details": "text"} and len(change.source) == 255


def test_reply_bodies():
    assert responses.success("k") == responses.Reply(
        202, {"status": "success", "message": "Event processed", "dedup_key": "k"}
    )
    invalid = responses.invalid(PayloadError("x", [LENGTH]))
    assert invalid == responses.Reply(
        400, {"status": "invalid event", "message": "Event object is invalid", "errors": [LENGTH]}
    )
    assert responses.invalid_change_event([LENGTH]) == invalid
    assert responses.unrecognized_object().body == {
        "status": "Unrecognized object",
        "message": "Event object format is unrecognized",
        "errors": ["JSON parse error"],
    }
    assert responses.change_success() == responses.Reply(
        202, {"status": "success", "message": "Change event processed"}
    )
    limited = responses.rate_limited(30)
    assert (limited.status, limited.headers, sorted(limited.body)) == (
        429,
        {"Retry-After": "30"},
        ["errors", "message", "status"],
    )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
TEXT = st.text(max_size=40)
EVENT = st.fixed_dictionaries(
    {},
    optional={
        "routing_key": st.just(KEY) | TEXT | JSON,
        "event_action": st.sampled_from(["trigger", "acknowledge", "resolve"]) | JSON,
        "dedup_key": TEXT | JSON,
        "payload": st.fixed_dictionaries(
            {},
            optional={
                "summary": TEXT | JSON, "source": TEXT | JSON, "timestamp": TEXT | JSON,
                "severity": st.sampled_from(["critical", "error", "warning", "info"]) | JSON,
                "component": TEXT, "class": TEXT | JSON, "custom_details": JSON,
            },
        ) | JSON,
        "links": st.lists(st.fixed_dictionaries({}, optional={"href": TEXT | JSON, "text": JSON})) | JSON,
        "images": st.lists(st.fixed_dictionaries({}, optional={"src": TEXT | JSON})) | JSON,
        "client_url": TEXT | JSON,
    },
)  # fmt: skip


@settings(max_examples=400)
@given(JSON | EVENT)
def test_arbitrary_events_give_an_alert_or_the_list_of_errors(body):
    for parse in (pagerduty.parse, pagerduty.parse_change):
        try:
            result = parse(body)
        except PayloadError as error:
            assert error.errors and all(isinstance(e, str) and e for e in error.errors)
            assert responses.invalid(error).status == 400
            continue
        if parse is pagerduty.parse:
            assert len(result) == 1 and isinstance(result[0], NormalizedAlert)
            assert 0 < len(result[0].fingerprint) <= 255
