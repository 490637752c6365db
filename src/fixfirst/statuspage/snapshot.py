"""Everything one page shows, loaded once per render: HTML, JSON, feeds and badge read this."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from fixfirst.statuspage import jsonapi, status
from fixfirst.statuspage.choices import (
    ACTIVE_MAINTENANCE,
    UNRESOLVED,
    MaintenanceStatus,
)
from fixfirst.statuspage.models import (
    Component,
    ComponentGroup,
    PageIncident,
    PageUpdate,
    ScheduledMaintenance,
    StatusPage,
)

RECENT = 50  # Statuspage's incidents.json and scheduled-maintenances.json hold the 50 newest


@dataclass
class GroupView:
    group: ComponentGroup | None
    components: list[Component]
    status: str


class Snapshot:
    def __init__(self, page: StatusPage, now: dt.datetime | None = None) -> None:
        self.page = page
        self.now = now or timezone.now()

    # --- components ---------------------------------------------------------------------

    @cached_property
    def components(self) -> list[Component]:
        return list(self.page.components.select_related("group").order_by("position", "name", "pk"))

    @cached_property
    def groups(self) -> list[ComponentGroup]:
        return list(self.page.groups.order_by("position", "name", "pk"))

    @cached_property
    def layout(self) -> list[GroupView]:
        """Ungrouped components and groups, in position order, as the page lists them."""
        children: dict[int, list[Component]] = defaultdict(list)
        entries: list[tuple[int, int, GroupView]] = []
        for c in self.components:
            if c.group_id:
                children[c.group_id].append(c)
            else:
                entries.append((c.position, 0, GroupView(None, [c], c.status)))
        for g in self.groups:
            members = children.get(g.pk, [])
            if members:
                statuses = [c.status for c in members]
                entries.append(
                    (g.position, 1, GroupView(g, members, status.group_status(statuses)))
                )
        entries.sort(key=lambda e: (e[0], e[1]))
        return [e[2] for e in entries]

    def component_dict(self, c: Component) -> dict[str, Any]:
        return jsonapi.component_object(c, self.page, c.status)

    @cached_property
    def components_json(self) -> list[dict[str, Any]]:
        """Groups and components, as Statuspage lists them (a group is an entry too)."""
        out: list[dict[str, Any]] = []
        for view in self.layout:
            if view.group is not None:
                out.append(
                    jsonapi.group_object(view.group, self.page, view.status, view.components)
                )
            out.extend(self.component_dict(c) for c in view.components)
        return out

    @cached_property
    def _by_pk(self) -> dict[int, Component]:
        return {c.pk: c for c in self.components}

    # --- roll-up ------------------------------------------------------------------------

    @cached_property
    def indicator(self) -> status.Indicator:
        impacts = [pi.impact for pi in self.unresolved]
        return status.page_indicator([c.status for c in self.components], impacts)

    # --- incidents ----------------------------------------------------------------------

    def _incidents(self) -> Any:
        updates = PageUpdate.objects.order_by("-display_at", "-pk")
        return self.page.incidents.prefetch_related(
            Prefetch("updates", queryset=updates, to_attr="update_list"),
            Prefetch("components", queryset=Component.objects.select_related("group")),
        ).order_by("-started_at", "-pk")

    @cached_property
    def unresolved(self) -> list[PageIncident]:
        return list(self._incidents().filter(status__in=UNRESOLVED))

    @cached_property
    def recent(self) -> list[PageIncident]:
        return list(self._incidents()[:RECENT])

    def incident_json(self, pi: PageIncident) -> dict[str, Any]:
        comps = [self.component_dict(self._by_pk.get(c.pk, c)) for c in pi.components.all()]
        return jsonapi.incident_object(pi, self.page, pi.update_list, comps)  # type: ignore[attr-defined]

    def history(self, number: int, per_page: int = 10) -> tuple[list[PageIncident], int]:
        qs = self._incidents()
        total = qs.count()
        pages = max(1, -(-total // per_page))
        number = min(max(1, number), pages)
        return list(qs[(number - 1) * per_page : number * per_page]), pages

    def incident(self, public_id: str) -> PageIncident | None:
        return self._incidents().filter(public_id=public_id).first()

    # --- maintenance --------------------------------------------------------------------

    def _maintenances(self) -> Any:
        updates = PageUpdate.objects.order_by("-display_at", "-pk")
        return self.page.maintenances.prefetch_related(
            Prefetch("updates", queryset=updates, to_attr="update_list"),
            Prefetch("components", queryset=Component.objects.select_related("group")),
        )

    @cached_property
    def upcoming(self) -> list[ScheduledMaintenance]:
        return list(
            self._maintenances()
            .filter(status=MaintenanceStatus.SCHEDULED)
            .order_by("scheduled_for", "pk")
        )

    @cached_property
    def active_maintenance(self) -> list[ScheduledMaintenance]:
        return list(
            self._maintenances().filter(status__in=ACTIVE_MAINTENANCE).order_by("scheduled_for")
        )

    @cached_property
    def recent_maintenance(self) -> list[ScheduledMaintenance]:
        return list(self._maintenances().order_by("-scheduled_for", "-pk")[:RECENT])

    def maintenance_json(self, m: ScheduledMaintenance) -> dict[str, Any]:
        comps = [self.component_dict(self._by_pk.get(c.pk, c)) for c in m.components.all()]
        return jsonapi.maintenance_object(m, self.page, m.update_list, comps)  # type: ignore[attr-defined]

    def maintenance(self, public_id: str) -> ScheduledMaintenance | None:
        return self._maintenances().filter(public_id=public_id).first()

    # --- uptime -------------------------------------------------------------------------

    @cached_property
    def uptime(self) -> dict[int, list[status.Day]]:
        shown = [c for c in self.components if c.showcase]
        return status.uptime(self.page, shown, self.now) if shown else {}

    # --- the JSON documents -------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        return {
            "page": jsonapi.page_object(self.page),
            "status": self.status_dict(),
            "components": self.components_json,
            "incidents": [self.incident_json(pi) for pi in self.unresolved],
            "scheduled_maintenances": [
                self.maintenance_json(m) for m in [*self.active_maintenance, *self.upcoming]
            ],
        }

    def status_dict(self) -> dict[str, str]:
        return jsonapi.status_object(self.indicator.indicator)

    def api(self, name: str) -> dict[str, Any] | None:
        page = jsonapi.page_object(self.page)
        if name == "summary":
            return self.summary()
        if name == "status":
            return {"page": page, "status": self.status_dict()}
        if name == "components":
            return {"page": page, "components": self.components_json}
        if name == "incidents":
            return {"page": page, "incidents": [self.incident_json(pi) for pi in self.recent]}
        if name == "incidents/unresolved":
            return {"page": page, "incidents": [self.incident_json(pi) for pi in self.unresolved]}
        maintenances = {
            "scheduled-maintenances": lambda: self.recent_maintenance,
            "scheduled-maintenances/upcoming": lambda: self.upcoming,
            "scheduled-maintenances/active": lambda: self.active_maintenance,
        }
        if name in maintenances:
            items = maintenances[name]()
            return {
                "page": page,
                "scheduled_maintenances": [self.maintenance_json(m) for m in items],
            }
        return None


API_DOCUMENTS = [
    "summary",
    "status",
    "components",
    "incidents",
    "incidents/unresolved",
    "scheduled-maintenances",
    "scheduled-maintenances/upcoming",
    "scheduled-maintenances/active",
]
