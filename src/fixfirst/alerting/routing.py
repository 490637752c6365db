"""Where an alert goes: customer, service, priority, class and team, or dropped.

Alert configuration (integrations, routing rules, silences and the customers, services and
teams they name) is read on every received payload but changes rarely, so the pipeline keeps
it per process for at most :data:`CONFIG_CACHE_SECONDS`. Saving or deleting any of those
models bumps :func:`config_version`, which drops the cached copies in this process at once;
other processes (the other gunicorn workers, other machines) see a change within
:data:`CONFIG_CACHE_SECONDS`. ``CONFIG_CACHE_SECONDS = 0`` turns the caching off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save

from fixfirst.alerting.matching import matches
from fixfirst.alerting.models import Integration, RoutingRule, Silence
from fixfirst.catalog.models import Service
from fixfirst.tenancy.access import customers_for, scoped
from fixfirst.tenancy.models import Customer, Team

CONFIG_CACHE_SECONDS = 1.0
_version = 0
_version_lock = threading.Lock()


def config_version() -> int:
    """Changes whenever this process saves or deletes alert configuration."""
    return _version


def config_changed(**kwargs: Any) -> None:
    global _version
    with _version_lock:
        _version += 1


for _model in (Integration, RoutingRule, Silence, Customer, Service, Team):
    post_save.connect(config_changed, sender=_model, dispatch_uid=f"alert-config-{_model.__name__}")
    post_delete.connect(
        config_changed, sender=_model, dispatch_uid=f"alert-config-{_model.__name__}"
    )


class ConfigCache:
    """One value per process, reloaded when older than CONFIG_CACHE_SECONDS or when the
    configuration version moved. Threads may load at the same time; the last one wins."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load = load
        self._entry: tuple[int, float, Any] | None = None

    def get(self) -> Any:
        entry, version, now = self._entry, _version, time.monotonic()
        if entry is not None and entry[0] == version and now < entry[1]:
            return entry[2]
        value = self._load()
        if CONFIG_CACHE_SECONDS > 0:
            self._entry = (version, now + CONFIG_CACHE_SECONDS, value)
        return value

    def clear(self) -> None:
        self._entry = None


@dataclass
class Route:
    customer: Customer | None
    service: Service | None
    priority: int | None
    incident_class: str
    team: Team | None
    drop: bool = False
    rules: tuple[str, ...] = ()
    rule_id: int | None = None  # the last rule applied (not a dropping one)


def _load_rules() -> dict[int | None, list[RoutingRule]]:
    """Every active rule, by integration (None: global), each list in rule order."""
    by_integration: dict[int | None, list[RoutingRule]] = {}
    rules = RoutingRule.objects.filter(is_active=True).select_related(
        "set_customer", "set_service", "set_team"
    )
    for rule in sorted(rules, key=lambda r: (r.position, r.pk)):
        by_integration.setdefault(rule.integration_id, []).append(rule)
    return by_integration


_rules = ConfigCache(_load_rules)


def visible_rules(user: Any) -> QuerySet[RoutingRule]:
    """Rules are the provider's; those aimed at a customer hidden from ``user`` stay hidden."""
    return (
        scoped(RoutingRule, user)
        .filter(Q(set_customer__isnull=True) | Q(set_customer__in=customers_for(user)))
        .filter(Q(integration__isnull=True) | Q(integration__in=scoped(Integration, user)))
        .select_related("integration", "set_customer", "set_service", "set_team")
    )


def rules_for(integration: Integration) -> list[RoutingRule]:
    """The integration's own rules first, then the global ones, each in their order.

    The rules and the objects they name are shared, read-only, by the requests of this
    process for up to CONFIG_CACHE_SECONDS (see the module docstring).
    """
    rules = _rules.get()
    return [*rules.get(integration.pk, ()), *rules.get(None, ())]


def route(integration: Integration, labels: Mapping[str, str], rules: list[RoutingRule]) -> Route:
    """Apply the rules; the integration's defaults fill what no rule set."""
    decided = Route(
        customer=integration.customer,
        service=integration.default_service,
        priority=None,
        incident_class="",
        team=integration.team,
    )
    applied = []
    for rule in rules:
        if not matches(rule.matchers, labels):
            continue
        applied.append(rule.name)
        if rule.drop:
            decided.drop = True
            break
        decided.rule_id = rule.pk
        # A customer's own integration never routes its alerts to another customer.
        if rule.set_customer_id and integration.customer_id is None:
            decided.customer = rule.set_customer
        if rule.set_service_id:
            decided.service = rule.set_service
        if rule.set_priority:
            decided.priority = rule.set_priority
        if rule.set_class:
            decided.incident_class = rule.set_class
        if rule.set_team_id:
            decided.team = rule.set_team
        if not rule.continue_matching:
            break
    decided.rules = tuple(applied)
    return decided
