"""Whole-response cache for status pages, and what to serve when the database is gone.

Every rendered document (HTML, JSON, feed, badge) is cached under the page's *version*, which
the services bump on every change, so a change is visible at once in this process and within
``META_TTL`` seconds in the others (with a per-process cache such as the default locmem one;
with a shared cache such as Redis, at once everywhere). A second copy of each document is kept
without expiry: when the database does not answer, that copy (or the static export on disk) is
served instead of an error.
"""

from __future__ import annotations

import hashlib
import mimetypes
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches

from fixfirst.statuspage.models import StatusPage

# How long a process trusts its idea of a page's version before asking the database again.
META_TTL = 5
# A rendered document is re-rendered at least this often (uptime bars move with the clock).
FRESH_TTL = 60
MAX_AGE = 10


def cache() -> BaseCache:
    return caches[getattr(settings, "FIXFIRST_STATUSPAGE_CACHE", "default")]


class _Local:
    """A small per-process layer in front of the cache: a hit costs a dict lookup, not a
    lock and an unpickling. Entries expire like their cache counterparts."""

    MAX = 4096

    def __init__(self) -> None:
        self._data: dict[str, tuple[float, Any]] = {}

    def get(self, key: str) -> Any:
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry[0] < time.monotonic():
            self._data.pop(key, None)
            return None
        return entry[1]

    def set(self, key: str, value: Any, ttl: float) -> None:
        if len(self._data) >= self.MAX:
            self._data.clear()  # crude, but rare: a few pages have a few dozen documents
        self._data[key] = (time.monotonic() + ttl, value)

    def delete(self, key: str) -> None:
        self._data.pop(key, None)

    def clear(self) -> None:
        self._data.clear()


local = _Local()


@dataclass(frozen=True)
class PageMeta:
    pk: int
    slug: str
    version: int
    public: bool
    customer_id: int | None
    updated_at: datetime


@dataclass(frozen=True)
class Document:
    body: bytes
    content_type: str
    last_modified: datetime
    public: bool
    status: int = 200
    etag: str = field(default="")

    @classmethod
    def make(
        cls, body: str | bytes, content_type: str, last_modified: datetime, public: bool
    ) -> Document:
        data = body.encode() if isinstance(body, str) else body
        etag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
        return cls(data, content_type, last_modified, public, 200, etag)


_MISSING = PageMeta(0, "", 0, False, None, datetime.min)


def _meta_key(slug: str) -> str:
    return f"statuspage:meta:{slug}"


def page_meta(slug: str) -> PageMeta | None:
    """The page's version and access facts: from the cache, else one query (may raise
    DatabaseError; then the last known facts are used, see :func:`stale_meta`)."""
    meta = local.get(_meta_key(slug))
    if meta is not None:
        return None if meta.pk == 0 else meta
    c = cache()
    meta = c.get(_meta_key(slug))
    if meta is None:
        row = (
            StatusPage.objects.filter(slug=slug)
            .values_list("pk", "version", "visibility", "customer_id", "updated_at")
            .first()
        )
        if row is None:
            meta = _MISSING
        else:
            pk, version, visibility, customer_id, updated_at = row
            meta = PageMeta(pk, slug, version, visibility == "public", customer_id, updated_at)
            c.set(f"{_meta_key(slug)}:stale", meta, None)
        c.set(_meta_key(slug), meta, META_TTL)
    local.set(_meta_key(slug), meta, META_TTL)
    return None if meta.pk == 0 else meta


def cached_meta(slug: str) -> PageMeta | None:
    """The page's facts if this process knows them now, without asking anyone."""
    meta = local.get(_meta_key(slug))
    return None if meta is None or meta.pk == 0 else meta


def stale_meta(slug: str) -> PageMeta | None:
    return cache().get(f"{_meta_key(slug)}:stale")


def invalidate(slug: str) -> None:
    """Forget the page's version here, so the next request reads the bumped one."""
    local.delete(_meta_key(slug))
    cache().delete(_meta_key(slug))


def doc_key(meta: PageMeta, lang: str, path: str) -> str:
    return f"statuspage:doc:{meta.slug}:{meta.version}:{lang}:{path}"


def stale_key(slug: str, lang: str, path: str) -> str:
    return f"statuspage:last:{slug}:{lang}:{path}"


def get(meta: PageMeta, lang: str, path: str) -> Document | None:
    key = doc_key(meta, lang, path)
    doc = local.get(key)
    if doc is None:
        doc = cache().get(key)
        if doc is not None:
            local.set(key, doc, FRESH_TTL)
    return doc


def put(meta: PageMeta, lang: str, path: str, doc: Document) -> None:
    c = cache()
    key = doc_key(meta, lang, path)
    c.set(key, doc, FRESH_TTL)
    c.set(stale_key(meta.slug, lang, path), doc, None)
    local.set(key, doc, FRESH_TTL)


def last_known(slug: str, lang: str, path: str) -> Document | None:
    return cache().get(stale_key(slug, lang, path))


# --- the static export as the last resort -------------------------------------------------


def export_root() -> Path | None:
    configured = getattr(settings, "FIXFIRST_STATUSPAGE_EXPORT_DIR", None)
    return Path(configured) if configured else None


def from_export(slug: str, relative: str) -> Document | None:
    """A file of the page's static export, when one is configured and holds it."""
    root = export_root()
    if root is None:
        return None
    base = (root / slug).resolve()
    target = (base / relative).resolve()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_relative_to(base) or not target.is_file():
        return None
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type.endswith(("json", "javascript", "xml")):
        content_type += "; charset=utf-8"
    modified = datetime.fromtimestamp(target.stat().st_mtime).astimezone()
    return Document.make(target.read_bytes(), content_type, modified, public=True)
