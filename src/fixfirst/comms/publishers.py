"""Where the composer posts an update: one small publisher per kind of channel.

A publisher says whether it is offered for an audience, which recipients it can send to (the
composer shows them as checkboxes) and how it posts; it runs inside the composer's transaction,
so it only writes rows (timeline events, status-page updates, queued deliveries) and raises a
``ValidationError`` to undo everything. Chat and SMS plug in the same way: write a class,
``register()`` it (see docs/communication.md).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from fixfirst.comms.choices import STATUS_FOR_PHASE, Audience, Phase
from fixfirst.comms.plan import EffectivePlan
from fixfirst.incidents import services as incident_services
from fixfirst.incidents import updates
from fixfirst.incidents.choices import ResolutionCode, Status
from fixfirst.incidents.lifecycle import TRANSITIONS
from fixfirst.incidents.messages import subject_tag
from fixfirst.incidents.models import Incident
from fixfirst.notify.services import queue_email
from fixfirst.tenancy.models import Contact, Provider, User

statuspage_services: ModuleType | None = None
if apps.is_installed("fixfirst.statuspage"):
    from fixfirst.statuspage import services as statuspage_services


@dataclass(frozen=True)
class Message:
    """One update as the writer approved it."""

    incident: Incident
    by: User
    plan: EffectivePlan
    phase: str
    audience: str
    language: str
    subject: str
    body: str
    resolution_code: str = ResolutionCode.FIXED


@dataclass(frozen=True)
class Target:
    """A recipient a publisher offers, shown as a checkbox."""

    value: str
    label: str
    preselected: bool = False


class Publisher(ABC):
    """A place an update goes (the timeline, status pages, email...). Subclasses say where
    and how; ``register`` an instance to offer it in the composer."""

    key: str = ""
    label: Any = ""
    # Posted to on every update, without a checkbox.
    always: bool = False
    # Ticked when the composer opens.
    default_on: bool = True

    def offered(self, incident: Incident, audience: str) -> bool:
        return True

    def targets(self, incident: Incident, audience: str, plan: EffectivePlan) -> list[Target]:
        return []

    @abstractmethod
    def publish(self, message: Message, targets: list[str]) -> str:
        """Post ``message``; return a short summary for the writer ("2 emails")."""


_REGISTRY: dict[str, Publisher] = {}


def register(publisher: Publisher) -> Publisher:
    if not publisher.key or publisher.key in _REGISTRY:
        raise ValueError(f"Publisher key {publisher.key!r} is empty or taken.")
    _REGISTRY[publisher.key] = publisher
    return publisher


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)


def get(key: str) -> Publisher | None:
    return _REGISTRY.get(key)


def offered(incident: Incident, audience: str) -> list[Publisher]:
    """The publishers for this incident and audience, in registration order."""
    return [p for p in _REGISTRY.values() if p.offered(incident, audience)]


# --- the incident's own timeline ------------------------------------------------------------


def _phase_status(incident: Incident, phase: str) -> str | None:
    """The status an update in ``phase`` moves the open incident to, if it may."""
    status = STATUS_FOR_PHASE.get(Phase(phase))
    if not incident.is_open or status is None or status == incident.status:
        return None
    if incident.status == Status.WAITING:
        return None  # telling the customer something does not end waiting for their answer
    if status == Status.RESOLVED or status not in TRANSITIONS[incident.status]:
        return None
    return status


class TimelinePublisher(Publisher):
    """A public update for customers (mailed to the reporter); an internal note otherwise."""

    key = "timeline"
    label = _("Incident timeline (the reporter is mailed)")
    always = True

    def publish(self, message: Message, targets: list[str]) -> str:
        incident = message.incident
        if message.audience != Audience.CUSTOMERS:
            heading = f"[{Audience(message.audience).label}]"
            updates.add_note(incident, by=message.by, body=f"{heading}\n\n{message.body}")
            return str(_("internal note"))
        if message.phase == Phase.RESOLVED and incident.is_open:
            incident_services.resolve(
                incident, by=message.by, resolution=message.body, code=message.resolution_code
            )
            return str(_("timeline (resolved)"))
        updates.post_update(
            incident,
            by=message.by,
            body=message.body,
            status=_phase_status(incident, message.phase),
        )
        return str(_("timeline"))


# --- status pages ---------------------------------------------------------------------------

_PAGE_STATUS = {
    Phase.INVESTIGATING: "investigating",
    Phase.IDENTIFIED: "identified",
    Phase.MONITORING: "monitoring",
    Phase.RESOLVED: "resolved",
    Phase.POST_INCIDENT: "postmortem",
}


class StatusPagePublisher(Publisher):
    """The status pages that show the incident's services; their subscribers are notified."""

    key = "statuspage"
    label = _("Status pages (and their subscribers)")

    def _pages(self, incident: Incident) -> list[Any]:
        if statuspage_services is None:
            return []
        return list(statuspage_services.default_pages(incident))

    def offered(self, incident: Incident, audience: str) -> bool:
        return audience == Audience.CUSTOMERS and bool(self._pages(incident))

    def targets(self, incident: Incident, audience: str, plan: EffectivePlan) -> list[Target]:
        return [Target(f"page:{p.pk}", p.name, preselected=True) for p in self._pages(incident)]

    def publish(self, message: Message, targets: list[str]) -> str:
        if statuspage_services is None:
            raise ValidationError({"statuspage": gettext("Status pages are not installed.")})
        pages = {f"page:{p.pk}": p for p in self._pages(message.incident)}
        unknown = [t for t in targets if t not in pages]
        if unknown:
            raise ValidationError(
                {
                    "statuspage": gettext("Not a page of this incident: %(targets)s.")
                    % {"targets": unknown}
                }
            )
        chosen = [pages[t] for t in targets]
        if not chosen:
            return ""
        published = statuspage_services.publish_incident_update(
            incident=message.incident,
            body=message.body,
            status=_PAGE_STATUS[Phase(message.phase)],
            by=message.by,
            pages=chosen,
        )
        count = len(published or [])
        return ngettext("%(n)d status page", "%(n)d status pages", count) % {"n": count}


# --- email to chosen people -----------------------------------------------------------------


def _contact_label(contact: Contact) -> str:
    title = f", {contact.job_title}" if contact.job_title else ""
    return f"{contact.name}{title} <{contact.email}>"


class EmailPublisher(Publisher):
    """Mail to the customer's contacts (customers, management) or to the plan's people (staff)."""

    key = "email"
    label = _("Email")

    def targets(self, incident: Incident, audience: str, plan: EffectivePlan) -> list[Target]:
        if audience == Audience.STAFF:
            people: dict[int, User] = {}
            for person in [p for role in plan.roles for p in role.people.all()]:
                if person.is_active and person.email and person.is_provider_staff:
                    people.setdefault(person.pk, person)
            if incident.assignee and incident.assignee.email:
                people.setdefault(incident.assignee.pk, incident.assignee)
            return [
                Target(f"user:{p.pk}", f"{p.display_name} (@{p.username})", preselected=True)
                for p in people.values()
            ]
        contacts = Contact.objects.filter(customer=incident.customer).exclude(email="")
        if audience == Audience.CUSTOMERS and incident.reporter_id:
            # The reporter gets the timeline update by mail already.
            contacts = contacts.exclude(pk=incident.reporter_id)
        return [
            Target(
                f"contact:{c.pk}",
                _contact_label(c),
                preselected=audience == Audience.CUSTOMERS and c.is_primary,
            )
            for c in contacts.order_by("-is_primary", "name")
        ]

    def _addresses(self, message: Message, targets: list[str]) -> list[str]:
        offered = {t.value for t in self.targets(message.incident, message.audience, message.plan)}
        unknown = [t for t in targets if t not in offered]
        if unknown:
            raise ValidationError(
                {
                    "email": gettext("Not a recipient of this incident: %(targets)s.")
                    % {"targets": unknown}
                }
            )
        contact_ids = [int(t.split(":")[1]) for t in targets if t.startswith("contact:")]
        user_ids = [int(t.split(":")[1]) for t in targets if t.startswith("user:")]
        found = list(Contact.objects.filter(pk__in=contact_ids).values_list("email", flat=True))
        found += list(User.objects.filter(pk__in=user_ids).values_list("email", flat=True))
        return list(dict.fromkeys(found))

    def publish(self, message: Message, targets: list[str]) -> str:
        incident = message.incident
        tag = subject_tag(incident)
        subject = " ".join((message.subject or incident.title).split())
        if tag not in subject:
            subject = f"{tag} {subject}"
        provider = Provider.current()
        signature = " · ".join(x for x in (provider.name, provider.email, provider.phone) if x)
        body = f"{message.body.rstrip()}\n\n-- \n{signature}\n"
        addresses = self._addresses(message, targets)
        for address in addresses:
            queue_email(
                to=address,
                subject=subject[:998],
                body=body,
                reason=f"comms.{message.audience}",
                incident=incident,
                customer=incident.customer,
                reply_to=settings.FIXFIRST_INBOUND_ADDRESS or None,
            )
        return ngettext("%(n)d email", "%(n)d emails", len(addresses)) % {"n": len(addresses)}


register(TimelinePublisher())
register(StatusPagePublisher())
register(EmailPublisher())
