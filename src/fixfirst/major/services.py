"""Major-incident mode: declare, form the core team, keep the cadence, stand down.

One function per action, one transaction each (joining the caller's). Each takes the incident's
row lock first, writes the timeline and the audit log, and queues the pages and deliveries it
causes in that same transaction. Timeline events are staff-only notes whose ``data["major"]``
says what happened (the incident timeline has no kinds of its own for this yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fixfirst.audit.log import record
from fixfirst.incidents import services as incidents
from fixfirst.incidents.choices import OPEN_STATUSES, EventKind, IncidentClass, Priority
from fixfirst.incidents.models import Incident
from fixfirst.incidents.records import add_event, lock, require_text
from fixfirst.major import cadence, fanout
from fixfirst.major import roles as catalogue
from fixfirst.major.choices import CoreRole
from fixfirst.major.models import MajorIncident, RoleAssignment, Task
from fixfirst.tenancy.models import User
from fixfirst.tenancy.roles import Capability

EVENT_KIND = EventKind.NOTE
# A commander, a communications lead and a liaison are always named: when the plan names
# nobody, the commander takes the other two roles until someone else is assigned.
_FALLS_TO_COMMANDER = (CoreRole.COMMUNICATIONS_LEAD, CoreRole.CUSTOMER_LIAISON)


def _actor(by: Any) -> User | None:
    return by if getattr(by, "is_authenticated", False) else None


def active_major(incident: Incident) -> MajorIncident | None:
    return MajorIncident.objects.filter(incident=incident, stood_down_at__isnull=True).first()


def may_command(user: Any, major: MajorIncident) -> bool:
    """Incident managers, and the incident commander of this major incident."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (
        user.can(Capability.MANAGE_INCIDENTS)
        or major.roles.filter(role=CoreRole.INCIDENT_COMMANDER, user=user).exists()
    )


def _require_command(by: Any, major: MajorIncident) -> None:
    if not may_command(by, major):
        raise PermissionDenied(_("Only incident managers and the incident commander may do this."))


def _require_work(by: Any) -> None:
    if not getattr(by, "is_authenticated", False) or not by.can(Capability.WORK_INCIDENTS):
        raise PermissionDenied(_("Your role may not work on incidents."))


def _locked(major: MajorIncident) -> tuple[Incident, MajorIncident]:
    """The incident, then the major incident, under row locks (the order everyone takes them)."""
    incident = lock(major.incident)
    major = MajorIncident.objects.select_for_update().get(pk=major.pk)
    major.incident = incident
    if not major.is_active:
        raise ValidationError({"major": _("This major incident has been stood down.")})
    return incident, major


def _eligible(incident: Incident, people: Iterable[User], field: str) -> list[User]:
    people = list(people)
    allowed = set(
        fanout.responders(incident)
        .filter(pk__in=[p.pk for p in people])
        .values_list("pk", flat=True)
    )
    outsiders = [p.get_username() for p in people if p.pk not in allowed]
    if outsiders:
        raise ValidationError(
            {
                field: _("Only active staff who work incidents for this customer: %(names)s.")
                % {"names": ", ".join(outsiders)}
            }
        )
    return people


def _mention(user: User) -> str:
    return f"@{user.get_username()}"


# --- declaring -----------------------------------------------------------------------------


def _form_team(
    incident: Incident, by: Any, given: Mapping[str, Iterable[User]]
) -> list[tuple[catalogue.RoleSpec, User]]:
    table = {spec.key: spec for spec in catalogue.role_table(incident.customer)}
    unknown = sorted(set(given) - set(table))
    if unknown:
        raise ValidationError(
            {"roles": _("Unknown roles: %(roles)s.") % {"roles": ", ".join(unknown)}}
        )
    eligible = set(fanout.responders(incident).values_list("pk", flat=True))
    chosen: dict[str, list[User]] = {}
    for key, spec in table.items():
        if key in given:
            people = _eligible(incident, given[key], "roles")
            if len(people) > 1 and not spec.multiple:
                raise ValidationError(
                    {"roles": _("%(role)s is held by one person.") % {"role": spec.title}}
                )
        else:
            people = [p for p in spec.people if p.pk in eligible][: None if spec.multiple else 1]
        chosen[key] = list(dict.fromkeys(people))
    commander = CoreRole.INCIDENT_COMMANDER
    if not chosen[commander] and commander not in given:
        fallback = _actor(by) or incident.assignee
        chosen[commander] = [fallback] if fallback and fallback.pk in eligible else []
    for key in _FALLS_TO_COMMANDER:
        if not chosen[key] and key not in given:
            chosen[key] = list(chosen[commander])
    return [(table[key], person) for key, people in chosen.items() for person in people]


@transaction.atomic
def declare_major(
    incident: Incident,
    *,
    by: Any,
    reason: str,
    roles: Mapping[str, Iterable[User]] | None = None,
    automatic: bool = False,
) -> MajorIncident:
    """Make ``incident`` a major incident: class major, every engineer paged at once, the
    provider's chat channels told, the core team assigned and told, and the customer's
    contacts given one point of contact (the customer liaison).

    ``roles`` maps a role key (``choices.CoreRole`` or ``other:<plan role id>``) to people;
    roles left out get the people the communication plan names, and the declarer commands.
    ``automatic=True`` is for the P1 rule (:func:`maybe_declare_major`): no person declares.
    """
    if not automatic and not getattr(by, "is_authenticated", False):
        raise PermissionDenied(_("Only incident managers declare major incidents."))
    if not automatic and not by.can(Capability.MANAGE_INCIDENTS):
        raise PermissionDenied(_("Only incident managers declare major incidents."))
    require_text(reason=reason)
    incident = lock(incident)
    if not incident.is_open:
        raise ValidationError({"incident": _("Only an open incident can become a major incident.")})
    if active_major(incident) is not None:
        raise ValidationError(
            {
                "incident": _("%(incident)s is already a major incident.")
                % {"incident": incident.reference}
            }
        )
    team = _form_team(incident, by, roles or {})
    now = timezone.now()
    incident = incidents.categorise(incident, by=by, incident_class=IncidentClass.MAJOR)
    major = MajorIncident.objects.create(
        incident=incident, declared_at=now, declared_by=_actor(by), reason=reason.strip(),
        automatic=automatic, cadence_minutes=catalogue.cadence_minutes(incident),
    )  # fmt: skip
    major.incident = incident
    assignments = [
        (spec, RoleAssignment.objects.create(
            major=major, role=spec.key, title=spec.title[:100], user=person,
            assigned_at=now, assigned_by=_actor(by),
        ))
        for spec, person in team
    ]  # fmt: skip
    lines = [f"- {spec.title}: {_mention(a.user)}" for spec, a in assignments]
    body = _("Major incident declared: %(reason)s") % {"reason": major.reason}
    if lines:
        body += "\n\n" + _("Core team:") + "\n" + "\n".join(lines)
    add_event(
        incident, EVENT_KIND, by, body, at=now, major="declared", major_id=major.pk,
        automatic=automatic, cadence_minutes=major.cadence_minutes,
        roles={spec.key: a.user.get_username() for spec, a in assignments},
    )  # fmt: skip
    major.paged = fanout.page_everyone(major, by=by)
    major.save(update_fields=["paged"])
    record(
        "major.declare", major, by=by,
        after={"incident": incident.reference, "reason": major.reason, "automatic": automatic,
               "paged": major.paged, "roles": [[s.key, a.user.get_username()] for s, a in assignments]},
    )  # fmt: skip
    for spec, assignment in assignments:
        if assignment.user != by:
            fanout.tell_role_holder(assignment, duties=spec.duties)
    fanout.announce(major)
    fanout.tell_customer(major, fanout.first_holder(major, CoreRole.CUSTOMER_LIAISON))
    return major


def maybe_declare_major(incident: Incident) -> MajorIncident | None:
    """The automatic rule: an open P1 becomes a major incident at once (every engineer is
    alerted, as the MSP in seeds/000 does). Off with ``FIXFIRST_MAJOR_AUTO_P1 = False``.
    Safe to call after any change: does nothing for other priorities or a running one."""
    if not getattr(settings, "FIXFIRST_MAJOR_AUTO_P1", True):
        return None
    if incident.priority != Priority.P1 or incident.status not in OPEN_STATUSES:
        return None
    if active_major(incident) is not None:
        return None
    reason = _("Opened as P1: every engineer is alerted at once.")
    return declare_major(incident, by=None, reason=reason, automatic=True)


# --- the core team -------------------------------------------------------------------------


@transaction.atomic
def assign_role(major: MajorIncident, *, role: str, user: User, by: Any) -> RoleAssignment:
    """Put ``user`` in ``role``. A one-person role changes hands; the person is told, and a
    new customer liaison is introduced to the customer's contacts."""
    _require_command(by, major)
    incident, major = _locked(major)
    spec = {s.key: s for s in catalogue.role_table(incident.customer)}.get(role)
    if spec is None:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": repr(role)}})
    _eligible(incident, [user], "user")
    current = RoleAssignment.objects.filter(major=major, role=role).select_related("user")
    same = current.filter(user=user).first()
    if same is not None:
        return same
    replaced = [] if spec.multiple else [a.user for a in current]
    if replaced:
        current.delete()
    assignment = RoleAssignment.objects.create(
        major=major, role=role, title=spec.title[:100], user=user, assigned_by=_actor(by)
    )
    text = _("%(who)s is %(role)s.") % {"who": _mention(user), "role": spec.title}
    if replaced:
        text += " " + _("Taking over from %(old)s.") % {
            "old": ", ".join(_mention(p) for p in replaced)
        }
    add_event(
        incident, EVENT_KIND, by, text, major="role_assigned", major_id=major.pk, role=role,
        user=user.get_username(), replaced=[p.get_username() for p in replaced],
    )  # fmt: skip
    record(
        "major.role", major, by=by, before={"role": role, "users": [p.get_username() for p in replaced]},
        after={"role": role, "user": user.get_username()},
    )  # fmt: skip
    if user != by:
        fanout.tell_role_holder(assignment, duties=spec.duties)
    if role == CoreRole.CUSTOMER_LIAISON and not spec.multiple:
        fanout.tell_customer(major, user, changed=True)
    return assignment


@transaction.atomic
def unassign_role(assignment: RoleAssignment, *, by: Any) -> None:
    _require_command(by, assignment.major)
    incident, major = _locked(assignment.major)
    found = (
        RoleAssignment.objects.filter(pk=assignment.pk, major=major).select_related("user").first()
    )
    if found is None:
        return
    found.delete()
    add_event(
        incident, EVENT_KIND, by,
        _("%(who)s is no longer %(role)s.") % {"who": _mention(found.user), "role": found.title},
        major="role_removed", major_id=major.pk, role=found.role, user=found.user.get_username(),
    )  # fmt: skip
    record(
        "major.unassign",
        major,
        by=by,
        before={"role": found.role, "user": found.user.get_username()},
    )


# --- tasks ---------------------------------------------------------------------------------


@transaction.atomic
def add_task(major: MajorIncident, *, title: str, by: Any, owner: User | None = None) -> Task:
    _require_work(by)
    require_text(title=title)
    incident, major = _locked(major)
    if owner is not None:
        _eligible(incident, [owner], "owner")
    task = Task.objects.create(
        major=major, title=" ".join(title.split())[:200], owner=owner, created_by=_actor(by)
    )
    text = _("Task: %(title)s") % {"title": task.title}
    if owner is not None:
        text += " → " + _mention(owner)
    add_event(incident, EVENT_KIND, by, text, major="task_added", major_id=major.pk, task=task.pk)
    record(
        "major.task",
        task,
        by=by,
        after={"title": task.title, "owner": owner.get_username() if owner else None},
    )
    if owner is not None and owner != by:
        fanout.tell_task_owner(task)
    return task


@transaction.atomic
def set_task_done(task: Task, *, done: bool, by: Any) -> Task:
    _require_work(by)
    incident, major = _locked(task.major)
    task = Task.objects.select_for_update().get(pk=task.pk, major=major)
    if task.done == done:
        return task
    task.done, task.done_at = done, timezone.now() if done else None
    task.save(update_fields=["done", "done_at"])
    text = (_("Done: %(title)s") if done else _("Reopened task: %(title)s")) % {"title": task.title}
    add_event(incident, EVENT_KIND, by, text, major="task_done" if done else "task_reopened",
              major_id=major.pk, task=task.pk)  # fmt: skip
    record("major.task_done", task, by=by, after={"done": done})
    return task


# --- keeping the cadence -------------------------------------------------------------------


def remind_overdue(now: dt.datetime | None = None) -> int:
    """Remind the communications lead of every major incident whose customer update is overdue,
    once per overdue period. Returns how many reminders went out."""
    now = now or timezone.now()
    running = MajorIncident.objects.filter(stood_down_at__isnull=True).order_by("declared_at")
    return sum(_remind_one(pk, now) for pk in running.values_list("pk", flat=True)[:1000])


@transaction.atomic
def _remind_one(major_id: int, now: dt.datetime) -> int:
    major = (
        MajorIncident.objects.select_related("incident__customer", "declared_by")
        .filter(pk=major_id, stood_down_at__isnull=True)
        .first()
    )
    if major is None:
        return 0
    deadline = cadence.overdue_deadline(major, now)
    if deadline is None or (major.reminded_for is not None and major.reminded_for >= deadline):
        return 0
    # Compare-and-set: two workers running the job at once remind once.
    if not MajorIncident.objects.filter(pk=major.pk, reminded_for=major.reminded_for).update(
        reminded_for=deadline
    ):
        return 0
    people = (
        fanout.holders(major, CoreRole.COMMUNICATIONS_LEAD)
        or fanout.holders(major, CoreRole.INCIDENT_COMMANDER)
        or [p for p in [major.declared_by] if p is not None]
    )
    fanout.remind(major, people, deadline)
    when = formats.time_format(timezone.localtime(deadline), "TIME_FORMAT")
    add_event(
        major.incident, EVENT_KIND, None,
        _("The customer update was due at %(time)s; reminded %(who)s.")
        % {"time": when, "who": ", ".join(_mention(p) for p in people) or "—"},
        at=now, major="update_overdue", major_id=major.pk, deadline=deadline.isoformat(),
    )  # fmt: skip
    return 1


# --- standing down -------------------------------------------------------------------------


@transaction.atomic
def stand_down(
    major: MajorIncident, *, by: Any, note: str = "", automatic: bool = False
) -> MajorIncident:
    """End major-incident mode, with a final timeline event. While the incident is still open
    a note must say why; resolving the incident stands down on its own (:func:`on_incident_resolved`)."""
    if not automatic:
        _require_command(by, major)
    incident, major = _locked(major)
    if incident.is_open and not (note or "").strip():
        raise ValidationError(
            {"note": _("Say why the major incident ends while the incident is open.")}
        )
    now = timezone.now()
    major.stood_down_at, major.stood_down_by = now, _actor(by)
    major.stand_down_note = (note or "").strip()
    major.save(update_fields=["stood_down_at", "stood_down_by", "stand_down_note"])
    tasks = list(major.tasks.all())
    done = sum(t.done for t in tasks)
    minutes = int((now - major.declared_at).total_seconds() // 60)
    team = list(major.roles.select_related("user"))
    text = _("Major incident stood down after %(h)d h %(m)02d m; %(done)d of %(total)d tasks done.") % {
        "h": minutes // 60, "m": minutes % 60, "done": done, "total": len(tasks),
    }  # fmt: skip
    if major.stand_down_note:
        text += "\n\n" + major.stand_down_note
    add_event(
        incident, EVENT_KIND, by, text, at=now, major="stood_down", major_id=major.pk,
        duration_minutes=minutes, tasks_done=done, tasks_total=len(tasks), automatic=automatic,
        roles={a.role: a.user.get_username() for a in team},
    )  # fmt: skip
    record(
        "major.stand_down",
        major,
        by=by,
        after={"note": major.stand_down_note, "automatic": automatic},
    )
    people = {a.user.pk: a.user for a in team if a.user != by}
    fanout.tell_stood_down(major, people.values())
    fanout.announce(major, stood_down=True)
    return major


def on_incident_resolved(incident: Incident, *, by: Any = None) -> MajorIncident | None:
    """Hook for after an incident is resolved: stands its major incident down. Does nothing
    when the incident has none running or is (again) open."""
    major = active_major(incident)
    if major is None or Incident.objects.filter(pk=incident.pk, status__in=OPEN_STATUSES).exists():
        return None
    return stand_down(major, by=by, note=_("The incident was resolved."), automatic=True)
