from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult

from fixfirst.tenancy.access import customers_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"customers": customers_for(request.user)[:20]})


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Nothing else is checked, so a slow database never
    gets a healthy web process restarted."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and the task queue is being worked off."""
    checks: dict[str, dict[str, object]] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = {"ok": False, "error": str(exc)[:200]}
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    oldest = (
        DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True)
    ).first()
    lag = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    limit = settings.FIXFIRST_QUEUE_MAX_LAG_SECONDS
    checks["queue"] = {
        "ok": lag <= limit,
        "ready_tasks": DBTaskResult.objects.ready().count(),
        "oldest_ready_age_seconds": round(lag, 1),
        "max_lag_seconds": limit,
    }
    ok = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {
            "status": "ok" if ok else "unavailable",
            "checks": checks,
            "time": timezone.now().replace(microsecond=0).astimezone(dt.UTC).isoformat(),
        },
        status=200 if ok else 503,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """JSON for API clients, the normal page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "not_found", "detail": "No such API path."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "server_error", "detail": "Internal error."}, status=500)
    return render(request, "500.html", status=500)
