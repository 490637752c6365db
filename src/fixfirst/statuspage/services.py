"""Every change to a status page: one function per action, each in one transaction.

Each bumps the page's version (the cache key of everything rendered from it), writes its audit
entry, queues the subscriber notifications and the static-export refresh it causes — all in
the caller's transaction. The communication composer (``comms``) calls
:func:`publish_incident_update`; keep its signature stable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fixfirst.audit.log import record, snapshot
from fixfirst.incidents.choices import Status as IncidentLifecycle
from fixfirst.incidents.models import Incident
from fixfirst.incidents.records import require_text
from fixfirst.statuspage import caching, notifications
from fixfirst.statuspage.choices import (
    UNRESOLVED,
    ComponentStatus,
    Impact,
    IncidentStatus,
    Visibility,
)
from fixfirst.statuspage.models import (
    Component,
    ComponentGroup,
    PageIncident,
    PageUpdate,
    StatusPage,
)
from fixfirst.statuspage.status import (
    PRIORITY_IMPACT,
    PRIORITY_PUBLISHED_STATUS,
    compute_statuses,
)
from fixfirst.tenancy.models import Customer, Provider

# A FixFirst lifecycle status, when a caller passes one, as the page words it.
FROM_LIFECYCLE = {
    IncidentLifecycle.NEW: IncidentStatus.INVESTIGATING,
    IncidentLifecycle.ACKNOWLEDGED: IncidentStatus.INVESTIGATING,
    IncidentLifecycle.INVESTIGATING: IncidentStatus.INVESTIGATING,
    IncidentLifecycle.IDENTIFIED: IncidentStatus.IDENTIFIED,
    IncidentLifecycle.WAITING: IncidentStatus.IDENTIFIED,
    IncidentLifecycle.MONITORING: IncidentStatus.MONITORING,
    IncidentLifecycle.RESOLVED: IncidentStatus.RESOLVED,
    IncidentLifecycle.CLOSED: IncidentStatus.RESOLVED,
}

ChangeList = list[tuple[Component, str, str]]


def actor_label(by: Any) -> str:
    if getattr(by, "is_authenticated", False):
        return str(by.get_username())
    return str(by) if by else "system"


def _page_status(status: str) -> str:
    status = FROM_LIFECYCLE.get(status, status)  # type: ignore[call-overload]
    if status not in IncidentStatus.values:
        raise ValidationError(
            {"status": _("Unknown status %(status)s.") % {"status": repr(status)}}
        )
    return status


def check_choice(value: str | None, choices: Any, field: str) -> None:
    if value is not None and value not in choices.values:
        # Whole sentences per field, so that translators need not build them from parts.
        params = {"field": field.replace("_", " "), "value": repr(value)}
        message = {
            "impact": _("Unknown impact %(value)s."),
            "component_status": _("Unknown component status %(value)s."),
            "status": _("Unknown status %(value)s."),
        }.get(field) or _("Unknown %(field)s %(value)s.")
        raise ValidationError({field: message % params})


# --- keeping pages current ----------------------------------------------------------------


def touch(page: StatusPage) -> None:
    """The page changed: new version (so new cache keys), export refresh, in this transaction."""
    now = timezone.now()
    StatusPage.objects.filter(pk=page.pk).update(version=F("version") + 1, updated_at=now)
    page.updated_at = now
    slug = page.slug
    # Now for this process (and tests, which never commit), and again once committed, in case
    # a request re-read the old version meanwhile.
    caching.invalidate(slug)
    transaction.on_commit(lambda: caching.invalidate(slug))
    if caching.export_root() is not None and page.is_public:
        from fixfirst.statuspage.tasks import export_page  # tasks import services

        export_page.enqueue(page.pk)


def refresh_page(page: StatusPage, now: dt.datetime | None = None) -> ChangeList:
    """Store each component's current status; returns what changed (component, old, new)."""
    now = now or timezone.now()
    wanted = compute_statuses(page, now)
    changes: ChangeList = []
    for component in page.components.filter(pk__in=list(wanted)):
        new = wanted[component.pk]
        if component.status != new:
            changes.append((component, component.status, new))
            component.status, component.updated_at = new, now
            component.save(update_fields=["status", "updated_at"])
    return changes


@transaction.atomic
def refresh_all(now: dt.datetime | None = None) -> int:
    """Follow incidents opened and resolved elsewhere, and overrides that expired: the
    periodic job. Webhook subscribers hear about each component that changed."""
    changed = 0
    for page in StatusPage.objects.select_for_update().order_by("pk"):
        changes = refresh_page(page, now)
        if changes:
            notifications.component_changes(page, changes)
            touch(page)
            changed += len(changes)
    return changed


# --- publishing incidents -----------------------------------------------------------------


def default_pages(incident: Incident) -> list[StatusPage]:
    """The provider's public pages and the incident customer's pages that show one of the
    incident's services, plus every page the incident is already published on."""
    services = incident.services.values("pk")
    showing = StatusPage.objects.filter(
        Q(customer__isnull=True, visibility=Visibility.PUBLIC) | Q(customer=incident.customer_id),
        components__service__in=services,
    )
    already = StatusPage.objects.filter(incidents__incident=incident)
    return list((showing | already).distinct().order_by("pk"))


@transaction.atomic
def publish_incident_update(
    *,
    incident: Incident,
    body: str,
    status: str,
    by: Any,
    impact: str | None = None,
    component_status: str | None = None,
    pages: list[StatusPage] | None = None,
) -> list[PageUpdate]:
    """Post an update about ``incident`` on its status pages (default :func:`default_pages`).

    ``status`` is a page status (investigating, identified, monitoring, resolved, postmortem)
    or a FixFirst lifecycle status, mapped onto one. ``impact`` and ``component_status``
    default to the incident's priority the first time, and to what was published before on
    later updates. Affected components are the page's components on the incident's services.
    The incident's own timeline is not written: the composer posts there itself.
    """
    require_text(body=body)
    status = _page_status(status)
    check_choice(impact, Impact, "impact")
    check_choice(component_status, ComponentStatus, "component_status")
    targets = default_pages(incident) if pages is None else list(pages)
    for page in targets:
        if page.customer_id not in (None, incident.customer_id):
            raise ValidationError(
                {"pages": _("%(page)s belongs to another customer.") % {"page": page.name}}
            )
    service_ids = list(incident.services.values_list("pk", flat=True))
    updates = []
    for page in targets:
        page = StatusPage.objects.select_for_update().get(pk=page.pk)
        pi = PageIncident.objects.filter(page=page, incident=incident).first()
        if pi is None:
            pi = PageIncident(
                page=page,
                incident=incident,
                name=incident.title,
                started_at=incident.opened_at,
                impact=impact or PRIORITY_IMPACT.get(incident.priority, Impact.MINOR),
                component_status=component_status
                or PRIORITY_PUBLISHED_STATUS.get(incident.priority, ComponentStatus.DEGRADED),
            )
        affected = list(page.components.filter(service_id__in=service_ids))
        updates.append(
            _post(page, pi, by=by, body=body, status=status, impact=impact,
                  component_status=component_status, add_components=affected)
        )  # fmt: skip
    return updates


@transaction.atomic
def post_page_update(
    *,
    page: StatusPage,
    by: Any,
    body: str,
    status: str,
    page_incident: PageIncident | None = None,
    name: str = "",
    impact: str | None = None,
    components: Iterable[Component] | None = None,
    component_status: str | None = None,
) -> PageUpdate:
    """An update on one page: a new status-only incident (no ``page_incident``), or the next
    update of an existing one. ``components`` replaces the affected set when given."""
    require_text(body=body)
    status = _page_status(status)
    check_choice(impact, Impact, "impact")
    check_choice(component_status, ComponentStatus, "component_status")
    page = StatusPage.objects.select_for_update().get(pk=page.pk)
    chosen = list(components) if components is not None else None
    if chosen is not None and any(c.page_id != page.pk for c in chosen):
        raise ValidationError({"components": _("A component of another page was chosen.")})
    if page_incident is None:
        require_text(name=name)
        page_incident = PageIncident(
            page=page,
            name=name.strip()[:200],
            impact=impact or Impact.MINOR,
            component_status=component_status or ComponentStatus.DEGRADED,
        )
    elif page_incident.page_id != page.pk:
        raise ValidationError({"page_incident": _("That incident is on another page.")})
    elif name.strip():
        page_incident.name = name.strip()[:200]
    return _post(page, page_incident, by=by, body=body, status=status, impact=impact,
                 component_status=component_status, set_components=chosen)  # fmt: skip


def _post(
    page: StatusPage,
    pi: PageIncident,
    *,
    by: Any,
    body: str,
    status: str,
    impact: str | None,
    component_status: str | None,
    add_components: list[Component] | None = None,
    set_components: list[Component] | None = None,
) -> PageUpdate:
    now = timezone.now()
    creating = pi.pk is None
    before = {c.pk: c.status for c in page.components.all()}
    pi.status = status
    if impact:
        pi.impact = impact
    if component_status:
        pi.component_status = component_status
    if status == IncidentStatus.MONITORING and pi.monitoring_at is None:
        pi.monitoring_at = now
    if status in UNRESOLVED:
        pi.resolved_at = None
    elif pi.resolved_at is None:
        pi.resolved_at = now
    pi.updated_at = now
    pi.save()
    if set_components is not None:
        pi.components.set(set_components)
    elif add_components:
        pi.components.add(*add_components)
    changes = refresh_page(page, now)
    after = {c.pk: c for c in page.components.all()}
    affected = [
        {
            "code": c.public_id,
            "name": c.name,
            "old_status": before.get(c.pk, c.status),
            "new_status": after[c.pk].status,
        }
        for c in pi.components.order_by("position", "name")
        if c.pk in after
    ]
    update = PageUpdate.objects.create(
        page=page,
        page_incident=pi,
        status=status,
        body=body.strip(),
        affected_components=affected,
        author=actor_label(by),
        display_at=now,
    )
    record(
        "statuspage.incident.publish" if creating else "statuspage.incident.update",
        pi,
        by=by,
        after={"status": status, "impact": pi.impact, "page": page.slug},
    )
    touch(page)
    notifications.incident_update(page, pi, update, changes)
    return update


# --- components ---------------------------------------------------------------------------


@transaction.atomic
def set_component_override(
    component: Component, *, by: Any, status: str | None, until: dt.datetime | None = None
) -> Component:
    """Show ``status`` whatever the incidents say, until ``until`` (or until cleared with
    ``status=None``)."""
    check_choice(status or None, ComponentStatus, "status")
    if status and until is not None and until <= timezone.now():
        raise ValidationError({"until": _("Choose a moment in the future.")})
    component = Component.objects.select_for_update().get(pk=component.pk)
    before = snapshot(component, ["override_status", "override_until"])
    component.override_status = status or ""
    component.override_until = until if status else None
    component.save(update_fields=["override_status", "override_until"])
    page = component.page
    changes = refresh_page(page)
    record("statuspage.component.override", component, by=by, before=before,
           after=snapshot(component, ["override_status", "override_until"]))  # fmt: skip
    notifications.component_changes(page, changes)
    touch(page)
    return Component.objects.get(pk=component.pk)


@transaction.atomic
def save_component(
    component: Component | None, *, by: Any, page: StatusPage, **fields: Any
) -> Component:
    creating = component is None
    component = component or Component(page=page)
    if not creating and component.page_id != page.pk:
        raise ValidationError({"page": _("The component belongs to another page.")})
    before = None if creating else snapshot(component)
    for name, value in fields.items():
        setattr(component, name, value)
    if component.group_id and component.group and component.group.page_id != page.pk:
        raise ValidationError({"group": _("That group is on another page.")})
    component.updated_at = timezone.now()
    component.full_clean()
    component.save()
    refresh_page(page)
    record("statuspage.component.create" if creating else "statuspage.component.update",
           component, by=by, before=before, after=snapshot(component))  # fmt: skip
    touch(page)
    return component


@transaction.atomic
def delete_component(component: Component, *, by: Any) -> None:
    page = component.page
    record("statuspage.component.delete", component, by=by, before=snapshot(component))
    component.delete()
    touch(page)


@transaction.atomic
def save_group(
    group: ComponentGroup | None, *, by: Any, page: StatusPage, **fields: Any
) -> ComponentGroup:
    creating = group is None
    group = group or ComponentGroup(page=page)
    before = None if creating else snapshot(group)
    for name, value in fields.items():
        setattr(group, name, value)
    group.updated_at = timezone.now()
    group.full_clean()
    group.save()
    record("statuspage.group.create" if creating else "statuspage.group.update",
           group, by=by, before=before, after=snapshot(group))  # fmt: skip
    touch(page)
    return group


@transaction.atomic
def delete_group(group: ComponentGroup, *, by: Any) -> None:
    page = group.page
    record("statuspage.group.delete", group, by=by, before=snapshot(group))
    group.delete()
    touch(page)


# --- pages --------------------------------------------------------------------------------


@transaction.atomic
def create_page(
    *, by: Any, name: str, slug: str, customer: Customer | None = None, **fields: Any
) -> StatusPage:
    if customer is not None:
        fields.setdefault("time_zone", customer.timezone)
        fields.setdefault("language", customer.language)
    else:
        fields.setdefault("time_zone", Provider.current().timezone)
    page = StatusPage(name=name, slug=slug, customer=customer, **fields)
    page.full_clean()
    page.save()
    record("statuspage.create", page, by=by, after=snapshot(page))
    return page


@transaction.atomic
def update_page(page: StatusPage, *, by: Any, **fields: Any) -> StatusPage:
    before = snapshot(page)
    old_slug = page.slug
    for name, value in fields.items():
        setattr(page, name, value)
    page.full_clean()
    page.save()
    if page.slug != old_slug:
        transaction.on_commit(lambda: caching.invalidate(old_slug))
    record("statuspage.update", page, by=by, before=before, after=snapshot(page))
    touch(page)
    return page
