"""Demo data of the incident domain: services, categories, SLAs and a few dozen incidents.

Idempotent: does nothing when the demo incidents are already there.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from fixfirst.catalog import services as catalog
from fixfirst.catalog.models import Criticality, Service
from fixfirst.incidents import services, updates
from fixfirst.incidents.choices import Channel, Impact, ResolutionCode, Status, Urgency
from fixfirst.incidents.models import (
    BusinessCalendar,
    Category,
    Holiday,
    Incident,
    SlaPolicy,
    SlaTarget,
)
from fixfirst.tenancy.models import Contract, Customer, Team, User

SERVICES = [
    ("Email & calendar", "email", Criticality.HIGH, "Infrastructure", []),
    ("Network & VPN", "network", Criticality.CRITICAL, "Infrastructure", []),
    ("File shares", "files", Criticality.MEDIUM, "Infrastructure", ["network"]),
    ("ERP", "erp", Criticality.CRITICAL, "Infrastructure", ["network"]),
    ("Workplace (laptops, printers)", "workplace", Criticality.MEDIUM, "Service Desk", []),
    ("Practice management system", "pms", Criticality.CRITICAL, "Infrastructure", ["network"]),
]
USES = {
    "bakker": ["email", "network", "files", "erp", "workplace"],
    "mueller": ["email", "network", "files", "erp", "workplace"],
    "harbour": ["email", "network", "workplace", "pms"],
}
CATEGORIES = {
    "Workplace": ["Laptop", "Printer", "Phone"],
    "Software": ["Email", "ERP", "Office"],
    "Infrastructure": ["Network", "Server", "Storage"],
    "Access": ["Account", "Password"],
}
# priority -> (response minutes, resolution minutes)
TARGETS = {1: (15, 240), 2: (30, 480), 3: (120, 1440), 4: (480, 4320)}
HOLIDAYS = {
    "NL office hours": [("2026-12-25", "Eerste Kerstdag"), ("2026-12-26", "Tweede Kerstdag"), ("2027-01-01", "Nieuwjaarsdag"), ("2027-04-27", "Koningsdag")],
    "DE office hours": [("2026-12-25", "1. Weihnachtstag"), ("2026-12-26", "2. Weihnachtstag"), ("2027-01-01", "Neujahr")],
    "UK office hours": [("2026-12-25", "Christmas Day"), ("2026-12-28", "Boxing Day (substitute)"), ("2027-01-01", "New Year's Day")],
}  # fmt: skip
CALENDAR_FOR = {"bakker": ("NL office hours", "Europe/Amsterdam"), "mueller": ("DE office hours", "Europe/Berlin"), "harbour": ("UK office hours", "Europe/London")}  # fmt: skip

STORIES = [
    # (customer, service, title, impact, urgency, high, final status, reporter index)
    ("bakker", "erp", "ERP does not print delivery notes", Impact.HIGH, Urgency.HIGH, True, Status.INVESTIGATING),
    ("bakker", "email", "Outlook keeps asking for my password", Impact.LOW, Urgency.MEDIUM, False, Status.WAITING),
    ("bakker", "network", "VPN drops every 10 minutes at the Rotterdam depot", Impact.MEDIUM, Urgency.HIGH, False, Status.IDENTIFIED),
    ("bakker", "workplace", "Label printer in hall 2 offline", Impact.MEDIUM, Urgency.MEDIUM, False, Status.RESOLVED),
    ("bakker", "files", "Cannot open the planning share", Impact.MEDIUM, Urgency.MEDIUM, False, Status.CLOSED),
    ("bakker", "workplace", "New laptop for the planner", Impact.LOW, Urgency.LOW, False, Status.NEW),
    ("mueller", "erp", "Fertigungsaufträge werden nicht übertragen", Impact.HIGH, Urgency.MEDIUM, False, Status.MONITORING),
    ("mueller", "network", "WLAN in Halle 3 sehr langsam", Impact.MEDIUM, Urgency.MEDIUM, False, Status.ACKNOWLEDGED),
    ("mueller", "email", "Mails an Lieferanten bleiben im Postausgang", Impact.MEDIUM, Urgency.HIGH, False, Status.RESOLVED),
    ("mueller", "files", "Konstruktionslaufwerk voll", Impact.HIGH, Urgency.HIGH, True, Status.CLOSED),
    ("mueller", "workplace", "Drucker im Büro druckt leere Seiten", Impact.LOW, Urgency.MEDIUM, False, Status.NEW),
    ("harbour", "pms", "Appointment book will not load at the Leith practice", Impact.HIGH, Urgency.HIGH, True, Status.RESOLVED),
    ("harbour", "email", "Shared reception mailbox missing", Impact.MEDIUM, Urgency.MEDIUM, False, Status.INVESTIGATING),
    ("harbour", "workplace", "X-ray workstation very slow", Impact.MEDIUM, Urgency.HIGH, False, Status.WAITING),
    ("harbour", "network", "Card terminal cannot reach the bank", Impact.HIGH, Urgency.MEDIUM, False, Status.CLOSED),
    ("harbour", "workplace", "Reset password for new receptionist", Impact.LOW, Urgency.LOW, False, Status.CLOSED),
]  # fmt: skip

# Steps from "new" to each final status, through the lifecycle.
PATHS = {
    Status.NEW: [],
    Status.ACKNOWLEDGED: [Status.ACKNOWLEDGED],
    Status.INVESTIGATING: [Status.ACKNOWLEDGED, Status.INVESTIGATING],
    Status.IDENTIFIED: [Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.IDENTIFIED],
    Status.MONITORING: [
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.IDENTIFIED,
        Status.MONITORING,
    ],
    Status.WAITING: [Status.ACKNOWLEDGED, Status.WAITING],
    Status.RESOLVED: [Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.IDENTIFIED],
    Status.CLOSED: [Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.IDENTIFIED],
}


def _catalogue() -> dict[str, Service]:
    teams = {t.name: t for t in Team.objects.all()}
    found = {s.slug: s for s in Service.objects.all()}
    for name, slug, criticality, team, deps in SERVICES:
        if slug not in found:
            found[slug] = catalog.save_service(
                None, by=None, name=name, slug=slug, criticality=criticality,
                owner_team=teams.get(team), depends_on=[found[d] for d in deps],
            )  # fmt: skip
    for slug, used in USES.items():
        customer = Customer.objects.get(slug=slug)
        customer.services.add(*[found[s] for s in used])
    return found


def _categories() -> None:
    for parent_name, children in CATEGORIES.items():
        parent, _ = Category.objects.get_or_create(name=parent_name, parent=None)
        for child in children:
            Category.objects.get_or_create(name=child, parent=parent)


def _slas() -> None:
    for slug, (calendar_name, tz) in CALENDAR_FOR.items():
        calendar, created = BusinessCalendar.objects.get_or_create(
            name=calendar_name,
            defaults={"timezone": tz, "hours": [[d, "08:00", "18:00"] for d in range(5)]},
        )
        if created:
            for day, name in HOLIDAYS[calendar_name]:
                Holiday.objects.create(
                    calendar=calendar, date=dt.date.fromisoformat(day), name=name
                )
        for contract in Contract.objects.filter(customer__slug=slug):
            if hasattr(contract, "sla_policy"):
                continue
            policy = SlaPolicy.objects.create(
                contract=contract, calendar=calendar, p1_always_open=True
            )
            SlaTarget.objects.bulk_create(
                SlaTarget(policy=policy, priority=p, response_minutes=r, resolution_minutes=s)
                for p, (r, s) in TARGETS.items()
            )


def _story(spec: tuple, catalogue: dict[str, Service], staff: dict[str, User], index: int) -> None:
    slug, service, title, impact, urgency, high, final = spec
    customer = Customer.objects.get(slug=slug)
    reporter = customer.contacts.order_by("-is_primary", "name")[index % 2]
    # Open ones recent (their SLA clocks still running), finished ones days ago.
    finished = final in (Status.RESOLVED, Status.CLOSED)
    opened = timezone.now() - dt.timedelta(
        hours=30 + index * 11 if finished else 0.3 + index * 0.25
    )
    infra = Team.objects.get(name="Infrastructure")
    incident = services.open_incident(
        by=reporter.user or staff["anna"], customer=customer, title=title,
        description=f"Reported by {reporter.name}.", channel=Channel.PORTAL if reporter.user else Channel.PHONE,
        reporter=reporter, impact=impact, urgency=urgency, reported_high_impact=high,
        services=[catalogue[service]], opened_at=opened,
    )  # fmt: skip
    agent = staff["anna" if index % 2 else "tom"]
    engineer = staff[["erik", "eva", "omar"][index % 3]]
    for step in PATHS[final]:
        services.change_status(incident, step, by=agent)
        if step == Status.ACKNOWLEDGED:
            services.assign(incident, by=agent, team=infra, assignee=engineer)
    if final in (Status.IDENTIFIED, Status.MONITORING, Status.RESOLVED, Status.CLOSED):
        updates.post_update(
            incident, by=engineer, body="We have found the cause and are working on a fix."
        )
    if index % 3 == 0 and final != Status.NEW:
        services.escalate(incident, by=agent, reason="Needs a specialist in this system.")
        updates.record_workaround(incident, by=engineer, text="Use the web version meanwhile.")
    if index % 4 == 1:
        updates.add_note(
            incident, by=engineer, body=f"@{agent.username} checked the logs, nothing unusual yet."
        )
    if final in (Status.RESOLVED, Status.CLOSED):
        services.resolve(
            incident,
            by=engineer,
            resolution="Replaced the failing component and verified with the reporter.",
            code=ResolutionCode.FIXED,
        )
    if final == Status.CLOSED:
        services.confirm_resolution(incident, by=reporter)


def load() -> None:
    catalogue = _catalogue()
    _categories()
    _slas()
    if Incident.objects.exists():
        return
    staff = {u.username: u for u in User.objects.filter(customer__isnull=True)}
    random.seed(7)
    for index, spec in enumerate(STORIES):
        _story(spec, catalogue, staff, index)
