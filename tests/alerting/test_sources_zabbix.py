"""Zabbix through our webhook media type (INTEGRATIONS.md 5), driven by the sample payloads;
the media type's script is run under Node with Zabbix's objects stubbed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixfirst.alerting.normalized import AlertAction, NormalizedAlert, PayloadError, Severity
from fixfirst.alerting.sources import zabbix

FOLDER = Path(zabbix.__file__).parent
SAMPLES = FOLDER / "samples"


def sample(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text())


def parse_one(body: object) -> NormalizedAlert:
    (alert,) = zabbix.parse(body)
    return alert


def test_a_problem():
    alert = parse_one(sample("problem.json"))
    assert alert.fingerprint == "4312"
    assert alert.action == AlertAction.TRIGGER
    assert alert.name == "High CPU utilization (over 90% for 5m) on web1"
    assert alert.summary == "Current utilization: 96.2 %"
    assert alert.severity == Severity.ERROR  # High
    assert alert.labels == {
        "class": "os",
        "component": "cpu",
        "scope": "performance",
        "service": "shop",
        "host": "web1",
    }
    assert alert.annotations["zabbix_severity"] == "High"
    assert alert.annotations["host_ip"] == "10.0.0.11"
    assert alert.starts_at == dt.datetime(2026, 11, 23, 11, 7, 46, tzinfo=dt.UTC)
    assert (
        alert.source_url == "https://zabbix.example.com/tr_events.php?triggerid=23641&eventid=4312"
    )


def test_problem_update_and_recovery_share_the_problem_event_id():
    names = ["problem.json", "acknowledge.json", "comment.json", "recovery.json"]
    alerts = [parse_one(sample(name)) for name in names]
    assert {a.fingerprint for a in alerts} == {"4312"}
    assert [a.action for a in alerts] == [
        AlertAction.TRIGGER, AlertAction.ACKNOWLEDGE, AlertAction.UPDATE, AlertAction.RESOLVE,
    ]  # fmt: skip
    ack, comment, recovery = alerts[1:]
    assert ack.annotations["update_user"] == "Ann Admin"
    assert comment.severity == Severity.CRITICAL  # severity raised to Disaster in the update
    assert comment.annotations["update_message"] == "Shop checkout is down"
    assert recovery.annotations["recovery_id"] == "4390"


def test_tags_json_wins_over_the_comma_list():
    alert = parse_one(sample("problem_tags_json.json"))
    assert alert.labels == {"scope": "capacity", "path": "/var", "note": "a, b", "host": "web1"}
    assert alert.severity == Severity.WARNING  # "Average", by name
    assert alert.annotations["zabbix_severity"] == "Average"


def test_discovery_events_only_trigger_and_unresolved_macros_are_empty():
    alert = parse_one(sample("discovery.json"))
    assert alert.action == AlertAction.TRIGGER
    assert alert.name == "Discovery: Up 10.0.0.42"  # {EVENT.NAME} unresolved: the subject
    assert alert.severity == Severity.INFO
    assert alert.labels == {} and alert.source_url == ""
    assert "recovery_id" not in alert.annotations


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        ("0", Severity.INFO),
        ("1", Severity.INFO),
        ("2", Severity.WARNING),
        ("3", Severity.WARNING),
        ("4", Severity.ERROR),
        ("5", Severity.CRITICAL),
        (5, Severity.CRITICAL),
        ("Not classified", Severity.INFO),
        ("Information", Severity.INFO),
        ("warning", Severity.WARNING),
        ("HIGH", Severity.ERROR),
        ("Disaster", Severity.CRITICAL),
        ("{EVENT.NSEVERITY}", Severity.INFO),
        ("9", Severity.INFO),
    ],
)
def test_severities(severity, expected):
    assert parse_one({**sample("problem.json"), "severity": severity}).severity == expected


def test_tag_forms_and_the_token_is_never_stored():
    body = {
        **sample("problem.json"),
        "event_tags": "service:a, service:b, bare, url:http://x:8080",
        "token": "secret",
    }
    alert = parse_one(body)
    assert alert.labels == {"service": "a,b", "bare": "", "url": "http://x:8080", "host": "web1"}
    assert "token" not in alert.raw
    assert parse_one({**body, "event_tags": [{"tag": "t", "value": "v"}]}).labels == {
        "t": "v",
        "host": "web1",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"event_id": ""}, "event_id must be a positive integer"),
        ({"event_id": "{EVENT.ID}"}, "event_id must be a positive integer"),
        ({"event_id": "0"}, "event_id must be a positive integer"),
        ({"event_id": "١٢"}, "event_id must be a positive integer"),
        ({"event_source": "7"}, "event_source must be 0, 1, 2 or 3"),
        ({"event_value": "2"}, "event_value must be 0 or 1"),
        ({"event_value": "{EVENT.VALUE}"}, "event_value must be 0 or 1"),
        ({"event_update": "yes"}, "event_update must be 0 or 1"),
        (
            {"event_timestamp": "2026.11.23 12:07:46"},
            "event_timestamp is not an RFC 3339 timestamp",
        ),
        ({"event_tags_json": "[not json"}, "event_tags_json is not valid JSON"),
        ({"event_tags_json": [{"tag": {"x": 1}}]}, "event_tags_json[0].tag must be a string"),
        ({"event_tags": ", ".join(f"t{i}:v" for i in range(101))}, "event_tags has 101 tags"),
    ],
)
def test_invalid_messages_name_the_parameter(change, message):
    with pytest.raises(PayloadError) as caught:
        zabbix.parse({**sample("problem.json"), **change})
    assert message in str(caught.value)


def test_not_an_object():
    with pytest.raises(PayloadError, match="body must be an object, not an array"):
        zabbix.parse([sample("problem.json")])


NODE = shutil.which("node")
HARNESS = """
const fs = require('fs');
const [script, params, status, reply] = process.argv.slice(1);
const sent = {headers: [], logs: []};
global.Zabbix = {log: (level, message) => sent.logs.push(message)};
global.HttpRequest = function () {
  this.addHeader = (h) => sent.headers.push(h);
  this.setProxy = (p) => { sent.proxy = p; };
  this.post = (url, body) => { sent.url = url; sent.body = JSON.parse(body); return reply; };
  this.getStatus = () => Number(status);
};
try { sent.returned = new Function('value', fs.readFileSync(script, 'utf8'))(params); }
catch (error) { sent.thrown = String(error); }
process.stdout.write(JSON.stringify(sent));
"""


def run_media_type(
    params: dict, status: int = 202, reply: str = '{"incident": "INC-0042"}'
) -> dict:
    env = {**os.environ, "TZ": "Europe/Berlin"}
    args = [
        NODE,
        "-e",
        HARNESS,
        str(FOLDER / "media_type.js"),
        json.dumps(params),
        str(status),
        reply,
    ]
    return json.loads(
        subprocess.run(args, capture_output=True, check=True, env=env, timeout=30).stdout
    )


def _params(name: str) -> dict:
    params = {k: v for k, v in sample(name).items() if k != "event_timestamp"}
    return {
        **params,
        "url": "https://fixfirst.example/integrations/zabbix/k3y/",
        "token": "s3cret",
        "HTTPProxy": "",
    }


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_media_type_script_sends_what_the_parser_reads():
    sent = run_media_type({**_params("problem.json"), "recovery_id": "{EVENT.RECOVERY.ID}"})
    assert "thrown" not in sent
    assert sent["url"] == "https://fixfirst.example/integrations/zabbix/k3y/"
    assert "Authorization: Bearer s3cret" in sent["headers"]
    assert not {"url", "token", "HTTPProxy"} & set(sent["body"])
    assert sent["body"]["recovery_id"] == ""
    assert sent["body"]["event_timestamp"] == "2026-11-23T11:07:46.000Z"  # 12:07:46 in Berlin
    assert json.loads(sent["returned"]) == {"tags": {"itsm_incident": "INC-0042"}}
    assert all("s3cret" not in line for line in sent["logs"])
    received, expected = parse_one(sent["body"]), parse_one(sample("problem.json"))
    assert dataclasses.replace(received, raw={}) == dataclasses.replace(expected, raw={})


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_media_type_script_fails_loudly():
    refused = run_media_type(
        _params("problem.json"), 400, '{"error": "event_id must be a positive integer"}'
    )
    assert "FixFirst answered HTTP 400" in refused["thrown"] and "event_id" in refused["thrown"]
    tokenless = run_media_type(
        {**_params("problem.json"), "token": " "}, 200, '{"incidents_opened": ["INC-7"]}'
    )
    assert not any(h.startswith("Authorization") for h in tokenless["headers"])
    assert json.loads(tokenless["returned"]) == {"tags": {"itsm_incident": "INC-7"}}
    assert (
        'parameter "url"'
        in run_media_type({**_params("problem.json"), "url": "{$FIXFIRST.URL}"})["thrown"]
    )
    plain = run_media_type(
        {**_params("recovery.json"), "event_tags_json": '[{"tag":"a","value":"b"}]'}, 204, ""
    )
    assert json.loads(plain["returned"]) == {"tags": {}}
    assert plain["body"]["event_tags_json"] == [{"tag": "a", "value": "b"}]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
PARAMS = {
    "event_id": st.sampled_from(["4312", "0", ""]) | JSON,
    "event_value": st.sampled_from(["0", "1"]) | JSON,
    "event_update": st.sampled_from(["0", "1"]) | JSON,
    "event_ack": st.sampled_from(["Yes", "No"]) | JSON,
    "event_source": st.sampled_from(["0", "1", "3"]) | JSON,
    "severity": JSON,
    "event_tags": st.text() | JSON,
    "event_tags_json": st.just('[{"tag":"a","value":"b"}]') | st.text() | JSON,
    "event_timestamp": JSON,
    "trigger_id": JSON,
    "zabbix_url": JSON,
}


@settings(max_examples=300)
@given(JSON | st.fixed_dictionaries({}, optional=PARAMS))
def test_arbitrary_json_gives_an_alert_or_a_payload_error(body):
    try:
        result = zabbix.parse(body)
    except PayloadError:
        return
    assert len(result) == 1 and result[0].fingerprint.isascii()
