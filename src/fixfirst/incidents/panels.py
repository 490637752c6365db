"""Cards other apps add to the staff incident page (communication, major incident, on-call),
so that the incidents app shows them without importing those apps.

An app registers ``(request, incident) -> str`` in its ``AppConfig.ready``; the function
returns the card's HTML (rendered with the request, so CSRF tokens work) or "" for nothing.
Cards are shown in ``order``, above the description.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from fixfirst.incidents.models import Incident

Panel = Callable[[HttpRequest, Incident], str]
_panels: dict[str, tuple[int, Panel]] = {}


def register(name: str, panel: Panel, *, order: int = 50) -> None:
    """Add (or replace) the card ``name``."""
    _panels[name] = (order, panel)


def render(request: HttpRequest, incident: Incident) -> list[SafeString]:
    cards = sorted(_panels.items(), key=lambda item: (item[1][0], item[0]))
    html = (panel(request, incident) for _, (_, panel) in cards)
    return [mark_safe(h) for h in html if h]  # noqa: S308 - rendered templates
