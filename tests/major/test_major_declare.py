"""Declaring a major incident: everyone paged at once, chat told, core team formed and told,
the customer's contacts given one point of contact."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fixfirst.comms import services as comms
from fixfirst.incidents.choices import EventKind, IncidentClass, Priority
from fixfirst.major import services
from fixfirst.major.choices import CoreRole
from fixfirst.major.models import MajorIncident
from fixfirst.notify import channel_services
from fixfirst.notify.models import Delivery, DeliveryStatus
from fixfirst.oncall.models import Page
from tests.conftest import client_for

# The worker runs in the test and closes the connection, as a real one does.
pytestmark = pytest.mark.django_db(transaction=True)

ENGINEERS = {
    "admin",
    "engineer",
    "agent",
    "restricted",
}  # everyone who works incidents but the declarer


def roles_of(major):
    return {(a.role, a.user.username) for a in major.roles.select_related("user")}


def test_declaring_pages_every_engineer_posts_to_chat_and_mails_the_team_and_customer(
    world, incident, smtp, receiver, run_worker
):
    channel_services.save_channel(
        None, by=world.admin, name="#major", kind="slack", config={"url": receiver.url()}
    )
    major = services.declare_major(
        incident, by=world.manager, reason="The whole office is offline.",
        roles={CoreRole.TECHNICAL_LEAD: [world.engineer], CoreRole.CUSTOMER_LIAISON: [world.agent]},
    )  # fmt: skip
    run_worker()

    incident.refresh_from_db()
    assert incident.incident_class == IncidentClass.MAJOR
    assert major.paged == len(ENGINEERS)
    # One page (and so one delivery) per engineer, through their on-call rules.
    assert {p.user.username for p in Page.objects.filter(incident=incident)} == ENGINEERS
    pages = Delivery.objects.filter(incident=incident, reason="oncall.page")
    assert sorted(d.recipient for d in pages) == sorted(f"{u}@example.com" for u in ENGINEERS)
    assert not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()

    (chat,) = receiver.requests
    card = json.loads(chat.body)
    assert card["text"].startswith(f"*Major incident {incident.reference}: Core switch down*")
    assert "All engineers are paged" in card["text"]

    assert roles_of(major) == {
        (CoreRole.INCIDENT_COMMANDER, "manager"), (CoreRole.COMMUNICATIONS_LEAD, "manager"),
        (CoreRole.TECHNICAL_LEAD, "engineer"), (CoreRole.CUSTOMER_LIAISON, "agent"),
    }  # fmt: skip
    mail = {(m["To"], m["Subject"]) for m in smtp.messages}
    assert (
        "engineer@example.com",
        f"[{incident.reference}] You are Technical lead: Core switch down",
    ) in mail
    assert (
        "agent@example.com",
        f"[{incident.reference}] You are Customer liaison: Core switch down",
    ) in mail

    to_customer = [m for m in smtp.messages if "with priority" in m["Subject"]]
    assert sorted(m["To"] for m in to_customer) == ["ann@alpha.example", "cas@alpha.example"]
    for message in to_customer:
        text = message.get_content()
        assert "single point of contact" in text and "agent@example.com" in text
        assert message["Reply-To"] == "agent@example.com"
        assert "at least every 30 minutes" in text

    declared = incident.events.filter(kind=EventKind.NOTE, data__major="declared").get()
    assert "@engineer" in declared.body and not declared.public


def test_staff_excluded_from_the_customer_are_not_paged(world):
    from fixfirst.incidents.services import open_incident

    beta = open_incident(by=world.bob, customer=world.beta, title="Beta down", channel="portal")
    major = services.declare_major(beta, by=world.admin, reason="Everything is down.")
    paged = set(Page.objects.filter(incident=beta).values_list("user__username", flat=True))
    assert paged == {"manager", "engineer", "agent"} and major.paged == 3


def test_the_communication_plan_names_the_roles_and_their_people(world, incident):
    plan = comms.create_plan(by=None)
    comms.save_item(
        plan, "roles", by=None, kind="customer_liaison", title={"en": "Client contact"},
        duties={"en": "Keeps the customer informed."}, people=[world.engineer],
    )  # fmt: skip
    comms.save_item(
        plan, "roles", by=None, kind="other", title={"en": "Vendor contact"},
        duties={"en": "Calls the vendor."}, people=[world.agent],
    )  # fmt: skip
    comms.save_item(plan, "cadence", by=None, priority=Priority.P1, minutes=15)
    major = services.declare_major(incident, by=world.manager, reason="Office down")
    titles = {a.role: a.title for a in major.roles.all()}
    assert titles[CoreRole.CUSTOMER_LIAISON] == "Client contact"
    assert any(r.startswith("other:") and t == "Vendor contact" for r, t in titles.items())
    assert (CoreRole.CUSTOMER_LIAISON, "engineer") in roles_of(major)
    assert major.cadence_minutes == 15


def test_an_engineer_without_manage_incidents_cannot_declare(world, incident):
    with pytest.raises(PermissionDenied):
        services.declare_major(incident, by=world.engineer, reason="x")
    page = client_for(world.engineer).post(
        reverse("major:declare", args=[incident.number]), {"reason": "x"}
    )
    api = client_for(world.engineer).post(
        "/api/v1/major-incidents/", {"incident": incident.number, "reason": "x"},
        content_type="application/json",
    )  # fmt: skip
    assert page.status_code == 403 and api.status_code == 403
    assert not MajorIncident.objects.exists()
    incident.refresh_from_db()
    assert incident.incident_class != IncidentClass.MAJOR


def test_a_manager_declares_from_the_war_room_page(world, incident):
    client = client_for(world.manager)
    form = client.get(reverse("major:war_room", args=[incident.number]))
    assert form.status_code == 200 and "Declare and page everyone" in form.content.decode()
    response = client.post(
        reverse("major:declare", args=[incident.number]),
        {"reason": "Office offline", "role_scribe": world.agent.pk},
    )
    assert response.status_code == 302
    major = MajorIncident.objects.get()
    assert (CoreRole.SCRIBE, "agent") in roles_of(major)


def test_declaring_twice_is_refused(world, incident):
    services.declare_major(incident, by=world.manager, reason="x")
    with pytest.raises(ValidationError):
        services.declare_major(incident, by=world.admin, reason="again")


def test_a_p1_becomes_major_automatically_when_the_rule_is_on(settings, world, incident):
    settings.FIXFIRST_MAJOR_AUTO_P1 = True
    major = services.maybe_declare_major(incident)
    assert major is not None and major.automatic and major.declared_by is None
    assert services.maybe_declare_major(incident) is None  # already running
    assert major.paged == len(ENGINEERS) + 1  # nobody declared, so the manager is paged too


def test_other_priorities_do_not(settings, world):
    from fixfirst.incidents.services import open_incident

    settings.FIXFIRST_MAJOR_AUTO_P1 = True
    p3 = open_incident(by=world.agent, customer=world.alpha, title="Printer", channel="phone")
    assert services.maybe_declare_major(p3) is None
    settings.FIXFIRST_MAJOR_AUTO_P1 = False
    p1 = open_incident(by=world.agent, customer=world.alpha, title="All down", channel="phone",
                       reported_high_impact=True)  # fmt: skip
    assert services.maybe_declare_major(p1) is None


def test_without_people_to_page_or_channels_it_still_declares(world, incident):
    for user in (world.admin, world.engineer, world.agent, world.restricted):
        user.is_active = False
        user.save()
    major = services.declare_major(incident, by=world.manager, reason="Quiet night")
    assert major.paged == 0 and roles_of(major) >= {(CoreRole.INCIDENT_COMMANDER, "manager")}
