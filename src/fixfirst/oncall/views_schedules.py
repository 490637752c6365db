"""Pages for on-call schedules: overview, one schedule with its coming weeks, editing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fixfirst.oncall import editing, schedules
from fixfirst.oncall.forms import LayerForm, MemberForm, OverrideForm, ScheduleForm
from fixfirst.oncall.models import EscalationPolicy, Layer, LayerMember, Override, Schedule
from fixfirst.oncall.views_common import (
    EDIT_POLICIES,
    EDIT_SCHEDULES,
    form_page,
    post_action,
    staff_user,
)
from fixfirst.tenancy.access import get_for, require

TABLE_WEEKS = 4


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    now = timezone.now()
    rows = [
        (s, schedules.on_call_at(s, now, dt.timedelta(days=35))) for s in schedules.with_layers()
    ]
    mine = schedules.shifts_of(user, now, now + dt.timedelta(weeks=4))
    return render(request, "oncall/index.html", {
        "rows": rows, "mine": mine[:10],
        "policies": EscalationPolicy.objects.prefetch_related("steps", "services__service"),
        "can_edit": user.can(EDIT_SCHEDULES), "can_edit_policies": user.can(EDIT_POLICIES),
    })  # fmt: skip


def _schedule(request: HttpRequest, pk: int, edit: bool = False) -> Schedule:
    staff_user(request)
    return get_for(request.user, Schedule, EDIT_SCHEDULES if edit else None, pk=pk)


def _feed_url(schedule: Schedule) -> str:
    return settings.BASE_URL + reverse(
        "oncall:schedule_ics", args=[schedule.pk, schedule.ical_token]
    )


@login_required
def schedule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = schedules.with_layers(Schedule.objects.filter(pk=_schedule(request, pk).pk))[0]
    tz = ZoneInfo(schedule.timezone)
    now = timezone.now()
    asked = request.GET.get("weeks", "")
    weeks = min(max(int(asked), 1), 8) if asked.isdigit() else TABLE_WEEKS
    today = now.astimezone(tz).date()
    colours: dict[int, int] = {}
    table = schedules.day_table(schedule, today, weeks * 7)
    for row in table:
        # One colour per person, so a week reads at a glance.
        row.shifts = [
            (shift, lo, hi, colours.setdefault(shift.user.pk, len(colours) % 8))  # type: ignore[misc]
            for shift, lo, hi in row.shifts
        ]
    return render(request, "oncall/schedule_detail.html", {
        "schedule": schedule, "now": schedules.on_call_at(schedule, now, dt.timedelta(days=35)),
        "table": table, "weeks": weeks,
        "overrides": schedule.overrides.filter(ends_at__gt=now).select_related("user"),
        "feed_url": _feed_url(schedule), "tz": tz,
        "can_edit": request.user.can(EDIT_SCHEDULES),  # type: ignore[union-attr]
        "layer_form": LayerForm(initial={"start_date": today, "handoff_time": dt.time(9)}),
        "member_form": MemberForm(), "override_form": OverrideForm(),
    })  # fmt: skip


@login_required
def schedule_create(request: HttpRequest) -> HttpResponse:
    staff_user(request)
    require(request.user, EDIT_SCHEDULES)
    return form_page(
        request, ScheduleForm(request.POST or None),
        lambda data: editing.save_schedule(None, by=request.user, **data),
        title=_("New on-call schedule"),
        success=lambda s: redirect("oncall:schedule_detail", s.pk),
        back=reverse("oncall:index"),
    )  # fmt: skip


@login_required
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _schedule(request, pk, edit=True)
    return form_page(
        request, ScheduleForm(request.POST or None, instance=schedule),
        lambda data: editing.save_schedule(schedule, by=request.user, **data),
        title=_("Edit %(name)s") % {"name": schedule.name},
        success=lambda s: redirect("oncall:schedule_detail", s.pk),
        back=reverse("oncall:schedule_detail", args=[schedule.pk]),
    )  # fmt: skip


@login_required
@require_POST
def schedule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _schedule(request, pk, edit=True)
    return post_action(
        request, lambda: editing.delete_schedule(schedule, by=request.user),
        _("Schedule deleted."), redirect("oncall:index"),
    )  # fmt: skip


@login_required
@require_POST
def schedule_rotate_token(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _schedule(request, pk, edit=True)
    return post_action(
        request, lambda: editing.rotate_schedule_token(schedule, by=request.user),
        _("New calendar address made; the old one no longer works."),
        redirect("oncall:schedule_detail", schedule.pk),
    )  # fmt: skip


@login_required
def layer_create(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _schedule(request, pk, edit=True)
    return form_page(
        request, LayerForm(request.POST or None, initial={"start_date": timezone.localdate()}),
        lambda data: editing.save_layer(
            None, by=request.user, schedule=schedule,
            **{k: v for k, v in data.items() if not (k == "position" and v is None)},
        ),
        title=_("New layer"),
        success=lambda layer: redirect("oncall:schedule_detail", schedule.pk),
        back=reverse("oncall:schedule_detail", args=[schedule.pk]),
    )  # fmt: skip


def _layer(request: HttpRequest, pk: int) -> Layer:
    staff_user(request)
    return get_for(request.user, Layer.objects.select_related("schedule"), EDIT_SCHEDULES, pk=pk)


@login_required
def layer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    layer = _layer(request, pk)
    return form_page(
        request, LayerForm(request.POST or None, instance=layer),
        lambda data: editing.save_layer(
            layer, by=request.user, schedule=layer.schedule,
            **{k: v for k, v in data.items() if v is not None or k != "position"},
        ),
        title=_("Edit layer %(name)s") % {"name": layer.name},
        success=lambda saved: redirect("oncall:schedule_detail", layer.schedule_id),
        back=reverse("oncall:schedule_detail", args=[layer.schedule_id]),
    )  # fmt: skip


@login_required
@require_POST
def layer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    layer = _layer(request, pk)
    return post_action(
        request, lambda: editing.delete_layer(layer, by=request.user), _("Layer deleted."),
        redirect("oncall:schedule_detail", layer.schedule_id),
    )  # fmt: skip


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    layer = _layer(request, pk)
    form = MemberForm(request.POST)
    back = redirect("oncall:schedule_detail", layer.schedule_id)
    if not form.is_valid():
        messages.error(request, _("Choose a person."))
        return back
    return post_action(
        request, lambda: editing.add_layer_member(layer, form.cleaned_data["user"], by=request.user),
        _("Added to the rotation."), back,
    )  # fmt: skip


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    staff_user(request)
    member = get_for(
        request.user, LayerMember.objects.select_related("layer", "user"), EDIT_SCHEDULES, pk=pk
    )
    return post_action(
        request, lambda: editing.remove_layer_member(member, by=request.user),
        _("Removed from the rotation."), redirect("oncall:schedule_detail", member.layer.schedule_id),
    )  # fmt: skip


@login_required
def override_create(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = _schedule(request, pk, edit=True)
    # The times typed are the schedule's local times.
    with timezone.override(ZoneInfo(schedule.timezone)):
        return form_page(
            request, OverrideForm(request.POST or None),
            lambda data: editing.add_override(schedule, by=request.user, **data),
            title=_("Override for %(name)s") % {"name": schedule.name},
            success=lambda o: redirect("oncall:schedule_detail", schedule.pk),
            back=reverse("oncall:schedule_detail", args=[schedule.pk]),
        )  # fmt: skip


@login_required
@require_POST
def override_delete(request: HttpRequest, pk: int) -> HttpResponse:
    staff_user(request)
    override = get_for(request.user, Override, EDIT_SCHEDULES, pk=pk)
    return post_action(
        request, lambda: editing.delete_override(override, by=request.user),
        _("Override removed."), redirect("oncall:schedule_detail", override.schedule_id),
    )  # fmt: skip
