"""Status-page fixtures: a provider page and a customer page over two catalogue services,
a real HTTP receiver for webhooks, and the in-process worker."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError, connections

from fixfirst.catalog.services import save_service
from fixfirst.incidents.services import open_incident
from fixfirst.statuspage import caching, services
from fixfirst.statuspage.choices import Visibility


@pytest.fixture(autouse=True)
def _fresh_cache():
    caching.cache().clear()
    caching.local.clear()
    yield
    caching.cache().clear()
    caching.local.clear()


@pytest.fixture
def sp(world):
    """``sp.page`` (provider, public, slug "acme"), ``sp.alpha_page`` (Alpha's, login-only),
    components ``sp.mail`` / ``sp.erp`` on services of the same names."""
    w = world
    mail = save_service(None, by=None, name="Mail", customers=[w.alpha, w.beta])
    erp = save_service(None, by=None, name="ERP", customers=[w.alpha])
    page = services.create_page(by=w.manager, name="Acme status", slug="acme")
    group = services.save_group(None, by=w.manager, page=page, name="Core", position=1)
    c_mail = services.save_component(
        None, by=w.manager, page=page, name="Mail", service=mail, group=group, position=1
    )
    c_erp = services.save_component(
        None, by=w.manager, page=page, name="ERP", service=erp, position=2
    )
    alpha_page = services.create_page(
        by=w.manager,
        name="Alpha Corp IT",
        slug="alpha-it",
        customer=w.alpha,
        visibility=Visibility.LOGIN,
    )
    a_mail = services.save_component(None, by=w.manager, page=alpha_page, name="Mail", service=mail)
    return SimpleNamespace(
        w=w,
        page=page,
        group=group,
        mail=c_mail,
        erp=c_erp,
        mail_service=mail,
        erp_service=erp,
        alpha_page=alpha_page,
        alpha_mail=a_mail,
    )


@pytest.fixture
def p1_on_mail(sp):
    return open_incident(
        by=sp.w.engineer,
        customer=sp.w.alpha,
        title="Mail down for everyone",
        channel="phone",
        reported_high_impact=True,
        services=[sp.mail_service],
    )


@pytest.fixture
def run_worker():
    def run() -> None:
        call_command(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--queue-name",
            "*",
            "--no-reload",
            "--interval",
            "0",
            verbosity=0,
        )

    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """A real HTTP server on loopback that records every POST."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                code = receiver.answers.pop(0) if receiver.answers else 204
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def json(self, n: int = -1) -> dict:
        return json.loads(self.requests[n]["body"])


@pytest.fixture
def receiver():
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def database_down():
    """Every new query fails as if the database server were gone."""

    def down():
        conn = connections["default"]
        error = OperationalError("connection to server failed: the database is down")
        return mock.patch.multiple(
            conn, cursor=mock.Mock(side_effect=error), chunked_cursor=mock.Mock(side_effect=error)
        )

    return down
