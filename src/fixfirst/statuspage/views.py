"""The public status pages: HTML, Statuspage-compatible JSON, feeds, badge and widget.

Every document goes through :func:`_serve`: cached per page version, with ETag, Last-Modified
and a short max-age; when the database fails, the last copy (or the static export) is served.
Public pages never touch the session, so nothing varies by cookie and any cache may keep them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from fixfirst.statuspage import caching, subscriptions
from fixfirst.statuspage import render as docs
from fixfirst.statuspage.caching import Document, PageMeta
from fixfirst.statuspage.models import StatusPage, Subscriber
from fixfirst.statuspage.snapshot import API_DOCUMENTS, Snapshot
from fixfirst.tenancy.access import customers_for

logger = logging.getLogger(__name__)

Build = Callable[[StatusPage], Document | None]
MAX_HISTORY_PAGE = 500
# Subscribing sends mail: a few a minute from one client address is plenty (behind a reverse
# proxy every reader shares the proxy's address, hence the headroom).
SUBSCRIBE_LIMIT = 30
SUBSCRIBE_WINDOW = 600


def may_see(user: object, customer_id: int | None) -> bool:
    """A login-only page: staff, and users of its customer (any user for the provider's)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:  # type: ignore[attr-defined]
        return False
    if customer_id is None:
        return True
    return customers_for(user).filter(pk=customer_id).exists()


def _deny(request: HttpRequest, meta: PageMeta, html: bool) -> HttpResponse | None:
    if meta.public:
        return None
    user = request.user
    if not user.is_authenticated:
        if html:
            return redirect_to_login(request.get_full_path())
        return JsonResponse(
            {"error": "not_authenticated", "detail": _("Log in to see this page.")}, status=401
        )
    if not may_see(user, meta.customer_id):
        raise Http404
    return None


def respond(request: HttpRequest, doc: Document, *, cors: bool, max_age: int) -> HttpResponse:
    cache_control = f"{'public' if doc.public else 'private'}, max-age={max_age}"
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        fresh = (
            doc.etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            or if_none_match.strip() == "*"
        )
    else:
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        fresh = since is not None and int(doc.last_modified.timestamp()) <= since
    response: HttpResponse = (
        HttpResponseNotModified()
        if fresh
        else HttpResponse(doc.body, content_type=doc.content_type, status=doc.status)
    )
    response["ETag"] = doc.etag
    response["Last-Modified"] = http_date(doc.last_modified.timestamp())
    response["Cache-Control"] = cache_control
    if cors and doc.public:
        response["Access-Control-Allow-Origin"] = "*"
    return response


def _unavailable(request: HttpRequest) -> HttpResponse:
    response = render(request, "statuspage/unavailable.html", status=503)
    response["Retry-After"] = "30"
    return response


def _serve(
    request: HttpRequest,
    slug: str,
    key: str,
    build: Build,
    *,
    export_path: str | None,
    html: bool = True,
    cors: bool = False,
    max_age: int = caching.MAX_AGE,
) -> HttpResponse:
    # JSON, feeds and the widget are the same in every language: one cached copy.
    lang = translation.get_language() if html else "-"
    try:
        meta = caching.page_meta(slug)
        if meta is None:
            raise Http404
        denied = _deny(request, meta, html)
        if denied is not None:
            return denied
        doc = caching.get(meta, lang, key)
        if doc is None:
            page = StatusPage.objects.get(pk=meta.pk)
            doc = build(page)
            if doc is None:
                raise Http404
            caching.put(meta, lang, key, doc)
    except DatabaseError:
        logger.warning("status page %s: database unavailable, serving the last copy", slug)
        stale = caching.stale_meta(slug)
        doc = None
        # A login-only page is never served without knowing who asks.
        if stale is None or stale.public:
            doc = caching.last_known(slug, lang, key)
            if doc is None and export_path is not None:
                doc = caching.from_export(slug, export_path)
        if doc is None:
            return _unavailable(request)
    return respond(request, doc, cors=cors, max_age=max_age)


def _links(page: StatusPage) -> docs.Links:
    return docs.Links(page)


@require_safe
def home(request: HttpRequest, slug: str) -> HttpResponse:
    def build(page: StatusPage) -> Document:
        return docs.home_document(Snapshot(page), _links(page))

    return _serve(request, slug, "home", build, export_path="index.html")


@require_safe
def history(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        # Capped: every distinct number is a cache entry and a render.
        number = min(max(1, int(request.GET.get("page", "1"))), MAX_HISTORY_PAGE)
    except ValueError:
        number = 1

    def build(page: StatusPage) -> Document:
        return docs.history_document(Snapshot(page), _links(page), number)

    export = "history/index.html" if number == 1 else f"history/{number}/index.html"
    return _serve(request, slug, f"history:{number}", build, export_path=export)


@require_safe
def incident(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    def build(page: StatusPage) -> Document | None:
        return docs.incident_document(Snapshot(page), _links(page), public_id)

    return _serve(
        request,
        slug,
        f"incident:{public_id}",
        build,
        export_path=f"incidents/{public_id}/index.html",
    )


@require_safe
def maintenance(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    def build(page: StatusPage) -> Document | None:
        return docs.maintenance_document(Snapshot(page), _links(page), public_id)

    return _serve(
        request,
        slug,
        f"maintenance:{public_id}",
        build,
        export_path=f"maintenance/{public_id}/index.html",
    )


@require_safe
def api(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    if name not in API_DOCUMENTS:
        raise Http404

    def build(page: StatusPage) -> Document | None:
        return docs.api_document(Snapshot(page), name)

    return _serve(
        request,
        slug,
        f"api:{name}",
        build,
        export_path=f"api/v2/{name}.json",
        html=False,
        cors=True,
    )


@require_safe
def feed(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    def build(page: StatusPage) -> Document:
        return docs.feed_document(Snapshot(page), kind, request)

    return _serve(
        request, slug, f"feed:{kind}", build, export_path=f"history.{kind}", html=False, cors=True
    )


@require_safe
def badge(request: HttpRequest, slug: str) -> HttpResponse:
    def build(page: StatusPage) -> Document:
        return docs.badge_document(Snapshot(page))

    return _serve(request, slug, "badge", build, export_path="badge.svg", cors=True)


@require_safe
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    def build(page: StatusPage) -> Document:
        return docs.embed_document(page, _links(page))

    return _serve(request, slug, "embed", build, export_path="embed.js", cors=True, max_age=3600)


# --- subscribing --------------------------------------------------------------------------


def _page_for(request: HttpRequest, slug: str) -> StatusPage:
    page = StatusPage.objects.filter(slug=slug).select_related("customer").first()
    if page is None:
        raise Http404
    if not page.is_public and not may_see(request.user, page.customer_id):
        raise Http404
    return page


def _over_limit(request: HttpRequest) -> bool:
    address = request.META.get("REMOTE_ADDR", "-")
    key = f"statuspage:subscribe:{address}"
    c = caching.cache()
    c.add(key, 0, SUBSCRIBE_WINDOW)
    try:
        return c.incr(key) > SUBSCRIBE_LIMIT
    except ValueError:
        return False


@csrf_exempt  # the static export posts here from another origin; double opt-in guards it
@require_POST
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    page = _page_for(request, slug)
    if _over_limit(request):
        return render(
            request,
            "statuspage/message.html",
            {
                "page": page,
                "title": _("Too many requests"),
                "text": _("Please try again in a few minutes."),
            },
            status=429,
        )
    wanted = request.POST.getlist("components")
    components = list(page.components.filter(public_id__in=wanted)) if wanted else []
    url = request.POST.get("url", "").strip()
    try:
        if url:
            subscriber = subscriptions.subscribe_webhook(page, url, components)
            return render(
                request, "statuspage/subscribed.html", {"page": page, "subscriber": subscriber}
            )
        subscriptions.subscribe_email(page, request.POST.get("email", ""), components)
    except ValidationError as exc:
        errors = (
            " ".join(m for ms in exc.message_dict.values() for m in ms)
            if hasattr(exc, "error_dict")
            else " ".join(exc.messages)
        )
        return render(
            request,
            "statuspage/message.html",
            {"page": page, "title": _("Not subscribed"), "text": errors},
            status=400,
        )
    return render(request, "statuspage/message.html", {
        "page": page, "title": _("Check your inbox"),
        "text": _("We sent a confirmation link. You will get updates once you have followed it."),
    })  # fmt: skip


def _subscriber(slug: str, **token: str) -> Subscriber:
    subscriber = Subscriber.objects.select_related("page").filter(page__slug=slug, **token).first()
    if subscriber is None:
        raise Http404
    return subscriber


@csrf_exempt  # the token in the address is the authority; there is no session to protect
def confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    subscriber = _subscriber(slug, confirm_token=token)
    if request.method == "POST":
        subscriptions.confirm(token)
        return render(request, "statuspage/message.html", {
            "page": subscriber.page, "title": _("Subscription confirmed"),
            "text": _("You will receive an email when %(name)s posts an update.") % {"name": subscriber.page.name},
        })  # fmt: skip
    # A GET only asks: mail scanners that follow links must not confirm anybody.
    return render(request, "statuspage/token_form.html", {
        "page": subscriber.page, "title": _("Confirm your subscription"),
        "text": _("Receive email updates from %(name)s at %(email)s?") % {"name": subscriber.page.name, "email": subscriber.email},
        "button": _("Confirm subscription"),
    })  # fmt: skip


@csrf_exempt  # RFC 8058 one-click unsubscribe: mail clients POST without any cookie
def unsubscribe(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    subscriber = _subscriber(slug, unsubscribe_token=token)
    if request.method == "POST":
        subscriptions.unsubscribe(token)
        return render(request, "statuspage/message.html", {
            "page": subscriber.page, "title": _("Unsubscribed"),
            "text": _("%(address)s will get no more updates from %(name)s.") % {"address": subscriber.address, "name": subscriber.page.name},
        })  # fmt: skip
    return render(request, "statuspage/token_form.html", {
        "page": subscriber.page, "title": _("Unsubscribe"),
        "text": _("Stop sending updates from %(name)s to %(address)s?") % {"name": subscriber.page.name, "address": subscriber.address},
        "button": _("Unsubscribe"),
    })  # fmt: skip
