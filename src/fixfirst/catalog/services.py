"""State changes of the service catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fixfirst.audit.log import record, snapshot
from fixfirst.catalog.models import Service
from fixfirst.tenancy.models import Customer


def _would_cycle(service: Service, depends_on: Iterable[Service]) -> bool:
    seen: set[int] = set()
    stack = [d.pk for d in depends_on]
    while stack:
        pk = stack.pop()
        if pk == service.pk:
            return True
        if pk in seen:
            continue
        seen.add(pk)
        stack.extend(Service.objects.filter(pk=pk).values_list("depends_on", flat=True))
    return False


@transaction.atomic
def save_service(
    service: Service | None,
    *,
    by: Any,
    customers: Iterable[Customer] | None = None,
    depends_on: Iterable[Service] | None = None,
    **fields: Any,
) -> Service:
    creating = service is None
    service = service or Service()
    before = None if creating else snapshot(service)
    for name, value in fields.items():
        setattr(service, name, value)
    if not service.slug:
        service.slug = slugify(service.name)[:50]
    service.full_clean()
    service.save()
    if customers is not None:
        service.customers.set(list(customers))
    if depends_on is not None:
        depends_on = list(depends_on)
        if _would_cycle(service, depends_on):
            raise ValidationError(
                {"depends_on": _("A service cannot depend on itself, even indirectly.")}
            )
        service.depends_on.set(depends_on)
    record(
        "service.create" if creating else "service.update",
        service,
        by=by,
        before=before,
        after=snapshot(service),
    )
    return service
