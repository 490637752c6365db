"""Navigation by role: each entry shows only to those who may use it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fixfirst.tenancy.roles import Capability

# (url name, label, capability needed or None for every logged-in user, staff only?)
NAVIGATION: list[tuple[str, Any, Capability | None, bool]] = [
    ("home", _("Dashboard"), None, False),
    ("incidents:queue", _("Incidents"), None, True),
    ("alerting_pages:index", _("Alerts"), None, True),
    ("inbound:list", _("Inbound mail"), Capability.WORK_INCIDENTS, True),
    ("oncall:index", _("On-call"), None, True),
    ("statuspage:staff_list", _("Status pages"), Capability.MANAGE_INCIDENTS, True),
    ("tenancy:customer_list", _("Customers"), None, True),
    ("comms:provider_plan", _("Communication plan"), None, True),
    ("tenancy:team_list", _("Teams"), None, True),
    ("tenancy:user_list", _("People"), Capability.MANAGE_PLATFORM, True),
    ("audit:list", _("Audit log"), Capability.VIEW_AUDIT, True),
]
# Customer users only: (url name, label).
CUSTOMER_NAVIGATION: list[tuple[str, Any]] = [
    ("incidents:portal", _("My incidents")),
    ("incidents:portal_new", _("Report a problem")),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items = []
    for url_name, label, capability, staff_only in NAVIGATION:
        if staff_only and not user.is_provider_staff:
            continue
        if capability is not None and not user.can(capability):
            continue
        url = reverse(url_name)
        items.append(
            {
                "url": url,
                "label": label,
                "active": request.path.startswith(url) if url != "/" else request.path == "/",
            }
        )
    if not user.is_provider_staff and user.customer_id:
        urls = [(reverse(name), label) for name, label in CUSTOMER_NAVIGATION]
        # The longest matching path is the current one: /portal/new/ is not also /portal/.
        current = max((u for u, _l in urls if request.path.startswith(u)), key=len, default="")
        items += [{"url": u, "label": label, "active": u == current} for u, label in urls]
        url = reverse("tenancy:customer_detail", args=[user.customer_id])
        items.append({"url": url, "label": _("My organisation"), "active": request.path == url})
    return {"nav": items}
