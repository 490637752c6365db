"""Who may see which customer's data: the ONE place that decides visibility.

Every model that holds a customer's data declares ``tenancy_path``: the lookup from the model
to its customer (``"customer"``, ``"incident__customer"``, or ``"pk"`` on Customer itself).
A model whose customer may be empty (provider-wide objects) is visible only to staff when
it has none. A provider-wide model *shared* with customers (catalogue services) sets
``tenancy_shared = True``: staff see every row, customer users the rows on their path.
Views and API views get their querysets from :func:`scoped` / :func:`get_for` and from
nothing else.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from fixfirst.tenancy.models import Customer, User
from fixfirst.tenancy.roles import Capability

M = TypeVar("M", bound=models.Model)


def customers_for(user: Any) -> models.QuerySet[Customer]:
    """Customers whose data ``user`` may see."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Customer.objects.none()
    if user.is_provider_staff:
        return Customer.objects.exclude(pk__in=user.excluded_customers.values("pk"))
    return Customer.objects.filter(pk=user.customer_id)


def scoped(queryset: models.QuerySet[M] | type[M], user: Any) -> models.QuerySet[M]:
    """``queryset`` narrowed to what ``user`` may see."""
    qs: models.QuerySet[M] = (
        queryset._default_manager.all() if isinstance(queryset, type) else queryset
    )
    return _narrow(qs, user, qs.model, "")


def scoped_through(
    queryset: models.QuerySet[M], user: Any, relation: str, model: type[models.Model]
) -> models.QuerySet[M]:
    """``queryset`` narrowed to the rows whose ``relation`` (a foreign key to ``model``) points
    at a ``model`` row that ``user`` may see: the rule of :func:`scoped` for ``model``, applied
    through the relation. Use it instead of ``relation__in=scoped(model, user)``, which the
    database may answer by listing every visible row (a million incidents) first."""
    return _narrow(queryset, user, model, f"{relation}__")


def _narrow(
    qs: models.QuerySet[M], user: Any, model: type[models.Model], prefix: str
) -> models.QuerySet[M]:
    path = getattr(model, "tenancy_path", None)
    if path is None:
        # Provider-wide data (teams, settings): staff only.
        if getattr(user, "is_authenticated", False) and user.is_active and user.is_provider_staff:
            return qs
        return qs.none()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    lookup = f"{prefix}{path}"
    shared = getattr(model, "tenancy_shared", False)
    if user.is_provider_staff:
        if shared:
            return qs
        excluded = list(user.excluded_customers.values_list("pk", flat=True))
        if not excluded:
            return qs
        # Provider-wide rows (no customer) stay visible to staff.
        return qs.exclude(**{f"{lookup}__in": excluded})
    visible = qs.filter(**{lookup: user.customer_id})
    # A shared model's path is many-to-many, which can match a row twice.
    return visible.distinct() if shared else visible


def get_for(
    user: Any,
    queryset: models.QuerySet[M] | type[M],
    capability: Capability | None = None,
    **lookup: Any,
) -> M:
    """One object ``user`` may see, else 404; with ``capability``, 403 when they may not act."""
    try:
        obj = scoped(queryset, user).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such object, or not yours to see.") from exc
    if capability is not None and not user.can(capability):
        raise PermissionDenied("Your role does not allow this.")
    return obj


def require(user: Any, *capabilities: Capability) -> None:
    """403 unless ``user`` has at least one of ``capabilities``."""
    if not any(user.can(cap) for cap in capabilities):
        raise PermissionDenied("Your role does not allow this.")


def may_manage_customer(user: User, customer: Customer) -> bool:
    """Staff who manage customers, or the customer's own administrator."""
    if user.can(Capability.MANAGE_CUSTOMERS):
        return customers_for(user).filter(pk=customer.pk).exists()
    return user.can(Capability.MANAGE_OWN_CUSTOMER) and user.customer_id == customer.pk


def customer_id_of(obj: models.Model) -> int | None:
    """The customer an object belongs to, following its ``tenancy_path``; None if provider-wide."""
    path = getattr(obj, "tenancy_path", None)
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    target: Any = obj
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)
