"""The communication plan: read it (page and PDF), start one, edit its tables.

Thin: objects through tenancy.access, forms validate, ``comms.services`` changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fixfirst.comms import pdf, services
from fixfirst.comms.choices import current_language
from fixfirst.comms.document import document
from fixfirst.comms.forms import SECTION_FORMS, PlanForm, TranslatedForm
from fixfirst.comms.models import CommunicationPlan, PlanItem, translated
from fixfirst.comms.plan import effective_plan
from fixfirst.comms.templating import PLACEHOLDERS
from fixfirst.tenancy.access import customers_for, get_for, require, scoped
from fixfirst.tenancy.models import Customer, Provider, User
from fixfirst.tenancy.roles import Capability

SECTION_LABELS: dict[str, Any] = {
    "criteria": gettext_lazy("What counts as an incident"),
    "roles": gettext_lazy("Roles and responsibilities"),
    "channels": gettext_lazy("Communication channels"),
    "templates": gettext_lazy("Message templates"),
    "cadence": gettext_lazy("Update cadence"),
    "values": gettext_lazy("Incident values"),
    "wording": gettext_lazy("Words we do not use"),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _error_into_form(form: TranslatedForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- reading --------------------------------------------------------------------------------


def _plan_context(request: HttpRequest, customer: Customer | None) -> dict[str, Any]:
    user = _user(request)
    plan = effective_plan(customer)
    language = current_language()
    own = plan.customer_plan if customer is not None else plan.provider_plan
    context = {
        **document(plan, language=language, internal=user.is_provider_staff),
        "plan": plan,
        "own_plan": own,
        "provider": Provider.current(),
        "can_edit": user.can(Capability.MANAGE_INCIDENTS),
        "pdf_available": pdf.available(),
    }
    if customer is None and user.is_provider_staff:
        with_plan = set(
            scoped(CommunicationPlan, user)
            .filter(customer__isnull=False)
            .values_list("customer_id", flat=True)
        )
        customers = list(customers_for(user).filter(is_active=True))
        for found in customers:
            found.has_plan = found.pk in with_plan  # type: ignore[attr-defined]
        context["customer_plans"] = customers
    return context


def _pdf_response(request: HttpRequest, context: dict[str, Any], name: str) -> HttpResponse:
    html = render_to_string("comms/plan_pdf.html", context, request=request)
    try:
        document = pdf.render_pdf(html)
    except RuntimeError:
        return HttpResponse(
            _("PDF rendering is not available on this server."),
            status=503,
            content_type="text/plain",
        )
    response = HttpResponse(document, content_type="application/pdf")
    filename = f"communication-plan-{name}-{context['language']}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _customer_of(request: HttpRequest, slug: str) -> Customer:
    return get_for(request.user, Customer, slug=slug)


@login_required
def provider_plan(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.is_provider_staff:
        if user.customer_id:
            return redirect("comms:customer_plan", user.customer.slug)  # type: ignore[union-attr]
        raise PermissionDenied(_("This page is for provider staff."))
    return render(request, "comms/plan.html", _plan_context(request, None))


@login_required
def provider_plan_pdf(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.is_provider_staff:
        if user.customer_id:
            return redirect("comms:customer_plan_pdf", user.customer.slug)  # type: ignore[union-attr]
        raise PermissionDenied(_("This page is for provider staff."))
    return _pdf_response(request, _plan_context(request, None), "provider")


@login_required
def customer_plan(request: HttpRequest, customer: str) -> HttpResponse:
    found = _customer_of(request, customer)
    return render(request, "comms/plan.html", _plan_context(request, found))


@login_required
def customer_plan_pdf(request: HttpRequest, customer: str) -> HttpResponse:
    found = _customer_of(request, customer)
    return _pdf_response(request, _plan_context(request, found), found.slug)


# --- editing --------------------------------------------------------------------------------


@login_required
@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    """Start the provider's plan, or a customer's own plan on top of it."""
    user = _user(request)
    require(user, Capability.MANAGE_INCIDENTS)
    slug = request.POST.get("customer", "")
    customer = _customer_of(request, slug) if slug else None
    plan = CommunicationPlan.objects.filter(customer=customer).first()
    if plan is None:
        plan = services.create_plan(by=user, customer=customer)
        messages.success(request, _("Plan started."))
    return redirect("comms:plan_edit", plan.pk)


def _editable_plan(request: HttpRequest, pk: int) -> CommunicationPlan:
    plans = CommunicationPlan.objects.select_related("customer")
    return get_for(request.user, plans, Capability.MANAGE_INCIDENTS, pk=pk)


def summary(section: str, item: Any, language: str) -> str:
    """One line naming a row of a section, for the edit page."""
    if section == "criteria":
        text = translated(item.text, language)
        return f"{text} ({_('major')})" if item.is_major else text
    if section == "roles":
        people = " ".join(f"@{p.username}" for p in item.people.all())
        return f"{item.display_title(language)} — {people or item.other_people or '—'}"
    if section in ("channels",):
        return f"{translated(item.name, language)} ({item.get_kind_display()})"
    if section == "templates":
        return " · ".join(
            [item.get_phase_display(), item.get_audience_display(), item.language.upper()]
        ) + (f" — {item.subject}" if item.subject else "")
    if section == "cadence":
        return _("%(priority)s: every %(minutes)d minutes") % {
            "priority": item.get_priority_display(),
            "minutes": item.minutes,
        }
    if section == "values":
        return translated(item.title, language)
    return f"{item.language.upper()}: {item.term}"


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(plan, by=_user(request), **form.service_fields())
        except ValidationError as exc:
            _error_into_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("comms:plan_edit", plan.pk)
    language = current_language()
    sections = []
    for name, label in SECTION_LABELS.items():
        model = services.SECTIONS[name]
        items = model.objects.filter(plan=plan)  # type: ignore[attr-defined]
        if name == "roles":
            items = items.prefetch_related("people")
        if name == "templates":
            items = items.order_by("language", "phase", "audience")
        sections.append(
            {
                "name": name,
                "label": label,
                "items": [(item, summary(name, item, language)) for item in items],
            }
        )
    context = {"plan": plan, "form": form, "sections": sections}
    return render(request, "comms/plan_edit.html", context, status=400 if form.errors else 200)


def _section(section: str) -> tuple[type[Model], type[TranslatedForm]]:
    if section not in SECTION_FORMS:
        raise Http404("No such section.")
    return services.SECTIONS[section], SECTION_FORMS[section]


def _item_page(
    request: HttpRequest, plan: CommunicationPlan, section: str, item: PlanItem | None
) -> HttpResponse:
    _model, form_class = _section(section)
    instance = item if item is not None else _model(plan=plan)  # type: ignore[call-arg]
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_item(plan, section, by=_user(request), item=item, **form.service_fields())
        except ValidationError as exc:
            _error_into_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("comms:plan_edit", plan.pk)
    context = {
        "plan": plan,
        "form": form,
        "section": section,
        "section_label": SECTION_LABELS[section],
        "item": item,
        "placeholders": PLACEHOLDERS.items() if section == "templates" else (),
    }
    return render(request, "comms/item_form.html", context, status=400 if form.errors else 200)


def _item(request: HttpRequest, plan: CommunicationPlan, section: str, pk: int) -> PlanItem:
    model, _form = _section(section)
    return get_for(request.user, scoped(model, request.user).filter(plan=plan), pk=pk)  # type: ignore[arg-type]


@login_required
def item_new(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    plan = _editable_plan(request, pk)
    return _item_page(request, plan, section, None)


@login_required
def item_edit(request: HttpRequest, pk: int, section: str, item: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    return _item_page(request, plan, section, _item(request, plan, section, item))


@login_required
@require_POST
def item_delete(request: HttpRequest, pk: int, section: str, item: int) -> HttpResponse:
    plan = _editable_plan(request, pk)
    services.delete_item(_item(request, plan, section, item), by=_user(request))
    messages.success(request, _("Removed."))
    return redirect("comms:plan_edit", plan.pk)
