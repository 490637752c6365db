"""Communication fixtures: a small provider plan (criteria, roles, templates in three
languages, cadence) and a P1 incident at Alpha with a reporter and two more contacts."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from fixfirst.comms import services
from fixfirst.incidents.choices import Channel, Impact, Urgency
from fixfirst.incidents.services import open_incident
from fixfirst.tenancy import services as tenancy

INVESTIGATING = {
    "en": ("[{reference}] Investigating: {title}", "We are investigating a problem with {services} at {customer} since {started}. Impact: {impact}. Workaround: {workaround}. Next update by {next_update}."),
    "nl": ("[{reference}] We onderzoeken: {title}", "We onderzoeken een probleem met {services} bij {customer} sinds {started}. Impact: {impact}. Workaround: {workaround}. Volgende update uiterlijk {next_update}."),
    "de": ("[{reference}] Wir untersuchen: {title}", "Wir untersuchen ein Problem mit {services} bei {customer} seit {started}. Auswirkung: {impact}. Workaround: {workaround}. Nächstes Update spätestens {next_update}."),
}  # fmt: skip
RESOLVED_EN = (
    "[{reference}] Resolved: {title}",
    "The problem with {services} is resolved.\n\nWhat happened: [what went wrong].\nCause: [why].",
)


@pytest.fixture
def plan(world):
    w = world
    p = services.create_plan(
        by=None, title={"en": "Our plan", "nl": "Ons plan", "de": "Unser Plan"}
    )
    w.major_criterion = services.save_item(
        p, "criteria", by=None, is_major=True,
        text={"en": "The customer says the impact is high", "nl": "De klant zegt dat de impact hoog is", "de": "Der Kunde sagt, die Auswirkung ist hoch"},
    )  # fmt: skip
    w.minor_criterion = services.save_item(
        p, "criteria", by=None, is_major=False,
        text={"en": "One user affected, with a workaround", "nl": "Eén gebruiker, met workaround", "de": "Ein Benutzer, mit Workaround"},
    )  # fmt: skip
    services.save_item(
        p, "roles", by=None, kind="incident_commander", people=[w.manager],
        duties={"en": "Leads and decides.", "nl": "Leidt en beslist.", "de": "Leitet und entscheidet."},
    )  # fmt: skip
    services.save_item(
        p, "roles", by=None, kind="communications_lead", people=[w.agent],
        duties={"en": "Posts every update.", "nl": "Plaatst elke update.", "de": "Veröffentlicht jedes Update."},
    )  # fmt: skip
    services.save_item(
        p, "channels", by=None, kind="status_page",
        name={"en": "Status page", "nl": "Statuspagina", "de": "Statusseite"},
        access={"en": "Vault entry STATUS-ADMIN", "nl": "Kluis STATUS-ADMIN", "de": "Tresor STATUS-ADMIN"},
    )  # fmt: skip
    for language, (subject, body) in INVESTIGATING.items():
        services.save_item(
            p, "templates", by=None, phase="investigating", audience="customers",
            language=language, subject=subject, body=body,
        )  # fmt: skip
    services.save_item(
        p, "templates", by=None, phase="resolved", audience="customers", language="en",
        subject=RESOLVED_EN[0], body=RESOLVED_EN[1],
    )  # fmt: skip
    services.save_item(
        p, "templates", by=None, phase="investigating", audience="staff", language="en",
        subject="[{reference}] internal", body="{incident} is being investigated by {commander}.",
    )  # fmt: skip
    for priority, minutes in {1: 30, 2: 60, 3: 240}.items():
        services.save_item(p, "cadence", by=None, priority=priority, minutes=minutes)
    services.save_item(
        p, "values", by=None, title={"en": "Fix first, discuss later"},
        description={"en": "Restore service first."},
    )  # fmt: skip
    return p


@pytest.fixture
def contacts(world):
    w = world
    return SimpleNamespace(
        cio=tenancy.add_contact(
            w.alpha, by=None, name="Carla Chief", email="cio@alpha.example", is_primary=True
        ),
        desk=tenancy.add_contact(w.alpha, by=None, name="Dora Desk", email="dora@alpha.example"),
    )


@pytest.fixture
def incident(world, plan, contacts):
    """Alpha's P1 ("Mail is down"), reported by Ann by phone."""
    return open_incident(
        by=world.agent, customer=world.alpha, title="Mail is down", channel=Channel.PHONE,
        reporter=world.alpha_contact, impact=Impact.HIGH, urgency=Urgency.HIGH,
    )  # fmt: skip
