"""Roles and what each may do: the one place that maps a role to its capabilities.

Visibility of customers' data is decided in ``tenancy.access``; this module only answers
"may this kind of user do this kind of thing at all".
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    INCIDENT_MANAGER = "incident_manager", _("Incident manager")
    CONTINUITY_MANAGER = "continuity_manager", _("Continuity manager")
    ENGINEER = "engineer", _("Engineer")
    AGENT = "agent", _("Service-desk agent")
    VIEWER = "viewer", _("Viewer")
    CUSTOMER_ADMIN = "customer_admin", _("Customer administrator")
    CUSTOMER_USER = "customer_user", _("Customer user")


STAFF_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.INCIDENT_MANAGER,
        Role.CONTINUITY_MANAGER,
        Role.ENGINEER,
        Role.AGENT,
        Role.VIEWER,
    }
)
CUSTOMER_ROLES = frozenset({Role.CUSTOMER_ADMIN, Role.CUSTOMER_USER})


class Capability(models.TextChoices):
    MANAGE_PLATFORM = "manage_platform", _("Manage people, teams and settings")
    MANAGE_CUSTOMERS = "manage_customers", _("Manage customers, contacts and contracts")
    MANAGE_OWN_CUSTOMER = "manage_own_customer", _("Manage own organisation's contacts")
    VIEW_AUDIT = "view_audit", _("Read the audit log")
    WORK_INCIDENTS = "work_incidents", _("Work on incidents")
    MANAGE_INCIDENTS = "manage_incidents", _("Declare and command major incidents")
    MANAGE_CONTINUITY = "manage_continuity", _("Manage continuity plans")
    VIEW_ALL_CUSTOMERS = "view_all_customers", _("See every customer not excluded")
    USE_API_WRITE = "use_api_write", _("Create write-scoped API tokens")


_GRANTS: dict[Capability, frozenset[str]] = {
    Capability.MANAGE_PLATFORM: frozenset({Role.ADMIN}),
    Capability.MANAGE_CUSTOMERS: frozenset({Role.ADMIN, Role.INCIDENT_MANAGER}),
    Capability.MANAGE_OWN_CUSTOMER: frozenset({Role.CUSTOMER_ADMIN}),
    Capability.VIEW_AUDIT: frozenset({Role.ADMIN}),
    Capability.WORK_INCIDENTS: frozenset(
        {Role.ADMIN, Role.INCIDENT_MANAGER, Role.ENGINEER, Role.AGENT}
    ),
    Capability.MANAGE_INCIDENTS: frozenset({Role.ADMIN, Role.INCIDENT_MANAGER}),
    Capability.MANAGE_CONTINUITY: frozenset({Role.ADMIN, Role.CONTINUITY_MANAGER}),
    Capability.VIEW_ALL_CUSTOMERS: STAFF_ROLES,
    Capability.USE_API_WRITE: STAFF_ROLES - {Role.VIEWER} | CUSTOMER_ROLES,
}


def role_has(role: str, capability: Capability) -> bool:
    return role in _GRANTS[capability]


def is_staff_role(role: str) -> bool:
    return role in STAFF_ROLES
