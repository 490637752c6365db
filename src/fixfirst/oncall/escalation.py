"""The escalation engine: a policy frozen per incident, fired step by step by durable timers.

An escalation is a row; its timer is ``next_fire_at`` plus a task queued with ``run_after`` at
that instant. Firing a step happens in ONE transaction: lock the incident, claim the row by
compare-and-set on ``fire_seq``, page the step's targets (deliveries and delayed notifications
are rows in the same transaction), write the timeline, move the timer and queue its task.
A worker killed halfway rolls all of it back, and the step fires again; a stale or duplicated
task finds ``fire_seq`` moved on and does nothing. ``fire_due`` (run by the periodic sweeper)
fires whatever is overdue, so a lost task delays a step but never drops it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from fixfirst.audit.log import record
from fixfirst.catalog.models import Criticality
from fixfirst.incidents.choices import EventKind
from fixfirst.incidents.models import Incident
from fixfirst.incidents.records import add_event, lock
from fixfirst.oncall import paging, schedules
from fixfirst.oncall.choices import EscalationStatus, StopReason, TargetKind
from fixfirst.oncall.models import (
    Escalation,
    EscalationPolicy,
    IntegrationPolicy,
    Page,
    RoutingRulePolicy,
    Schedule,
    ServicePolicy,
)
from fixfirst.tenancy.models import Team, User
from fixfirst.tenancy.roles import Role

# The incident timeline has no kind of its own for paging yet: on-call events are staff-only
# notes whose ``data["oncall"]`` says what happened (see docs/oncall.md).
EVENT_KIND = EventKind.NOTE
_CRITICALITY_RANK = {c: i for i, c in enumerate(reversed(Criticality.values))}


def freeze(policy: EscalationPolicy) -> dict[str, Any]:
    """The policy as plain data, so that editing it never changes a running escalation."""
    steps = policy.steps.prefetch_related("targets__schedule", "targets__user", "targets__team")
    return {
        "policy": policy.name,
        "repeat_count": policy.repeat_count,
        "repeat_after_minutes": policy.repeat_after_minutes,
        "steps": [
            {
                "delay_minutes": step.delay_minutes,
                "targets": [target.frozen() for target in step.targets.all()],
            }
            for step in steps.order_by("position")
        ],
    }


def policy_for(incident: Incident) -> EscalationPolicy | None:
    """The policy of the routing rule that routed the incident's alert, else of the alert's
    integration, else of the incident's most critical service: the most specific wins."""
    alert_links = (
        RoutingRulePolicy.objects.filter(rule__alerts__incident=incident),
        IntegrationPolicy.objects.filter(integration__alerts__incident=incident),
    )
    for links in alert_links:
        link = links.select_related("policy").first()
        if link is not None:
            return link.policy
    links = ServicePolicy.objects.filter(service__incidents=incident).select_related(
        "policy", "service"
    )
    ranked = sorted(links, key=lambda s: (_CRITICALITY_RANK.get(s.service.criticality, 9), s.pk))
    return ranked[0].policy if ranked else None


def start(
    incident: Incident, policy: EscalationPolicy | None, by: Any, now: dt.datetime
) -> Escalation | None:
    """Caller holds the incident lock. Returns the running escalation, a new one, or None."""
    running = Escalation.objects.filter(incident=incident, status=EscalationStatus.ACTIVE).first()
    if running is not None or not incident.is_open:
        return running
    policy = policy or policy_for(incident)
    if policy is None:
        return None
    plan = freeze(policy)
    if not plan["steps"]:
        return None
    escalation = Escalation.objects.create(
        incident=incident, policy=policy, plan=plan, started_at=now,
        started_by=getattr(by, "username", "") or str(by or "system"),
        next_fire_at=now + dt.timedelta(minutes=plan["steps"][0]["delay_minutes"]),
    )  # fmt: skip
    add_event(
        incident, EVENT_KIND, by,
        _("Escalation started: policy **%(policy)s** (%(steps)s steps, repeated %(repeat)s×).")
        % {"policy": policy.name, "steps": len(plan["steps"]), "repeat": plan["repeat_count"]},
        oncall="escalation_started", escalation=escalation.pk, at=now,
    )  # fmt: skip
    record("escalation.start", escalation, by=by, after={"policy": policy.name})
    if escalation.next_fire_at <= now:  # type: ignore[operator]
        _claim(escalation)
        _fire(escalation, incident, now)
    else:
        schedule(escalation)
    return escalation


def schedule(escalation: Escalation) -> None:
    """Queue the timer task for the escalation's current step, in the caller's transaction."""
    queued = fire_escalation.using(run_after=escalation.next_fire_at)
    result = queued.enqueue(escalation.pk, escalation.fire_seq)
    escalation.task_id = result.id
    Escalation.objects.filter(pk=escalation.pk).update(task_id=result.id)


def _claim(escalation: Escalation) -> bool:
    claimed = Escalation.objects.filter(
        pk=escalation.pk, fire_seq=escalation.fire_seq, status=EscalationStatus.ACTIVE
    ).update(fire_seq=escalation.fire_seq + 1)
    escalation.fire_seq += 1
    return bool(claimed)


def _targets(target: dict[str, Any], now: dt.datetime) -> tuple[list[User], str]:
    """Whom a frozen target means right now, and why (for the timeline)."""
    kind, pk, name = target.get("kind"), target.get("id"), target.get("name", "")
    staff = User.objects.filter(is_active=True, customer__isnull=True)
    if kind == TargetKind.SCHEDULE:
        found = schedules.with_layers(Schedule.objects.filter(pk=pk))
        schedule_ = found[0] if found else None
        if schedule_ is None:
            return [], _("schedule %(name)s no longer exists") % {"name": name}
        shift = schedules.on_call_at(schedule_, now)
        why = _("on call for %(name)s") % {"name": schedule_.name}
        return ([shift.user] if shift else []), why
    if kind == TargetKind.USER:
        return list(staff.filter(pk=pk)), _("named in the policy")
    if kind == TargetKind.TEAM:
        team = Team.objects.filter(pk=pk).first()
        label = team.name if team else name
        members = list(staff.filter(teams=team).order_by("username")) if team else []
        return members, _("team %(name)s") % {"name": label}
    return list(staff.filter(role=Role.ENGINEER).order_by("username")), _("all engineers")


def _fire(escalation: Escalation, incident: Incident, now: dt.datetime) -> None:
    """Page the current step's targets and move the timer on. Caller holds the incident lock
    and has claimed the escalation."""
    due = escalation.next_fire_at or now
    number = escalation.step_index + 1
    timing = {"due_at": due.isoformat(), "late_ms": max(int((now - due).total_seconds() * 1000), 0)}
    paged: set[int] = set()
    for target in escalation.steps[escalation.step_index]["targets"]:
        people, why = _targets(target, now)
        people = [p for p in people if p.pk not in paged]
        paged |= {p.pk for p in people}
        for person in people:
            paging.page_user(
                incident, person, reason=why, escalation_id=escalation.pk, step=number, now=now
            )
        names = ", ".join(p.get_username() for p in people)
        text = (
            _("Paged %(names)s (step %(step)s, %(why)s)") if people
            else _("Nobody to page (step %(step)s, %(why)s)")
        ) % {"names": names, "step": number, "why": why}  # fmt: skip
        add_event(
            incident, EVENT_KIND, None, text, at=now, oncall="paged", escalation=escalation.pk,
            step=number, round=escalation.round, users=[p.get_username() for p in people],
            **timing,
        )  # fmt: skip
    _advance(escalation, incident, now)


def _advance(escalation: Escalation, incident: Incident, now: dt.datetime) -> None:
    plan, steps = escalation.plan, escalation.steps
    if escalation.step_index + 1 < len(steps):
        escalation.step_index += 1
        wait = steps[escalation.step_index]["delay_minutes"]
    elif escalation.round < plan.get("repeat_count", 0):
        escalation.round += 1
        escalation.step_index = 0
        wait = plan.get("repeat_after_minutes", 10)
    else:
        escalation.status = EscalationStatus.EXHAUSTED
        escalation.next_fire_at, escalation.ended_at = None, now
        escalation.end_reason = "every step has paged"
        escalation.save()
        add_event(
            incident, EVENT_KIND, None,
            _("Escalation exhausted: every step has paged and nobody has acknowledged yet."),
            at=now, oncall="escalation_exhausted", escalation=escalation.pk,
        )  # fmt: skip
        return
    escalation.next_fire_at = now + dt.timedelta(minutes=wait)
    escalation.save()
    schedule(escalation)


def _ended_by_incident(escalation: Escalation, incident: Incident) -> str | None:
    if not incident.is_open:
        return StopReason.RESOLVED
    if incident.acknowledged_at is not None and incident.acknowledged_at >= escalation.started_at:
        return StopReason.ACKNOWLEDGED
    return None


def fire_one(escalation_id: int, seq: int | None = None, now: dt.datetime | None = None) -> str:
    """Fire the escalation's current step if it is due (and ``seq`` still current)."""
    incident_id = (
        Escalation.objects.filter(pk=escalation_id).values_list("incident_id", flat=True).first()
    )
    if incident_id is None:
        return "gone"
    with transaction.atomic():
        # The incident first: acknowledging takes the same locks in the same order.
        incident = lock(Incident(pk=incident_id))
        now = now or timezone.now()
        due = Escalation.objects.filter(
            pk=escalation_id, status=EscalationStatus.ACTIVE, next_fire_at__lte=now
        )
        escalation = due.filter(fire_seq=seq).first() if seq is not None else due.first()
        if escalation is None:
            return "not due"
        if not _claim(escalation):
            return "taken"
        reason = _ended_by_incident(escalation, incident)
        if reason is not None:
            end([escalation], incident, reason, by=None, now=now)
            return "stopped"
        _fire(escalation, incident, now)
        return "fired"


@task(priority=paging.TIMER_PRIORITY)
def fire_escalation(escalation_id: int, seq: int) -> str:
    return fire_one(escalation_id, seq)


def fire_due(now: dt.datetime | None = None, slack: dt.timedelta = dt.timedelta(0)) -> int:
    """Fire every escalation due ``slack`` ago or earlier; returns how many steps fired."""
    cutoff = (now or timezone.now()) - slack
    due = Escalation.objects.filter(status=EscalationStatus.ACTIVE, next_fire_at__lte=cutoff)
    ids = list(due.order_by("next_fire_at").values_list("pk", flat=True)[:1000])
    return sum(fire_one(pk, now=now) == "fired" for pk in ids)


def end(
    escalations: list[Escalation], incident: Incident, reason: str, *, by: Any, now: dt.datetime
) -> None:
    """Stop ``escalations`` (claimed or locked by the caller) and skip their delayed pages."""
    if not escalations:
        return
    status = (
        EscalationStatus.ACKNOWLEDGED
        if reason == StopReason.ACKNOWLEDGED
        else EscalationStatus.STOPPED
    )
    label = str(StopReason(reason).label) if reason in StopReason.values else reason
    for escalation in escalations:
        Escalation.objects.filter(pk=escalation.pk).update(
            status=status, next_fire_at=None, ended_at=now, end_reason=reason[:200],
            fire_seq=escalation.fire_seq + 1,
        )  # fmt: skip
        add_event(
            incident, EVENT_KIND, by, _("Escalation stopped: %(reason)s.") % {"reason": label},
            at=now, oncall="escalation_stopped", escalation=escalation.pk, reason=reason,
        )  # fmt: skip
        record("escalation.stop", escalation, by=by, after={"reason": reason})
    pages = Page.objects.filter(escalation__in=escalations)
    if reason == StopReason.ACKNOWLEDGED:
        pages = Page.objects.filter(incident=incident, created_at__lte=now)
    paging.skip_pending(pages, now)
