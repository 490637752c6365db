"""Login-only pages: staff and the page customer's users; nobody else, not even the JSON."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import client_for

PATHS = [
    "/status/alpha-it/",
    "/status/alpha-it/api/v2/summary.json",
    "/status/alpha-it/history/",
    "/status/alpha-it/badge.svg",
]


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_is_sent_to_login_or_refused(sp, path):
    response = Client().get(path)
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
    assert b"Alpha Corp IT" not in response.content


@pytest.mark.parametrize("path", PATHS)
def test_other_customer_gets_404(sp, path):
    assert client_for(sp.w.bob).get(path).status_code == 404


@pytest.mark.parametrize("username", ["amy", "alice", "engineer"])
def test_own_customer_and_staff_see_it(sp, username):
    for path in PATHS:
        response = client_for(getattr(sp.w, username)).get(path)
        assert response.status_code == 200, path
        assert "private" in response["Cache-Control"]
        assert "Access-Control-Allow-Origin" not in response


def test_staff_excluded_from_the_customer_gets_404(sp):
    from fixfirst.tenancy import services as tenancy

    tenancy.set_excluded_customers(sp.w.restricted, [sp.w.alpha], by=sp.w.admin)
    assert client_for(sp.w.restricted).get("/status/alpha-it/").status_code == 404


def test_login_only_page_cannot_be_subscribed_to_by_strangers(sp):
    assert (
        Client().post("/status/alpha-it/subscribe/", {"email": "x@example.org"}).status_code == 404
    )


def test_public_page_does_not_touch_the_session(sp):
    response = Client().get("/status/acme/")
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize(
    "username,status", [("manager", 200), ("admin", 200), ("engineer", 403), ("amy", 403)]
)
def test_staff_pages_need_the_capability(sp, username, status):
    assert client_for(getattr(sp.w, username)).get("/statuspages/").status_code == status
