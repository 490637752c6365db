"""Whole-response cache, conditional requests, and answering while the database is down."""

from __future__ import annotations

from django.test import Client

from fixfirst.statuspage import caching, services


def test_cached_copy_is_served_when_the_database_fails(sp, database_down):
    client = Client()
    first = client.get("/status/acme/")
    summary = client.get("/status/acme/api/v2/summary.json")
    assert first.status_code == summary.status_code == 200
    with database_down():
        again = client.get("/status/acme/")
        assert again.status_code == 200
        assert again.content == first.content
        # Even after the process forgot the page's version: the last copy is kept without expiry.
        caching.invalidate("acme")
        caching.cache().delete(caching.doc_key(caching.stale_meta("acme"), "-", "api:summary"))
        stale = client.get("/status/acme/api/v2/summary.json")
        assert stale.status_code == 200
        assert stale.content == summary.content
        never_rendered = client.get("/status/acme/history/")
        assert never_rendered.status_code == 503
        assert never_rendered["Retry-After"] == "30"


def test_database_down_never_leaks_a_login_only_page(sp, database_down):
    from tests.conftest import client_for

    assert client_for(sp.w.amy).get("/status/alpha-it/").status_code == 200
    caching.invalidate("alpha-it")
    with database_down():
        assert Client().get("/status/alpha-it/").status_code == 503


def test_etag_and_last_modified_give_304(sp):
    client = Client()
    response = client.get("/status/acme/api/v2/status.json")
    assert response["Cache-Control"] == "public, max-age=10"
    assert (
        client.get(
            "/status/acme/api/v2/status.json", HTTP_IF_NONE_MATCH=response["ETag"]
        ).status_code
        == 304
    )
    assert (
        client.get(
            "/status/acme/api/v2/status.json", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]
        ).status_code
        == 304
    )
    assert (
        client.get("/status/acme/api/v2/status.json", HTTP_IF_NONE_MATCH='"other"').status_code
        == 200
    )


def test_every_change_invalidates(sp, p1_on_mail):
    client = Client()
    before = client.get("/status/acme/api/v2/status.json")
    services.publish_incident_update(
        incident=p1_on_mail, body="Down.", status="investigating", by=sp.w.manager
    )
    after = client.get("/status/acme/api/v2/status.json")
    assert after["ETag"] != before["ETag"]
    assert after.json()["status"]["indicator"] == "critical"


def test_a_cached_hit_needs_no_query(sp, django_assert_num_queries):
    client = Client()
    client.get("/status/acme/")
    client.get("/status/acme/api/v2/summary.json")
    with django_assert_num_queries(0):
        assert client.get("/status/acme/").status_code == 200
        assert client.get("/status/acme/api/v2/summary.json").status_code == 200


def test_fast_path_answers_cached_documents_with_the_same_bytes_and_headers(
    sp, settings, django_assert_num_queries
):
    paths = [
        "/status/acme/",
        "/status/acme/api/v2/summary.json",
        "/status/acme/badge.svg",
        "/status/acme/embed.js",
        "/status/acme/history.atom",
    ]
    normal = {p: Client().get(p) for p in paths}
    settings.MIDDLEWARE = [
        "fixfirst.statuspage.middleware.StatusPageFastPath",
        *settings.MIDDLEWARE,
    ]
    with django_assert_num_queries(0):
        fast = {p: Client().get(p) for p in paths}
    for p in paths:
        assert fast[p].status_code == 200
        assert fast[p].content == normal[p].content, p
        for header in (
            "ETag",
            "Cache-Control",
            "Content-Type",
            "Content-Security-Policy",
            "X-Frame-Options",
        ):
            assert fast[p][header] == normal[p][header], (p, header)
    # Login-only pages always go the long way (the session decides).
    assert Client().get("/status/alpha-it/api/v2/status.json").status_code == 401
