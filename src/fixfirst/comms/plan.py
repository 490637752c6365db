"""The plan that applies to a customer: the provider's plan with the customer's plan on top.

Keyed rows override, the rest extends:
- a customer role of a kind (commander, liaison, ...) replaces the provider's role of that kind;
  roles of kind "other" are added;
- a customer template for (phase, audience, language) replaces the provider's;
- a customer cadence for a priority replaces the provider's;
- a customer title or introduction (per language) replaces the provider's;
- criteria, channels, values and vague wording are added to the provider's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings

from fixfirst.comms.choices import RoleKind
from fixfirst.comms.models import (
    CommunicationPlan,
    Criterion,
    MessageTemplate,
    PlanChannel,
    PlanRole,
    PlanValue,
    translated,
)
from fixfirst.comms.wording import DEFAULT_VAGUE_TERMS
from fixfirst.tenancy.models import Customer, User

TemplateKey = tuple[str, str, str]  # phase, audience, language


@dataclass
class EffectivePlan:
    customer: Customer | None
    provider_plan: CommunicationPlan | None
    customer_plan: CommunicationPlan | None
    title: dict[str, str] = field(default_factory=dict)
    introduction: dict[str, str] = field(default_factory=dict)
    criteria: list[Criterion] = field(default_factory=list)
    roles: list[PlanRole] = field(default_factory=list)
    channels: list[PlanChannel] = field(default_factory=list)
    values: list[PlanValue] = field(default_factory=list)
    templates: dict[TemplateKey, MessageTemplate] = field(default_factory=dict)
    cadence: dict[int, int] = field(default_factory=dict)
    vague_terms: dict[str, list[str]] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.provider_plan is not None or self.customer_plan is not None

    @property
    def updated_at(self) -> dt.datetime | None:
        moments = [p.updated_at for p in (self.provider_plan, self.customer_plan) if p]
        return max(moments, default=None)

    def template(self, phase: str, audience: str, language: str) -> MessageTemplate | None:
        """The template in ``language``, else the one in the default language."""
        return self.templates.get((phase, audience, language)) or self.templates.get(
            (phase, audience, settings.LANGUAGE_CODE)
        )

    def templates_in(self, language: str) -> list[MessageTemplate]:
        return [t for (_p, _a, lang), t in self.templates.items() if lang == language]

    def cadence_minutes(self, priority: int) -> int | None:
        return self.cadence.get(priority)

    def people(self, kind: str) -> list[User]:
        return [p for role in self.roles if role.kind == kind for p in role.people.all()]

    def commander(self) -> User | None:
        people = self.people(RoleKind.INCIDENT_COMMANDER)
        return people[0] if people else None

    def terms(self, language: str) -> list[str]:
        """The plan's vague wording in ``language``; the built-in list when the plan has none."""
        return self.vague_terms.get(language) or list(DEFAULT_VAGUE_TERMS.get(language, ()))

    def text(self, name: str, language: str) -> str:
        return translated(getattr(self, name), language)


def _rows(plan: CommunicationPlan | None, name: str) -> list:  # type: ignore[type-arg]
    if plan is None:
        return []
    return list(getattr(plan, name).all())


def _load(customer: Customer | None) -> CommunicationPlan | None:
    return (
        CommunicationPlan.objects.filter(customer=customer)
        .prefetch_related(
            "criteria",
            "roles__people",
            "channels",
            "values",
            "templates",
            "cadences",
            "vague_terms",
        )  # fmt: skip
        .first()
    )


def merge(
    provider: CommunicationPlan | None,
    own: CommunicationPlan | None,
    customer: Customer | None = None,
) -> EffectivePlan:
    plan = EffectivePlan(customer=customer, provider_plan=provider, customer_plan=own)
    for source in (provider, own):
        if source is None:
            continue
        plan.title.update({k: v for k, v in (source.title or {}).items() if v})
        plan.introduction.update({k: v for k, v in (source.introduction or {}).items() if v})
        plan.criteria += _rows(source, "criteria")
        plan.channels += _rows(source, "channels")
        plan.values += _rows(source, "values")
        for role in _rows(source, "roles"):
            same = [
                i
                for i, r in enumerate(plan.roles)
                if r.kind == role.kind and role.kind != RoleKind.OTHER
            ]
            if same:
                plan.roles[same[0]] = role
            else:
                plan.roles.append(role)
        for template in _rows(source, "templates"):
            plan.templates[(template.phase, template.audience, template.language)] = template
        for cadence in _rows(source, "cadences"):
            plan.cadence[cadence.priority] = cadence.minutes
        for term in _rows(source, "vague_terms"):
            words = plan.vague_terms.setdefault(term.language, [])
            if term.term.casefold() not in (w.casefold() for w in words):
                words.append(term.term)
    return plan


def effective_plan(customer: Customer | None) -> EffectivePlan:
    """The provider's plan, with ``customer``'s own plan (if any) on top."""
    provider = _load(None)
    own = _load(customer) if customer is not None else None
    return merge(provider, own, customer)
