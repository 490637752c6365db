"""Every change to a communication plan, and the criteria ticked on an incident.

One function per action, one transaction each, each writing its audit entry. Posting an update
is orchestration and lives in ``comms.compose``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fixfirst.audit.log import changes, record, snapshot
from fixfirst.comms.criteria import criteria_for, suggests_major
from fixfirst.comms.models import (
    CommunicationPlan,
    Criterion,
    IncidentComms,
    MessageTemplate,
    PlanChannel,
    PlanItem,
    PlanRole,
    PlanValue,
    UpdateCadence,
    VagueTerm,
)
from fixfirst.incidents.models import Incident
from fixfirst.tenancy.models import Customer, User

# The plan's tables, by the name used in URLs and the API.
SECTIONS: dict[str, type[PlanItem]] = {
    "criteria": Criterion,
    "roles": PlanRole,
    "channels": PlanChannel,
    "templates": MessageTemplate,
    "cadence": UpdateCadence,
    "values": PlanValue,
    "wording": VagueTerm,
}


def _actor(by: Any) -> User | None:
    return by if getattr(by, "is_authenticated", False) else None


def _touch(plan: CommunicationPlan, by: Any) -> CommunicationPlan:
    """Lock the plan (edits apply one after the other) and stamp it as changed."""
    plan = CommunicationPlan.objects.select_for_update().get(pk=plan.pk)
    plan.updated_at = timezone.now()
    plan.updated_by = _actor(by)
    plan.save(update_fields=["updated_at", "updated_by"])
    return plan


@transaction.atomic
def create_plan(
    *,
    by: Any,
    customer: Customer | None = None,
    title: dict[str, str] | None = None,
    introduction: dict[str, str] | None = None,
) -> CommunicationPlan:
    """The provider's plan (no customer) or a customer's own plan on top of it."""
    plan = CommunicationPlan(
        customer=customer,
        title=title or {},
        introduction=introduction or {},
        updated_by=_actor(by),
    )
    plan.full_clean()
    plan.save()
    record("comms.plan.create", plan, by=by, after=snapshot(plan, ["customer_id", "title"]))
    return plan


@transaction.atomic
def update_plan(plan: CommunicationPlan, *, by: Any, **fields: Any) -> CommunicationPlan:
    plan = _touch(plan, by)
    before = snapshot(plan, list(fields))
    for name, value in fields.items():
        if name not in ("title", "introduction"):
            raise ValidationError({name: _("Not a field of the plan.")})
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    old, new = changes(before, snapshot(plan, list(fields)))
    if new:
        record("comms.plan.update", plan, by=by, before=old, after=new)
    return plan


def _check_people(people: Iterable[User]) -> list[User]:
    people = list(people)
    outsiders = [p.username for p in people if not p.is_provider_staff or not p.is_active]
    if outsiders:
        raise ValidationError(
            {
                "people": _("Only active provider staff can hold a role: %(names)s.")
                % {"names": ", ".join(outsiders)}
            }
        )
    return people


@transaction.atomic
def save_item(
    plan: CommunicationPlan,
    section: str,
    *,
    by: Any,
    item: PlanItem | None = None,
    people: Iterable[User] | None = None,
    **fields: Any,
) -> PlanItem:
    """Add a row to one of the plan's tables, or change one (``item``)."""
    model = SECTIONS.get(section)
    if model is None:
        raise ValidationError(
            {"section": _("Unknown section %(section)s.") % {"section": repr(section)}}
        )
    if item is not None and (not isinstance(item, model) or item.plan_id != plan.pk):  # type: ignore[attr-defined]
        raise ValidationError({"item": _("That row is not part of this plan's section.")})
    plan = _touch(plan, by)
    if item is None:
        item = model(plan=plan)  # type: ignore[misc]
        before = None
    else:
        item = model.objects.select_for_update().get(pk=item.pk)
        before = snapshot(item)
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    after = snapshot(item)
    if people is not None:
        if not isinstance(item, PlanRole):
            raise ValidationError({"people": _("Only roles have people.")})
        chosen = _check_people(people)
        item.people.set(chosen)
        after["people"] = sorted(p.username for p in chosen)
    old, new = changes(before or {}, after)
    record(f"comms.{section}.save", item, by=by, before=old or None, after=new)
    return item


@transaction.atomic
def delete_item(item: PlanItem, *, by: Any) -> None:
    plan: CommunicationPlan = item.plan  # type: ignore[attr-defined]
    _touch(plan, by)
    record("comms.item.delete", item, by=by, before=snapshot(item))
    item.delete()


@transaction.atomic
def replace_section(
    plan: CommunicationPlan, section: str, rows: list[dict[str, Any]], *, by: Any
) -> list[PlanItem]:
    """Make a section exactly ``rows``: rows with an ``id`` change that row, rows without one
    are added, rows not mentioned are removed."""
    model = SECTIONS.get(section)
    if model is None:
        raise ValidationError(
            {"section": _("Unknown section %(section)s.") % {"section": repr(section)}}
        )
    existing = {obj.pk: obj for obj in model.objects.filter(plan=plan)}  # type: ignore[attr-defined]
    ids = [row["id"] for row in rows if row.get("id") is not None]
    strangers = sorted(set(ids) - set(existing))
    if strangers:
        raise ValidationError(
            {section: [_("Rows %(ids)s are not part of this plan.") % {"ids": strangers}]}
        )
    if len(ids) != len(set(ids)):
        raise ValidationError({section: [_("A row is given twice.")]})
    # Remove first: a new row may take the unique slot (a template's phase, audience and
    # language, a cadence's priority) of a row it replaces.
    for pk, obj in existing.items():
        if pk not in ids:
            delete_item(obj, by=by)
    kept: list[PlanItem] = []
    for row in rows:
        data = dict(row)
        pk = data.pop("id", None)
        kept.append(save_item(plan, section, by=by, item=existing.get(pk), **data))
    return kept


@transaction.atomic
def tick_criteria(
    incident: Incident, *, by: Any, criteria: Iterable[Criterion]
) -> tuple[IncidentComms, bool]:
    """Record which of the plan's criteria apply to the incident; says whether they suggest
    a major incident."""
    chosen = list(criteria)
    allowed = {c.pk for c in criteria_for(incident)}
    foreign = [c.pk for c in chosen if c.pk not in allowed]
    if foreign:
        raise ValidationError({"criteria": _("Those criteria are not in this customer's plan.")})
    comms, _created = IncidentComms.objects.select_for_update().get_or_create(incident=incident)
    before = sorted(comms.ticked.values_list("pk", flat=True))
    comms.ticked.set(chosen)
    comms.criteria_updated_at = timezone.now()
    comms.save(update_fields=["criteria_updated_at"])
    major = suggests_major(incident, chosen)
    after = sorted(c.pk for c in chosen)
    if after != before:
        record(
            "comms.criteria",
            incident,
            by=by,
            before={"ticked": before},
            after={"ticked": after, "suggests_major": major},
        )
    return comms, major
