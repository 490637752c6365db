"""The update composer's two verbs: draft an update from the plan, and post it everywhere.

``draft`` fills the plan's template for a phase, audience and language. ``post_comms_update``
checks the wording, posts through every chosen publisher and sets when the next update is due,
all in one transaction: if one channel refuses, nothing was posted anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fixfirst.audit.log import record
from fixfirst.comms import publishers, wording
from fixfirst.comms.choices import (
    FINAL_PHASES,
    LANGUAGE_CODES,
    PHASE_FOR_STATUS,
    Audience,
    Phase,
)
from fixfirst.comms.models import IncidentComms
from fixfirst.comms.plan import EffectivePlan, effective_plan
from fixfirst.comms.templating import fill, values_for
from fixfirst.incidents.choices import ResolutionCode
from fixfirst.incidents.models import Incident
from fixfirst.tenancy.models import User


def default_phase(incident: Incident) -> Phase:
    return PHASE_FOR_STATUS.get(incident.status, Phase.INVESTIGATING)


def default_language(incident: Incident) -> str:
    language = incident.customer.language
    return language if language in LANGUAGE_CODES else LANGUAGE_CODES[0]


def next_update_due(
    plan: EffectivePlan, incident: Incident, phase: str, now: dt.datetime
) -> dt.datetime | None:
    """``now`` plus the plan's cadence for the incident's priority, on a whole minute; None
    after the last update (resolved, post-incident) or when the plan sets no cadence."""
    minutes = plan.cadence_minutes(incident.priority)
    if phase in FINAL_PHASES or not minutes:
        return None
    due = now + dt.timedelta(minutes=minutes)
    return due.replace(second=0, microsecond=0) + (
        dt.timedelta(minutes=1) if due.second or due.microsecond else dt.timedelta()
    )


@dataclass(frozen=True)
class Draft:
    phase: str
    audience: str
    language: str
    subject: str
    body: str
    next_update_at: dt.datetime | None
    has_template: bool
    unknown: tuple[str, ...] = ()


def draft(
    incident: Incident,
    *,
    phase: str,
    audience: str = Audience.CUSTOMERS,
    language: str | None = None,
    plan: EffectivePlan | None = None,
    now: dt.datetime | None = None,
) -> Draft:
    """The plan's template for the phase, audience and language, filled in."""
    plan = plan or effective_plan(incident.customer)
    language = language or default_language(incident)
    now = now or timezone.now()
    due = next_update_due(plan, incident, phase, now)
    template = plan.template(phase, audience, language)
    if template is None:
        return Draft(phase, audience, language, incident.title, "", due, has_template=False)
    values = values_for(incident, plan=plan, language=language, next_update_at=due, now=now)
    subject = fill(template.subject, values)
    body = fill(template.body, values)
    return Draft(
        phase,
        audience,
        language,
        " ".join(subject.text.split()) or incident.title,
        body.text,
        due,
        has_template=True,
        unknown=tuple(dict.fromkeys(subject.unknown + body.unknown)),
    )


def check_wording(
    body: str, *, phase: str, audience: str, language: str, plan: EffectivePlan
) -> wording.WordingCheck | None:
    """The wording check, for what leaves the provider (internal notes are not checked)."""
    if audience == Audience.STAFF:
        return None
    return wording.check(body, language, phase=phase, terms=plan.terms(language))


class WordingNotConfirmed(ValidationError):
    """The text needs another look; post again with ``confirm_wording=True`` to send it anyway."""

    def __init__(self, result: wording.WordingCheck) -> None:
        self.result = result
        super().__init__({"body": result.problems()})


@dataclass
class Posted:
    comms: IncidentComms
    summaries: list[str] = field(default_factory=list)


@transaction.atomic
def post_comms_update(
    incident: Incident,
    *,
    by: User,
    phase: str,
    body: str,
    audience: str = Audience.CUSTOMERS,
    language: str | None = None,
    subject: str = "",
    channels: Mapping[str, list[str]] | None = None,
    resolution_code: str = ResolutionCode.FIXED,
    confirm_wording: bool = False,
    now: dt.datetime | None = None,
) -> Posted:
    """Post one update to the timeline and every chosen channel; set the next update's due time.

    ``channels`` maps a publisher key to the recipients chosen for it (``[]`` for a channel
    without recipients); the timeline is always posted to.
    """
    errors: dict[str, list[str]] = {}
    if phase not in Phase.values:
        errors["phase"] = [f"Unknown phase {phase!r}."]
    if audience not in Audience.values:
        errors["audience"] = [f"Unknown audience {audience!r}."]
    language = language or default_language(incident)
    if language not in LANGUAGE_CODES:
        errors["language"] = [f"Unknown language {language!r}."]
    if resolution_code not in ResolutionCode.values:
        errors["resolution_code"] = [f"Unknown resolution code {resolution_code!r}."]
    if not (body or "").strip():
        errors["body"] = ["Write the update."]
    chosen = dict(channels or {})
    offered = {p.key: p for p in publishers.offered(incident, audience)}
    unknown = sorted(set(chosen) - set(offered))
    if unknown:
        errors["channels"] = [f"Not available for this update: {', '.join(unknown)}."]
    if errors:
        raise ValidationError(errors)
    plan = effective_plan(incident.customer)
    result = check_wording(body, phase=phase, audience=audience, language=language, plan=plan)
    if result is not None and not result.ok and not confirm_wording:
        raise WordingNotConfirmed(result)

    now = now or timezone.now()
    comms, _created = IncidentComms.objects.select_for_update().get_or_create(incident=incident)
    posted = Posted(comms)
    for publisher in offered.values():
        if not publisher.always and publisher.key not in chosen:
            continue
        incident.refresh_from_db()  # the previous publisher may have moved it on
        item = publishers.Message(
            incident=incident, by=by, plan=plan, phase=phase, audience=audience,
            language=language, subject=subject, body=body.strip(),
            resolution_code=resolution_code,
        )  # fmt: skip
        summary = publisher.publish(item, list(chosen.get(publisher.key, [])))
        if summary:
            posted.summaries.append(summary)

    if audience == Audience.CUSTOMERS:
        # Only what the customer hears sets the cadence.
        comms.next_update_due_at = next_update_due(plan, incident, phase, now)
        comms.last_update_at = now
        comms.last_phase = phase
        comms.save(update_fields=["next_update_due_at", "last_update_at", "last_phase"])
    record(
        "comms.update",
        incident,
        by=by,
        after={
            "phase": phase,
            "audience": audience,
            "language": language,
            "channels": sorted({"timeline", *chosen}),
            "posted": posted.summaries,
            "wording_confirmed": bool(result and not result.ok),
            "next_update_due_at": comms.next_update_due_at,
        },
    )
    return posted
