from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fixfirst import demo
from fixfirst.tenancy import services
from fixfirst.tenancy.models import ApiToken, Contact, Customer, User
from fixfirst.tenancy.roles import Role


def test_healthz_answers_without_login(db):
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_readyz_reports_database_and_queue(db):
    body = Client().get("/readyz").json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["queue"]["ok"]


def test_readyz_fails_when_the_queue_is_not_worked_off(db, settings):
    services.invite_user(by=None, username="x", email="x@example.com", role=Role.AGENT)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(hours=1))
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["ready_tasks"] == 1


def test_token_create_prints_only_the_token(world):
    out = io.StringIO()
    call_command("token", "create", "engineer", "--scope", "write", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("ff_") and "\n" not in raw
    assert ApiToken.objects.get(user=world.engineer).scope == "write"
    assert (
        Client().get("/api/v1/users/me/", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["username"]
        == "engineer"
    )


def test_token_create_refuses_what_the_role_may_not_hold(world):
    with pytest.raises(CommandError, match="admin"):
        call_command("token", "create", "engineer", "--scope", "admin", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No user"):
        call_command("token", "create", "nobody", stdout=io.StringIO())


def test_demo_is_idempotent_and_its_logins_work(db):
    demo.load()
    counts = (User.objects.count(), Customer.objects.count(), Contact.objects.count())
    demo.load()
    assert (User.objects.count(), Customer.objects.count(), Contact.objects.count()) == counts
    assert Customer.objects.count() == 3
    assert {r for r in User.objects.values_list("role", flat=True)} == set(Role.values)
    client = Client()
    for username in ("admin", "kees", "sam"):
        assert client.login(username=username, password=demo.DEMO_PASSWORD), username
        client.logout()
    assert "admin" in demo.logins_text()
