"""Optional fast path: answer cached public status documents before the rest of the stack.

Put first in MIDDLEWARE (see docs/statuspage.md). A request for a public page whose document
this process already has is answered from memory, with the same body and the same security
headers the full stack would add; everything else (a miss, a login-only page, a POST) falls
through to the normal views unchanged. It never touches the database or the session.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from fixfirst.core.middleware import CSP
from fixfirst.statuspage import caching
from fixfirst.statuspage.views import respond

# path -> (slug, cache key, language-specific?, CORS?, max-age); the same keys as views.py.
_ROUTES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[str, bool, bool, int]]]] = [
    (re.compile(r"^/status/(?P<slug>[-\w]+)/$"), lambda m: ("home", True, False, caching.MAX_AGE)),
    (
        re.compile(r"^/status/(?P<slug>[-\w]+)/api/v2/(?P<name>[a-z/-]+)\.json$"),
        lambda m: (f"api:{m['name']}", False, True, caching.MAX_AGE),
    ),
    (
        re.compile(r"^/status/(?P<slug>[-\w]+)/badge\.svg$"),
        lambda m: ("badge", True, True, caching.MAX_AGE),
    ),
    (re.compile(r"^/status/(?P<slug>[-\w]+)/embed\.js$"), lambda m: ("embed", False, True, 3600)),
    (
        re.compile(r"^/status/(?P<slug>[-\w]+)/history\.(?P<kind>atom|rss)$"),
        lambda m: (f"feed:{m['kind']}", False, True, caching.MAX_AGE),
    ),
    (
        re.compile(r"^/status/(?P<slug>[-\w]+)/incidents/(?P<id>\w+)/$"),
        lambda m: (f"incident:{m['id']}", True, False, caching.MAX_AGE),
    ),
]


class StatusPageFastPath:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and request.path_info.startswith("/status/"):
            response = self._cached(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _cached(self, request: HttpRequest) -> HttpResponse | None:
        for pattern, describe in _ROUTES:
            match = pattern.match(request.path_info)
            if match is None:
                continue
            meta = caching.cached_meta(match["slug"])
            if meta is None or not meta.public:
                return None
            key, by_language, cors, max_age = describe(match)
            lang = translation.get_language_from_request(request) if by_language else "-"
            doc = caching.get(meta, lang, key)
            if doc is None:
                return None
            response = respond(request, doc, cors=cors, max_age=max_age)
            # What the skipped middleware would have added.
            response["Content-Security-Policy"] = CSP
            response["X-Content-Type-Options"] = "nosniff"
            response["Referrer-Policy"] = "same-origin"
            response["X-Frame-Options"] = "DENY"
            response["Cross-Origin-Opener-Policy"] = "same-origin"
            if by_language:
                response["Content-Language"] = lang
            patch_vary_headers(response, ("Accept-Language",))
            return response
        return None
