"""Integration pages: list, create, edit, rotate the key, and how to connect each tool.

The key exists in clear text only in the response to "create" and "rotate key": it is rendered
into that one page (never stored, never cached) and every other page shows its first
characters as a placeholder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fixfirst.alerting import services
from fixfirst.alerting.endpoints import endpoint_url
from fixfirst.alerting.forms import IntegrationForm
from fixfirst.alerting.models import Alert, Integration, IntegrationKind
from fixfirst.alerting.routing import visible_rules
from fixfirst.alerting.sources import zabbix
from fixfirst.alerting.sources.webhook import parser as webhook
from fixfirst.alerting.views import (
    AlertRow,
    compact_labels,
    form_page,
    rule_rows,
    staff,
)
from fixfirst.tenancy.access import get_for, require, scoped
from fixfirst.tenancy.models import User
from fixfirst.tenancy.roles import Capability

RECENT_ALERTS = 20
ZABBIX_SCRIPT = Path(zabbix.__file__).resolve().parent / "media_type.js"
# The media type's parameters besides url and token (sources/zabbix/README.md explains each).
ZABBIX_MACROS = [
    ("HTTPProxy", ""),
    ("event_id", "{EVENT.ID}"),
    ("recovery_id", "{EVENT.RECOVERY.ID}"),
    ("event_value", "{EVENT.VALUE}"),
    ("event_update", "{EVENT.UPDATE.STATUS}"),
    ("event_ack", "{EVENT.ACK.STATUS}"),
    ("event_source", "{EVENT.SOURCE}"),
    ("severity", "{EVENT.NSEVERITY}"),
    ("event_name", "{EVENT.NAME}"),
    ("subject", "{ALERT.SUBJECT}"),
    ("message", "{ALERT.MESSAGE}"),
    ("event_tags", "{EVENT.TAGS}"),
    ("event_tags_json", "{EVENT.TAGSJSON}"),
    ("event_date", "{EVENT.DATE}"),
    ("event_time", "{EVENT.TIME}"),
    ("host", "{HOST.NAME}"),
    ("host_ip", "{HOST.IP}"),
    ("trigger_id", "{TRIGGER.ID}"),
    ("opdata", "{EVENT.OPDATA}"),
    ("update_action", "{EVENT.UPDATE.ACTION}"),
    ("update_message", "{EVENT.UPDATE.MESSAGE}"),
    ("update_user", "{USER.FULLNAME}"),
    ("zabbix_url", "{$ZABBIX.URL}"),
]
# One alert in words every tool understands; the webhook example puts it where the mapping says.
EXAMPLE_ALERT: dict[str, Any] = {
    "fingerprint": "disk-db1",
    "name": "DiskFull",
    "status": "firing",
    "severity": "critical",
    "summary": "/var on db1 is 95% full",
    "labels": {"host": "db1", "env": "prod"},
    "source_url": "https://monitoring.example/checks/disk-db1",
}
_FIELD_ALIASES = {
    "group_by": "group_by_labels",
    "field_mapping": "field_mapping_json",
    "severity_priority": "priority_critical",
}


def _put(target: Any, path: str, value: Any) -> None:
    """Set ``value`` at a dotted path, creating objects and arrays on the way."""
    parts = path.split(".")
    node = target
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        fresh: Any = value if last else ([] if parts[i + 1].isdigit() else {})
        if isinstance(node, list) and part.isdigit():
            index = int(part)
            node.extend([None] * (index + 1 - len(node)))
            if last or not isinstance(node[index], list | dict):
                node[index] = fresh
            node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, fresh)
        else:
            raise ValueError(path)


def webhook_example(mapping: dict[str, Any]) -> Any | None:
    """A body this mapping reads as EXAMPLE_ALERT; None when the mapping defeats the example."""
    config = {**webhook.DEFAULT_MAPPING, **mapping}
    alert: dict[str, Any] = {}
    try:
        for key, value in EXAMPLE_ALERT.items():
            if key == "severity" and config["severity_map"]:
                value = next(
                    (k for k, v in config["severity_map"].items() if v == "critical"), value
                )
            if config.get(key):
                _put(alert, config[key], value)
        body: Any = alert
        if config["items"]:
            body = {}
            _put(body, config["items"], [alert])
        webhook.parse(body, mapping or None)
    except (ValueError, TypeError, AttributeError):
        return None
    return body


def snippets(integration: Integration, key: str | None) -> dict[str, Any]:
    """What the snippet templates need; ``key`` None shows the key's first characters."""
    key_text = key or f"{integration.key_hint}…"
    context: dict[str, Any] = {
        "integration": integration,
        "key": key,
        "key_text": key_text,
        "endpoint": endpoint_url(integration, key),
        "pd_url": f"{settings.BASE_URL}{reverse('alerting:pd_enqueue')}",
        "pd_change_url": f"{settings.BASE_URL}{reverse('alerting:pd_change_enqueue')}",
        "kind": integration.kind,
    }
    if integration.kind == IntegrationKind.ZABBIX:
        context["zabbix_parameters"] = [
            ("url", context["endpoint"]),
            ("token", key_text),
            *ZABBIX_MACROS,
        ]
        context["zabbix_script"] = ZABBIX_SCRIPT.read_text()
    elif integration.kind == IntegrationKind.WEBHOOK:
        mapping = integration.field_mapping or {}
        body = webhook_example(mapping)
        context["webhook_body"] = json.dumps(body, indent=2, ensure_ascii=False) if body else ""
        context["webhook_mapping"] = json.dumps(mapping, indent=2) if mapping else ""
    elif integration.kind == IntegrationKind.PAGERDUTY:
        event = {
            "routing_key": key_text,
            "event_action": "trigger",
            "dedup_key": EXAMPLE_ALERT["fingerprint"],
            "payload": {
                "summary": f"{EXAMPLE_ALERT['name']}: {EXAMPLE_ALERT['summary']}",
                "source": "db1",
                "severity": "critical",
                "custom_details": EXAMPLE_ALERT["labels"],
            },
        }
        resolve = {
            "routing_key": key_text,
            "event_action": "resolve",
            "dedup_key": EXAMPLE_ALERT["fingerprint"],
        }
        context["pd_trigger"] = json.dumps(event, indent=2, ensure_ascii=False)
        context["pd_resolve"] = json.dumps(resolve, ensure_ascii=False)
    return context


def _key_page(
    request: HttpRequest, integration: Integration, key: str, *, new: bool
) -> HttpResponse:
    response = render(
        request,
        "alerting/integration_key.html",
        {**snippets(integration, key), "new": new, "section": "integrations"},
    )
    add_never_cache_headers(response)  # the key must not linger in a cache or the history
    return response


@login_required
def integration_list(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    return render(
        request,
        "alerting/integration_list.html",
        {
            "integrations": scoped(Integration, user).select_related("customer"),
            "can_manage": user.can(Capability.MANAGE_CUSTOMERS),
            "section": "integrations",
        },
    )


@login_required
def integration_create(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    require(user, Capability.MANAGE_CUSTOMERS)
    form = IntegrationForm(request.POST or None, user=user)
    return form_page(
        request,
        form,
        lambda: services.create_integration(
            by=user, kind=form.cleaned_data["kind"], **form.service_fields()
        ),
        template="alerting/integration_form.html",
        success=lambda made: _key_page(request, made[0], made[1], new=True),
        context={"section": "integrations"},
        aliases=_FIELD_ALIASES,
    )


@login_required
def integration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    integration = get_for(user, Integration.objects.select_related("customer"), pk=pk)
    alerts = (
        scoped(Alert, user)
        .filter(integration=integration)
        .select_related("incident", "customer", "silenced_by")
        .order_by("-last_seen", "-pk")[:RECENT_ALERTS]
    )
    rules = sorted(
        visible_rules(user).filter(Q(integration=integration) | Q(integration__isnull=True)),
        key=lambda r: (r.integration_id is None, r.position, r.pk),
    )  # the order routing.rules_for applies them in
    return render(
        request,
        "alerting/integration_detail.html",
        {
            **snippets(integration, None),
            "rows": [AlertRow(a, *compact_labels(a.labels)) for a in alerts],
            "rules": rule_rows(rules),
            "can_manage": user.can(Capability.MANAGE_CUSTOMERS),
            "section": "integrations",
        },
    )


@login_required
def integration_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = staff(request)
    integration = get_for(user, Integration, Capability.MANAGE_CUSTOMERS, pk=pk)
    form = IntegrationForm(request.POST or None, instance=integration, user=user)
    return form_page(
        request,
        form,
        lambda: services.update_integration(integration, by=user, **form.service_fields()),
        template="alerting/integration_form.html",
        success=lambda saved: _saved(request, saved),
        context={"integration": integration, "section": "integrations"},
        aliases=_FIELD_ALIASES,
    )


def _saved(request: HttpRequest, integration: Integration) -> HttpResponse:
    messages.success(request, _("Saved."))
    return redirect("alerting_pages:integration_detail", integration.pk)


@login_required
@require_POST
def integration_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    integration = get_for(user, Integration, Capability.MANAGE_CUSTOMERS, pk=pk)
    key = services.rotate_key(integration, by=user)
    integration.refresh_from_db()
    return _key_page(request, integration, key, new=False)


@login_required
def zabbix_script(request: HttpRequest) -> HttpResponse:
    staff(request)
    response = HttpResponse(
        ZABBIX_SCRIPT.read_text(), content_type="text/javascript; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="fixfirst_media_type.js"'
    return response
