"""Demo data: a realistic MSP with three customers. ``load()`` is idempotent.

Each domain keeps its own part (``incidents.demo``); later ones (alerting, on-call, status
pages) add theirs in ``load()``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction

from fixfirst.alerting import demo as alerting_demo
from fixfirst.comms import demo as comms_demo
from fixfirst.incidents import demo as incidents_demo
from fixfirst.major import demo as major_demo
from fixfirst.oncall import demo as oncall_demo
from fixfirst.statuspage import demo as statuspage_demo
from fixfirst.tenancy import services
from fixfirst.tenancy.models import Contact, Contract, Customer, Provider, Team, User
from fixfirst.tenancy.roles import Role

DEMO_PASSWORD = "fixfirst-demo"

PROVIDER = {
    "name": "Kade IT Services",
    "email": "servicedesk@kade-it.example",
    "phone": "+31 20 555 0100",
}

STAFF = [
    ("admin", "Sanne", "de Vries", Role.ADMIN),
    ("ingrid", "Ingrid", "Jansen", Role.INCIDENT_MANAGER),
    ("carl", "Carl", "Weber", Role.CONTINUITY_MANAGER),
    ("erik", "Erik", "Visser", Role.ENGINEER),
    ("eva", "Eva", "Schmidt", Role.ENGINEER),
    ("omar", "Omar", "Haddad", Role.ENGINEER),
    ("anna", "Anna", "Bos", Role.AGENT),
    ("tom", "Tom", "Peters", Role.AGENT),
    ("victor", "Victor", "Lang", Role.VIEWER),
]

TEAMS = [
    (
        "Service Desk",
        "First-line support: intake, triage, customer contact.",
        ["anna", "tom", "ingrid"],
    ),
    ("Infrastructure", "Second and third line: servers, network, cloud.", ["erik", "eva", "omar"]),
]

CUSTOMERS = [
    {
        "name": "Bakker Logistiek B.V.", "slug": "bakker", "timezone": "Europe/Amsterdam",
        "language": "nl",
        "users": [("kees", "Kees", "Bakker", Role.CUSTOMER_ADMIN, "IT-coördinator"),
                  ("lisa", "Lisa", "Mulder", Role.CUSTOMER_USER, "Planner")],
        "contacts": [("Johan de Boer", "johan@bakker-logistiek.example", "Directeur")],
        "contract": ("Managed Workplace & Infra", "KADE-2024-017", dt.date(2024, 1, 1)),
    },
    {
        "name": "Müller Maschinenbau GmbH", "slug": "mueller", "timezone": "Europe/Berlin",
        "language": "de",
        "users": [("jonas", "Jonas", "Müller", Role.CUSTOMER_ADMIN, "IT-Leiter"),
                  ("petra", "Petra", "Klein", Role.CUSTOMER_USER, "Fertigungsplanung")],
        "contacts": [("Stefan Braun", "stefan.braun@mueller-mb.example", "Geschäftsführer")],
        "contract": ("Full Managed Services 24x7", "KADE-2023-044", dt.date(2023, 7, 1)),
    },
    {
        "name": "Harbour Dental Group", "slug": "harbour", "timezone": "Europe/London",
        "language": "en",
        "users": [("helen", "Helen", "Wright", Role.CUSTOMER_ADMIN, "Practice manager"),
                  ("sam", "Sam", "Taylor", Role.CUSTOMER_USER, "Receptionist")],
        "contacts": [("Dr. Priya Shah", "priya.shah@harbourdental.example", "Clinical director")],
        "contract": ("Practice IT Support", "KADE-2025-003", dt.date(2025, 3, 1)),
    },
]  # fmt: skip


def _user(
    username: str, first: str, last: str, role: str, email: str, customer: Customer | None
) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.invite_user(
            by=None,
            username=username,
            email=email,
            role=role,
            customer=customer,
            first_name=first,
            last_name=last,
            send_invitation=False,
        )
        _NEW_USERS.append(user.pk)
    return user


_NEW_USERS: list[int] = []


@transaction.atomic
def load() -> None:
    _NEW_USERS.clear()
    provider = Provider.current()
    if provider.name != PROVIDER["name"] and not Customer.objects.exists():
        for key, value in PROVIDER.items():
            setattr(provider, key, value)
        provider.save()
    staff = {
        username: _user(username, first, last, role, f"{username}@kade-it.example", None)
        for username, first, last, role in STAFF
    }
    for name, description, members in TEAMS:
        team = Team.objects.filter(name=name).first() or services.create_team(
            by=None, name=name, description=description
        )
        if not team.members.exists():
            services.set_team_members(team, [staff[m] for m in members], by=None)
    for spec in CUSTOMERS:
        customer = Customer.objects.filter(slug=spec["slug"]).first() or services.create_customer(
            by=None,
            name=spec["name"],
            slug=spec["slug"],
            timezone=spec["timezone"],
            language=spec["language"],
        )
        domain = spec["contacts"][0][1].split("@")[1]
        for username, first, last, role, title in spec["users"]:
            email = f"{first.lower()}@{domain}"
            user = _user(username, first, last, role, email, customer)
            if not Contact.objects.filter(customer=customer, email=email).exists():
                services.add_contact(
                    customer, by=None, name=f"{first} {last}", email=email, job_title=title,
                    user=user, is_primary=role == Role.CUSTOMER_ADMIN,
                )  # fmt: skip
        for name, email, title in spec["contacts"]:
            if not Contact.objects.filter(customer=customer, email=email).exists():
                services.add_contact(customer, by=None, name=name, email=email, job_title=title)
        contract_name, reference, starts_on = spec["contract"]
        if not Contract.objects.filter(customer=customer, reference=reference).exists():
            services.add_contract(
                customer, by=None, name=contract_name, reference=reference, starts_on=starts_on
            )
    # One Argon2 hash for every demo login instead of one per user: loading stays fast.
    User.objects.filter(pk__in=_NEW_USERS).update(password=make_password(DEMO_PASSWORD))
    incidents_demo.load()
    alerting_demo.load()
    oncall_demo.load()
    statuspage_demo.load()
    comms_demo.load()
    major_demo.load()


def is_loaded() -> bool:
    return (
        User.objects.filter(username="admin").exists()
        and Customer.objects.filter(slug__in=[c["slug"] for c in CUSTOMERS]).exists()
    )


def logins_text() -> str:
    rows = [(u, str(r.label)) for u, _f, _l, r in STAFF]
    for spec in CUSTOMERS:
        rows += [(u, f"{r.label} — {spec['name']}") for u, _f, _l, r, _t in spec["users"]]
    width = max(len(u) for u, _ in rows)
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {username.ljust(width)}  {label}" for username, label in rows]
    return "\n".join(lines) + "\n\n" + alerting_demo.endpoints_text()
