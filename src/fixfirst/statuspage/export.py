"""The static export: a page as plain files that open from any file server, or from disk.

Every link is relative (``../incidents/<id>/index.html``), the stylesheet is copied beside the
pages, and the JSON API, feeds, badge and widget are files too. Each file is replaced
atomically, so a web server serving the directory never shows a half-written page.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.contrib.staticfiles import finders
from django.utils import translation

from fixfirst.statuspage import render
from fixfirst.statuspage.models import StatusPage
from fixfirst.statuspage.render import Links
from fixfirst.statuspage.snapshot import API_DOCUMENTS, Snapshot


def documents(page: StatusPage) -> dict[str, bytes]:
    """Relative path -> content of every file of the export."""
    snap = Snapshot(page)
    files: dict[str, bytes] = {}
    with translation.override(page.language):
        files["index.html"] = render.home_document(snap, Links(page, "")).body
        _items, pages = snap.history(1, render.HISTORY_PER_PAGE)
        for number in range(1, pages + 1):
            if number == 1:
                files["history/index.html"] = render.history_document(
                    snap, Links(page, "../"), 1
                ).body
            else:
                doc = render.history_document(snap, Links(page, "../../"), number)
                files[f"history/{number}/index.html"] = doc.body
        deep = Links(page, "../../")
        for public_id in page.incidents.values_list("public_id", flat=True):
            doc = render.incident_document(snap, deep, public_id)
            if doc is not None:
                files[f"incidents/{public_id}/index.html"] = doc.body
        for public_id in page.maintenances.values_list("public_id", flat=True):
            doc = render.maintenance_document(snap, deep, public_id)
            if doc is not None:
                files[f"maintenance/{public_id}/index.html"] = doc.body
        files["history.atom"] = render.feed_document(snap, "atom").body
        files["history.rss"] = render.feed_document(snap, "rss").body
        files["badge.svg"] = render.badge_document(snap).body
        files["embed.js"] = render.embed_document(page, Links(page, "")).body
    for name in API_DOCUMENTS:
        doc = render.api_document(snap, name)
        if doc is not None:
            files[f"api/v2/{name}.json"] = doc.body
    css = finders.find("statuspage/status.css")
    files["status.css"] = Path(str(css)).read_bytes() if css else b""
    return files


def _write(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(page: StatusPage, directory: Path) -> list[Path]:
    """Write the export into ``directory``; files of incidents no longer there are removed."""
    directory = Path(directory)
    files = documents(page)
    written = []
    for relative, content in files.items():
        target = directory / relative
        _write(target, content)
        written.append(target)
    keep = {directory / r for r in files}
    for sub in ("incidents", "maintenance", "history"):
        for old in (directory / sub).rglob("index.html") if (directory / sub).exists() else []:
            if old not in keep:
                old.unlink()
    return written
