"""The plan as a document: on screen in the reader's language, as PDF, per customer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fixfirst.comms import services
from fixfirst.comms.models import Criterion
from fixfirst.comms.plan import effective_plan
from tests.conftest import client_for

TEMPLATE_TEXT = {"en": "We are investigating", "nl": "We onderzoeken", "de": "Wir untersuchen"}


@pytest.mark.parametrize("language", ["en", "nl", "de"])
def test_the_plan_page_renders_in_the_readers_language(world, plan, language):
    client = client_for(world.engineer)
    response = client.get(reverse("comms:provider_plan"), HTTP_ACCEPT_LANGUAGE=language)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in body
    assert TEMPLATE_TEXT[language] in body
    assert {"en": "Our plan", "nl": "Ons plan", "de": "Unser Plan"}[language] in body
    assert "@manager" in body  # the commander, @mentionable
    assert "Vault entry STATUS-ADMIN" in body or language != "en"


@pytest.mark.parametrize("language", ["en", "nl", "de"])
def test_the_pdf_download_is_a_pdf(world, plan, language):
    response = client_for(world.engineer).get(
        reverse("comms:provider_plan_pdf"), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"-{language}.pdf" in response["Content-Disposition"]


def test_a_customer_plan_overrides_and_extends_the_providers(world, plan):
    own = services.create_plan(by=None, customer=world.alpha)
    services.save_item(own, "criteria", by=None, text={"en": "Alpha's tills stop"}, is_major=True)
    services.save_item(own, "cadence", by=None, priority=2, minutes=20)
    services.save_item(
        own, "roles", by=None, kind="incident_commander", people=[world.engineer],
        duties={"en": "Alpha's own commander."},
    )  # fmt: skip
    merged = effective_plan(world.alpha)
    assert [c.text["en"] for c in merged.criteria][-1] == "Alpha's tills stop"
    assert len(merged.criteria) == 3
    assert merged.cadence == {1: 30, 2: 20, 3: 240}
    assert merged.commander() == world.engineer
    assert len([r for r in merged.roles if r.kind == "incident_commander"]) == 1
    assert effective_plan(world.beta).commander() == world.manager


def test_customer_users_read_their_own_plan_without_the_internal_parts(world, plan):
    client = client_for(world.amy)
    mine = client.get(reverse("comms:customer_plan", args=["alpha"]))
    body = mine.content.decode()
    assert mine.status_code == 200
    assert "We are investigating" in body
    assert "Vault entry STATUS-ADMIN" not in body  # channel access notes
    assert "internal" not in body  # templates for staff
    assert client.get(reverse("comms:provider_plan")).url == reverse(
        "comms:customer_plan", args=["alpha"]
    )


def test_customer_users_cannot_read_another_customers_plan(world, plan):
    client = client_for(world.amy)
    assert client.get(reverse("comms:customer_plan", args=["beta"])).status_code == 404
    assert client.get(reverse("comms:customer_plan_pdf", args=["beta"])).status_code == 404


def test_managers_edit_the_plan_through_forms(world, plan):
    client = client_for(world.manager)
    edit_page = client.get(reverse("comms:plan_edit", args=[plan.pk]))
    assert edit_page.status_code == 200
    assert "The customer says the impact is high (major)" in edit_page.content.decode()
    url = reverse("comms:item_new", args=[plan.pk, "criteria"])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"text_en": "Payment terminals fail", "text_nl": "Pinautomaten falen", "is_major": "on", "position": 5}
    )  # fmt: skip
    assert response.status_code == 302
    added = Criterion.objects.get(text__en="Payment terminals fail")
    assert added.text == {"en": "Payment terminals fail", "nl": "Pinautomaten falen"}
    assert added.is_major
    edit = reverse("comms:item_edit", args=[plan.pk, "criteria", added.pk])
    assert client.post(edit, {"text_en": "", "position": 5}).status_code == 400
    delete = reverse("comms:item_delete", args=[plan.pk, "criteria", added.pk])
    assert client.post(delete).status_code == 302
    assert not Criterion.objects.filter(pk=added.pk).exists()


def test_roles_take_people_by_username(world, plan):
    client = client_for(world.manager)
    url = reverse("comms:item_new", args=[plan.pk, "roles"])
    response = client.post(
        url, {"kind": "scribe", "duties_en": "Keeps the timeline.", "people": "@engineer, agent", "position": 2}
    )  # fmt: skip
    assert response.status_code == 302
    role = plan.roles.get(kind="scribe")
    assert {p.username for p in role.people.all()} == {"engineer", "agent"}
    refused = client.post(url, {"kind": "other", "duties_en": "x", "people": "@alice"})
    assert refused.status_code == 400


def test_a_second_template_for_the_same_slot_is_refused(world, plan):
    response = client_for(world.manager).post(
        reverse("comms:item_new", args=[plan.pk, "templates"]),
        {"phase": "investigating", "audience": "customers", "language": "en", "body": "Again"},
    )
    assert response.status_code == 400


def test_only_managers_edit(world, plan):
    client = client_for(world.agent)
    assert client.get(reverse("comms:plan_edit", args=[plan.pk])).status_code == 403
    assert client.post(reverse("comms:plan_create")).status_code == 403


def test_a_customer_plan_is_started_from_its_page(world, plan):
    client = client_for(world.manager)
    response = client.post(reverse("comms:plan_create"), {"customer": "beta"})
    assert response.status_code == 302
    assert effective_plan(world.beta).customer_plan is not None
    page = client.get(response.url)
    assert page.status_code == 200 and "Beta Industries" in page.content.decode()
