"""Cards other apps add to the staff incident page (communication, major incident, on-call),
so that the incidents app shows them without importing those apps.

An app registers ``(request, incident) -> str`` in its ``AppConfig.ready``; the function
returns the card's HTML (rendered with the request, so CSRF tokens work) or "" for nothing.
Cards are shown in ``order``, in their ``slot``: "top" above the description, "bottom" below
the timeline and actions.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from fixfirst.incidents.models import Incident

Panel = Callable[[HttpRequest, Incident], str]
SLOTS = ("top", "bottom")
_panels: dict[str, tuple[str, int, Panel]] = {}


def register(name: str, panel: Panel, *, order: int = 50, slot: str = "top") -> None:
    """Add (or replace) the card ``name``."""
    if slot not in SLOTS:
        raise ValueError(f"slot must be one of {SLOTS}")
    _panels[name] = (slot, order, panel)


def render(request: HttpRequest, incident: Incident) -> dict[str, list[SafeString]]:
    """The cards' HTML by slot: ``{"top": [...], "bottom": [...]}``."""
    rendered: dict[str, list[SafeString]] = {slot: [] for slot in SLOTS}
    for _name, (slot, _order, panel) in sorted(_panels.items(), key=lambda i: (i[1][1], i[0])):
        html = panel(request, incident)
        if html:
            rendered[slot].append(mark_safe(html))  # noqa: S308 - rendered templates
    return rendered
