"""Background work of the status pages: the clock (maintenance states, statuses that follow
incidents) and refreshing the static export after a change."""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from fixfirst.core.periodic import periodic
from fixfirst.statuspage import caching, maintenance, services
from fixfirst.statuspage.models import StatusPage

logger = logging.getLogger(__name__)


@periodic(every=dt.timedelta(seconds=30))
@task()
def tick() -> int:
    """Start and end maintenances on time; follow incidents opened or resolved elsewhere and
    overrides that ran out. 30 s keeps a page at most half a minute behind the incident desk."""
    moved = maintenance.run_maintenance_clock()
    return moved + services.refresh_all()


@task()
def export_page(page_id: int) -> str:
    """Rewrite the page's static export under FIXFIRST_STATUSPAGE_EXPORT_DIR/<slug>/."""
    from fixfirst.statuspage.export import export

    root = caching.export_root()
    page = StatusPage.objects.filter(pk=page_id).first()
    if root is None or page is None or not page.is_public:
        return "skipped"
    export(page, root / page.slug)
    return "exported"
