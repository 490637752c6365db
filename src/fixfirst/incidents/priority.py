"""Priority from impact x urgency (a configurable matrix) and the class it suggests."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from fixfirst.incidents.choices import Impact, IncidentClass, Priority, Urgency
from fixfirst.incidents.models import PriorityRule

# ITIL's usual matrix; the seed for PriorityRule and the fallback for a missing cell.
DEFAULT_MATRIX: dict[tuple[int, int], int] = {
    (Impact.HIGH, Urgency.HIGH): Priority.P1,
    (Impact.HIGH, Urgency.MEDIUM): Priority.P2,
    (Impact.HIGH, Urgency.LOW): Priority.P3,
    (Impact.MEDIUM, Urgency.HIGH): Priority.P2,
    (Impact.MEDIUM, Urgency.MEDIUM): Priority.P3,
    (Impact.MEDIUM, Urgency.LOW): Priority.P4,
    (Impact.LOW, Urgency.HIGH): Priority.P3,
    (Impact.LOW, Urgency.MEDIUM): Priority.P4,
    (Impact.LOW, Urgency.LOW): Priority.P4,
}

SUGGESTED_CLASS = {
    Priority.P1: IncidentClass.SEVERE,
    Priority.P2: IncidentClass.MEDIUM,
    Priority.P3: IncidentClass.MINOR,
    Priority.P4: IncidentClass.MINOR,
}


def check_impact_urgency(impact: object, urgency: object) -> tuple[int, int]:
    errors = {}
    if impact not in Impact.values:
        errors["impact"] = f"Unknown impact {impact!r}; use 1 (high), 2 (medium) or 3 (low)."
    if urgency not in Urgency.values:
        errors["urgency"] = f"Unknown urgency {urgency!r}; use 1 (high), 2 (medium) or 3 (low)."
    if errors:
        raise ValidationError(errors)
    return int(impact), int(urgency)  # type: ignore[call-overload]


def priority_for(impact: int, urgency: int) -> int:
    impact, urgency = check_impact_urgency(impact, urgency)
    rule = PriorityRule.objects.filter(impact=impact, urgency=urgency).first()
    return rule.priority if rule else DEFAULT_MATRIX[(impact, urgency)]


def matrix() -> dict[tuple[int, int], int]:
    cells = dict(DEFAULT_MATRIX)
    cells.update({(r.impact, r.urgency): r.priority for r in PriorityRule.objects.all()})
    return cells
