"""The plan as a document a person reads: every table in one language, ready to render.

Staff read the whole plan. A customer's own people read what concerns them: no access notes
for the channels and only the messages written for customers.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fixfirst.comms.choices import Audience, Phase
from fixfirst.comms.models import translated
from fixfirst.comms.plan import EffectivePlan
from fixfirst.comms.templating import PLACEHOLDERS, fill
from fixfirst.incidents.choices import Priority

_EMPTY_VALUES = dict.fromkeys(PLACEHOLDERS, "")


def every(minutes: int) -> str:
    """``30 minutes``, ``4 hours``, ``1 day``: a cadence as people say it."""
    if minutes % 1440 == 0:
        days = minutes // 1440
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def _templates(plan: EffectivePlan, language: str, internal: bool) -> list[dict[str, Any]]:
    phases = []
    for phase in Phase:
        rows = []
        for audience in Audience:
            if not internal and audience != Audience.CUSTOMERS:
                continue
            template = plan.template(phase, audience, language)
            if template is None:
                continue
            rows.append(
                {
                    "audience": audience.label,
                    "template": template,
                    "other_language": template.language != language,
                    "unknown": fill(f"{template.subject}\n{template.body}", _EMPTY_VALUES).unknown,
                }
            )
        phases.append({"phase": phase.label, "key": phase.value, "rows": rows})
    return phases


def document(plan: EffectivePlan, *, language: str, internal: bool) -> dict[str, Any]:
    """Template context for ``comms/_plan_document.html``."""
    return {
        "language": language,
        "internal": internal,
        "title": plan.text("title", language) or _("Incident communication plan"),
        "introduction": plan.text("introduction", language),
        "customer": plan.customer,
        "updated_at": plan.updated_at,
        "criteria": [
            {"text": translated(c.text, language), "major": c.is_major} for c in plan.criteria
        ],
        "roles": [
            {
                "title": r.display_title(language),
                "duties": translated(r.duties, language),
                "people": list(r.people.all()),
                "others": r.other_people,
            }
            for r in plan.roles
        ],
        "channels": [
            {
                "name": translated(c.name, language),
                "kind": c.get_kind_display(),
                "incident_types": translated(c.incident_types, language),
                "audiences": translated(c.audiences, language),
                "access": translated(c.access, language) if internal else "",
            }
            for c in plan.channels
        ],
        "cadence": [
            {"priority": Priority(p).label, "minutes": m, "every": every(m)}
            for p, m in sorted(plan.cadence.items())
        ],
        "phases": _templates(plan, language, internal),
        "placeholders": [(f"{{{name}}}", help_text) for name, help_text in PLACEHOLDERS.items()],
        "values": [
            {
                "title": translated(v.title, language),
                "description": translated(v.description, language),
            }
            for v in plan.values
        ],
        "vague_terms": plan.terms(language),
    }
