"""Filling a message template's ``{placeholders}`` from an incident, safely.

Only the names in ``PLACEHOLDERS`` are filled, through ``str.format_map`` on a template in
which everything else was escaped first: no attribute access (``{title.__class__}``), no
format specs (``{title:>999999}``), no conversions. An unknown ``{name}`` stays in the text as
written and is reported, so the writer sees it before anything is posted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fixfirst.comms.plan import EffectivePlan
from fixfirst.incidents.choices import Impact, Status
from fixfirst.incidents.models import Incident

PLACEHOLDERS: dict[str, object] = {
    "incident": gettext_lazy("reference and title, e.g. INC-1042 “Mail is down”"),
    "reference": gettext_lazy("the incident number, e.g. INC-1042"),
    "title": gettext_lazy("the incident's title"),
    "customer": gettext_lazy("the customer's name"),
    "services": gettext_lazy("the affected services"),
    "started": gettext_lazy("when the incident started"),
    "status": gettext_lazy("the incident's status"),
    "next_update": gettext_lazy("when the next update is due"),
    "workaround": gettext_lazy("the workaround, if there is one"),
    "impact": gettext_lazy("the impact (high, medium, low)"),
    "commander": gettext_lazy("the incident commander"),
}

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(frozen=True)
class Filled:
    text: str
    unknown: tuple[str, ...] = ()


def fill(template: str, values: Mapping[str, str]) -> Filled:
    """``template`` with the known placeholders replaced; unknown ones left as written."""
    known = {name: str(values[name]) for name in PLACEHOLDERS if name in values}
    unknown: list[str] = []

    def escape(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token
        name = match.group(1)
        if name is None:  # a lone brace
            return token * 2
        if name in known:
            return "{" + name + "}"
        unknown.append(token)
        return "{{" + name + "}}"

    safe = _TOKEN.sub(escape, template or "")
    return Filled(safe.format_map(known), tuple(dict.fromkeys(unknown)))


def _local(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return timezone.localtime(moment, tz)


def when(moment: dt.datetime, tz: ZoneInfo, *, now: dt.datetime | None = None) -> str:
    """``14:30 CET`` today, ``12 March 2026 14:30 CET`` on another day (active language)."""
    local = _local(moment, tz)
    today = _local(now or timezone.now(), tz).date()
    fmt = "TIME_FORMAT" if local.date() == today else "DATETIME_FORMAT"
    return f"{formats.date_format(local, fmt)} {local.tzname()}"


def _full(moment: dt.datetime, tz: ZoneInfo) -> str:
    local = _local(moment, tz)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def values_for(
    incident: Incident,
    *,
    plan: EffectivePlan,
    language: str,
    next_update_at: dt.datetime | None,
    now: dt.datetime | None = None,
) -> dict[str, str]:
    """Every placeholder's text for ``incident``, written in ``language``."""
    tz = _zone(incident.customer.timezone)
    commander = plan.commander()
    with translation.override(language):
        services = ", ".join(s.name for s in incident.services.all())
        return {
            "incident": f"{incident.reference} “{incident.title}”",
            "reference": incident.reference,
            "title": incident.title,
            "customer": incident.customer.name,
            "services": services or _("our services"),
            "started": _full(incident.opened_at, tz),
            "status": str(Status(incident.status).label),
            "next_update": (
                when(next_update_at, tz, now=now) if next_update_at else _("no further updates")
            ),
            # Templates put their own full stop after it.
            "workaround": incident.workaround.strip().removesuffix(".") or _("none yet"),
            "impact": str(Impact(incident.impact).label),
            "commander": commander.display_name if commander else _("the service desk"),
        }
