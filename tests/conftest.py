"""Shared fixtures. Named personas, as in healthchecks' hc/test.py:

- provider staff: ``admin``, ``manager`` (incident manager), ``engineer``, ``agent``,
  ``viewer``, and ``restricted`` (an engineer excluded from customer B);
- customer A (``alpha``) with ``alice`` (customer admin) and ``amy`` (customer user);
- customer B (``beta``) with ``bob`` (customer admin) and ``ben`` (customer user).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client

from fixfirst.tenancy import services
from fixfirst.tenancy.models import User
from fixfirst.tenancy.roles import Role


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _person(username: str, role: str, customer=None) -> User:
    return services.invite_user(
        by=None,
        username=username,
        email=f"{username}@example.com",
        role=role,
        customer=customer,
        password="pw",
        send_invitation=False,
    )


@pytest.fixture
def world(db):
    alpha = services.create_customer(by=None, name="Alpha Corp", slug="alpha")
    beta = services.create_customer(by=None, name="Beta Industries", slug="beta")
    w = SimpleNamespace(alpha=alpha, beta=beta)
    for username, role in [
        ("admin", Role.ADMIN),
        ("manager", Role.INCIDENT_MANAGER),
        ("continuity", Role.CONTINUITY_MANAGER),
        ("engineer", Role.ENGINEER),
        ("agent", Role.AGENT),
        ("viewer", Role.VIEWER),
        ("restricted", Role.ENGINEER),
    ]:
        setattr(w, username, _person(username, role))
    w.alice = _person("alice", Role.CUSTOMER_ADMIN, alpha)
    w.amy = _person("amy", Role.CUSTOMER_USER, alpha)
    w.bob = _person("bob", Role.CUSTOMER_ADMIN, beta)
    w.ben = _person("ben", Role.CUSTOMER_USER, beta)
    services.set_excluded_customers(w.restricted, [beta], by=w.admin)
    w.alpha_contact = services.add_contact(
        alpha, by=None, name="Ann Alpha", email="ann@alpha.example"
    )
    w.beta_contact = services.add_contact(
        beta, by=None, name="Bert Beta", email="bert@beta.example"
    )
    w.alpha_contract = services.add_contract(
        alpha, by=None, name="Alpha Gold", starts_on=dt.date(2025, 1, 1)
    )
    w.beta_contract = services.add_contract(
        beta, by=None, name="Beta Silver", starts_on=dt.date(2025, 1, 1)
    )
    w.team = services.create_team(by=None, name="Infrastructure")
    services.set_team_members(w.team, [w.engineer], by=None)
    return w


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def api_token():
    """``api_token(user, scope)`` -> an ``Authorization`` header value for that user."""

    def make(user: User, scope: str = "write", **kwargs) -> str:
        _token, raw = services.create_api_token(user, by=user, name="test", scope=scope, **kwargs)
        return f"Bearer {raw}"

    return make
