"""On-call data: schedules (who is on call), policies (whom to page, when) and paging."""

from fixfirst.oncall.models.paging import ContactMethod, NotificationRule, Page, PageNotification
from fixfirst.oncall.models.policies import (
    Escalation,
    EscalationPolicy,
    EscalationStep,
    EscalationTarget,
    IntegrationPolicy,
    RoutingRulePolicy,
    ServicePolicy,
)
from fixfirst.oncall.models.schedules import Layer, LayerMember, Override, PersonalFeed, Schedule

__all__ = [
    "ContactMethod",
    "Escalation",
    "EscalationPolicy",
    "EscalationStep",
    "EscalationTarget",
    "IntegrationPolicy",
    "Layer",
    "LayerMember",
    "NotificationRule",
    "Override",
    "Page",
    "PageNotification",
    "PersonalFeed",
    "RoutingRulePolicy",
    "Schedule",
    "ServicePolicy",
]
