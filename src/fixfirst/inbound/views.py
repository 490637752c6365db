"""The inbound mailbox as the service desk sees it: every mail read, what became of it and
why, and the original message to download (a rejected mail is never lost silently)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from fixfirst.inbound.models import InboundMessage, InboundStatus
from fixfirst.tenancy.access import get_for, require, scoped
from fixfirst.tenancy.roles import Capability


def _visible(request: HttpRequest):  # noqa: ANN202 - a queryset
    if not request.user.is_provider_staff:  # type: ignore[union-attr]
        raise Http404("The mailbox is for the provider's staff.")
    require(request.user, Capability.WORK_INCIDENTS)
    return scoped(InboundMessage, request.user)


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    messages = _visible(request).select_related("customer", "incident").defer("raw")
    status = request.GET.get("status", "")
    if status in InboundStatus.values:
        messages = messages.filter(status=status)
    else:
        status = ""
    page = Paginator(messages, 50).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "statuses": InboundStatus.choices}
    return render(request, "inbound/list.html", context)


@login_required
def message_raw(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_for(request.user, _visible(request), pk=pk)
    response = HttpResponse(bytes(message.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="inbound-{message.pk}.eml"'
    return response
