"""Every state change of an incident: one function per action, one transaction each.

Each writes its timeline event and audit entry, refreshes the SLA clock, and queues the mails
it causes (reporter, @mentions) in the same transaction. Callers check roles; these functions
check the business rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fixfirst.audit.log import record
from fixfirst.catalog.models import Service
from fixfirst.incidents import messages, signals, sla
from fixfirst.incidents.choices import (
    Channel,
    EventKind,
    Impact,
    IncidentClass,
    Priority,
    ResolutionCode,
    Status,
    SupportLevel,
    Urgency,
)
from fixfirst.incidents.lifecycle import apply_status
from fixfirst.incidents.models import (
    Category,
    Incident,
    NumberSequence,
)
from fixfirst.incidents.priority import SUGGESTED_CLASS, check_impact_urgency, priority_for
from fixfirst.incidents.records import add_event, is_staff, lock, require_text, save_changes
from fixfirst.tenancy.models import Contact, Customer, Team, User


def _next_number() -> int:
    seq, _ = NumberSequence.objects.select_for_update().get_or_create(name="incident")
    seq.last += 1
    seq.save(update_fields=["last"])
    return seq.last


# --- intake -------------------------------------------------------------------------------


@transaction.atomic
def open_incident(
    *,
    by: Any,
    customer: Customer,
    title: str,
    channel: str,
    description: str = "",
    reporter: Contact | None = None,
    impact: int = Impact.MEDIUM,
    urgency: int = Urgency.MEDIUM,
    reported_high_impact: bool = False,
    services: Iterable[Service] = (),
    category: Category | None = None,
    team: Team | None = None,
    assignee: User | None = None,
    incident_class: str | None = None,
    opened_at: dt.datetime | None = None,
) -> Incident:
    """Register an incident. A reporter's "the impact is high" opens it as P1 at once."""
    require_text(title=title)
    if channel not in Channel.values:
        raise ValidationError(
            {"channel": _("Unknown channel %(channel)s.") % {"channel": repr(channel)}}
        )
    if reporter is not None and reporter.customer_id != customer.pk:
        raise ValidationError({"reporter": _("The reporter is not a contact of this customer.")})
    if reported_high_impact:
        impact, urgency = Impact.HIGH, Urgency.HIGH
    impact, urgency = check_impact_urgency(impact, urgency)
    priority = priority_for(impact, urgency)
    if incident_class is not None and incident_class not in IncidentClass.values:
        raise ValidationError(
            {"incident_class": _("Unknown class %(class)s.") % {"class": repr(incident_class)}}
        )
    if assignee is not None and not assignee.is_provider_staff:
        raise ValidationError({"assignee": _("Only provider staff can be assigned.")})
    if team and assignee and not team.members.filter(pk=assignee.pk).exists():
        raise ValidationError(
            {
                "assignee": _("%(user)s is not a member of %(team)s.")
                % {"user": assignee.username, "team": team}
            }
        )
    now = opened_at or timezone.now()
    incident = Incident(
        number=_next_number(),
        title=title.strip()[:200],
        description=description,
        customer=customer,
        reporter=reporter,
        channel=channel,
        category=category,
        impact=impact,
        urgency=urgency,
        priority=priority,
        reported_high_impact=reported_high_impact,
        incident_class=incident_class or SUGGESTED_CLASS[Priority(priority)],
        team=team,
        assignee=assignee,
        opened_at=now,
        updated_at=now,
        sla_terms=sla.terms_for(customer, priority, now),
    )
    sla.refresh(incident, now)
    incident.save()
    incident.services.set(list(services))
    add_event(
        incident, EventKind.OPENED, by, description, public=True, at=now, channel=channel,
        priority=priority, reported_high_impact=reported_high_impact,
    )  # fmt: skip
    record("incident.open", incident, by=by if is_staff(by) else None)
    messages.notify_reporter(incident, "received")
    signals.incident_opened.send(sender=Incident, incident=incident, by=by)
    return incident


# --- triage -------------------------------------------------------------------------------


@transaction.atomic
def set_priority(
    incident: Incident, *, by: Any, impact: int, urgency: int, reason: str = ""
) -> Incident:
    """Re-triage. Lowering the priority needs a reason, which the timeline keeps."""
    incident = lock(incident)
    impact, urgency = check_impact_urgency(impact, urgency)
    new = priority_for(impact, urgency)
    if new > incident.priority and not reason.strip():
        raise ValidationError(
            {"reason": _("Say why the priority is lowered; it is kept on the timeline.")}
        )
    old = incident.priority
    incident.impact, incident.urgency, incident.priority = impact, urgency, new
    fields = ["impact", "urgency", "priority"]
    if new != old:
        # The clock keeps running from the opening; only the targets change.
        incident.sla_terms = sla.terms_for(incident.customer, new, incident.opened_at)
        incident.response_warned = incident.resolution_warned = False
        fields += ["sla_terms", "response_warned", "resolution_warned"]
    save_changes(incident, fields)
    add_event(
        incident, EventKind.PRIORITY, by, reason, old=old, new=new, impact=impact, urgency=urgency
    )
    record("incident.priority", incident, by=by, before={"priority": old}, after={"priority": new})
    if new != old:
        signals.priority_changed.send(sender=Incident, incident=incident, by=by, old=old)
    return incident


@transaction.atomic
def categorise(
    incident: Incident,
    *,
    by: Any,
    category: Category | None = None,
    services: Iterable[Service] | None = None,
    incident_class: str | None = None,
) -> Incident:
    incident = lock(incident)
    changes: dict[str, Any] = {}
    if category is not None and category.pk != incident.category_id:
        incident.category = category
        changes["category"] = str(category)
    if incident_class is not None and incident_class != incident.incident_class:
        if incident_class not in IncidentClass.values:
            raise ValidationError(
                {"incident_class": _("Unknown class %(class)s.") % {"class": repr(incident_class)}}
            )
        incident.incident_class = incident_class
        changes["incident_class"] = incident_class
    save_changes(incident, ["category", "incident_class"])
    if services is not None:
        services = list(services)
        incident.services.set(services)
        changes["services"] = sorted(s.name for s in services)
    if changes:
        add_event(incident, EventKind.TRIAGE, by, **changes)
        record("incident.categorise", incident, by=by, after=changes)
    return incident


@transaction.atomic
def assign(incident: Incident, *, by: Any, team: Team | None, assignee: User | None) -> Incident:
    incident = lock(incident)
    if assignee is not None and not assignee.is_provider_staff:
        raise ValidationError({"assignee": _("Only provider staff can be assigned.")})
    if team and assignee and not team.members.filter(pk=assignee.pk).exists():
        raise ValidationError(
            {
                "assignee": _("%(user)s is not a member of %(team)s.")
                % {"user": assignee.username, "team": team}
            }
        )
    before = {
        "team": str(incident.team or ""),
        "assignee": incident.assignee.username if incident.assignee else "",
    }
    incident.team, incident.assignee = team, assignee
    save_changes(incident, ["team", "assignee"])
    after = {"team": str(team or ""), "assignee": assignee.username if assignee else ""}
    add_event(incident, EventKind.ASSIGNED, by, **after)
    record("incident.assign", incident, by=by, before=before, after=after)
    if assignee is not None and assignee != by:
        messages.notify_staff(incident, [assignee], "assigned", by=by)
    return incident


@transaction.atomic
def escalate(incident: Incident, *, by: Any, reason: str, team: Team | None = None) -> Incident:
    """Hand the incident to the next support line; the reason is mandatory."""
    require_text(reason=reason)
    incident = lock(incident)
    if incident.support_level >= SupportLevel.THIRD:
        raise ValidationError({"support_level": _("The incident is already with 3rd line.")})
    old = incident.support_level
    incident.support_level = old + 1
    fields = ["support_level"]
    if team is not None:
        incident.team, incident.assignee = team, None
        fields += ["team", "assignee"]
    save_changes(incident, fields)
    add_event(
        incident, EventKind.ESCALATED, by, reason, old=old, new=incident.support_level,
        team=str(team or incident.team or ""),
    )  # fmt: skip
    record(
        "incident.escalate",
        incident,
        by=by,
        before={"support_level": old},
        after={"support_level": incident.support_level},
    )
    if team is not None:
        messages.notify_staff(incident, team.members.filter(is_active=True), "escalated", by=by)
    return incident


@transaction.atomic
def de_escalate(incident: Incident, *, by: Any, reason: str, team: Team | None = None) -> Incident:
    require_text(reason=reason)
    incident = lock(incident)
    if incident.support_level <= SupportLevel.FIRST:
        raise ValidationError({"support_level": _("The incident is already with 1st line.")})
    old = incident.support_level
    incident.support_level = old - 1
    fields = ["support_level"]
    if team is not None:
        incident.team, incident.assignee = team, None
        fields += ["team", "assignee"]
    save_changes(incident, fields)
    add_event(incident, EventKind.DE_ESCALATED, by, reason, old=old, new=incident.support_level)
    record(
        "incident.de_escalate",
        incident,
        by=by,
        before={"support_level": old},
        after={"support_level": incident.support_level},
    )
    return incident


# --- lifecycle ----------------------------------------------------------------------------


@transaction.atomic
def change_status(incident: Incident, status: str, *, by: Any, note: str = "") -> Incident:
    """Move along the lifecycle. Resolving goes through :func:`resolve`, reopening through
    :func:`reopen`, so that their rules always apply."""
    if status == Status.RESOLVED:
        raise ValidationError({"status": _("Resolve with a resolution (use the resolve action).")})
    incident = lock(incident)
    if incident.status == Status.RESOLVED and status != Status.CLOSED:
        raise ValidationError(
            {"status": _("A resolved incident is reopened with a reason (reopen).")}
        )
    old = incident.status
    now = timezone.now()
    save_changes(incident, apply_status(incident, status, now), now)
    add_event(incident, EventKind.STATUS, by, note, public=False, old=old, new=status)
    record("incident.status", incident, by=by, before={"status": old}, after={"status": status})
    if old == Status.NEW and incident.is_open and status != Status.NEW:
        signals.incident_acknowledged.send(sender=Incident, incident=incident, by=by)
    return incident


def acknowledge(incident: Incident, *, by: Any) -> Incident:
    return change_status(incident, Status.ACKNOWLEDGED, by=by)


@transaction.atomic
def resolve(
    incident: Incident, *, by: Any, resolution: str, code: str = ResolutionCode.FIXED
) -> Incident:
    """Record the fix (kept apart from any workaround) and tell the reporter."""
    require_text(resolution=resolution)
    if code not in ResolutionCode.values:
        raise ValidationError(
            {"code": _("Unknown resolution code %(code)s.") % {"code": repr(code)}}
        )
    incident = lock(incident)
    old = incident.status
    now = timezone.now()
    fields = apply_status(incident, Status.RESOLVED, now)
    incident.resolution, incident.resolution_code = resolution, code
    save_changes(incident, [*fields, "resolution", "resolution_code"], now)
    add_event(incident, EventKind.RESOLUTION, by, resolution, public=True, old=old, code=code)
    record(
        "incident.resolve",
        incident,
        by=by,
        before={"status": old},
        after={"status": Status.RESOLVED, "code": code},
    )
    messages.notify_reporter(incident, "resolved")
    signals.incident_resolved.send(sender=Incident, incident=incident, by=by)
    return incident


def reopen_deadline(incident: Incident) -> dt.datetime | None:
    if incident.resolved_at is None:
        return None
    return incident.resolved_at + dt.timedelta(days=settings.FIXFIRST_REOPEN_DAYS)


@transaction.atomic
def reopen(incident: Incident, *, by: Any, reason: str) -> Incident:
    require_text(reason=reason)
    incident = lock(incident)
    if incident.status != Status.RESOLVED:
        raise ValidationError({"status": _("Only a resolved incident can be reopened.")})
    deadline = reopen_deadline(incident)
    if deadline is not None and timezone.now() > deadline:
        raise ValidationError(
            {
                "status": _(
                    "Reopening was possible for %(days)s days; please report a new incident."
                )
                % {"days": settings.FIXFIRST_REOPEN_DAYS}
            }
        )
    now = timezone.now()
    save_changes(incident, apply_status(incident, Status.INVESTIGATING, now), now)
    add_event(incident, EventKind.REOPENED, by, reason, public=True)
    record("incident.reopen", incident, by=by if is_staff(by) else None, after={"reason": reason})
    if incident.assignee:
        messages.notify_staff(incident, [incident.assignee], "reopened", by=by)
    return incident


@transaction.atomic
def confirm_resolution(incident: Incident, *, by: Any) -> Incident:
    """The reporter agrees the incident is fixed: it closes."""
    incident = lock(incident)
    if incident.status != Status.RESOLVED:
        raise ValidationError({"status": _("Only a resolved incident can be confirmed.")})
    now = timezone.now()
    save_changes(incident, apply_status(incident, Status.CLOSED, now), now)
    add_event(incident, EventKind.CONFIRMED, by, public=True)
    record("incident.confirm", incident, by=by if is_staff(by) else None)
    return incident


@transaction.atomic
def close_resolved(older_than: dt.timedelta) -> int:
    """Close incidents resolved longer ago than ``older_than`` (the auto-close rule)."""
    cutoff = timezone.now() - older_than
    count = 0
    for incident in Incident.objects.select_for_update().filter(
        status=Status.RESOLVED, resolved_at__lt=cutoff
    ):
        now = timezone.now()
        save_changes(incident, apply_status(incident, Status.CLOSED, now), now)
        add_event(
            incident,
            EventKind.STATUS,
            None,
            "Closed automatically.",
            old=Status.RESOLVED,
            new=Status.CLOSED,
        )
        record("incident.autoclose", incident)
        count += 1
    return count


@transaction.atomic
def record_sla_state(incident: Incident, now: dt.datetime | None = None) -> list[str]:
    """Record warnings and breaches that are due; returns what it recorded."""
    incident = lock(incident)
    now = now or timezone.now()
    state = sla.read(incident, now)
    recorded: list[str] = []
    fields: list[str] = []
    for name, clock in (("response", state.response), ("resolution", state.resolution)):
        if clock is None:
            continue
        warned, breached = f"{name}_warned", f"{name}_breached"
        if clock.state == "breached" and not getattr(incident, breached):
            setattr(incident, breached, True)
            setattr(incident, warned, True)  # a warning after the breach would be noise
            fields += [breached, warned]
            recorded.append(f"{name}_breach")
            minutes = int(clock.target.total_seconds() // 60)
            add_event(incident, EventKind.SLA_BREACH, None, clock=name, target_minutes=minutes)
        elif clock.state == "warning" and not getattr(incident, warned):
            setattr(incident, warned, True)
            fields.append(warned)
            recorded.append(f"{name}_warning")
            minutes = int(clock.remaining.total_seconds() // 60)
            add_event(incident, EventKind.SLA_WARNING, None, clock=name, remaining_minutes=minutes)
    # Saving refreshes sla_next_check_at, so a clock is looked at again only when needed.
    save_changes(incident, fields, now)
    if recorded:
        record("incident.sla", incident, after={"recorded": recorded})
        people = (
            [incident.assignee]
            if incident.assignee
            else list(incident.team.members.all())
            if incident.team
            else []
        )
        reason = "sla_breach" if any(r.endswith("breach") for r in recorded) else "sla_warning"
        messages.notify_staff(incident, people, reason, by=None)
    return recorded
