"""Staff pages for status pages: pages, groups, components, overrides, incidents,
maintenance and subscribers. Thin: access through tenancy.access, services change state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fixfirst.incidents.views import add_service_errors
from fixfirst.statuspage import forms as f
from fixfirst.statuspage import maintenance, services, subscriptions
from fixfirst.statuspage.choices import SubscriberKind
from fixfirst.statuspage.models import (
    Component,
    ComponentGroup,
    PageIncident,
    ScheduledMaintenance,
    StatusPage,
    Subscriber,
)
from fixfirst.tenancy.access import get_for, scoped
from fixfirst.tenancy.roles import Capability


def _manager(request: HttpRequest) -> Any:
    user = request.user
    if not (
        user.is_authenticated
        and user.is_provider_staff
        and (user.can(Capability.MANAGE_INCIDENTS) or user.can(Capability.MANAGE_CUSTOMERS))
    ):
        raise PermissionDenied(_("Your role does not allow this."))
    return user


def _page(request: HttpRequest, pk: int) -> StatusPage:
    return get_for(_manager(request), StatusPage, pk=pk)


def _back(page: StatusPage) -> HttpResponse:
    return redirect("statuspage:page_detail", page.pk)


def _form_page(
    request: HttpRequest,
    title: str,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Any],
    back: str,
    done: str,
) -> HttpResponse | None:
    """Validate and save a posted form; None means: show the form (again)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(
        request, "statuspage/staff/form.html", {"title": title, "form": form, "back": back}
    )


@login_required
def page_list(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    pages = (
        scoped(StatusPage, user)
        .select_related("customer")
        .annotate(
            n_components=Count("components", distinct=True),
            n_subscribers=Count(
                "subscribers", filter=Q(subscribers__confirmed_at__isnull=False), distinct=True
            ),
        )
    )
    return render(request, "statuspage/staff/list.html", {"pages": pages})


@login_required
def page_create(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    form = f.PageForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.create_page(by=user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Status page created."))
            return redirect("statuspage:page_detail", page.pk)
    back = reverse("statuspage:staff_list")
    return render(
        request,
        "statuspage/staff/form.html",
        {"title": _("New status page"), "form": form, "back": back},
    )


@login_required
def page_edit(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    form = f.PageForm(
        request.POST or None, instance=StatusPage.objects.get(pk=page.pk), user=request.user
    )
    back = reverse("statuspage:page_detail", args=[page.pk])
    return _form_page(request, _("Edit %(name)s") % {"name": page.name}, form,  # type: ignore[return-value]
                      lambda d: services.update_page(page, by=request.user, **d), back, _("Saved."))  # fmt: skip


@login_required
def page_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    components = list(page.components.select_related("group", "service"))
    context = {
        "page": page,
        "groups": page.groups.all(),
        "components": components,
        "incidents": page.incidents.prefetch_related("components").order_by("-started_at")[:20],
        "maintenances": page.maintenances.order_by("-scheduled_for")[:20],
        "override_form": f.OverrideForm(),
        "update_form": f.PageUpdateForm(),
        "advance_form": f.AdvanceForm(),
        "subscriber_counts": {
            kind: page.subscribers.filter(kind=kind, confirmed_at__isnull=False).count()
            for kind in SubscriberKind.values
        },
    }
    return render(request, "statuspage/staff/detail.html", context)


@login_required
def group_create(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    form = f.GroupForm(request.POST or None)
    return _form_page(request, _("New group"), form,  # type: ignore[return-value]
                      lambda d: services.save_group(None, by=request.user, page=page, **d),
                      reverse("statuspage:page_detail", args=[page.pk]), _("Group added."))  # fmt: skip


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_for(_manager(request), ComponentGroup, pk=pk)
    form = f.GroupForm(request.POST or None, instance=ComponentGroup.objects.get(pk=group.pk))
    data_fields = ["name", "description", "position"]
    return _form_page(request, _("Edit group"), form,  # type: ignore[return-value]
                      lambda d: services.save_group(group, by=request.user, page=group.page, **{k: d[k] for k in data_fields}),
                      reverse("statuspage:page_detail", args=[group.page_id]), _("Saved."))  # fmt: skip


@login_required
@require_POST
def group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_for(_manager(request), ComponentGroup, pk=pk)
    page = group.page
    services.delete_group(group, by=request.user)
    messages.success(request, _("Group removed; its components are now ungrouped."))
    return _back(page)


@login_required
def component_create(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    form = f.ComponentForm(request.POST or None, page=page)
    return _form_page(request, _("New component"), form,  # type: ignore[return-value]
                      lambda d: services.save_component(None, by=request.user, page=page, **d),
                      reverse("statuspage:page_detail", args=[page.pk]), _("Component added."))  # fmt: skip


@login_required
def component_edit(request: HttpRequest, pk: int) -> HttpResponse:
    component = get_for(_manager(request), Component, pk=pk)
    page = component.page
    form = f.ComponentForm(
        request.POST or None, instance=Component.objects.get(pk=component.pk), page=page
    )
    return _form_page(request, _("Edit component"), form,  # type: ignore[return-value]
                      lambda d: services.save_component(component, by=request.user, page=page, **d),
                      reverse("statuspage:page_detail", args=[page.pk]), _("Saved."))  # fmt: skip


@login_required
@require_POST
def component_delete(request: HttpRequest, pk: int) -> HttpResponse:
    component = get_for(_manager(request), Component, pk=pk)
    page = component.page
    services.delete_component(component, by=request.user)
    messages.success(request, _("Component removed."))
    return _back(page)


@login_required
@require_POST
def component_override(request: HttpRequest, pk: int) -> HttpResponse:
    component = get_for(_manager(request), Component, pk=pk)
    form = f.OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.set_component_override(
                component, by=request.user, status=form.cleaned_data["status"] or None,
                until=form.cleaned_data["until"],
            )  # fmt: skip
            messages.success(request, _("Status of %(name)s set.") % {"name": component.name})
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Check the status and the time."))
    return _back(component.page)


@login_required
def incident_create(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    user = request.user
    form = f.PageIncidentForm(request.POST or None, page=page, user=user)

    def save(d: dict[str, Any]) -> None:
        if d["incident"]:
            services.publish_incident_update(
                incident=d["incident"], body=d["body"], status=d["status"], by=user,
                impact=d["impact"], component_status=d["component_status"], pages=[page],
            )  # fmt: skip
            _adjust(PageIncident.objects.get(page=page, incident=d["incident"]), d)
        else:
            services.post_page_update(
                page=page, by=user, body=d["body"], status=d["status"], name=d["name"],
                impact=d["impact"], components=d["components"], component_status=d["component_status"],
            )  # fmt: skip

    def _adjust(pi: PageIncident, d: dict[str, Any]) -> None:
        # Title and components chosen here refine what publishing derived from the incident.
        fields = []
        if d["name"]:
            pi.name = d["name"]
            fields.append("name")
        if fields:
            pi.save(update_fields=fields)
        if d["components"]:
            pi.components.add(*d["components"])
            services.refresh_page(page)

    return _form_page(request, _("Publish an incident on %(name)s") % {"name": page.name}, form,  # type: ignore[return-value]
                      save, reverse("statuspage:page_detail", args=[page.pk]), _("Published."))  # fmt: skip


@login_required
@require_POST
def incident_update(request: HttpRequest, pk: int) -> HttpResponse:
    pi = get_for(_manager(request), PageIncident, pk=pk)
    form = f.PageUpdateForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.post_page_update(
                page=pi.page, by=request.user, body=d["body"], status=d["status"], page_incident=pi,
                impact=d["impact"] or None, component_status=d["component_status"] or None,
            )  # fmt: skip
            messages.success(request, _("Update posted."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Write a message and choose a status."))
    return _back(pi.page)


@login_required
def maintenance_create(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    form = f.MaintenanceForm(request.POST or None, page=page)
    return _form_page(request, _("Schedule maintenance"), form,  # type: ignore[return-value]
                      lambda d: maintenance.create_maintenance(page=page, by=request.user, **d),
                      reverse("statuspage:page_detail", args=[page.pk]), _("Maintenance scheduled."))  # fmt: skip


@login_required
@require_POST
def maintenance_advance(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_for(_manager(request), ScheduledMaintenance, pk=pk)
    form = f.AdvanceForm(request.POST)
    if form.is_valid():
        try:
            maintenance.advance_maintenance(
                m, form.cleaned_data["status"], by=request.user, body=form.cleaned_data["body"]
            )
            messages.success(request, _("Maintenance updated."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return _back(m.page)


@login_required
def subscriber_list(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page(request, pk)
    form = f.WebhookForm(request.POST or None, page=page)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = subscriptions.subscribe_webhook(
                page, form.cleaned_data["url"], form.cleaned_data["components"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = f.WebhookForm(page=page)
    subscribers = page.subscribers.prefetch_related("components")
    return render(request, "statuspage/staff/subscribers.html",
                  {"page": page, "subscribers": subscribers, "form": form, "created": created})  # fmt: skip


@login_required
@require_POST
def subscriber_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscriber = get_for(_manager(request), Subscriber, pk=pk)
    page = subscriber.page
    subscriptions.remove_subscriber(subscriber, by=request.user)
    messages.success(request, _("Subscriber removed."))
    return redirect("statuspage:subscriber_list", page.pk)
