"""Incident queue, incident page, API list and search with many incidents: p50/p95/p99.

    .venv/bin/python -m bench.incidents_bench --count 1000000 --db sqlite
    .venv/bin/python -m bench.incidents_bench --count 1000000 --db postgres
    .venv/bin/python -m bench.incidents_bench --count 20000 --db sqlite      # quick check

Everything happens in a fresh FIXFIRST_DATA_DIR under /tmp (removed afterwards unless
--keep); --db postgres starts a throwaway server (fixfirst.devtools.pgserver). Incidents and
events are bulk-inserted with the search triggers off, then the index is rebuilt once.
Requests go through Django's test Client, logged in as a staff engineer and as a customer user.
With --data-dir DIR --keep a SQLite data set is kept and reused by the next run (no refill);
--database-url does the same for a PostgreSQL server of your own.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import enum
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

SEED = 1042
PAGE_CHECK = 200

# --- what the incidents say -------------------------------------------------------------------

SERVICES = [
    "Outlook", "Exchange", "Teams", "SharePoint", "OneDrive", "VPN", "Citrix", "SAP", "Salesforce",
    "Jira", "Confluence", "printer", "Wi-Fi", "DNS", "DHCP", "Active Directory", "firewall",
    "laptop", "docking station", "phone system", "payroll", "ERP", "CRM", "website", "webshop",
    "database", "backup", "file server", "VDI", "MFA", "Azure", "AWS", "Kubernetes", "GitLab",
    "Jenkins", "Zabbix", "Grafana", "load balancer", "proxy", "SFTP", "scanner", "badge reader",
    "HR portal", "intranet", "Okta", "Zoom", "Webex", "Dynamics", "Exact", "AFAS", "TOPdesk",
    "PostgreSQL", "Oracle", "SQL Server", "Windows Update", "Intune", "Defender", "OneNote",
    "Power BI", "Tableau",
]  # fmt: skip
SYMPTOMS = [
    "is down", "is slow", "cannot log in", "keeps crashing", "shows error {code}", "times out",
    "does not sync", "drops the connection", "asks for the password again", "is unreachable",
    "returns HTTP 500", "certificate expired", "freezes after the update", "lost its settings",
    "sends no notifications", "shows the wrong data", "cannot print", "refuses the licence",
    "is stuck in a login loop", "reports a disk full",
]  # fmt: skip
PLACES = [
    "Amsterdam office", "Utrecht", "Rotterdam", "floor 3", "warehouse", "home office",
    "Eindhoven plant", "reception", "data centre", "Brussels branch", "Antwerp", "call centre",
]  # fmt: skip
FIRST = [
    "Anna", "Bram", "Chris", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Ivo", "Julia", "Kees",
    "Lotte", "Milan", "Noor", "Olaf", "Pien", "Ruben", "Sanne", "Tom", "Vera", "Wim", "Yara",
]  # fmt: skip
LAST = [
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "de Boer", "Bos",
    "Vos", "Peters", "Hendriks", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "Kok",
]  # fmt: skip
UPDATES = [
    "We are looking into {svc} at {place}; next update within the hour.",
    "The {svc} vendor confirmed a fault on {host}. A fix is being rolled out.",
    "Restarted {host}; {svc} is available again, we keep monitoring.",
    "Workaround: use the web version of {svc} until the client is repaired.",
    "The cause was an expired certificate on {host}; renewed and verified.",
    "Users at {place} can work again. Please report if {svc} still {symptom}.",
]  # fmt: skip
NOTES = [
    "Checked {host}: CPU fine, disk at 97 %. Vendor case {case} opened.",
    "Probably the same as INC-{ref}; {person} is checking the logs.",
    "Called {person}, could not reproduce. Error code {code} in the event log.",
    "Escalated to the network team, suspect the switch stack near {place}.",
    "Rolled back patch KB{kb} on {host}.",
]  # fmt: skip
COMMENTS = [
    "Still broken here at {place}, {svc} {symptom}.",
    "It works again, thanks! Regards, {person}",
    "Three colleagues have the same problem since this morning.",
    "Screenshot sent by mail; the error says {code}.",
]  # fmt: skip
RESOLUTIONS = [
    "Replaced the configuration of {svc} on {host}.",
    "User advice given: cleared the {svc} cache and signed in again.",
    "Vendor fixed the fault in {svc}; confirmed with {person}.",
    "Renewed the certificate on {host}.",
]  # fmt: skip
SITES = ["ams", "utr", "rtm", "ein", "bru", "ant", "fra", "lon", "dub", "cph"]
HOST_KINDS = ["srv", "app", "db", "gw", "sw", "ap", "fs", "dc"]

OPEN = ["new", "acknowledged", "investigating", "identified", "monitoring", "waiting"]


def _host(rng: random.Random) -> str:
    return f"{rng.choice(HOST_KINDS)}{rng.randrange(1, 400):03d}.{rng.choice(SITES)}.example.net"


def _fill(template: str, rng: random.Random, number: int) -> str:
    return template.format(
        svc=rng.choice(SERVICES),
        place=rng.choice(PLACES),
        host=_host(rng),
        symptom=rng.choice(SYMPTOMS).format(code=f"0x{rng.randrange(1 << 28):08X}"),
        person=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        code=f"0x{rng.randrange(1 << 28):08X}",
        case=rng.randrange(100_000, 999_999),
        kb=rng.randrange(5_000_000, 5_099_999),
        ref=max(1001, number - rng.randrange(1, 500)),
    )


# --- set-up --------------------------------------------------------------------------------------


def _prepare_environment(args: argparse.Namespace) -> contextlib.ExitStack:
    """Private data dir and database, before Django reads its settings."""
    stack = contextlib.ExitStack()
    data_dir = (
        Path(args.data_dir)
        if args.data_dir
        else Path(tempfile.mkdtemp(prefix="fixfirst-bench-", dir="/tmp"))
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["FIXFIRST_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)  # never a developer's database
    os.environ["DJANGO_SETTINGS_MODULE"] = "fixfirst.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    if not args.keep:
        stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
    else:
        stack.callback(print, f"kept {data_dir}")
    if args.db == "postgres" and args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    elif args.db == "postgres":
        from fixfirst.devtools.pgserver import TempPostgres

        pg = stack.enter_context(TempPostgres())
        os.environ["DATABASE_URL"] = pg.url
    return stack


@dataclass
class World:
    staff: Any
    customer_user: Any
    customer_id: int
    customers: list[int]
    numbers: list[int] = field(default_factory=list)
    customer_numbers: list[int] = field(default_factory=list)


def _people() -> tuple[Any, Any, list[Any]]:
    from fixfirst.tenancy import services
    from fixfirst.tenancy.models import Customer, User
    from fixfirst.tenancy.roles import Role

    if User.objects.filter(username="bench-engineer").exists():
        customers = list(Customer.objects.order_by("pk"))
        return (
            User.objects.get(username="bench-engineer"),
            User.objects.get(username="bench-customer"),
            customers,
        )
    customers = [
        services.create_customer(by=None, name=f"Customer {i:02d}", slug=f"customer-{i:02d}")
        for i in range(50)
    ]
    for customer in customers:
        services.add_contact(
            customer, by=None, name="Service desk", email=f"desk@{customer.slug}.example"
        )
    staff = services.invite_user(
        by=None, username="bench-engineer", email="engineer@bench.example", role=Role.ENGINEER,
        password="bench", send_invitation=False,
    )  # fmt: skip
    customer_user = services.invite_user(
        by=None, username="bench-customer", email="user@customer-07.example",
        role=Role.CUSTOMER_USER, customer=customers[7], password="bench", send_invitation=False,
    )  # fmt: skip
    for name in ["Service desk", "Network", "Workplace", "Applications"]:
        team = services.create_team(by=None, name=name)
        services.set_team_members(team, [staff], by=None)
    return staff, customer_user, customers


def _columns(model: Any) -> list[Any]:
    return list(model._meta.concrete_fields)


def _defaults(model: Any, connection: Any) -> dict[str, Any]:
    """Database values for every column the generator leaves alone (columns added later too)."""
    values = {}
    for f in _columns(model):
        default = f.get_default()
        if isinstance(default, enum.Enum):
            default = default.value
        values[f.attname] = None if default is None else f.get_db_prep_save(default, connection)
    return values


def _generate(
    count: int, customers: list[Any], staff_id: int, team_ids: list[int], contacts: dict[int, int]
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """One incident and its timeline at a time, reproducibly."""
    rng = random.Random(SEED)
    # Some customers report far more than others.
    weights = [1 / (i + 1) ** 0.6 for i in range(len(customers))]
    start = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    span = (dt.datetime(2026, 11, 1, tzinfo=dt.UTC) - start).total_seconds()
    for i in range(count):
        number = 1001 + i
        opened = start + dt.timedelta(seconds=span * i / count + rng.random() * 600)
        customer = rng.choices(customers, weights)[0]
        svc, symptom = rng.choice(SERVICES), rng.choice(SYMPTOMS)
        code = f"0x{rng.randrange(1 << 28):08X}"
        title = f"{svc} {symptom.format(code=code)}"[:200]
        if rng.random() < 0.3:
            title += f" at {rng.choice(PLACES)}"
        description = (
            f"{rng.choice(FIRST)} {rng.choice(LAST)} reports that {svc} {symptom.format(code=code)}"
            f" since {opened:%H:%M}. Affected: {_host(rng)}. Users at {rng.choice(PLACES)}."
        )
        recent = i > count * 0.97
        status = (
            rng.choice(OPEN)
            if recent and rng.random() < 0.7
            else rng.choice(["resolved", "closed", "closed", "closed"])
        )
        impact, urgency = rng.choice([1, 2, 2, 3, 3, 3]), rng.choice([1, 2, 2, 3, 3])
        priority = {2: 1, 3: 2, 4: 3}.get(impact + urgency, 4)
        t = opened
        events = [
            dict(
                at=t,
                kind="opened",
                public=True,
                body=description,
                actor_id=None,
                actor_label="system",
            )
        ]

        # (kind, public, body, by staff) after the opening, each a few minutes to hours later
        steps: list[tuple[str, bool, str, bool]] = [("status", False, "", True)]
        if rng.random() < 0.6:
            steps.append(("update", True, _fill(rng.choice(UPDATES), rng, number), True))
        if rng.random() < 0.5:
            steps.append(("note", False, _fill(rng.choice(NOTES), rng, number), True))
        if rng.random() < 0.3:
            steps.append(("comment", True, _fill(rng.choice(COMMENTS), rng, number), False))
        resolution = ""
        if status in ("resolved", "closed"):
            resolution = _fill(rng.choice(RESOLUTIONS), rng, number)
            steps.append(("resolution", True, resolution, True))
            if status == "closed":
                steps.append(("status", False, "", True))
        for kind, public, body, by_staff in steps:
            t = t + dt.timedelta(minutes=rng.randrange(2, 600))
            events.append(
                dict(
                    at=t, kind=kind, public=public, body=body,
                    actor_id=staff_id if by_staff else None,
                    actor_label="bench-engineer" if by_staff else "customer",
                )
            )  # fmt: skip
        resolved_at = closed_at = None
        if status in ("resolved", "closed"):
            resolved_at = events[-1 if status == "resolved" else -2]["at"]
            closed_at = events[-1]["at"] if status == "closed" else None
        incident = dict(
            number=number, title=title, description=description, customer_id=customer.pk,
            reporter_id=contacts[customer.pk], channel=rng.choice(["portal", "email", "phone", "api", "monitoring"]),
            impact=impact, urgency=urgency, priority=priority,
            incident_class={1: "major", 2: "severe", 3: "medium"}.get(priority, "minor"),
            support_level=rng.choice([1, 1, 1, 2, 2, 3]), status=status,
            team_id=rng.choice(team_ids) if rng.random() < 0.8 else None,
            assignee_id=staff_id if rng.random() < 0.05 else None,
            resolution=resolution, resolution_code="fixed" if resolution else "",
            opened_at=opened, acknowledged_at=events[1]["at"], first_response_at=events[1]["at"],
            resolved_at=resolved_at, closed_at=closed_at, updated_at=t,
        )  # fmt: skip
        yield incident, events


@contextlib.contextmanager
def _search_triggers_off(connection: Any) -> Iterator[None]:
    """Bulk loads skip the per-event index maintenance.

    SQLite: every search trigger is dropped and created again afterwards; the caller rebuilds
    the FTS5 table. PostgreSQL: the timeline trigger is disabled; the caller writes each
    batch's events before its incidents, whose insert trigger then indexes them whole.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'trigger' AND name LIKE 'incidents_search_%'"
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        else:
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
                " AND tgname LIKE 'incidents_search_%'"
                " AND tgrelid = 'incidents_timelineevent'::regclass"
            )
            triggers = cursor.fetchall()
            for table, name in triggers:
                cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for first, second in triggers:
                if connection.vendor == "sqlite":
                    cursor.execute(second)
                else:
                    cursor.execute(f'ALTER TABLE {first} ENABLE TRIGGER "{second}"')


def _bulk_load(count: int, staff: Any, customers: list[Any], batch: int = 20_000) -> None:
    from django.db import connection, transaction

    from fixfirst.incidents import search
    from fixfirst.incidents.models import Incident, NumberSequence, TimelineEvent
    from fixfirst.tenancy.models import Contact, Team

    sqlite = connection.vendor == "sqlite"
    contacts = dict(Contact.objects.values_list("customer_id", "pk"))
    team_ids = list(Team.objects.values_list("pk", flat=True))
    inc_cols = [f.attname for f in _columns(Incident)]
    ev_cols = [f.attname for f in _columns(TimelineEvent)]
    inc_defaults = _defaults(Incident, connection)
    ev_defaults = _defaults(TimelineEvent, connection)
    if sqlite:
        # Django's SQLite backend stores aware datetimes as naive UTC text.
        def convert(v: Any) -> Any:
            if isinstance(v, dt.datetime):
                return v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
            return int(v) if isinstance(v, bool) else v
    else:

        def convert(v: Any) -> Any:
            return v

    def quoted(cols: list[str]) -> str:
        return ", ".join(connection.ops.quote_name(c) for c in cols)

    started = time.perf_counter()
    next_event = 1
    incidents: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []

    def flush() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if sqlite:
                marks = ", ".join(["%s"] * len(inc_cols))
                cursor.executemany(
                    f"INSERT INTO incidents_incident ({quoted(inc_cols)}) VALUES ({marks})",
                    incidents,
                )
                marks = ", ".join(["%s"] * len(ev_cols))
                cursor.executemany(
                    f"INSERT INTO incidents_timelineevent ({quoted(ev_cols)}) VALUES ({marks})",
                    events,
                )
            else:
                # Events first (their foreign key is checked at commit), so that each
                # incident's insert trigger finds its timeline and indexes it.
                raw = cursor.cursor
                with raw.copy(
                    f"COPY incidents_timelineevent ({quoted(ev_cols)}) FROM STDIN"
                ) as copy:
                    for row in events:
                        copy.write_row(row)
                with raw.copy(f"COPY incidents_incident ({quoted(inc_cols)}) FROM STDIN") as copy:
                    for row in incidents:
                        copy.write_row(row)
        incidents.clear()
        events.clear()

    if not sqlite:
        from psycopg.types.json import Jsonb

        for defaults in (inc_defaults, ev_defaults):
            for key, value in defaults.items():
                if isinstance(value, str) and key in ("sla_terms", "data"):
                    defaults[key] = Jsonb(json.loads(value))
    with _search_triggers_off(connection):
        for n, (incident, timeline) in enumerate(
            _generate(count, customers, staff.pk, team_ids, contacts), start=1
        ):
            row = {**inc_defaults, **incident, "id": n}
            incidents.append(tuple(convert(row[c]) for c in inc_cols))
            for event in timeline:
                erow = {**ev_defaults, **event, "id": next_event, "incident_id": n}
                next_event += 1
                events.append(tuple(convert(erow[c]) for c in ev_cols))
            if len(incidents) >= batch:
                flush()
                if n % 100_000 == 0:
                    _log(
                        f"  {n:,} incidents, {next_event - 1:,} events ({time.perf_counter() - started:.0f} s)"
                    )
        if incidents:
            flush()
    _add_links(count)
    _log(
        f"loaded {count:,} incidents and {next_event - 1:,} events in {time.perf_counter() - started:.0f} s"
    )
    NumberSequence.objects.update_or_create(name="incident", defaults={"last": 1000 + count})
    with connection.cursor() as cursor:
        if not sqlite:
            for table in ("incidents_incident", "incidents_timelineevent"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
    started = time.perf_counter()
    if sqlite:
        search.rebuild_index()
        _log(f"search index rebuilt in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        # What autovacuum would have done by the time anyone searches.
        cursor.execute("ANALYZE" if sqlite else "VACUUM ANALYZE")
    _log(
        f"{'ANALYZE' if sqlite else 'VACUUM ANALYZE'} done after {time.perf_counter() - started:.0f} s"
    )


def _add_links(count: int) -> None:
    """One incident in a hundred linked to an earlier one (duplicates, causes)."""
    from fixfirst.incidents.models import IncidentLink

    rng = random.Random(SEED + 2)
    pairs = set()
    for _ in range(count // 100):
        source = rng.randrange(2, count + 1)
        pairs.add((source, max(1, source - rng.randrange(1, 500))))
    kinds = ["duplicate_of", "caused_by", "parent_of"]
    IncidentLink.objects.bulk_create(
        [IncidentLink(source_id=s, target_id=t, kind=rng.choice(kinds)) for s, t in sorted(pairs)],
        batch_size=5000,
    )


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- measuring -----------------------------------------------------------------------------------

# Search terms by how many incidents they match (of a million, roughly): what people type.
SEARCHES = {
    "rare (host name)": ["gw017.ams", "srv203.lon", "db042.fra", "fs311.bru", "app128.dub"],
    "service (2-4 %)": ["citrix", "salesforce", "kubernetes", "payroll", "okta"],
    "two words": ["outlook password", "vpn unreachable", "printer Eindhoven", "sap certificate"],
    "as you type": ["citr", "sharep", "kuber", "certif"],
    "common (25-100 %)": ["users", "office"],
    "reference": ["INC-{n}"],
}


@dataclass
class Result:
    name: str
    times: list[float]
    note: str = ""

    def row(self) -> str:
        ms = sorted(t * 1000 for t in self.times)
        q = statistics.quantiles(ms, n=100, method="inclusive")
        return (
            f"| {self.name} | {len(ms)} | {statistics.median(ms):.1f} | {q[94]:.1f} | {q[98]:.1f} "
            f"| {ms[-1]:.1f} | {self.note} |"
        )


def _timed(name: str, requests: int, one: Callable[[int], None], note: str = "") -> Result:
    for i in range(min(5, requests)):  # warm-up: connections, templates, caches
        one(i)
    times = []
    for i in range(requests):
        t0 = time.perf_counter()
        one(i)
        times.append(time.perf_counter() - t0)
    result = Result(name, times, note)
    _log(result.row())
    return result


def _client(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _get(client: Any, url: str) -> Callable[[], None]:
    def go() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        b"".join(response) if response.streaming else response.content

    return go


def _route_exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def measure(world: World, requests: int, only: set[str] | None) -> list[Result]:
    from fixfirst.incidents import search as search_module
    from fixfirst.incidents.models import Incident
    from fixfirst.tenancy.access import scoped

    rng = random.Random(SEED + 1)
    staff, customer = _client(world.staff), _client(world.customer_user)
    numbers = rng.sample(world.numbers, min(len(world.numbers), requests + 10))
    mine = rng.sample(world.customer_numbers, min(len(world.customer_numbers), requests + 10))
    results: list[Result] = []

    def want(name: str) -> bool:
        return only is None or any(o in name for o in only)

    def page(name: str, client: Any, url: Callable[[int], str]) -> None:
        if not want(name):
            return
        if not _route_exists(url(0).split("?")[0]):
            results.append(Result(name, [0.0, 0.0], "route missing: not measured"))
            return
        results.append(_timed(name, requests, lambda i: _get(client, url(i))()))

    def term(kind: str, i: int, pool: list[int]) -> str:
        terms = SEARCHES[kind]
        return quote(terms[i % len(terms)].format(n=pool[i % len(pool)]))

    page("staff: queue /incidents/ (open tab)", staff, lambda i: "/incidents/")
    page(
        "staff: queue, all tab, page 3", staff, lambda i: "/incidents/?tab=all&sort=-opened&page=3"
    )
    page("staff: incident page", staff, lambda i: f"/incidents/{numbers[i % len(numbers)]}/")
    page("staff: API list /api/v1/incidents/", staff, lambda i: "/api/v1/incidents/")
    page("customer: portal list /portal/", customer, lambda i: "/portal/")
    page("customer: incident page", customer, lambda i: f"/portal/incidents/{mine[i % len(mine)]}/")
    page("customer: API list", customer, lambda i: "/api/v1/incidents/")
    for kind in SEARCHES:
        page(
            f"staff: API search, {kind}",
            staff,
            lambda i, kind=kind: f"/api/v1/incidents/?q={term(kind, i, numbers)}",
        )
        page(
            f"customer: API search, {kind}",
            customer,
            lambda i, kind=kind: f"/api/v1/incidents/?q={term(kind, i, mine)}",
        )
        page(
            f"staff: queue search, {kind}",
            staff,
            lambda i, kind=kind: f"/incidents/?tab=all&q={term(kind, i, numbers)}",
        )

    # search() alone, as a page uses it: the first 50 rows and the count.
    for kind in SEARCHES:
        name = f"search() first page + count, staff, {kind}"
        if not want(name):
            continue

        def one(i: int, kind: str = kind) -> None:
            qs = search_module.search(
                scoped(Incident, world.staff),
                unquote(term(kind, i, numbers)),
                include_internal=True,
            )
            list(qs[:50])
            qs.count()

        queries = {term(kind, i, numbers) for i in range(requests)}
        staff_view = scoped(Incident, world.staff)
        counts = [search_module.search(staff_view, unquote(q)).count() for q in queries]
        note = f"{min(counts):,}-{max(counts):,} matches"
        results.append(_timed(name, requests, one, note))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--count", type=int, default=1_000_000, help="incidents (default 1,000,000)"
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per operation")
    parser.add_argument(
        "--only", action="append", help="measure operations whose name contains this"
    )
    parser.add_argument(
        "--data-dir", help="use this data dir (SQLite: reused when it holds --count incidents)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the data dir")
    parser.add_argument(
        "--database-url",
        help="postgres: a server of your own instead of a throwaway one (its database must be "
        "empty or hold an earlier run's data set, which is reused)",
    )
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    with _prepare_environment(args):
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from fixfirst.incidents.models import Incident

        call_command("migrate", verbosity=0)
        staff, customer_user, customers = _people()
        have = Incident.objects.count()
        if have != args.count:
            if have:
                raise SystemExit(f"the data dir holds {have:,} incidents, not {args.count:,}")
            _bulk_load(args.count, staff, customers)
        world = World(
            staff=staff,
            customer_user=customer_user,
            customer_id=customer_user.customer_id,
            customers=[c.pk for c in customers],
            numbers=list(Incident.objects.values_list("number", flat=True).order_by("?")[:5000]),
            customer_numbers=list(
                Incident.objects.filter(customer_id=customer_user.customer_id)
                .values_list("number", flat=True)
                .order_by("?")[:5000]
            ),
        )
        visible = Incident.objects.filter(customer_id=world.customer_id).count()
        _log(f"{connection.vendor}: {args.count:,} incidents, customer user sees {visible:,}")
        _log("| operation | n | p50 ms | p95 ms | p99 ms | max ms | note |")
        _log("| --- | --- | --- | --- | --- | --- | --- |")
        results = measure(world, args.requests, set(args.only) if args.only else None)
        print(
            f"\n{connection.vendor}, {args.count:,} incidents, {args.requests} requests per operation,"
        )
        print(
            f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, {dt.date.today()}\n"
        )
        print("| operation | n | p50 ms | p95 ms | p99 ms | max ms | note |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for result in results:
            print(result.row())
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "db": connection.vendor,
                        "count": args.count,
                        "date": str(dt.date.today()),
                        "results": {r.name: [round(t * 1000, 2) for t in r.times] for r in results},
                    },
                    indent=1,
                )
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
