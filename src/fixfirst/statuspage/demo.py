"""Demo status pages: the provider's public page ``demo`` and Bakker's login-only page.
Idempotent: does nothing once the ``demo`` page exists."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fixfirst.catalog.models import Service
from fixfirst.incidents.choices import OPEN_STATUSES, Status
from fixfirst.incidents.models import Incident
from fixfirst.statuspage import maintenance, services
from fixfirst.statuspage.choices import ComponentStatus, IncidentStatus, Visibility
from fixfirst.statuspage.models import PageIncident, PageUpdate, StatusPage
from fixfirst.tenancy.models import Customer, User

LAYOUT = [
    # (group, [(component name, service slug, description)])
    ("Workplace & communication", [
        ("Email & calendar", "email", "Mailboxes, calendars and Teams meetings"),
        ("Laptops & printers", "workplace", ""),
    ]),
    ("Infrastructure", [
        ("Network & VPN", "network", "Office networks, Wi-Fi and remote access"),
        ("File shares", "files", ""),
    ]),
    ("Business applications", [
        ("ERP", "erp", ""),
        ("Practice management", "pms", "Appointment book and patient records"),
    ]),
]  # fmt: skip
PUBLIC_NAMES = {
    "network": "VPN connections dropping at one site",
    "erp": "Delivery notes not printing from ERP",
    "email": "Outgoing mail delayed",
    "pms": "Appointment book not loading",
    "files": "File share unavailable",
    "workplace": "Printing problems at one site",
}


def _layout(page: StatusPage, by: User | None) -> None:
    services_by_slug = {s.slug: s for s in Service.objects.all()}
    wanted = set(page.customer.services.values_list("slug", flat=True)) if page.customer else None
    position = 0
    for g_index, (group_name, members) in enumerate(LAYOUT):
        chosen = [
            m for m in members if m[1] in services_by_slug and (wanted is None or m[1] in wanted)
        ]
        if not chosen:
            continue
        group = services.save_group(None, by=by, page=page, name=group_name, position=g_index)
        for name, slug, description in chosen:
            position += 1
            services.save_component(
                None, by=by, page=page, name=name, group=group, service=services_by_slug[slug],
                position=position, description=description,
            )  # fmt: skip


def _backdate(pi: PageIncident, incident: Incident) -> None:
    """Demo only: move the published incident to when the incident really happened."""
    updates = list(pi.updates.order_by("pk"))
    start = incident.opened_at + dt.timedelta(minutes=12)
    # The demo incidents are all resolved "now"; on the page they took a believable while.
    end = start + dt.timedelta(hours=2, minutes=15)
    step = (end - start) / max(len(updates) - 1, 1)
    for n, update in enumerate(updates):
        at = start + step * n
        PageUpdate.objects.filter(pk=update.pk).update(created_at=at, display_at=at)
    PageIncident.objects.filter(pk=pi.pk).update(
        started_at=incident.opened_at, created_at=start, resolved_at=end, updated_at=end
    )


def _publish_history(page: StatusPage, by: User | None) -> None:
    finished = Incident.objects.filter(status__in=[Status.RESOLVED, Status.CLOSED]).order_by(
        "opened_at"
    )
    for incident in finished:
        slug = incident.services.values_list("slug", flat=True).first()
        if slug is None or not page.components.filter(service__slug=slug).exists():
            continue
        services.publish_incident_update(
            incident=incident, by=by, status=IncidentStatus.INVESTIGATING, pages=[page],
            body="We are investigating reports of problems with this service.",
        )  # fmt: skip
        PageIncident.objects.filter(page=page, incident=incident).update(
            name=PUBLIC_NAMES.get(slug, incident.title)
        )
        services.publish_incident_update(
            incident=incident, by=by, status=IncidentStatus.IDENTIFIED, pages=[page],
            body="The cause has been found; a fix is being applied.",
        )  # fmt: skip
        services.publish_incident_update(
            incident=incident, by=by, status=IncidentStatus.RESOLVED, pages=[page],
            body="This incident has been resolved. We are sorry for the trouble it caused.",
        )  # fmt: skip
        _backdate(PageIncident.objects.get(page=page, incident=incident), incident)


def load() -> None:
    if StatusPage.objects.filter(slug="demo").exists():
        return
    by = User.objects.filter(username="ingrid").first()
    page = services.create_page(
        by=by, name="Kade IT Services status", slug="demo", visibility=Visibility.PUBLIC,
        intro="Live status of the services Kade IT Services runs for its customers. "
        "Subscribe below to hear about incidents and planned maintenance.",
        support_url="https://kade-it.example/support",
    )  # fmt: skip
    _layout(page, by)
    _publish_history(page, by)
    network = (
        Incident.objects.filter(services__slug="network", status__in=OPEN_STATUSES)
        .order_by("opened_at")
        .first()
    )
    if network is not None:
        services.publish_incident_update(
            incident=network, by=by, status=IncidentStatus.INVESTIGATING, pages=[page],
            component_status=ComponentStatus.PARTIAL,
            body="Some users at one of our customers' sites lose their VPN connection every few "
            "minutes. We are investigating.",
        )  # fmt: skip
        PageIncident.objects.filter(page=page, incident=network).update(
            name=PUBLIC_NAMES["network"]
        )
        services.publish_incident_update(
            incident=network, by=by, status=IncidentStatus.IDENTIFIED, pages=[page],
            body="The cause is a faulty uplink at the site's internet provider. The provider is "
            "replacing it; meanwhile the office connects through the backup line.",
        )  # fmt: skip
    tomorrow = timezone.localtime().replace(
        hour=22, minute=0, second=0, microsecond=0
    ) + dt.timedelta(days=1)
    maintenance.create_maintenance(
        page=page, by=by, name="Firewall firmware upgrade",
        body="We upgrade the firmware of the central firewalls. VPN connections drop once for "
        "about five minutes during the window.",
        scheduled_for=tomorrow, scheduled_until=tomorrow + dt.timedelta(hours=1, minutes=30),
        components=page.components.filter(service__slug="network"),
    )  # fmt: skip
    bakker = Customer.objects.filter(slug="bakker").first()
    if bakker is not None and not StatusPage.objects.filter(slug="bakker").exists():
        own = services.create_page(
            by=by, name="Bakker Logistiek – IT status", slug="bakker", customer=bakker,
            visibility=Visibility.LOGIN, intro="The status of the IT services Kade IT runs for Bakker.",
        )  # fmt: skip
        _layout(own, by)
