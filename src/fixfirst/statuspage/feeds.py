"""``history.rss`` and ``history.atom``: a page's incidents and maintenances, newest first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from fixfirst.statuspage import jsonapi
from fixfirst.statuspage.models import PageIncident, PageUpdate, ScheduledMaintenance, StatusPage

ITEMS = 50


class HistoryRss(Feed):
    feed_type = Rss201rev2Feed

    def title(self, page: StatusPage) -> str:
        return _("%(name)s status history") % {"name": page.name}

    def description(self, page: StatusPage) -> str:
        return _("Incidents and maintenance reported on %(name)s.") % {"name": page.name}

    def link(self, page: StatusPage) -> str:
        return jsonapi.page_url(page) + "/"

    def items(self, page: StatusPage) -> list[PageIncident | ScheduledMaintenance]:
        incidents = list(page.incidents.prefetch_related("updates").order_by("-updated_at")[:ITEMS])
        maintenances = list(
            page.maintenances.prefetch_related("updates").order_by("-updated_at")[:ITEMS]
        )
        both = sorted([*incidents, *maintenances], key=lambda i: i.updated_at, reverse=True)
        return both[:ITEMS]

    def item_title(self, item: PageIncident | ScheduledMaintenance) -> str:
        return item.name

    def item_description(self, item: PageIncident | ScheduledMaintenance) -> str:
        updates: list[PageUpdate] = sorted(
            item.updates.all(), key=lambda u: u.display_at, reverse=True
        )
        return render_to_string("statuspage/_feed_item.html", {"item": item, "updates": updates})

    def item_link(self, item: PageIncident | ScheduledMaintenance) -> str:
        kind = "incidents" if isinstance(item, PageIncident) else "maintenance"
        return f"{jsonapi.page_url(item.page)}/{kind}/{item.public_id}/"

    def item_guid(self, item: PageIncident | ScheduledMaintenance) -> str:
        return f"tag:fixfirst,status:{item.public_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: PageIncident | ScheduledMaintenance) -> dt.datetime:
        return item.created_at

    def item_updateddate(self, item: PageIncident | ScheduledMaintenance) -> dt.datetime:
        return item.updated_at

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {}


class HistoryAtom(HistoryRss):
    feed_type = Atom1Feed
    subtitle = HistoryRss.description
