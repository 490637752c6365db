"""The HTTP endpoints monitoring tools post to.

``/integrations/<kind>/<key>/`` for Alertmanager, Grafana, Zabbix and generic webhooks, and
``/v2/enqueue`` + ``/v2/change/enqueue`` speaking PagerDuty's Events API v2. Each answers what
its sender expects: under overload Alertmanager-style senders get 503 + Retry-After (they retry
only on 5xx), PagerDuty clients get 429 (they retry on it). Nothing a sender posts can cause a
500: bad input is a 4xx naming the problem.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fixfirst.alerting import routing
from fixfirst.alerting.ingest import IngestResult, ingest
from fixfirst.alerting.models import ChangeEvent, Integration, IntegrationKind, hash_key
from fixfirst.alerting.normalized import NormalizedAlert, PayloadError
from fixfirst.alerting.sources import alertmanager, grafana, pagerduty, webhook, zabbix
from fixfirst.alerting.sources.pagerduty import responses as pd

logger = logging.getLogger(__name__)

PARSERS: dict[str, Callable[[Any, Integration], list[NormalizedAlert]]] = {
    IntegrationKind.ALERTMANAGER: lambda body, i: alertmanager.parse(body),
    IntegrationKind.GRAFANA: lambda body, i: grafana.parse(body),
    IntegrationKind.ZABBIX: lambda body, i: zabbix.parse(body),
    IntegrationKind.WEBHOOK: lambda body, i: webhook.parse(body, i.field_mapping or None),
    IntegrationKind.PAGERDUTY: lambda body, i: pagerduty.parse(body),
}
RETRY_AFTER_SECONDS = "5"


class IntegrationGone(Exception):
    """The integration was deleted while this process still had it cached."""


def endpoint_url(integration: Integration, key: str | None) -> str:
    """Where the tool posts to; the key itself is only known right after creation/rotation."""
    if integration.kind == IntegrationKind.PAGERDUTY:
        return f"{settings.BASE_URL}{reverse('alerting:pd_enqueue')}"
    shown = key or f"{integration.key_hint}…"
    return f"{settings.BASE_URL}/integrations/{integration.kind}/{shown}/"


def _lookup(key_hash: str) -> Integration | None:
    return (
        Integration.objects.select_related("customer", "default_service", "team")
        .filter(key_hash=key_hash, is_active=True)
        .first()
    )


# key hash -> (config version, expiry, integration): active integrations only, so unknown
# or rotated keys always ask the database. Bounded: cleared when it grows past the limit.
_known: dict[str, tuple[int, float, Integration]] = {}
_KNOWN_LIMIT = 1000


def _integration(key: str, kind: str | None = None) -> Integration | None:
    """The active integration with this key (and kind); shared per process for up to
    routing.CONFIG_CACHE_SECONDS, like the routing rules (see fixfirst.alerting.routing)."""
    key_hash = hash_key(key)
    version, now = routing.config_version(), time.monotonic()
    cached = _known.get(key_hash)
    if cached is not None and cached[0] == version and now < cached[1]:
        integration: Integration | None = cached[2]
    else:
        integration = _lookup(key_hash)
        if integration is not None and routing.CONFIG_CACHE_SECONDS > 0:
            if len(_known) >= _KNOWN_LIMIT:
                _known.clear()
            _known[key_hash] = (version, now + routing.CONFIG_CACHE_SECONDS, integration)
    if integration is None or (kind is not None and integration.kind != kind):
        return None
    return integration


def _error(status: int, code: str, detail: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail, **extra}, status=status)


def _ingest(integration: Integration, alerts: list[NormalizedAlert]) -> IngestResult | None:
    """None when the database cannot take the write now (locked, overloaded, down)."""
    try:
        try:
            return ingest(integration, alerts)
        except IntegrityError:
            # The integration may have been deleted in another process since this process
            # cached it: ask the database again, uncached.
            _known.pop(integration.key_hash, None)
            fresh = _lookup(integration.key_hash)
            if fresh is None:
                raise IntegrationGone from None
            return ingest(fresh, alerts)
    except OperationalError:
        # Locked or unreachable: the transaction rolled back whole, nothing half-stored, and
        # the sender retries. Other database errors are bugs and must not ask for retries.
        logger.warning("ingest deferred: database busy", exc_info=True)
        return None


@csrf_exempt
@require_POST
def receive(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    if kind not in PARSERS or kind == IntegrationKind.PAGERDUTY:
        return _error(
            404,
            "unknown_kind",
            f"No integration kind {kind!r}; use alertmanager, grafana, zabbix or webhook.",
        )
    if len(request.body) > settings.FIXFIRST_INGEST_MAX_BYTES:
        return _error(
            413, "too_large", f"The body is larger than {settings.FIXFIRST_INGEST_MAX_BYTES} bytes."
        )
    integration = _integration(key, kind)
    if integration is None:
        return _error(
            404,
            "unknown_integration",
            "No active integration of this kind has this key (was it rotated?).",
        )
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        return _error(400, "invalid_json", f"The body is not JSON: {exc}")
    try:
        alerts = PARSERS[kind](body, integration)
    except PayloadError as exc:
        return _error(400, "invalid_payload", str(exc), errors=exc.errors)
    try:
        result = _ingest(integration, alerts)
    except IntegrationGone:
        return _error(404, "unknown_integration", "No active integration has this key.")
    if result is None:
        response = _error(503, "busy", "FixFirst is busy; retry shortly.")
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    return JsonResponse(
        {
            "status": "ok",
            "accepted": result.accepted,
            "dropped": result.dropped,
            "silenced": result.silenced,
            "incidents_opened": result.incidents_opened,
            "incidents": result.incidents,
            # Zabbix's media type stores this as the problem's itsm_incident tag.
            "incident": result.incidents[0] if result.incidents else "",
        }
    )


def _pd(reply: pd.Reply) -> JsonResponse:
    response = JsonResponse(reply.body, status=reply.status)
    for name, value in reply.headers.items():
        response[name] = value
    return response


def _pd_body(request: HttpRequest) -> tuple[Any, JsonResponse | None]:
    if len(request.body) > pagerduty.MAX_BODY_BYTES:
        return None, _pd(
            pd.invalid_event([f"Event is larger than {pagerduty.MAX_BODY_BYTES} bytes"])
        )
    try:
        return json.loads(request.body), None
    except (ValueError, UnicodeDecodeError):
        return None, _pd(pd.unrecognized_object())


@csrf_exempt
@require_POST
def pd_enqueue(request: HttpRequest) -> HttpResponse:
    """PagerDuty Events API v2: routing_key = a FixFirst integration key."""
    body, problem = _pd_body(request)
    if problem is not None:
        return problem
    try:
        alerts = pagerduty.parse(body)
    except PayloadError as exc:
        return _pd(pd.invalid(exc))
    integration = _integration(pagerduty.routing_key_of(body))
    if integration is None:
        return _pd(
            pd.invalid_event(["routing_key is not the key of an active FixFirst integration"])
        )
    try:
        stored = _ingest(integration, alerts)
    except IntegrationGone:
        return _pd(
            pd.invalid_event(["routing_key is not the key of an active FixFirst integration"])
        )
    if stored is None:
        return _pd(pd.rate_limited(int(RETRY_AFTER_SECONDS)))
    return _pd(pd.success(alerts[0].fingerprint))


@csrf_exempt
@require_POST
def pd_change_enqueue(request: HttpRequest) -> HttpResponse:
    body, problem = _pd_body(request)
    if problem is not None:
        return problem
    try:
        change = pagerduty.parse_change(body)
    except PayloadError as exc:
        return _pd(pd.invalid_change_event(exc.errors))
    integration = _integration(pagerduty.routing_key_of(body))
    if integration is None:
        return _pd(
            pd.invalid_change_event(
                ["routing_key is not the key of an active FixFirst integration"]
            )
        )
    try:
        ChangeEvent.objects.create(
            integration=integration,
            summary=change.summary[:1024],
            source=(change.source or "")[:255],
            at=change.timestamp or timezone.now(),
            details=change.custom_details,
            links=change.links,
        )
    except OperationalError:
        return _pd(pd.rate_limited(int(RETRY_AFTER_SECONDS)))
    return _pd(pd.change_success())
