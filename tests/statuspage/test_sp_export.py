"""The static export opens from a plain file server with the database stopped."""

from __future__ import annotations

import functools
import re
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urljoin

import pytest
from django.core.management import call_command
from django.test import Client

from fixfirst.statuspage import services
from fixfirst.statuspage.export import export


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def published(sp, p1_on_mail):
    services.publish_incident_update(
        incident=p1_on_mail, body="Mail is **down**.", status="investigating", by=sp.w.manager
    )
    return sp


def test_export_opens_from_a_file_server_without_the_database(published, tmp_path, database_down):
    call_command("statuspage", "export", "acme", str(tmp_path / "site"))
    root = tmp_path / "site"
    assert (root / "index.html").is_file() and (root / "api/v2/summary.json").is_file()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with database_down():
            home = urllib.request.urlopen(base).read().decode()  # noqa: S310
            assert "Mail down for everyone" in home and "Major System Outage" in home
            # Every relative link and stylesheet of the home page resolves on the file server.
            links = set(re.findall(r'(?:href|src)="([^"#:]+)"', home))
            assert "status.css" in links and "history/index.html" in links
            for link in links:
                assert urllib.request.urlopen(urljoin(base, link)).status == 200, link  # noqa: S310
            incident_page = next(link for link in links if link.startswith("incidents/"))
            detail = urllib.request.urlopen(urljoin(base, incident_page)).read().decode()  # noqa: S310
            assert "<strong>down</strong>" in detail and 'href="../../status.css"' in detail
            for name in (
                "api/v2/status.json",
                "history.atom",
                "history.rss",
                "badge.svg",
                "embed.js",
            ):
                assert urllib.request.urlopen(base + name).status == 200  # noqa: S310
    finally:
        server.shutdown()
        server.server_close()


def test_live_page_falls_back_to_the_export(published, tmp_path, settings, database_down):
    settings.FIXFIRST_STATUSPAGE_EXPORT_DIR = str(tmp_path)
    export(published.page, tmp_path / "acme")
    with database_down():
        response = Client().get("/status/acme/api/v2/summary.json")
        assert response.status_code == 200
        assert response.json()["incidents"][0]["name"] == "Mail down for everyone"


@pytest.mark.django_db(transaction=True)
def test_a_change_queues_the_export_refresh(published, tmp_path, settings, run_worker):
    settings.FIXFIRST_STATUSPAGE_EXPORT_DIR = str(tmp_path)
    services.post_page_update(
        page=published.page,
        by=published.w.manager,
        body="Heads up.",
        status="investigating",
        name="Printer queue slow",
    )
    run_worker()
    assert "Printer queue slow" in (tmp_path / "acme" / "index.html").read_text()
    assert not (tmp_path / "alpha-it").exists()  # login-only pages are never exported by the worker
