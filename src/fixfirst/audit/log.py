"""Writing audit entries. Every service function calls :func:`record` inside its transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from fixfirst.audit.models import AuditEntry
from fixfirst.core.context import current_request_id
from fixfirst.tenancy.access import customer_id_of


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audited state of ``obj``: its concrete fields as JSON-safe values."""
    names = fields or [
        f.attname for f in obj._meta.concrete_fields if f.name not in {"password", "key_hash"}
    ]
    data = {name: getattr(obj, name) for name in names}
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record(
    action: str,
    obj: models.Model,
    *,
    by: Any = None,
    customer: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    actor = by if getattr(by, "is_authenticated", False) else None
    label = actor.get_username() if actor is not None else (str(by) if by else "system")
    customer_id = customer_id_of(obj) if customer is None else customer.pk
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=label[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        customer_id=customer_id,
        before=before,
        after=after,
        request_id=current_request_id(),
    )


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, for compact before/after records."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
