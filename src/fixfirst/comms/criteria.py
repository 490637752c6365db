"""The plan's incident criteria on one incident: which apply, and whether they make it major."""

from __future__ import annotations

from collections.abc import Iterable

from fixfirst.comms.models import Criterion, IncidentComms
from fixfirst.comms.plan import EffectivePlan, effective_plan
from fixfirst.incidents.models import Incident


def criteria_for(incident: Incident, plan: EffectivePlan | None = None) -> list[Criterion]:
    """The criteria of the plan that applies to the incident's customer."""
    return (plan or effective_plan(incident.customer)).criteria


def ticked_ids(incident: Incident) -> set[int]:
    comms = IncidentComms.objects.filter(incident=incident).first()
    if comms is None:
        return set()
    return set(comms.ticked.values_list("pk", flat=True))


def suggests_major(
    incident: Incident,
    ticked: Iterable[Criterion | int],
    plan: EffectivePlan | None = None,
) -> bool:
    """True when a ticked criterion of the incident's plan is flagged *major*.

    Criteria of another customer's plan never count, whatever is passed in.
    """
    ids = {c.pk if isinstance(c, Criterion) else int(c) for c in ticked}
    return any(c.is_major and c.pk in ids for c in criteria_for(incident, plan))
