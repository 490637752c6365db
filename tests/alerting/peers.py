"""Real peers on loopback for the alerting tests: a live FixFirst (gunicorn, plain HTTP or
TLS), Prometheus Alertmanager, and a throw-away certificate authority.

Everything binds to 127.0.0.1 only. Each process is started in its own session (process
group) and stopped by that group's id, so gunicorn's workers go with their master even when a
test fails half-way.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

ALERTMANAGER_BINARY = "/usr/bin/prometheus-alertmanager"  # Debian's package name for it


# -- small helpers -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tail(path: Path, chars: int = 3000, *, skip: str = "Python-urllib") -> str:
    """The end of a log, without the lines of the test's own polling (``skip``)."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(line for line in lines if skip not in line)[-chars:]


def wait_for(
    probe: Callable[[], T | None], *, timeout: float = 30, interval: float = 0.2, what: str = ""
) -> T:
    """Call ``probe`` until it returns something truthy; fail after ``timeout`` seconds with
    the last value it returned (or the last exception it raised)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = probe()
            if last:
                return last
        # A peer that is still starting refuses or resets; an API answer may not be there yet.
        except (OSError, HTTPException, AssertionError) as exc:
            last = exc
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}: {last!r}")
        time.sleep(interval)


def start_process(cmd: list[str], *, log: Path, env: dict[str, str] | None = None, cwd=None):
    handle = log.open("ab")
    try:
        return subprocess.Popen(
            cmd,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            start_new_session=True,  # its own process group: see stop_process
        )
    finally:
        handle.close()


def stop_process(
    process: subprocess.Popen[bytes] | None,
    timeout: float = 10,
    first: signal.Signals = signal.SIGTERM,
) -> None:
    """Signal the process group this process leads (``first``), then SIGKILL what is left."""
    if process is None:
        return
    for sig in (first, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=timeout)
            break
        except subprocess.TimeoutExpired:
            continue
    # The leader is gone; make sure no child of the group (a gunicorn worker) outlives it.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# -- HTTP ------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


def http(
    method: str,
    url: str,
    body: Any = None,
    *,
    headers: dict[str, str] | None = None,
    context: ssl.SSLContext | None = None,
    timeout: float = 10,
) -> Reply:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        response = urllib.request.urlopen(request, timeout=timeout, context=context)  # noqa: S310
    except urllib.error.HTTPError as exc:
        response = exc
    with response:
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return Reply(response.status, parsed, dict(response.headers.items()))


# -- TLS ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificates:
    ca_file: Path  # PEM of the test CA, for clients to trust
    cert_file: Path  # server certificate chain, for 127.0.0.1 and localhost
    key_file: Path

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))


def make_certificates(directory: Path) -> Certificates:
    """A fresh CA and a server certificate signed by it (trustme, on ``cryptography``)."""
    import trustme

    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    certs = Certificates(
        ca_file=directory / "ca.pem",
        cert_file=directory / "server.pem",
        key_file=directory / "server.key",
    )
    ca.cert_pem.write_to_path(str(certs.ca_file))
    server.private_key_pem.write_to_path(str(certs.key_file))
    certs.cert_file.write_bytes(b"".join(blob.bytes() for blob in server.cert_chain_pems))
    return certs


# -- the database the live server uses -------------------------------------------------------


@contextmanager
def fresh_database(data_dir: Path) -> Iterator[str]:
    """A database URL for the live server that this test process can also reach.

    PostgreSQL (``DATABASE_URL=postgres…``): a new database on that server, dropped at the end.
    Otherwise SQLite in ``data_dir`` (not pytest-django's in-memory test database).
    """
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{data_dir / 'fixfirst.sqlite3'}"
        return
    import psycopg

    name = f"fixfirst_peers_{secrets.token_hex(6)}"
    with psycopg.connect(_with_dbname(base, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_dbname(base, name)
    finally:
        with psycopg.connect(_with_dbname(base, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _with_dbname(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


# -- FixFirst ------------------------------------------------------------------------------------


@dataclass
class Installation:
    """A migrated FixFirst data directory + database with the demo loaded and an admin token."""

    data_dir: Path
    database_url: str
    token: str = ""

    def env(self, base_url: str = "http://127.0.0.1:8000") -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTEST_", "DJANGO_")) and k not in ("SECRET_KEY",)
        }
        env.update(
            DJANGO_SETTINGS_MODULE="fixfirst.settings",
            FIXFIRST_DATA_DIR=str(self.data_dir),
            DATABASE_URL=self.database_url,
            FIXFIRST_BASE_URL=base_url,
            PYTHONUNBUFFERED="1",
        )
        return env

    def command(self, *args: str, timeout: float = 120) -> str:
        """Run ``fixfirst ARGS`` against this installation; its stdout."""
        done = subprocess.run(
            [sys.executable, "-m", "fixfirst.cli", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"fixfirst {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout


# A customer and an administrator, made with the product's own services. Not ``fixfirst demo``:
# its sample alerts go through the alert pipeline, so a pipeline bug would fail every test here
# at set-up instead of in the step that shows it.
_SETUP = """
from fixfirst.tenancy import services
from fixfirst.tenancy.roles import Role
services.create_customer(by=None, name="Harbour Dental Group", slug="{customer}")
services.invite_user(
    by=None, username="admin", email="admin@example.com", role=Role.ADMIN, send_invitation=False
)
"""


def install(data_dir: Path, database_url: str, *, customer: str) -> Installation:
    """``fixfirst migrate``, a customer and an admin, then ``fixfirst token create admin``."""
    installation = Installation(data_dir=data_dir, database_url=database_url)
    installation.command("migrate", "--no-input", "-v", "0")
    installation.command("shell", "-c", _SETUP.format(customer=customer))
    token = installation.command("token", "create", "admin", "--scope", "admin").strip()
    assert re.fullmatch(r"ff_\w+_\S+", token), token
    installation.token = token
    return installation


@dataclass
class LiveFixFirst:
    """gunicorn serving ``fixfirst.wsgi:application`` on 127.0.0.1."""

    installation: Installation
    port: int
    log: Path
    tls: Certificates | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> LiveFixFirst:
        cmd = [
            sys.executable, "-m", "gunicorn", "fixfirst.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4",
            "--access-logfile", "-", "--graceful-timeout", "5", "--timeout", "60",
            # Not the shared ~/.gunicorn/gunicorn.ctl of every other gunicorn on the machine.
            "--no-control-socket",
        ]  # fmt: skip
        if self.tls is not None:
            cmd += ["--certfile", str(self.tls.cert_file), "--keyfile", str(self.tls.key_file)]
        self.process = start_process(cmd, log=self.log, env=self.installation.env(self.url))
        try:
            wait_for(self._ready, timeout=30, interval=0.1, what=f"FixFirst on {self.url}")
        except BaseException:
            self.stop()
            raise
        return self

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{tail(self.log)}")
        return self.get("/healthz", auth=False).status == 200

    def stop(self) -> None:
        stop_process(self.process, first=signal.SIGINT)  # gunicorn's quick shutdown

    def request(self, method: str, path: str, body: Any = None, *, auth: bool = True) -> Reply:
        headers = {"Authorization": f"Bearer {self.installation.token}"} if auth else {}
        context = self.tls.client_context() if self.tls else None
        return http(method, self.url + path, body, headers=headers, context=context)

    def get(self, path: str, *, auth: bool = True) -> Reply:
        return self.request("GET", path, auth=auth)

    def api_get(self, path: str) -> Any:
        reply = self.get(path)
        assert reply.status == 200, (path, reply.status, reply.body)
        return reply.body

    def create_integration(self, name: str, kind: str, customer: str | None) -> tuple[int, str]:
        """Through the REST API, as an administrator would: the integration's id and key."""
        reply = self.request(
            "POST", "/api/v1/integrations/", {"name": name, "kind": kind, "customer": customer}
        )
        assert reply.status == 201, (reply.status, reply.body)
        return reply.body["id"], reply.body["key"]

    def alerts(self, integration_id: int) -> list[dict[str, Any]]:
        return self.api_get(f"/api/v1/alerts/?integration={integration_id}")["results"]

    def incident(self, number: int) -> dict[str, Any]:
        return self.api_get(f"/api/v1/incidents/{number}/")


# -- Alertmanager ---------------------------------------------------------------------------------


def alertmanager_available() -> bool:
    return os.access(ALERTMANAGER_BINARY, os.X_OK)


@dataclass
class Alertmanager:
    directory: Path
    config: str
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.directory / "alertmanager.log"

    def start(self) -> Alertmanager:
        self.port = self.port or free_port()
        config = self.directory / "alertmanager.yml"
        config.write_text(self.config)
        (self.directory / "data").mkdir(exist_ok=True)
        cmd = [
            ALERTMANAGER_BINARY,
            f"--config.file={config}",
            f"--storage.path={self.directory / 'data'}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--cluster.listen-address=",  # no gossip port on all interfaces
            f"--web.external-url={self.url}",
            "--log.level=debug",
        ]
        self.process = start_process(cmd, log=self.log, cwd=self.directory)
        try:
            wait_for(self._ready, timeout=20, interval=0.1, what=f"Alertmanager on {self.url}")
        except BaseException:
            self.stop()
            raise
        return self

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"Alertmanager exited:\n{tail(self.log)}")
        return http("GET", self.url + "/-/ready").status == 200

    def stop(self) -> None:
        stop_process(self.process)

    def post_alerts(self, alerts: list[dict[str, Any]]) -> None:
        reply = http("POST", self.url + "/api/v2/alerts", alerts)
        assert reply.status == 200, (reply.status, reply.body)


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
