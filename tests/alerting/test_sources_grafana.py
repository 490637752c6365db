"""Grafana webhook contact point payloads (INTEGRATIONS.md 2), driven by the sample payloads."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixfirst.alerting.normalized import AlertAction, NormalizedAlert, PayloadError, Severity
from fixfirst.alerting.sources import grafana

SAMPLES = Path(grafana.__file__).parent / "samples"
UTC = dt.UTC


def sample(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text())


def test_every_sample_parses():
    for path in sorted(SAMPLES.glob("*.json")):
        assert grafana.parse(json.loads(path.read_text())), path.name


def test_a_v1_firing_alert():
    (alert,) = grafana.parse(sample("v1_firing.json"))
    assert alert.fingerprint == "0a1b2c3d4e5f6a7b"
    assert alert.action == AlertAction.TRIGGER
    assert alert.name == "HighCPU"
    assert alert.summary == "[FIRING:1] HighCPU (web1)"  # no annotations: the group's title
    assert alert.severity == Severity.WARNING
    assert alert.labels == {"alertname": "HighCPU", "grafana_folder": "Infra", "instance": "web1"}
    assert alert.starts_at == dt.datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    assert alert.ends_at is None
    assert alert.source_url == "https://grafana.example/alerting/grafana/abc/view"
    assert alert.annotations["values"] == "B=93.1, C=1"
    assert alert.annotations["silenceURL"].startswith(
        "https://grafana.example/alerting/silence/new"
    )
    assert "dashboardURL" not in alert.annotations  # "" when no dashboard is linked
    assert alert.raw["title"] == "[FIRING:1] HighCPU (web1)"
    assert alert.raw["message"].startswith("**Firing**")
    assert alert.raw["orgId"] == 1 and alert.raw["state"] == "alerting"


def test_a_resolved_group_with_dashboard_links():
    first, second = grafana.parse(sample("v1_resolved_with_dashboard.json"))
    assert first.action == second.action == AlertAction.RESOLVE
    assert first.severity == Severity.ERROR
    assert first.summary == "p99 latency above 500 ms"
    assert first.starts_at == dt.datetime(2021, 10, 12, 7, 51, 3, 157076, tzinfo=UTC)
    assert first.ends_at == dt.datetime(2021, 10, 12, 8, 6, 3, 157076, tzinfo=UTC)
    assert first.annotations["dashboardURL"] == "https://grafana.example/d/api-overview"
    assert first.annotations["panelURL"].endswith("viewPanel=4")
    assert first.annotations["imageURL"].endswith(".png")
    assert first.annotations["runbook_url"] == "https://runbooks.example/api-latency"
    assert "embeddedImage" not in first.raw  # screenshots are not stored per alert
    assert second.annotations["values"] == "A=0.19"


def test_the_title_is_not_the_summary_of_several_alerts():
    body = sample("v1_resolved_with_dashboard.json")
    for alert in body["alerts"]:
        alert["annotations"] = {}
    assert [a.summary for a in grafana.parse(body)] == ["", ""]


def test_the_mimir_compatible_version_4_is_accepted():
    (alert,) = grafana.parse(sample("mimir_v4_firing.json"))
    assert alert.fingerprint == "c0ffee0011223344" and alert.summary == "Queue backlog growing"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"alerts": None}, "alerts must be an array, not null"),
        ({"title": ["x"]}, "title must be a string"),
        ({"message": 3}, "message must be a string"),
        (
            {"alerts": [{"status": "firing", "labels": {}, "values": [1]}]},
            "alerts[0].values must be an object",
        ),
        (
            {"alerts": [{"status": "firing", "labels": {}, "values": {"B": {"x": 1}}}]},
            "alerts[0].values.B must be a string",
        ),
        (
            {"alerts": [{"status": "firing", "labels": {}, "panelURL": 4}]},
            "alerts[0].panelURL must be a string",
        ),
        (
            {"alerts": [{"status": "alerting", "labels": {}}]},
            'alerts[0].status must be "firing" or "resolved"',
        ),
    ],
)
def test_invalid_payloads_name_the_field(change, message):
    body = {**sample("v1_firing.json"), **change}
    with pytest.raises(PayloadError, match=message.replace("[", "\\[").replace("]", "\\]")):
        grafana.parse(body)


def test_a_custom_template_body_is_refused():
    with pytest.raises(PayloadError, match="alerts is missing"):
        grafana.parse({"text": "HighCPU is firing"})


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
GRAFANA_FIELDS = {
    key: JSON | st.text()
    for key in ("silenceURL", "dashboardURL", "panelURL", "imageURL", "valueString", "values")
}


@settings(max_examples=300)
@given(
    JSON,
    st.lists(
        st.fixed_dictionaries(
            {"status": st.just("firing"), "labels": st.just({})}, optional=GRAFANA_FIELDS
        ),
        max_size=3,
    ),
)
def test_arbitrary_json_gives_alerts_or_a_payload_error(title, alerts):
    try:
        result = grafana.parse({"title": title, "message": title, "alerts": alerts})
    except PayloadError:
        return
    assert all(isinstance(alert, NormalizedAlert) for alert in result)
