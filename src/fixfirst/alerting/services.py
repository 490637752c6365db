"""State changes of alerting configuration: integrations, routing rules, silences."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fixfirst.alerting.models import Integration, IntegrationKind, RoutingRule, Silence
from fixfirst.audit.log import changes, record, snapshot


def _validated(obj: Any) -> None:
    obj.full_clean()
    obj.save()


_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@transaction.atomic
def create_integration(
    *, by: Any, name: str, kind: str, key: str | None = None, **fields: Any
) -> tuple[Integration, str]:
    """A new integration and its key; the key is returned once and only its hash is kept.

    ``key`` keeps a key the senders already use (moving from another tool, where the
    PagerDuty routing keys are configured in many places); normally a new one is made.
    """
    if kind not in IntegrationKind.values:
        raise ValidationError({"kind": _("Unknown kind %(kind)s.") % {"kind": repr(kind)}})
    if key is not None and not _KEY.match(key):
        raise ValidationError({"key": _("A key is 20-64 letters, digits, '-' or '_'.")})
    integration = Integration(name=name, kind=kind, **fields)
    key = key or Integration.new_key()
    integration.set_key(key)
    _validated(integration)
    record("integration.create", integration, by=by, after=snapshot(integration))
    return integration, key


@transaction.atomic
def update_integration(integration: Integration, *, by: Any, **fields: Any) -> Integration:
    integration = Integration.objects.select_for_update().get(pk=integration.pk)
    before = snapshot(integration)
    for name, value in fields.items():
        setattr(integration, name, value)
    _validated(integration)
    old, new = changes(before, snapshot(integration))
    if new:
        record("integration.update", integration, by=by, before=old, after=new)
    return integration


@transaction.atomic
def rotate_key(integration: Integration, *, by: Any) -> str:
    """A new key; the old one stops working at once."""
    integration = Integration.objects.select_for_update().get(pk=integration.pk)
    key = Integration.new_key()
    integration.set_key(key)
    integration.rotated_at = timezone.now()
    integration.save(update_fields=["key_hash", "key_hint", "rotated_at"])
    record("integration.rotate_key", integration, by=by)
    return key


@transaction.atomic
def save_rule(rule: RoutingRule | None, *, by: Any, **fields: Any) -> RoutingRule:
    creating = rule is None
    rule = rule or RoutingRule()
    before = None if creating else snapshot(rule)
    for name, value in fields.items():
        setattr(rule, name, value)
    _validated(rule)
    record("routing_rule.save", rule, by=by, before=before, after=snapshot(rule))
    return rule


@transaction.atomic
def delete_rule(rule: RoutingRule, *, by: Any) -> None:
    record("routing_rule.delete", rule, by=by, before=snapshot(rule))
    rule.delete()


@transaction.atomic
def create_silence(*, by: Any, **fields: Any) -> Silence:
    silence = Silence(created_by=by if getattr(by, "is_authenticated", False) else None, **fields)
    if silence.starts_at and silence.ends_at and silence.ends_at <= silence.starts_at:
        raise ValidationError({"ends_at": _("A silence must end after it starts.")})
    _validated(silence)
    record("silence.create", silence, by=by, after=snapshot(silence))
    return silence


@transaction.atomic
def expire_silence(silence: Silence, *, by: Any) -> Silence | None:
    """End a running silence now (it stays in the history); one not started yet is
    cancelled, i.e. deleted (the audit log keeps it). Returns None when cancelled."""
    now = timezone.now()
    if silence.starts_at > now:
        record("silence.cancel", silence, by=by, before=snapshot(silence))
        silence.delete()
        return None
    if silence.ends_at > now:
        silence.ends_at = max(now, silence.starts_at + timezone.timedelta(seconds=1))
        silence.save(update_fields=["ends_at"])
        record("silence.expire", silence, by=by)
    return silence
