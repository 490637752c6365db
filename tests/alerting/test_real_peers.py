"""FixFirst's alert endpoints against real peers over real sockets on loopback.

- Debian's Prometheus Alertmanager (0.25) notifies a live FixFirst through a ``webhook_configs``
  receiver and a ``pagerduty_configs`` receiver at once;
- ``pdpyras`` (plain HTTP) and ``pagerduty`` 7.x (HTTPS only, so FixFirst is served over TLS
  with a throw-away CA) send trigger / acknowledge / resolve and change events.

The live server is gunicorn in a subprocess on its own database (a SQLite file in a temp data
directory, or a fresh database on the PostgreSQL server of ``DATABASE_URL``), set up with the
product's own commands (``fixfirst migrate``, ``fixfirst shell``, ``fixfirst token create``).
The tests see it only through HTTP: the integrations are made and the results read through the
REST API. pytest-django's test database is not used.
"""

from __future__ import annotations

import datetime as dt
import re
import ssl
import tempfile
import urllib.error
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.alerting import peers

CUSTOMER = "harbour"  # each test uses its own integrations and alert names


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="ff-peers-"))
    yield path
    peers.remove(path)


@pytest.fixture(scope="module")
def installation(workdir: Path) -> Iterator[peers.Installation]:
    data_dir = workdir / "data"
    data_dir.mkdir()
    with peers.fresh_database(data_dir) as database_url:
        yield peers.install(data_dir, database_url, customer=CUSTOMER)


@pytest.fixture(scope="module")
def live(installation: peers.Installation, workdir: Path) -> Iterator[peers.LiveFixFirst]:
    server = peers.LiveFixFirst(installation, peers.free_port(), workdir / "gunicorn-http.log")
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def certificates(workdir: Path) -> peers.Certificates:
    tls_dir = workdir / "tls"
    tls_dir.mkdir()
    return peers.make_certificates(tls_dir)


@pytest.fixture(scope="module")
def live_tls(
    installation: peers.Installation, workdir: Path, certificates: peers.Certificates
) -> Iterator[peers.LiveFixFirst]:
    server = peers.LiveFixFirst(
        installation, peers.free_port(), workdir / "gunicorn-tls.log", tls=certificates
    )
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def closing():
    """``closing(client)`` returns the client and closes it (its keep-alive connections to the
    live server) when the test ends."""
    opened: list[Any] = []
    yield lambda client: opened.append(client) or client
    for client in opened:
        client.close()


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def incident_of(server: peers.LiveFixFirst, alerts: list[dict[str, Any]]) -> dict[str, Any]:
    numbers = {alert["incident"] for alert in alerts}
    assert len(numbers) == 1 and None not in numbers, alerts
    return server.incident(numbers.pop())


def wait_status(
    server: peers.LiveFixFirst, integration_id: int, *, alerts: str, incident: str, count: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Poll the REST API until the integration has ``count`` alerts, all ``alerts``, joined to
    one incident in status ``incident``."""
    seen: dict[str, Any] = {}

    def probe():
        found = server.alerts(integration_id)
        seen["alerts"] = [(a["fingerprint"], a["status"], a["incident"]) for a in found]
        if len(found) != count or any(a["status"] != alerts for a in found):
            return None
        if any(a["incident"] is None for a in found):
            return None
        opened = incident_of(server, found)
        seen["incident"] = (opened["number"], opened["status"])
        return (found, opened) if opened["status"] == incident else None

    try:
        return peers.wait_for(
            probe, timeout=30, what=f"{count} {alerts} alert(s), incident {incident}"
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nlast seen: {seen}\n{peers.tail(server.log)}") from None


# -- 1. Prometheus Alertmanager, two receivers --------------------------------------------------


ALERTMANAGER_CONFIG = """\
global:
  # Long on purpose: the alerts must resolve because the test posts their end, not because
  # Alertmanager stopped hearing about them.
  resolve_timeout: 5m
route:
  receiver: fixfirst-webhook
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: fixfirst-webhook
      continue: true
    - receiver: fixfirst-pagerduty
receivers:
  - name: fixfirst-webhook
    webhook_configs:
      - url: '{base}/integrations/alertmanager/{webhook_key}/'
        send_resolved: true
  - name: fixfirst-pagerduty
    pagerduty_configs:
      - routing_key: '{pd_key}'
        url: '{base}/v2/enqueue'
        send_resolved: true
        severity: '{{{{ if .CommonLabels.severity }}}}{{{{ .CommonLabels.severity }}}}{{{{ else }}}}error{{{{ end }}}}'
        component: '{{{{ .CommonLabels.service }}}}'
"""


@pytest.fixture
def alertmanager_receivers(live: peers.LiveFixFirst, workdir: Path):
    if not peers.alertmanager_available():
        pytest.skip(
            f"{peers.ALERTMANAGER_BINARY} is missing "
            "(Debian: apt-get install prometheus-alertmanager)"
        )
    webhook_id, webhook_key = live.create_integration(
        unique("Peer Alertmanager webhook "), "alertmanager", CUSTOMER
    )
    pd_id, pd_key = live.create_integration(
        unique("Peer Alertmanager pagerduty "), "pagerduty", CUSTOMER
    )
    directory = workdir / unique("alertmanager-")
    directory.mkdir()
    config = ALERTMANAGER_CONFIG.format(base=live.url, webhook_key=webhook_key, pd_key=pd_key)
    manager = peers.Alertmanager(directory, config)
    try:
        yield manager.start(), webhook_id, pd_id
    finally:
        manager.stop()


def test_alertmanager_webhook_and_pagerduty_receivers_open_and_resolve(
    live: peers.LiveFixFirst, alertmanager_receivers
):
    manager, webhook_id, pd_id = alertmanager_receivers
    name = unique("PeerDiskFull")
    started = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    alerts = [
        {
            "labels": {
                "alertname": name,
                "instance": f"db{i}:9100",
                "severity": "critical",
                "service": "pms",
            },
            "annotations": {"summary": f"Disk almost full on db{i}", "description": "95% used"},
            "startsAt": rfc3339(started),
            "generatorURL": "http://prometheus.example/graph?g0.expr=disk",
        }
        for i in (1, 2)
    ]
    manager.post_alerts(alerts)

    def failing(what: str):
        return f"{what}\nAlertmanager log:\n{peers.tail(manager.log)}"

    try:
        hooked, hooked_incident = wait_status(
            live, webhook_id, alerts="firing", incident="new", count=2
        )
        paged, paged_incident = wait_status(live, pd_id, alerts="firing", incident="new", count=1)
    except AssertionError as exc:
        raise AssertionError(failing(str(exc))) from None

    # Webhook receiver: one FixFirst alert per Alertmanager alert, with its labels.
    assert {a["labels"]["instance"] for a in hooked} == {"db1:9100", "db2:9100"}
    assert all(a["name"] == name and a["severity"] == "critical" for a in hooked)
    assert all(a["customer"] == CUSTOMER for a in hooked)
    assert {a["summary"] for a in hooked} == {"Disk almost full on db1", "Disk almost full on db2"}
    assert all(re.fullmatch(r"[0-9a-f]{16}", a["fingerprint"]) for a in hooked), hooked
    assert hooked_incident["customer"] == CUSTOMER
    assert name in hooked_incident["title"]
    assert hooked_incident["channel"] == "monitoring"
    # PagerDuty receiver: one alert per group, its dedup_key = SHA-256 of the group key.
    (page,) = paged
    assert re.fullmatch(r"[0-9a-f]{64}", page["fingerprint"]), page
    assert name in page["name"] and page["severity"] == "critical"
    assert page["labels"].get("component") == "pms", page["labels"]
    assert paged_incident["customer"] == CUSTOMER
    assert paged_incident["number"] != hooked_incident["number"]

    ended = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    manager.post_alerts([{**alert, "endsAt": rfc3339(ended)} for alert in alerts])
    try:
        hooked, hooked_incident = wait_status(
            live, webhook_id, alerts="resolved", incident="resolved", count=2
        )
        paged, paged_incident = wait_status(
            live, pd_id, alerts="resolved", incident="resolved", count=1
        )
    except AssertionError as exc:
        raise AssertionError(failing(str(exc))) from None
    assert all(a["resolved_at"] for a in [*hooked, *paged])
    assert hooked_incident["resolved_at"] and paged_incident["resolved_at"]


# -- 2. pdpyras over plain HTTP ---------------------------------------------------------------------


def _pdpyras():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "pdpyras is deprecated" on import
        import pdpyras
    return pdpyras


def test_pdpyras_trigger_acknowledge_resolve(live: peers.LiveFixFirst, closing):
    pdpyras = _pdpyras()
    integration_id, key = live.create_integration(unique("Peer pdpyras "), "pagerduty", CUSTOMER)
    session = closing(pdpyras.EventsAPISession(key))
    session.url = live.url
    session.retry[429] = 0  # fail instead of retrying forever

    summary = unique("Disk full on db7 ")
    dedup_key = session.trigger(summary, "db7", severity="critical", custom_details={"pct": 95})
    assert isinstance(dedup_key, str) and dedup_key, dedup_key
    (alert,), incident = wait_status(live, integration_id, alerts="firing", incident="new", count=1)
    assert alert["fingerprint"] == dedup_key
    assert alert["summary"] == summary and alert["severity"] == "critical"
    assert alert["labels"] == {"source": "db7", "pct": "95"}, alert["labels"]
    assert incident["customer"] == CUSTOMER and summary in incident["title"]

    assert session.acknowledge(dedup_key) == dedup_key
    wait_status(live, integration_id, alerts="acknowledged", incident="acknowledged", count=1)

    assert session.resolve(dedup_key) == dedup_key
    (alert,), incident = wait_status(
        live, integration_id, alerts="resolved", incident="resolved", count=1
    )
    assert incident["number"] == alert["incident"]

    # An acknowledge for a key nobody triggered is accepted (202 + its key) and creates nothing.
    assert session.acknowledge("never-triggered") == "never-triggered"
    # A sender's own dedup_key is kept and echoed.
    own_key = unique("pdpyras-own-")
    assert session.trigger(unique("CPU high "), "web3", dedup_key=own_key) == own_key
    assert {a["fingerprint"] for a in live.alerts(integration_id)} == {dedup_key, own_key}


def test_pagerduty_event_incident_title_is_its_summary(live: peers.LiveFixFirst, closing):
    pdpyras = _pdpyras()
    integration_id, key = live.create_integration(unique("Peer title "), "pagerduty", CUSTOMER)
    session = closing(pdpyras.EventsAPISession(key))
    session.url = live.url
    session.retry[429] = 0
    summary = unique("Disk full on db8 ")
    session.trigger(summary, "db8", severity="warning")
    _, incident = wait_status(live, integration_id, alerts="firing", incident="new", count=1)
    assert incident["title"] == summary


def test_pdpyras_change_event(live: peers.LiveFixFirst, closing):
    pdpyras = _pdpyras()
    _, key = live.create_integration(unique("Peer pdpyras changes "), "pagerduty", CUSTOMER)
    session = closing(pdpyras.ChangeEventsAPISession(key))
    session.url = live.url
    session.retry[429] = 0
    summary = unique("Deployed pms v2.4 ")
    session.submit(
        summary,
        source="ci",
        custom_details={"build": 42},
        links=[{"href": "https://ci.example/42", "text": "build 42"}],
    )
    changes = live.api_get("/api/v1/change-events/")["results"]
    (change,) = [c for c in changes if c["summary"] == summary]
    assert change["source"] == "ci"
    assert change["details"] == {"build": 42}
    assert change["links"] == [{"href": "https://ci.example/42", "text": "build 42"}]
    assert change["at"], change


# -- 3. pagerduty 7.x over TLS ---------------------------------------------------------------------


def test_pagerduty_client_over_tls(
    live_tls: peers.LiveFixFirst, certificates: peers.Certificates, closing
):
    import pagerduty

    # The server really is TLS with a certificate only the test CA vouches for.
    with pytest.raises(urllib.error.URLError) as refused:
        peers.http("GET", live_tls.url + "/healthz", context=ssl.create_default_context())
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError), refused.value

    integration_id, key = live_tls.create_integration(
        unique("Peer pagerduty TLS "), "pagerduty", CUSTOMER
    )
    with pytest.raises(pagerduty.UrlError):
        pagerduty.EventsApiV2Client(key, base_url=live_tls.url.replace("https:", "http:"))
    client = closing(
        pagerduty.EventsApiV2Client(
            key, base_url=live_tls.url, verify=certificates.client_context()
        )
    )
    client.retry[429] = 0  # 7.x retries 429 forever otherwise

    summary = unique("Disk full on db9 ")
    dedup_key = client.trigger(summary, "db9", severity="error", custom_details={"mount": "/var"})
    assert isinstance(dedup_key, str) and dedup_key
    (alert,), incident = wait_status(
        live_tls, integration_id, alerts="firing", incident="new", count=1
    )
    assert alert["fingerprint"] == dedup_key and alert["severity"] == "error"
    assert incident["customer"] == CUSTOMER

    assert client.acknowledge(dedup_key) == dedup_key
    wait_status(live_tls, integration_id, alerts="acknowledged", incident="acknowledged", count=1)
    assert client.resolve(dedup_key) == dedup_key
    wait_status(live_tls, integration_id, alerts="resolved", incident="resolved", count=1)

    summary = unique("Config change on db9 ")
    # timestamp= always: 7.2.0's own default raises AttributeError (datetime.timezone).
    client.submit(summary, source="ansible", timestamp=rfc3339(dt.datetime.now(dt.UTC)))
    changes = live_tls.api_get("/api/v1/change-events/")["results"]
    assert [c["source"] for c in changes if c["summary"] == summary] == ["ansible"]
