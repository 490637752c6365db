"""Who hears about a major incident, and what they are told.

Everything here only writes rows in the caller's transaction: oncall pages, deliveries
(email, chat, SMS, push) and their send tasks. Nothing is sent before the change commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from fixfirst.incidents.messages import subject_tag
from fixfirst.incidents.models import Incident
from fixfirst.major import roles
from fixfirst.major.choices import CoreRole
from fixfirst.major.models import MajorIncident, RoleAssignment, Task
from fixfirst.notify.channel_services import announcing
from fixfirst.notify.models import Delivery
from fixfirst.notify.services import queue_email, queue_to_channel
from fixfirst.tenancy.models import Provider, User
from fixfirst.tenancy.roles import STAFF_ROLES, Capability, role_has

oncall_services: ModuleType | None = None
if apps.is_installed("fixfirst.oncall"):
    from fixfirst.oncall import services as oncall_services

RESPONDER_ROLES = sorted(r for r in STAFF_ROLES if role_has(r, Capability.WORK_INCIDENTS))


def responders(incident: Incident) -> QuerySet[User]:
    """Everyone paged when a major incident is declared: every active staff member whose role
    works incidents, except those excluded from the incident's customer."""
    return (
        User.objects.filter(is_active=True, customer__isnull=True, role__in=RESPONDER_ROLES)
        .exclude(excluded_customers=incident.customer_id)
        .order_by("username")
    )


def war_room_url(incident: Incident) -> str:
    return f"{settings.BASE_URL}{reverse('major:war_room', args=[incident.number])}"


def portal_url(incident: Incident) -> str:
    return f"{settings.BASE_URL}{reverse('incidents:portal_detail', args=[incident.number])}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _mail(
    person_email: str, language: str, template: str, context: dict[str, Any], **extra: Any
) -> Delivery:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _one_line(render_to_string(f"major/email/{template}_subject.txt", context))
        body = render_to_string(f"major/email/{template}.txt", context)
    return queue_email(to=person_email, subject=subject[:998], body=body, **extra)


def holders(major: MajorIncident, role: str) -> list[User]:
    return [a.user for a in major.roles.select_related("user").filter(role=role)]


def first_holder(major: MajorIncident, *role_keys: str) -> User | None:
    for key in role_keys:
        found = holders(major, key)
        if found:
            return found[0]
    return None


# --- everyone at once ---------------------------------------------------------------------


def page_everyone(major: MajorIncident, *, by: Any) -> int:
    """Page every responder but the declarer: through their on-call notification rules when
    the oncall app is installed, else by email. Returns how many were paged."""
    incident = major.incident
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("major incident %(ref)s: all engineers") % {"ref": incident.reference}
    count = 0
    for person in responders(incident):
        if person.pk == getattr(by, "pk", None):
            continue
        if oncall_services is not None:
            oncall_services.page_user(incident, person, reason=reason)
        elif person.email:
            context = {"incident": incident, "major": major, "person": person,
                       "url": war_room_url(incident), "tag": subject_tag(incident)}  # fmt: skip
            _mail(person.email, person.language, "page", context,
                  reason="major.page", incident=incident)  # fmt: skip
        else:
            continue
        count += 1
    return count


def _facts(major: MajorIncident) -> tuple[tuple[str, str], ...]:
    incident = major.incident
    names = roles.titles(incident.customer)
    facts = [
        (_("Customer"), incident.customer.name),
        (_("Priority"), incident.get_priority_display()),
    ]
    for key in (
        CoreRole.INCIDENT_COMMANDER,
        CoreRole.COMMUNICATIONS_LEAD,
        CoreRole.CUSTOMER_LIAISON,
    ):
        people = holders(major, key)
        if people:
            facts.append((names[key], ", ".join(p.display_name for p in people)))
    return tuple(facts)


def announce(major: MajorIncident, *, stood_down: bool = False) -> int:
    """Post the declaration (or the stand-down) to the provider's announcing channels."""
    incident = major.incident
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        if stood_down:
            title = _("Major incident %(ref)s stood down: %(title)s")
            text = major.stand_down_note
        else:
            title = _("Major incident %(ref)s: %(title)s")
            text = _("%(reason)s All engineers are paged; join the war room.") % {
                "reason": major.reason.rstrip(".") + "."
            }
        title %= {"ref": incident.reference, "title": incident.title}
        for channel in announcing(None):
            count += len(
                queue_to_channel(
                    channel,
                    title=title[:998],
                    text=text,
                    link=war_room_url(incident),
                    link_label=_("Open the war room"),
                    urgent=not stood_down,
                    facts=_facts(major),
                    incident=incident,
                    reason="major.stood_down" if stood_down else "major.declared",
                )  # fmt: skip
            )
    return count


# --- the customer: one point of contact ----------------------------------------------------


def tell_customer(major: MajorIncident, liaison: User | None, *, changed: bool = False) -> int:
    """One message to each of the customer's contacts (and the customer's own announcing
    channels) naming the customer liaison as their single point of contact."""
    incident = major.incident
    customer = incident.customer
    language = customer.language or settings.LANGUAGE_CODE
    context = {
        "incident": incident, "major": major, "liaison": liaison, "changed": changed,
        "tag": subject_tag(incident), "url": portal_url(incident),
        "cadence": major.cadence_minutes, "provider_phone": _provider_phone(),
    }  # fmt: skip
    count = 0
    for contact in customer.contacts.exclude(email="").order_by("pk"):
        _mail(contact.email, language, "customer", {**context, "contact": contact},
              reason="major.customer", incident=incident,
              reply_to=liaison.email if liaison and liaison.email else None)  # fmt: skip
        count += 1
    with translation.override(language):
        title = _("Major incident %(ref)s: %(title)s") % {
            "ref": incident.reference, "title": incident.title,
        }  # fmt: skip
        who = liaison.display_name if liaison else _("our service desk")
        text = _("%(who)s is your single point of contact for this incident.") % {"who": who}
        for channel in announcing(customer):
            count += len(
                queue_to_channel(
                    channel,
                    title=title[:998],
                    text=text,
                    link=portal_url(incident),
                    link_label=_("Follow the incident"),
                    urgent=True,
                    incident=incident,
                    reason="major.customer",
                )  # fmt: skip
            )
    return count


def _provider_phone() -> str:
    provider = Provider.objects.order_by("pk").first()
    return provider.phone if provider else ""


# --- the core team ---------------------------------------------------------------------------


def _team_mail(person: User, kind: str, major: MajorIncident, **context: Any) -> None:
    if not person.email or not person.is_active:
        return
    incident = major.incident
    context.update(
        incident=incident, major=major, person=person, kind=kind,
        tag=subject_tag(incident), url=war_room_url(incident),
    )  # fmt: skip
    _mail(person.email, person.language, "team", context,
          reason=f"major.{kind}", incident=incident)  # fmt: skip


def tell_role_holder(assignment: RoleAssignment, *, duties: str = "") -> None:
    _team_mail(assignment.user, "role", assignment.major, title=assignment.title, duties=duties)


def tell_task_owner(task: Task) -> None:
    if task.owner is not None:
        _team_mail(task.owner, "task", task.major, task=task)


def remind(major: MajorIncident, people: Iterable[User], deadline: dt.datetime) -> int:
    sent = 0
    for person in people:
        _team_mail(person, "reminder", major, deadline=deadline)
        sent += 1
    return sent


def tell_stood_down(major: MajorIncident, people: Iterable[User]) -> None:
    for person in people:
        _team_mail(person, "stood_down", major)
