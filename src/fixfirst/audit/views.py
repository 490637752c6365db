from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fixfirst.audit.models import AuditEntry
from fixfirst.tenancy.access import require, scoped
from fixfirst.tenancy.roles import Capability


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_AUDIT)
    entries = scoped(AuditEntry, request.user).select_related("customer")
    filters = {
        "action": request.GET.get("action", "").strip(),
        "actor": request.GET.get("actor", "").strip(),
        "object_type": request.GET.get("object_type", "").strip(),
    }
    if filters["action"]:
        entries = entries.filter(action__startswith=filters["action"])
    if filters["actor"]:
        entries = entries.filter(actor_label__iexact=filters["actor"])
    if filters["object_type"]:
        entries = entries.filter(object_type=filters["object_type"])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page, "filters": filters})
