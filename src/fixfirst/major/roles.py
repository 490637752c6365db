"""The core team's roles and the update cadence for one customer.

With the comms app installed they come from the communication plan (its role table: titles,
duties and the people it names; its update cadence per priority); otherwise from the built-in
list (``choices.CoreRole``, ``choices.DEFAULT_CADENCE``). The six core roles are always there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.utils import translation

from fixfirst.incidents.models import Incident
from fixfirst.major.choices import (
    DEFAULT_CADENCE,
    FALLBACK_CADENCE,
    MULTI_HOLDER,
    OTHER_PREFIX,
    CoreRole,
)
from fixfirst.tenancy.models import Customer, User

comms_plan: ModuleType | None = None
comms_models: ModuleType | None = None
if apps.is_installed("fixfirst.comms"):
    from fixfirst.comms import models as comms_models
    from fixfirst.comms import plan as comms_plan


@dataclass(frozen=True)
class RoleSpec:
    key: str
    title: str
    multiple: bool
    duties: str = ""
    # The people the communication plan names for the role: the default holders.
    people: tuple[User, ...] = field(default_factory=tuple)


def _language(language: str | None) -> str:
    return (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def role_table(customer: Customer | None, language: str | None = None) -> list[RoleSpec]:
    """The core roles in their usual order (named as the plan names them), then the plan's
    own extra roles."""
    language = _language(language)
    built_in = {
        role.value: RoleSpec(role.value, str(role.label), role in MULTI_HOLDER) for role in CoreRole
    }
    if comms_plan is None or comms_models is None:
        return list(built_in.values())
    planned: dict[str, RoleSpec] = {}
    for plan_role in comms_plan.effective_plan(customer).roles:
        core = plan_role.kind in built_in
        key = plan_role.kind if core else f"{OTHER_PREFIX}{plan_role.pk}"
        planned[key] = RoleSpec(
            key=key,
            title=plan_role.display_title(language),
            multiple=not core or plan_role.kind in MULTI_HOLDER,
            duties=comms_models.translated(plan_role.duties, language),
            people=tuple(p for p in plan_role.people.all() if p.is_active),
        )
    core_roles = [planned.get(key, spec) for key, spec in built_in.items()]
    return core_roles + [spec for key, spec in planned.items() if key not in built_in]


def titles(customer: Customer | None, language: str | None = None) -> dict[str, str]:
    return {spec.key: spec.title for spec in role_table(customer, language)}


def cadence_minutes(incident: Incident) -> int:
    """Minutes between customer updates for the incident's priority."""
    if comms_plan is not None:
        minutes = comms_plan.effective_plan(incident.customer).cadence_minutes(incident.priority)
        if minutes:
            return int(minutes)
    return DEFAULT_CADENCE.get(incident.priority, FALLBACK_CADENCE)
