"""Rendering a page's documents, for the live views and for the static export alike.

``Links`` decides where links point: absolute paths under ``/status/<slug>/`` when served, or
relative ``.../index.html`` paths in an export, so that the export opens from any plain file
server or straight from disk.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _

from fixfirst.statuspage import feeds, jsonapi
from fixfirst.statuspage.caching import Document
from fixfirst.statuspage.choices import ComponentStatus
from fixfirst.statuspage.models import StatusPage
from fixfirst.statuspage.snapshot import Snapshot
from fixfirst.statuspage.status import uptime_percent

JSON = "application/json"
HTML = "text/html; charset=utf-8"
HISTORY_PER_PAGE = 10
PAST_DAYS = 7


@dataclass(frozen=True)
class Links:
    page: StatusPage
    # None: live; otherwise the export file's depth below the export root ("" / "../" ...).
    prefix: str | None = None

    @property
    def exported(self) -> bool:
        return self.prefix is not None

    def _to(self, live: str, exported: str) -> str:
        if self.prefix is None:
            return f"/status/{self.page.slug}/{live}"
        return self.prefix + exported

    @property
    def home(self) -> str:
        return self._to("", "index.html")

    def history(self, number: int = 1) -> str:
        if number <= 1:
            return self._to("history/", "history/index.html")
        return self._to(f"history/?page={number}", f"history/{number}/index.html")

    def incident(self, public_id: str) -> str:
        return self._to(f"incidents/{public_id}/", f"incidents/{public_id}/index.html")

    def maintenance(self, public_id: str) -> str:
        return self._to(f"maintenance/{public_id}/", f"maintenance/{public_id}/index.html")

    @property
    def css(self) -> str:
        return (
            self.prefix + "status.css"
            if self.prefix is not None
            else static("statuspage/status.css")
        )

    def file(self, name: str) -> str:
        return self._to(name, name)

    @property
    def atom(self) -> str:
        return self.file("history.atom")

    @property
    def rss(self) -> str:
        return self.file("history.rss")

    @property
    def summary_json(self) -> str:
        return self.file("api/v2/summary.json")

    @property
    def badge(self) -> str:
        return self.file("badge.svg")

    @property
    def embed(self) -> str:
        return self.file("embed.js")

    @property
    def live_home(self) -> str:
        return f"{settings.BASE_URL}/status/{self.page.slug}/"

    @property
    def subscribe(self) -> str:
        # The export posts to the live server: subscribing needs FixFirst up anyway.
        path = f"/status/{self.page.slug}/subscribe/"
        return settings.BASE_URL + path if self.exported else path


def _dump(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def api_document(snap: Snapshot, name: str) -> Document | None:
    data = snap.api(name)
    if data is None:
        return None
    return Document.make(_dump(data), JSON, snap.page.updated_at, snap.page.is_public)


# --- HTML ---------------------------------------------------------------------------------


def _days_of_history(snap: Snapshot) -> list[tuple[dt.date, list[Any]]]:
    """The last days, each with the incidents that started on it (as Statuspage shows)."""
    tz = timezone.get_current_timezone()
    today = snap.now.astimezone(tz).date()
    days: list[tuple[dt.date, list[Any]]] = [
        (today - dt.timedelta(days=n), []) for n in range(PAST_DAYS)
    ]
    index = {d: items for d, items in days}
    for pi in snap.recent:
        day = pi.started_at.astimezone(tz).date()
        if day in index:
            index[day].append(pi)
    return days


def _component_rows(snap: Snapshot) -> list[dict[str, Any]]:
    rows = []
    for view in snap.layout:
        members = []
        for c in view.components:
            if c.only_show_if_degraded and c.status == ComponentStatus.OPERATIONAL:
                continue
            days = snap.uptime.get(c.pk)
            members.append(
                {"component": c, "days": days, "uptime": uptime_percent(days) if days else None}
            )
        if members:
            rows.append({"group": view.group, "status": view.status, "members": members})
    return rows


def _context(snap: Snapshot, links: Links, **extra: Any) -> dict[str, Any]:
    return {
        "page": snap.page,
        "links": links,
        "indicator": snap.indicator,
        "now": snap.now,
        "generated_at": snap.now,
        **extra,
    }


def _html(template: str, snap: Snapshot, links: Links, **extra: Any) -> Document:
    tz = jsonapi.tz_of(snap.page)
    with timezone.override(tz):
        html = render_to_string(template, _context(snap, links, **extra))
    return Document.make(html, HTML, snap.page.updated_at, snap.page.is_public)


def home_document(snap: Snapshot, links: Links) -> Document:
    tz = jsonapi.tz_of(snap.page)
    with timezone.override(tz):
        past = _days_of_history(snap)
    unresolved_ids = {pi.pk for pi in snap.unresolved}
    return _html(
        "statuspage/page.html", snap, links,
        rows=_component_rows(snap), unresolved=snap.unresolved, active=snap.active_maintenance,
        upcoming=snap.upcoming, past=[(d, [i for i in items if i.pk not in unresolved_ids]) for d, items in past],
        components=snap.components,
    )  # fmt: skip


def history_document(snap: Snapshot, links: Links, number: int) -> Document:
    items, pages = snap.history(number, HISTORY_PER_PAGE)
    number = min(max(1, number), pages)
    return _html(
        "statuspage/history.html", snap, links, items=items, number=number, pages=pages,
        previous=links.history(number - 1) if number > 1 else None,
        next=links.history(number + 1) if number < pages else None,
        maintenances=snap.recent_maintenance if number == 1 else [],
    )  # fmt: skip


def incident_document(snap: Snapshot, links: Links, public_id: str) -> Document | None:
    pi = snap.incident(public_id)
    if pi is None:
        return None
    return _html("statuspage/incident.html", snap, links, item=pi, updates=pi.update_list)  # type: ignore[attr-defined]


def maintenance_document(snap: Snapshot, links: Links, public_id: str) -> Document | None:
    m = snap.maintenance(public_id)
    if m is None:
        return None
    return _html(
        "statuspage/incident.html", snap, links, item=m, updates=m.update_list, maintenance=True
    )  # type: ignore[attr-defined]


# --- feeds, badge, widget -----------------------------------------------------------------


def feed_request() -> HttpRequest:
    """A request for the syndication framework when there is none (the export)."""
    parts = urlsplit(settings.BASE_URL)
    request = HttpRequest()
    request.META = {
        "SERVER_NAME": parts.hostname or "localhost",
        "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)),
        "HTTP_HOST": parts.netloc or "localhost",
        "wsgi.url_scheme": parts.scheme or "http",
    }
    return request


def feed_document(snap: Snapshot, kind: str, request: HttpRequest | None = None) -> Document:
    feed_class = feeds.HistoryAtom if kind == "atom" else feeds.HistoryRss
    feed = feed_class().get_feed(snap.page, request or feed_request())
    content_type = "application/atom+xml" if kind == "atom" else "application/rss+xml"
    return Document.make(
        feed.writeString("utf-8"),
        f"{content_type}; charset=utf-8",
        snap.page.updated_at,
        snap.page.is_public,
    )


BADGE_COLOURS = {
    "none": "#2e7d32",
    "minor": "#f9a825",
    "major": "#ef6c00",
    "critical": "#c62828",
    "maintenance": "#1565c0",
}


def _text_width(text: str) -> int:
    # Verdana 11px averages about 7 px a character: close enough for a badge.
    return int(len(text) * 6.8) + 10


def badge_document(snap: Snapshot) -> Document:
    label = _("status")
    message = str(snap.indicator.description)
    lw, mw = _text_width(label), _text_width(message)
    svg = render_to_string(
        "statuspage/badge.svg",
        {"label": label, "message": message, "lw": lw, "mw": mw, "width": lw + mw,
         "lx": lw / 2, "mx": lw + mw / 2, "colour": BADGE_COLOURS[snap.indicator.indicator]},
    )  # fmt: skip
    return Document.make(
        svg, "image/svg+xml; charset=utf-8", snap.page.updated_at, snap.page.is_public
    )


def embed_document(page: StatusPage, links: Links) -> Document:
    """The widget script: the same for every state, so browsers may keep it an hour."""
    texts = {
        "loading": _("Checking status…"),
        "error": _("Status unavailable"),
        "more": _("View status page"),
    }
    js = render_to_string("statuspage/embed.js", {"page": page, "texts": _dump(texts)})
    return Document.make(js, "text/javascript; charset=utf-8", page.created_at, page.is_public)
