"""On-call objects for the tenant-isolation walk (tests/test_tenant_isolation.py): a schedule
with a layer, a member and an override, a policy whose escalation pages for Beta's incident,
and the engineer's own contact method and rule."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from fixfirst.oncall import editing
from fixfirst.oncall.choices import TargetKind
from fixfirst.oncall.models import ContactMethod, NotificationRule
from fixfirst.oncall.services import start_escalation


def oncall_objects(w) -> SimpleNamespace:
    o = SimpleNamespace()
    o.schedule = editing.save_schedule(None, by=None, name="Infra on call", team=w.team)
    o.layer = editing.save_layer(
        None, by=None, schedule=o.schedule, name="Weekly", start_date=dt.date(2026, 1, 5)
    )
    o.member = editing.add_layer_member(o.layer, w.engineer, by=None)
    now = timezone.now()
    o.override = editing.add_override(
        o.schedule, by=None, user=w.engineer, starts_at=now, ends_at=now + dt.timedelta(hours=1)
    )
    o.policy = editing.save_policy(None, by=None, name="P1 pages")
    o.step = editing.add_step(
        o.policy,
        by=None,
        delay_minutes=0,
        targets=[{"kind": TargetKind.SCHEDULE, "schedule": o.schedule}],
    )
    o.method = ContactMethod.objects.create(
        user=w.engineer, kind="email", address="pager@example.com"
    )
    o.rule = NotificationRule.objects.create(
        user=w.engineer, contact_method=o.method, delay_minutes=0
    )
    incident = getattr(w, "beta_incident", None)
    if incident is not None:
        o.escalation = start_escalation(incident, o.policy)
    return o
