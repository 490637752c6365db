"""Pages people use: what each role sees and may do, and form errors instead of crashes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fixfirst.tenancy.models import ApiToken, Contact, Customer, User
from tests.conftest import client_for


def test_anonymous_visitor_is_sent_to_login(world):
    response = Client().get(reverse("tenancy:customer_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_login_with_username_and_password_works(world):
    client = Client()
    response = client.post(reverse("account_login"), {"login": "alice", "password": "pw"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_signup_is_closed(world):
    response = Client().get(reverse("account_signup"))
    assert b"closed" in response.content.lower() or response.status_code in (302, 403)


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("admin", {"Customers", "Teams", "People", "Audit log"}),
        ("engineer", {"Customers", "Teams"}),
        ("viewer", {"Customers", "Teams"}),
        ("alice", {"My organisation"}),
    ],
)
def test_navigation_follows_the_role(world, username, visible):
    body = client_for(getattr(world, username)).get("/").content.decode()
    everything = {"Customers", "Teams", "People", "Audit log", "My organisation"}
    for label in visible:
        assert f">{label}</a>" in body
    for label in everything - visible:
        assert f">{label}</a>" not in body


def test_customer_user_lands_on_own_organisation(world):
    response = client_for(world.amy).get(reverse("tenancy:customer_list"))
    assert response["Location"] == reverse("tenancy:customer_detail", args=[world.alpha.pk])


def test_incident_manager_creates_a_customer(world):
    client = client_for(world.manager)
    response = client.post(
        reverse("tenancy:customer_create"),
        {
            "name": "Gamma Foods",
            "slug": "gamma",
            "is_active": "on",
            "timezone": "UTC",
            "language": "nl",
        },
    )
    assert response.status_code == 302
    assert Customer.objects.filter(slug="gamma", language="nl").exists()


def test_engineer_may_not_create_customers(world):
    assert client_for(world.engineer).get(reverse("tenancy:customer_create")).status_code == 403


def test_duplicate_slug_shows_a_form_error(world):
    response = client_for(world.admin).post(
        reverse("tenancy:customer_create"),
        {"name": "Other", "slug": "alpha", "timezone": "UTC", "language": "en"},
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()


def test_customer_admin_adds_a_contact_to_own_organisation(world):
    client = client_for(world.alice)
    response = client.post(
        reverse("tenancy:contact_create", args=[world.alpha.pk]),
        {"name": "New Person", "email": "new@alpha.example"},
    )
    assert response.status_code == 302
    assert Contact.objects.filter(customer=world.alpha, email="new@alpha.example").exists()


def test_customer_user_may_not_add_contacts(world):
    response = client_for(world.amy).get(reverse("tenancy:contact_create", args=[world.alpha.pk]))
    assert response.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_customer_admin_invites_a_colleague_who_gets_mail(world):
    # transactional: the real worker closes its connection between batches, which would
    # break the test-case transaction on PostgreSQL
    from django.core import mail
    from django.core.management import call_command

    response = client_for(world.alice).post(
        reverse("tenancy:customer_user_invite", args=[world.alpha.pk]),
        {"username": "annie", "email": "annie@alpha.example", "role": "customer_user"},
    )
    assert response.status_code == 302
    annie = User.objects.get(username="annie")
    assert annie.customer == world.alpha and not annie.has_usable_password()
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
    assert mail.outbox[-1].to == ["annie@alpha.example"]


def test_customer_admin_cannot_invite_staff(world):
    response = client_for(world.alice).post(
        reverse("tenancy:customer_user_invite", args=[world.alpha.pk]),
        {"username": "sneaky", "email": "s@alpha.example", "role": "admin"},
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="sneaky").exists()


def test_admin_edits_a_team(world):
    client = client_for(world.admin)
    response = client.post(
        reverse("tenancy:team_edit", args=[world.team.pk]),
        {"name": "Infra", "slug": "infra", "members": [world.engineer.pk, world.agent.pk]},
    )
    assert response.status_code == 302
    world.team.refresh_from_db()
    assert set(world.team.members.values_list("username", flat=True)) == {"engineer", "agent"}


def test_token_page_shows_new_token_once_then_never(world):
    client = client_for(world.engineer)
    page = client.post(reverse("tenancy:token_list"), {"name": "laptop", "scope": "write"})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=world.engineer)
    body = page.content.decode()
    raw = body.split('id="new-token">')[1].split("<")[0]
    assert raw.startswith(f"ff_{token.key_id}_")
    assert raw not in client.get(reverse("tenancy:token_list")).content.decode()


def test_dutch_and_german_pages(world):
    client = client_for(world.admin)
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert "Uitloggen" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert "Abmelden" in client.get("/").content.decode()


def test_pages_carry_a_strict_content_security_policy(world):
    response = client_for(world.admin).get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in response.content.decode()
