"""Plain editing of schedules and escalation policies: one function per action, one
transaction each, each writing its audit entry. (Orchestration is in ``services``.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils.translation import gettext as _

from fixfirst.audit.log import changes, record, snapshot
from fixfirst.catalog.models import Service
from fixfirst.oncall.choices import ROTATION_HOURS, Rotation, TargetKind
from fixfirst.oncall.models import (
    EscalationPolicy,
    EscalationStep,
    EscalationTarget,
    IntegrationPolicy,
    Layer,
    LayerMember,
    Override,
    PersonalFeed,
    RoutingRulePolicy,
    Schedule,
    ServicePolicy,
)
from fixfirst.oncall.models.schedules import new_token
from fixfirst.tenancy.models import User

_SECRET_FIELDS = {"ical_token", "token"}


def _snap(obj: Model) -> dict[str, Any]:
    names = [f.attname for f in obj._meta.concrete_fields if f.name not in _SECRET_FIELDS]
    return snapshot(obj, names)


def _save(obj: Any, action: str, by: Any) -> Any:
    creating = obj.pk is None
    before = {} if creating else _snap(type(obj)._default_manager.get(pk=obj.pk))
    obj.full_clean()
    obj.save()
    old, new = changes(before, _snap(obj))
    if creating or new:
        record(
            f"{action}.{'create' if creating else 'update'}",
            obj,
            by=by,
            before=old or None,
            after=new,
        )
    return obj


def _delete(obj: Model, action: str, by: Any) -> None:
    record(f"{action}.delete", obj, by=by, before=_snap(obj))
    obj.delete()


def _staff(user: User, field: str) -> None:
    if not user.is_active or not user.is_provider_staff:
        raise ValidationError({field: _("Only active provider staff can be on call or paged.")})


# --- schedules ----------------------------------------------------------------------------


@transaction.atomic
def save_schedule(schedule: Schedule | None, *, by: Any, **fields: Any) -> Schedule:
    schedule = schedule or Schedule()
    for name, value in fields.items():
        setattr(schedule, name, value)
    return _save(schedule, "schedule", by)


@transaction.atomic
def delete_schedule(schedule: Schedule, *, by: Any) -> None:
    _delete(schedule, "schedule", by)


@transaction.atomic
def rotate_schedule_token(schedule: Schedule, *, by: Any) -> Schedule:
    """A new calendar URL; the old one answers 404 from now on."""
    schedule.ical_token = new_token()
    schedule.save(update_fields=["ical_token"])
    record("schedule.rotate_token", schedule, by=by)
    return schedule


@transaction.atomic
def save_layer(layer: Layer | None, *, by: Any, schedule: Schedule, **fields: Any) -> Layer:
    layer = layer or Layer(schedule=schedule)
    if layer.pk is None and "position" not in fields:
        top = schedule.layers.aggregate(top=Max("position"))["top"] or 0
        fields["position"] = top + 1
    for name, value in fields.items():
        setattr(layer, name, value)
    if layer.rotation in ROTATION_HOURS:
        layer.shift_hours = ROTATION_HOURS[Rotation(layer.rotation)]
    return _save(layer, "layer", by)


@transaction.atomic
def delete_layer(layer: Layer, *, by: Any) -> None:
    _delete(layer, "layer", by)


@transaction.atomic
def add_layer_member(layer: Layer, user: User, *, by: Any) -> LayerMember:
    _staff(user, "user")
    top = layer.members.aggregate(top=Max("position"))["top"] or 0
    member = LayerMember.objects.create(layer=layer, user=user, position=top + 1)
    record("layer.member_add", layer, by=by, after={"user": user.username, "position": top + 1})
    return member


@transaction.atomic
def remove_layer_member(member: LayerMember, *, by: Any) -> None:
    record("layer.member_remove", member.layer, by=by, before={"user": member.user.username})
    member.delete()


@transaction.atomic
def add_override(
    schedule: Schedule,
    *,
    by: Any,
    user: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str = "",
) -> Override:
    _staff(user, "user")
    override = Override(
        schedule=schedule, user=user, starts_at=starts_at, ends_at=ends_at, reason=reason,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )  # fmt: skip
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The override must end after it starts.")})
    return _save(override, "override", by)


@transaction.atomic
def delete_override(override: Override, *, by: Any) -> None:
    _delete(override, "override", by)


def personal_feed(user: User) -> PersonalFeed:
    feed, _created = PersonalFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def rotate_personal_feed(user: User, *, by: Any) -> PersonalFeed:
    feed = personal_feed(user)
    feed.token = new_token()
    feed.save(update_fields=["token"])
    record("user.rotate_calendar", user, by=by)
    return feed


# --- escalation policies ------------------------------------------------------------------


@transaction.atomic
def save_policy(policy: EscalationPolicy | None, *, by: Any, **fields: Any) -> EscalationPolicy:
    policy = policy or EscalationPolicy()
    for name, value in fields.items():
        setattr(policy, name, value)
    return _save(policy, "policy", by)


@transaction.atomic
def write_policy(
    policy: EscalationPolicy | None,
    *,
    by: Any,
    steps: list[dict[str, Any]] | None = None,
    services: Iterable[Service] | None = None,
    integrations: Iterable[Any] | None = None,
    visible_integrations: Any = None,
    routing_rules: Iterable[Any] | None = None,
    visible_rules: Any = None,
    **fields: Any,
) -> EscalationPolicy:
    """A policy with (optionally) all its steps, services, integrations and routing rules, all
    or nothing (the API)."""
    policy = save_policy(policy, by=by, **fields)
    if steps is not None:
        replace_steps(policy, steps, by=by)
    attach_policy(
        policy, by=by, services=services, integrations=integrations,
        visible_integrations=visible_integrations, rules=routing_rules, visible_rules=visible_rules,
    )  # fmt: skip
    return policy


@transaction.atomic
def delete_policy(policy: EscalationPolicy, *, by: Any) -> None:
    _delete(policy, "policy", by)


def _target(step: EscalationStep, spec: dict[str, Any]) -> EscalationTarget:
    kind = spec.get("kind")
    if kind not in TargetKind.values:
        raise ValidationError(
            {"targets": _("Unknown target kind %(kind)s.") % {"kind": repr(kind)}}
        )
    target = EscalationTarget(step=step, kind=kind)
    needed = {TargetKind.SCHEDULE: "schedule", TargetKind.USER: "user", TargetKind.TEAM: "team"}
    field = needed.get(TargetKind(kind))
    if field is not None:
        if spec.get(field) is None:
            raise ValidationError(
                {
                    "targets": _("A %(kind)s target needs a %(field)s.")
                    % {"kind": kind, "field": field}
                }
            )
        setattr(target, field, spec[field])
    if kind == TargetKind.USER:
        _staff(spec["user"], "targets")
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def add_step(
    policy: EscalationPolicy, *, by: Any, delay_minutes: int, targets: list[dict[str, Any]]
) -> EscalationStep:
    """Append a step. ``targets``: [{"kind": "schedule", "schedule": <Schedule>}, ...]."""
    if not targets:
        raise ValidationError({"targets": _("A step pages somebody: give at least one target.")})
    top = policy.steps.aggregate(top=Max("position"))["top"] or 0
    step = EscalationStep.objects.create(
        policy=policy, position=top + 1, delay_minutes=delay_minutes
    )
    made = [_target(step, spec) for spec in targets]
    record(
        "policy.step_add", policy, by=by,
        after={"step": step.position, "delay_minutes": delay_minutes, "targets": [t.label() for t in made]},
    )  # fmt: skip
    return step


@transaction.atomic
def delete_step(step: EscalationStep, *, by: Any) -> None:
    policy, position = step.policy, step.position
    record("policy.step_delete", policy, by=by, before={"step": position})
    step.delete()
    for later in policy.steps.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])


@transaction.atomic
def replace_steps(policy: EscalationPolicy, steps: list[dict[str, Any]], *, by: Any) -> None:
    """All steps at once (the API): [{"delay_minutes": 0, "targets": [...]}, ...]."""
    policy.steps.all().delete()
    for spec in steps:
        add_step(policy, by=by, delay_minutes=spec["delay_minutes"], targets=spec["targets"])


@transaction.atomic
def attach_policy(
    policy: EscalationPolicy,
    *,
    by: Any,
    services: Iterable[Service] | None = None,
    integrations: Iterable[Any] | None = None,
    visible_integrations: Any = None,
    rules: Iterable[Any] | None = None,
    visible_rules: Any = None,
) -> None:
    """Make ``policy`` the one paging for these services / alert integrations / routing rules
    (and for no others of the kind given). ``visible_integrations`` and ``visible_rules``:
    those the actor may see; links to others are left alone (they belong to customers)."""
    if services is not None:
        services = list(services)
        ServicePolicy.objects.filter(policy=policy).exclude(service__in=services).delete()
        for service in services:
            ServicePolicy.objects.update_or_create(service=service, defaults={"policy": policy})
        slugs = sorted(s.slug for s in services)
        record("policy.services", policy, by=by, after={"services": slugs})
    if integrations is not None:
        integrations = list(integrations)
        unlink = IntegrationPolicy.objects.filter(policy=policy).exclude(
            integration__in=integrations
        )
        if visible_integrations is not None:
            unlink = unlink.filter(integration__in=visible_integrations)
        unlink.delete()
        for integration in integrations:
            IntegrationPolicy.objects.update_or_create(
                integration=integration, defaults={"policy": policy}
            )
        ids = sorted(i.pk for i in integrations)
        record("policy.integrations", policy, by=by, after={"integrations": ids})
    if rules is not None:
        rules = list(rules)
        unlink_rules = RoutingRulePolicy.objects.filter(policy=policy).exclude(rule__in=rules)
        if visible_rules is not None:
            unlink_rules = unlink_rules.filter(rule__in=visible_rules)
        unlink_rules.delete()
        for rule in rules:
            RoutingRulePolicy.objects.update_or_create(rule=rule, defaults={"policy": policy})
        record("policy.rules", policy, by=by, after={"rules": sorted(r.pk for r in rules)})
