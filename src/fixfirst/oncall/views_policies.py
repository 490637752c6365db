"""Pages for escalation policies: steps, targets, and the services they page for."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fixfirst.alerting.routing import visible_rules
from fixfirst.oncall import editing
from fixfirst.oncall.choices import EscalationStatus
from fixfirst.oncall.forms import AttachForm, PolicyForm, StepForm
from fixfirst.oncall.models import Escalation, EscalationPolicy, EscalationStep
from fixfirst.oncall.models.policies import integration_model
from fixfirst.oncall.views_common import EDIT_POLICIES, form_page, post_action, staff_user
from fixfirst.tenancy.access import get_for, require, scoped


def _integrations(request: HttpRequest) -> Any:
    """Alert integrations belong to customers: only those the user may see."""
    return scoped(integration_model(), request.user).order_by("name")


def _policy(request: HttpRequest, pk: int, edit: bool = False) -> EscalationPolicy:
    staff_user(request)
    return get_for(request.user, EscalationPolicy, EDIT_POLICIES if edit else None, pk=pk)


@login_required
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = _policy(request, pk)
    steps = policy.steps.prefetch_related("targets__schedule", "targets__user", "targets__team")
    running = (
        scoped(Escalation, request.user)
        .filter(policy=policy, status=EscalationStatus.ACTIVE)
        .select_related("incident")
    )
    total = 0
    timeline = []
    for step in steps:
        total += step.delay_minutes
        timeline.append((step, total))
    attached = [link.service for link in policy.services.select_related("service")]
    visible = _integrations(request)
    linked = list(visible.filter(escalation_link__policy=policy))
    rules = visible_rules(request.user).order_by("position", "pk")
    linked_rules = list(rules.filter(escalation_link__policy=policy))
    return render(request, "oncall/policy_detail.html", {
        "policy": policy, "steps": timeline, "running": running[:50],
        "services": attached,
        "integrations": linked,
        "rules": linked_rules,
        "can_edit": request.user.can(EDIT_POLICIES),  # type: ignore[union-attr]
        "step_form": StepForm(), "attach_form": AttachForm(
            initial={"services": attached, "integrations": linked, "rules": linked_rules},
            integrations=visible, rules=rules,
        ),
    })  # fmt: skip


@login_required
def policy_create(request: HttpRequest) -> HttpResponse:
    staff_user(request)
    require(request.user, EDIT_POLICIES)
    return form_page(
        request, PolicyForm(request.POST or None),
        lambda data: editing.save_policy(None, by=request.user, **data),
        title=_("New escalation policy"),
        success=lambda p: redirect("oncall:policy_detail", p.pk),
        back=reverse("oncall:index"),
    )  # fmt: skip


@login_required
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = _policy(request, pk, edit=True)
    return form_page(
        request, PolicyForm(request.POST or None, instance=policy),
        lambda data: editing.save_policy(policy, by=request.user, **data),
        title=_("Edit %(name)s") % {"name": policy.name},
        success=lambda p: redirect("oncall:policy_detail", p.pk),
        back=reverse("oncall:policy_detail", args=[policy.pk]),
    )  # fmt: skip


@login_required
@require_POST
def policy_delete(request: HttpRequest, pk: int) -> HttpResponse:
    policy = _policy(request, pk, edit=True)
    return post_action(
        request, lambda: editing.delete_policy(policy, by=request.user),
        _("Policy deleted. Escalations already running go on with their copy of it."),
        redirect("oncall:index"),
    )  # fmt: skip


@login_required
@require_POST
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    policy = _policy(request, pk, edit=True)
    form = StepForm(request.POST)
    back = redirect("oncall:policy_detail", policy.pk)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return back
    return post_action(
        request,
        lambda: editing.add_step(
            policy, by=request.user, delay_minutes=form.cleaned_data["delay_minutes"],
            targets=form.targets(),
        ),
        _("Step added."), back,
    )  # fmt: skip


@login_required
@require_POST
def step_delete(request: HttpRequest, pk: int) -> HttpResponse:
    staff_user(request)
    step = get_for(
        request.user, EscalationStep.objects.select_related("policy"), EDIT_POLICIES, pk=pk
    )
    return post_action(
        request, lambda: editing.delete_step(step, by=request.user), _("Step removed."),
        redirect("oncall:policy_detail", step.policy_id),
    )  # fmt: skip


@login_required
@require_POST
def policy_attach(request: HttpRequest, pk: int) -> HttpResponse:
    policy = _policy(request, pk, edit=True)
    visible = _integrations(request)
    rules = visible_rules(request.user)
    form = AttachForm(request.POST, integrations=visible, rules=rules)
    back = redirect("oncall:policy_detail", policy.pk)
    if not form.is_valid():
        messages.error(request, _("Choose from the lists."))
        return back
    return post_action(
        request,
        lambda: editing.attach_policy(
            policy, by=request.user, services=form.cleaned_data["services"],
            integrations=form.cleaned_data["integrations"], visible_integrations=visible,
            rules=form.cleaned_data["rules"], visible_rules=rules,
        ),
        _("Saved."), back,
    )  # fmt: skip
