"""Pages reached by a secret in the URL, without logging in: calendar feeds, the one-click
acknowledge link in a page, and the email-verification link.

Links in mails are opened by scanners and previewers too, so a GET never changes anything:
it shows a page with one big button, and only the POST acts.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from fixfirst.oncall import contacts, ical, paging, services
from fixfirst.oncall.models import PersonalFeed, Schedule

ICAL_TYPE = "text/calendar; charset=utf-8"


def _calendar(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICAL_TYPE)
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def schedule_ics(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    schedule = Schedule.objects.filter(pk=pk).first()
    if schedule is None or not constant_time_compare(schedule.ical_token, token):
        raise Http404("No such calendar.")
    return _calendar(ical.schedule_feed(schedule), f"oncall-{schedule.pk}")


@require_GET
def person_ics(request: HttpRequest, user_id: int, token: str) -> HttpResponse:
    feed = PersonalFeed.objects.select_related("user").filter(user_id=user_id).first()
    if (
        feed is None
        or not feed.user.is_active
        or not feed.user.is_provider_staff
        or not constant_time_compare(feed.token, token)
    ):
        raise Http404("No such calendar.")
    return _calendar(ical.person_feed(feed.user), f"oncall-{feed.user.username}")


@never_cache
@require_http_methods(["GET", "POST"])
def ack(request: HttpRequest, token: str) -> HttpResponse:
    page = paging.page_from_token(token)
    if page is None:
        raise Http404("This link is not valid (any more).")
    done = None
    if request.method == "POST":
        done = "acknowledged" if services.acknowledge_page(page) else "already"
        page.refresh_from_db()
        page.incident.refresh_from_db()
    return render(
        request, "oncall/ack.html", {"page": page, "incident": page.incident, "done": done}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    method = contacts.method_from_token(token)
    if method is None:
        raise Http404("This link is not valid (any more).")
    done = None
    if request.method == "POST":
        done = "verified" if contacts.confirm_link(method) else "already"
    return render(request, "oncall/verify.html", {"method": method, "done": done})
