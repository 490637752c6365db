"""Alert ingest over HTTP: Alertmanager webhooks into gunicorn, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.alert_ingest_bench                 # both databases (~12 min)
    .venv/bin/python -m bench.alert_ingest_bench --db sqlite     # one database
    .venv/bin/python -m bench.alert_ingest_bench --quick         # short smoke run (~3 min)

For each database: a fresh FIXFIRST_DATA_DIR under /tmp (migrate, a customer, 100 services,
100 routing rules ``service=svc-NNN -> that service``, an engineer with a session and an
Alertmanager integration made by ``alerting.services.create_integration(key=...)``), then
gunicorn on 127.0.0.1 with the flags ``fixfirst up`` uses (2 workers x 4 threads,
``fixfirst.wsgi:application``, access log to a file). DJANGO_SETTINGS_MODULE is
``bench.alert_settings``: the product settings plus a hello-world view at ``/bench/hello``.
PostgreSQL is a throwaway server like ``fixfirst.devtools.pgserver`` but with durable
settings (fsync, synchronous_commit and full_page_writes on, the server defaults);
``--pg-fsync-off`` uses the test suite's non-durable settings instead. No task worker runs.

Measured, on the same server in the same run:

* max sustained ingest: ``wrk`` (1 thread, closed loop, ``--connections``) posting
  Alertmanager groups of 1 and of 10 alerts (bench/alert_wrk.lua); ``--trials`` runs each,
  medians reported, interleaved with the hello-world view so drift hits both alike;
* the hello-world view the same way, and the ratio ingest/hello;
* p50/p99 at a fixed 500 alerts/s (open loop, latency counted from the scheduled send time,
  so a stalled server cannot hide its queue), as 500 requests/s of 1 and 50/s of 10;
* the storm: 20,000 distinct alerts from 100 services (200 instances each; alertnames
  ``StormNNN`` that no earlier phase used) sent open loop evenly over 60 s, while /healthz
  and the logged-in /incidents/ page are sampled; afterwards the database is asked how many
  incidents the storm opened and how many storm alerts are stored.

Load: 100 services x 50 instances; each group of N alerts is one service's alertname, like
an Alertmanager group; 5 % of alerts are sent resolved (they fire again later), so dedup,
grouping, routing, resolve/re-fire and flapping all run. A 5 s warm-up precedes the trials.
Machine load (all cores, /proc/stat) and the load generator's own CPU are reported per phase,
and for each wrk trial the CPU seconds of each gunicorn worker: a trial in which one worker
did more than 80 % of the work (it accepted nearly all of wrk's keep-alive connections) is
counted in the report, as such a trial measures one process rather than two.

Everything started is stopped at the end (also on Ctrl-C); --keep keeps the data directories.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import random
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "alert_wrk.lua"
INTEGRATION_KEY = "bench-alertmanager-key-0123456789abcdef"
SERVICES = 100
INSTANCES = 50
RESOLVED_SHARE = 0.05
STORM_PREFIX = "Storm"
LOAD_PREFIX = "Load"


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- payloads (the same shape as bench/alert_wrk.lua) ----------------------------------------


def alert_json(prefix: str, fptag: str, svc: int, inst: int, firing: bool = True) -> str:
    name = f"{prefix}{svc:03d}"
    return (
        f'{{"status":"{"firing" if firing else "resolved"}","labels":{{"alertname":"{name}",'
        f'"service":"svc-{svc:03d}","instance":"host{inst:04d}:9100","job":"node",'
        f'"severity":"warning"}},"annotations":{{"summary":"{name} on host{inst:04d}",'
        f'"description":"Load test alert"}},"startsAt":"2026-11-23T12:00:00.123456789Z",'
        f'"endsAt":"{"0001-01-01T00:00:00Z" if firing else "2026-11-23T12:05:00Z"}",'
        f'"generatorURL":"http://prometheus.bench:9090/graph?g0.expr=up",'
        f'"fingerprint":"{fptag}{svc:04x}{inst:08x}"}}'
    )


def group_payload(prefix: str, fptag: str, svc: int, alerts: list[tuple[int, bool]]) -> bytes:
    name = f"{prefix}{svc:03d}"
    body = (
        f'{{"version":"4","groupKey":"{{}}:{{alertname=\\"{name}\\"}}","truncatedAlerts":0,'
        f'"status":"firing","receiver":"fixfirst","groupLabels":{{"alertname":"{name}"}},'
        f'"commonLabels":{{"alertname":"{name}","job":"node"}},"commonAnnotations":{{}},'
        f'"externalURL":"http://alertmanager.bench:9093","alerts":['
        + ",".join(alert_json(prefix, fptag, svc, inst, firing) for inst, firing in alerts)
        + "]}\n"
    )
    return body.encode()


class LoadPayloads:
    """Random groups from the sustained-load universe (services x instances)."""

    def __init__(self, batch: int, seed: int) -> None:
        self.batch = batch
        self.rng = random.Random(seed)

    def __call__(self) -> bytes:
        svc = self.rng.randrange(SERVICES)
        first = self.rng.randrange(INSTANCES)
        alerts = [
            ((first + i) % INSTANCES, self.rng.random() >= RESOLVED_SHARE)
            for i in range(self.batch)
        ]
        return group_payload(LOAD_PREFIX, "10ad", svc, alerts)


def storm_payloads(total: int, services: int, batch: int, seed: int) -> list[bytes]:
    """``total`` distinct firing alerts, spread evenly over ``services``; one group per request."""
    per_service = -(-total // services)
    groups: list[tuple[int, list[int]]] = []
    made = 0
    for svc in range(services):
        instances = list(range(min(per_service, total - made)))
        made += len(instances)
        groups += [(svc, instances[i : i + batch]) for i in range(0, len(instances), batch)]
    random.Random(seed).shuffle(groups)
    return [
        group_payload(STORM_PREFIX, "5707", svc, [(inst, True) for inst in insts])
        for svc, insts in groups
    ]


# --- machine and processes --------------------------------------------------------------------


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@contextlib.contextmanager
def machine_load(out: dict[str, Any]) -> Iterator[None]:
    """Busy share of the whole machine (both cores) during the block, in percent of all cores."""
    busy0, total0 = _cpu_ticks()
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    yield
    busy1, total1 = _cpu_ticks()
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    elapsed = time.monotonic() - t0
    out["machine_busy_pct"] = round(100 * (busy1 - busy0) / max(1, total1 - total0), 1)
    if "generator_cpu_s" not in out:  # in-process generator (asyncio client)
        used = (self1.ru_utime - self0.ru_utime) + (self1.ru_stime - self0.ru_stime)
        out["generator_cpu_s"] = round(used, 2)
    out["generator_core_pct"] = round(100 * out["generator_cpu_s"] / max(elapsed, 1e-9), 1)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (all its threads), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# A gunicorn worker keeps the keep-alive connections it accepted, and wrk opens all of its
# connections at once: now and then one worker accepts (nearly) all of them and the other
# idles, which caps the run at one process (one core, the GIL). Each run records how the
# workers' CPU was split, so such a run can be told apart; above this share it is flagged.
LOPSIDED_SHARE = 0.8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Gunicorn:
    """gunicorn as ``fixfirst up`` starts it, in its own process group."""

    def __init__(self, env: dict[str, str], data_dir: Path, workers: int, threads: int) -> None:
        self.port = _free_port()
        self.env = env
        self.log = data_dir / "gunicorn.log"
        self.cmd = [
            sys.executable, "-m", "gunicorn", "fixfirst.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
            "--threads", str(threads), "--access-logfile", "-", "--graceful-timeout", "10",
            "--no-control-socket",
        ]  # fmt: skip
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                self.cmd, env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz within 60 s; see {self.log}")

    def worker_pids(self) -> list[int]:
        """The master's child processes (the workers), from /proc."""
        if self.proc is None:
            return []
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        with contextlib.suppress(OSError):
            return sorted(int(p) for p in children.read_text().split())
        return []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # the master stops its own workers
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group this bench started
            self.proc.wait(timeout=10)


def durable_postgres(fsync_off: bool) -> Any:
    """A throwaway PostgreSQL server; durable (server defaults) unless ``fsync_off``."""
    from fixfirst.devtools.pgserver import TempPostgres

    if fsync_off:
        return TempPostgres()

    class DurablePostgres(TempPostgres):
        def _pg_ctl_start(self) -> None:
            assert self.tmpdir is not None
            socket_dir = shlex.quote(str(self.tmpdir))
            opts = (
                f"-c listen_addresses=127.0.0.1 -p {self.port}"
                f" -c unix_socket_directories={socket_dir} -c max_connections=300"
                " -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
            )
            pgdata, log = f"--pgdata={self.datadir}", f"--log={self.logfile}"
            self._run(
                self._as, "pg_ctl", "start", "--wait", "--timeout=60", pgdata, log, "-o", opts
            )

    return DurablePostgres()


# --- load generators --------------------------------------------------------------------------


def run_wrk(
    url: str,
    seconds: float,
    connections: int,
    batch: int,
    seed: int,
    fptag: str = "10ad",
    workers: list[int] | None = None,
) -> dict[str, Any]:
    """One closed-loop wrk run; batch 0 = GET (hello world). Returns wrk's figures + CPU,
    and with ``workers`` (gunicorn worker pids) each worker's CPU seconds during the run."""
    env = {
        **os.environ,
        "ALERT_BATCH": str(batch),
        "ALERT_SERVICES": str(SERVICES),
        "ALERT_INSTANCES": str(INSTANCES),
        "ALERT_PREFIX": LOAD_PREFIX,
        "ALERT_RESOLVED": str(RESOLVED_SHARE),
        "ALERT_SEED": str(seed),
        "ALERT_FPTAG": fptag,
    }
    cmd = [
        "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
        "-s", str(LUA), url,
    ]  # fmt: skip
    out: dict[str, Any] = {}
    workers = workers or []
    cpu0 = [_cpu_seconds(pid) for pid in workers]
    with machine_load(out):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout, stderr = proc.communicate()
        out["generator_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 2)
    line = next((s for s in stdout.decode().splitlines() if s.startswith("WRK_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {stderr.decode()}{stdout.decode()}")
    res = json.loads(line.removeprefix("WRK_JSON "))
    seconds_run = res["duration_us"] / 1e6
    res["rps"] = res["requests"] / seconds_run
    res["alerts_per_s"] = res["rps"] * max(batch, 1)
    res["ok"] = sum(n for code, n in res["statuses"].items() if code.startswith("2"))
    res.update(out)
    used = [round(_cpu_seconds(pid) - c0, 2) for pid, c0 in zip(workers, cpu0, strict=True)]
    res["worker_cpu_s"] = used
    res["busiest_worker_share"] = round(max(used) / sum(used), 2) if sum(used) > 0 else None
    return res


class Conn:
    """A minimal HTTP/1.1 keep-alive client connection (Content-Length and chunked bodies)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    @property
    def is_open(self) -> bool:
        return self.writer is not None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> int:
        assert self.reader is not None and self.writer is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        if body or method == "POST":
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        for name, value in (headers or {}).items():
            head += f"{name}: {value}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("closed before the response")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length is not None:
            await self.reader.readexactly(length)
        else:
            await self.reader.read()
            close = True
        if close:
            self.close()
        return status


class Pool:
    """Keep-alive connections, at most ``limit`` requests in flight."""

    def __init__(self, host: str, port: int, limit: int) -> None:
        self.host, self.port = host, port
        self.idle: list[Conn] = []
        self.sem = asyncio.Semaphore(limit)

    async def request(self, method: str, path: str, body: bytes = b"", **kw: Any) -> int:
        async with self.sem:
            for attempt in range(2):
                conn, fresh = (self.idle.pop(), False) if self.idle else (None, True)
                if conn is None:
                    conn = Conn(self.host, self.port)
                    await conn.open()
                try:
                    status = await conn.request(method, path, body, **kw)
                except (ConnectionResetError, asyncio.IncompleteReadError, BrokenPipeError):
                    conn.close()
                    if fresh or attempt:
                        raise
                    continue  # the server closed an idle keep-alive connection: new one
                if conn.is_open:
                    self.idle.append(conn)
                return status
        raise AssertionError("unreachable")

    def close(self) -> None:
        for conn in self.idle:
            conn.close()
        self.idle.clear()


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def _latency_summary(ms: list[float]) -> dict[str, Any]:
    return {
        "n": len(ms),
        "p50_ms": _round(_pct(ms, 50)),
        "p95_ms": _round(_pct(ms, 95)),
        "p99_ms": _round(_pct(ms, 99)),
        "max_ms": _round(max(ms) if ms else None),
    }


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


async def open_loop(
    port: int,
    path: str,
    bodies: Any,
    rate: float,
    count: int,
    limit: int,
    timeout: float = 30.0,
) -> dict[str, Any]:
    """Send ``count`` POSTs at ``rate``/s whatever the server does (open loop).

    Latency runs from the scheduled send time, so requests queued behind a slow one count
    their wait (no coordinated omission). ``bodies`` is a list or a callable.
    """
    loop = asyncio.get_running_loop()
    pool = Pool("127.0.0.1", port, limit)
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    start = loop.time() + 0.05
    last_done = start

    async def one(scheduled: float, body: bytes) -> None:
        nonlocal last_done
        try:
            status = await asyncio.wait_for(pool.request("POST", path, body), timeout)
            statuses[str(status)] += 1
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
            errors[type(exc).__name__] += 1
            return
        now = loop.time()
        last_done = max(last_done, now)
        latencies.append((now - scheduled) * 1000)

    tasks = []
    for i in range(count):
        scheduled = start + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        body = bodies[i] if isinstance(bodies, list) else bodies()
        tasks.append(asyncio.create_task(one(scheduled, body)))
    sent_done = loop.time()
    await asyncio.gather(*tasks)
    pool.close()
    return {
        "requests": count,
        "offered_rps": rate,
        "send_seconds": round(sent_done - start, 2),
        "complete_seconds": round(last_done - start, 2),
        "statuses": dict(statuses),
        "errors": dict(errors),
        "latency": _latency_summary(latencies),
    }


async def sampler(
    port: int, path: str, interval: float, stop: asyncio.Event, headers: dict[str, str]
) -> dict[str, Any]:
    """GET ``path`` every ``interval`` s on one connection until ``stop``; latencies."""
    conn = Conn("127.0.0.1", port)
    ms: list[float] = []
    statuses: Counter[str] = Counter()
    errors = 0
    while not stop.is_set():
        t0 = time.perf_counter()
        try:
            if not conn.is_open:
                await conn.open()
            status = await asyncio.wait_for(conn.request("GET", path, headers=headers), 30)
            statuses[str(status)] += 1
            ms.append((time.perf_counter() - t0) * 1000)
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            errors += 1
            conn.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(0.0, interval - (time.perf_counter() - t0)))
    conn.close()
    return {"path": path, "statuses": dict(statuses), "errors": errors, **_latency_summary(ms)}


async def storm(
    port: int, ingest_path: str, session: str, alerts: int, seconds: float, batch: int, limit: int
) -> dict[str, Any]:
    bodies = storm_payloads(alerts, SERVICES, batch, seed=7)
    stop = asyncio.Event()
    cookie = {"Cookie": f"sessionid={session}"}
    samplers = [
        asyncio.create_task(sampler(port, "/healthz", 0.25, stop, {})),
        asyncio.create_task(sampler(port, "/incidents/", 0.5, stop, cookie)),
    ]
    await asyncio.sleep(0.3)
    result = await open_loop(
        port, ingest_path, bodies, rate=len(bodies) / seconds, count=len(bodies), limit=limit
    )
    stop.set()
    result["pages"] = await asyncio.gather(*samplers)
    result["alerts"] = alerts
    result["batch"] = batch
    return result


# --- the database side (run in a subprocess with the backend's environment) -----------------


def cmd_setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from fixfirst.alerting import services as alerting
    from fixfirst.alerting.models import IntegrationKind
    from fixfirst.catalog.services import save_service
    from fixfirst.tenancy import services as tenancy
    from fixfirst.tenancy.roles import Role

    call_command("migrate", interactive=False, verbosity=0)
    customer = tenancy.create_customer(by=None, name="Bench Customer", slug="bench")
    services = [
        save_service(None, by=None, name=f"svc-{i:03d}", customers=[customer])
        for i in range(SERVICES)
    ]
    integration, key = alerting.create_integration(
        by=None, name="Bench Alertmanager", kind=IntegrationKind.ALERTMANAGER,
        key=INTEGRATION_KEY, customer=customer, default_service=services[0],
    )  # fmt: skip
    for i, service in enumerate(services):
        alerting.save_rule(
            None, by=None, integration=integration, name=f"service {service.name}", position=i,
            matchers=[{"label": "service", "op": "=", "value": service.name}],
            set_service=service,
        )  # fmt: skip
    engineer = tenancy.invite_user(
        by=None, username="bench-engineer", email="engineer@bench.example", role=Role.ENGINEER,
        password="bench-password-1234", send_invitation=False,
    )  # fmt: skip
    client = Client()
    client.force_login(engineer)
    print(json.dumps({"key": key, "session": client.cookies["sessionid"].value}))


def cmd_stats(prefix: str) -> None:
    import django

    django.setup()
    from django.db import connection

    from fixfirst.alerting.models import Alert, AlertGroup
    from fixfirst.incidents.models import Incident, TimelineEvent

    print(
        json.dumps(
            {
                "incidents": Incident.objects.count(),
                "incidents_prefix": Incident.objects.filter(title__startswith=prefix).count(),
                "alerts": Alert.objects.count(),
                "alerts_prefix": Alert.objects.filter(name__startswith=prefix).count(),
                "alert_groups": AlertGroup.objects.count(),
                "timeline_events": TimelineEvent.objects.count(),
                "vendor": connection.vendor,
                "server_version": _server_version(connection),
            }
        )
    )


def _server_version(connection: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("show server_version")
        return str(cursor.fetchone()[0])


def _django(env: dict[str, str], *args: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.alert_ingest_bench", *args],
        env=env, cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- one backend --------------------------------------------------------------------------------


@dataclass
class BackendResult:
    db: str
    durability: str
    server_version: str = ""
    trials: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    medians: dict[str, dict[str, Any]] = field(default_factory=dict)
    fixed: list[dict[str, Any]] = field(default_factory=list)
    storm: dict[str, Any] = field(default_factory=dict)
    stats_before_storm: dict[str, Any] = field(default_factory=dict)
    stats_after_storm: dict[str, Any] = field(default_factory=dict)


def _median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = [
        "rps", "alerts_per_s", "p50_us", "p99_us", "machine_busy_pct", "generator_core_pct",
    ]  # fmt: skip
    med = {k: statistics.median(r[k] for r in runs) for k in keys}
    med["non2xx"] = sum(r["non2xx"] for r in runs)
    med["errors"] = sum(
        r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"] for r in runs
    )
    med["statuses"] = dict(sum((Counter(r["statuses"]) for r in runs), Counter()))
    shares = [r.get("busiest_worker_share") for r in runs]
    med["lopsided"] = sum(1 for x in shares if x is not None and x > LOPSIDED_SHARE)
    med["trials"] = len(runs)
    return med


def run_backend(db: str, args: argparse.Namespace) -> BackendResult:
    stack = contextlib.ExitStack()
    with stack:
        data_dir = Path(tempfile.mkdtemp(prefix=f"fixfirst-alertbench-{db}-", dir="/tmp"))
        if args.keep:
            stack.callback(_log, f"kept {data_dir}")
        else:
            stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            FIXFIRST_DATA_DIR=str(data_dir),
            DJANGO_SETTINGS_MODULE="bench.alert_settings",
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        )
        durability = "WAL, synchronous=NORMAL (product settings)"
        if db == "postgres":
            pg = stack.enter_context(durable_postgres(args.pg_fsync_off))
            env["DATABASE_URL"] = pg.url
            durability = (
                "fsync=off, synchronous_commit=off (test settings)"
                if args.pg_fsync_off
                else "fsync=on, synchronous_commit=on (durable)"
            )
        result = BackendResult(db=db, durability=durability)
        _log(f"{db}: preparing {data_dir}")
        setup = _django(env, "_setup")
        ingest_path = f"/integrations/alertmanager/{setup['key']}/"
        server = stack.enter_context(Gunicorn(env, data_dir, args.workers, args.threads))
        _log(f"{db}: gunicorn {args.workers}x{args.threads} on {server.url}")
        hello_url = f"{server.url}/bench/hello"
        ingest_url = f"{server.url}{ingest_path}"
        if _status(server.url + "/incidents/", setup["session"]) != 200:
            raise RuntimeError("the logged-in /incidents/ page does not answer 200")

        _log(f"{db}: warm-up")
        run_wrk(ingest_url, args.warmup, args.connections, 10, seed=99)
        run_wrk(hello_url, 2, args.connections, 0, seed=99)

        kinds = {"hello": 0, "ingest_1": 1, "ingest_10": 10}
        result.trials = {name: [] for name in kinds}
        for trial in range(args.trials):
            for name, batch in kinds.items():
                url = hello_url if batch == 0 else ingest_url
                res = run_wrk(
                    url, args.seconds, args.connections, batch, seed=trial + 1,
                    workers=server.worker_pids(),
                )  # fmt: skip
                result.trials[name].append(res)
                _log(
                    f"{db}: trial {trial + 1} {name}: {res['rps']:.0f} req/s, "
                    f"{res['alerts_per_s']:.0f} alerts/s, p50 {res['p50_us'] / 1000:.1f} ms, "
                    f"p99 {res['p99_us'] / 1000:.1f} ms, non-2xx {res['non2xx']}, "
                    f"machine {res['machine_busy_pct']}%, wrk {res['generator_core_pct']}% core, "
                    f"worker CPU s {res['worker_cpu_s']}"
                )
        result.medians = {name: _median_of(runs) for name, runs in result.trials.items()}

        for batch in (1, 10):
            rate = args.fixed_rate / batch
            count = int(rate * args.fixed_seconds)
            out: dict[str, Any] = {}
            with machine_load(out):
                fixed = asyncio.run(
                    open_loop(server.port, ingest_path, LoadPayloads(batch, seed=batch),
                              rate=rate, count=count, limit=256)
                )  # fmt: skip
            fixed.update(out, batch=batch, alerts_per_s=args.fixed_rate)
            result.fixed.append(fixed)
            _log(f"{db}: fixed {args.fixed_rate} alerts/s in groups of {batch}: {fixed['latency']}")

        result.stats_before_storm = _django(env, "_stats", STORM_PREFIX)
        result.server_version = result.stats_before_storm["server_version"]
        _log(f"{db}: storm of {args.storm_alerts} alerts over {args.storm_seconds} s")
        out = {}
        with machine_load(out):
            result.storm = asyncio.run(
                storm(server.port, ingest_path, setup["session"], args.storm_alerts,
                      args.storm_seconds, args.storm_batch, limit=args.storm_limit)
            )  # fmt: skip
        result.storm.update(out)
        result.stats_after_storm = _django(env, "_stats", STORM_PREFIX)
        _log(f"{db}: storm {json.dumps(result.storm)}")
        _log(f"{db}: after storm {json.dumps(result.stats_after_storm)}")
    return result


def _status(url: str, session: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


# --- report -------------------------------------------------------------------------------------


def _ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def report(results: list[BackendResult], args: argparse.Namespace, started: str) -> str:
    lines = [
        f"Run {started} on `nproc`={os.cpu_count()} ({_cpu_model()}), Python "
        f"{platform.python_version()}; gunicorn {args.workers} workers x {args.threads} threads; "
        f"wrk 1 thread, {args.connections} connections, {args.trials} x {args.seconds:g} s "
        "per figure (median).",
        "",
        "| database | durability | load | requests/s | alerts/s | p50 ms | p99 ms | non-2xx "
        "| machine busy | wrk CPU | trials with one worker > 80 % of the CPU |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        for name, label in (
            ("hello", "hello-world view"),
            ("ingest_1", "1 alert/request"),
            ("ingest_10", "10 alerts/request"),
        ):
            m = r.medians[name]
            alerts = "" if name == "hello" else f"{m['alerts_per_s']:,.0f}"
            lines.append(
                f"| {r.db} {r.server_version} | {r.durability} | {label} | {m['rps']:,.0f} | "
                f"{alerts} | {_ms(m['p50_us'])} | {_ms(m['p99_us'])} | {m['non2xx'] + m['errors']}"
                f" | {m['machine_busy_pct']:.0f} % | {m['generator_core_pct']:.0f} % of a core"
                f" | {m['lopsided']} of {m['trials']} |"
            )
    lines += [
        "",
        "| database | ingest req/s ÷ hello req/s (1 alert) | (10 alerts) "
        "| alerts/s target | met? |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        hello = r.medians["hello"]["rps"]
        best = max(r.medians["ingest_1"]["alerts_per_s"], r.medians["ingest_10"]["alerts_per_s"])
        target = 1500 if r.db == "sqlite" else 3000
        lines.append(
            f"| {r.db} | {r.medians['ingest_1']['rps'] / hello:.2f} | "
            f"{r.medians['ingest_10']['rps'] / hello:.2f} | {target:,} | "
            f"1/req {'yes' if r.medians['ingest_1']['alerts_per_s'] >= target else 'no'}, "
            f"10/req {'yes' if r.medians['ingest_10']['alerts_per_s'] >= target else 'no'} "
            f"(best {best:,.0f}) |"
        )
    lines += [
        "",
        f"Fixed rate {args.fixed_rate} alerts/s, open loop for {args.fixed_seconds:g} s "
        "(latency from the scheduled send time):",
        "",
        "| database | alerts/request | requests/s | p50 ms | p99 ms | max ms | non-2xx | p99 < 50 ms? |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        for f in r.fixed:
            lat = f["latency"]
            bad = sum(n for c, n in f["statuses"].items() if not c.startswith("2"))
            bad += sum(f["errors"].values())
            lines.append(
                f"| {r.db} | {f['batch']} | {f['offered_rps']:g} | {lat['p50_ms']} | "
                f"{lat['p99_ms']} | {lat['max_ms']} | {bad} | "
                f"{'yes' if (lat['p99_ms'] or 1e9) < 50 and not bad else 'no'} |"
            )
    lines += [
        "",
        f"Storm: {args.storm_alerts:,} distinct alerts from {SERVICES} services, "
        f"{args.storm_batch} alert(s) per request, sent evenly over {args.storm_seconds:g} s "
        f"(at most {args.storm_limit} requests in flight):",
        "",
        "| database | sent in s | all answered in s | 2xx | 5xx | other | ingest p50 / p99 / max ms "
        "| incidents opened | storm alerts stored | /healthz p50 / p99 / max ms "
        "| /incidents/ p50 / p99 / max ms | machine busy |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | --- | ---: |",
    ]
    for r in results:
        s = r.storm
        two = sum(n for c, n in s["statuses"].items() if c.startswith("2"))
        five = sum(n for c, n in s["statuses"].items() if c.startswith("5"))
        other = sum(s["statuses"].values()) - two - five + sum(s["errors"].values())
        opened = r.stats_after_storm["incidents_prefix"] - r.stats_before_storm["incidents_prefix"]
        pages = []
        for p in s["pages"]:
            bad = sum(n for c, n in p["statuses"].items() if c != "200") + p["errors"]
            pages.append(
                f"{p['p50_ms']} / {p['p99_ms']} / {p['max_ms']} ({p['n']} samples"
                f"{f', {bad} not 200' if bad else ''})"
            )
        lat = s["latency"]
        lines.append(
            f"| {r.db} | {s['send_seconds']} | {s['complete_seconds']} | {two:,} | {five} | "
            f"{other} | {lat['p50_ms']} / {lat['p99_ms']} / {lat['max_ms']} | {opened} | "
            f"{r.stats_after_storm['alerts_prefix']:,} | {pages[0]} | {pages[1]} | "
            f"{s['machine_busy_pct']:.0f} % |"
        )
    return "\n".join(lines)


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.machine()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_setup"]:
        cmd_setup()
        return 0
    if argv[:1] == ["_stats"]:
        cmd_stats(argv[1])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads (as fixfirst up)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--seconds", type=float, default=15, help="per wrk trial")
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--fixed-rate", type=float, default=500, help="alerts/s")
    parser.add_argument("--fixed-seconds", type=float, default=20)
    parser.add_argument("--storm-alerts", type=int, default=20_000)
    parser.add_argument("--storm-seconds", type=float, default=60)
    parser.add_argument("--storm-batch", type=int, default=1, help="alerts per storm request")
    parser.add_argument("--storm-limit", type=int, default=200, help="storm requests in flight")
    parser.add_argument("--pg-fsync-off", action="store_true", help="non-durable PostgreSQL")
    parser.add_argument("--quick", action="store_true", help="1 x 5 s trials, smaller storm")
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    parser.add_argument("--json", help="also write all figures to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.trials, args.seconds, args.warmup, args.fixed_seconds = 1, 5, 2, 5
        args.storm_alerts, args.storm_seconds = 4000, 12
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    results = [run_backend(db.strip(), args) for db in args.db.split(",") if db.strip()]
    text = report(results, args, started)
    print(text)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"started": started, "args": vars(args), "results": [asdict(r) for r in results]},
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
