"""REST API: /api/v1/communication-plans/ — the plan as one JSON document.

``PUT``/``PATCH`` take the plan's sections as lists; a section given replaces the plan's rows of
that section (rows with an ``id`` are changed, rows without are added, rows left out are
removed). ``GET .../effective/`` gives the plan that applies: the provider's with the
customer's on top.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fixfirst.comms import services
from fixfirst.comms.models import (
    CommunicationPlan,
    Criterion,
    MessageTemplate,
    PlanChannel,
    PlanRole,
    PlanValue,
    UpdateCadence,
    VagueTerm,
)
from fixfirst.comms.plan import effective_plan
from fixfirst.core.api import StrictModelSerializer
from fixfirst.tenancy.access import customers_for, require, scoped
from fixfirst.tenancy.models import Customer, User
from fixfirst.tenancy.roles import Capability


class _Row(StrictModelSerializer):
    id = serializers.IntegerField(required=False, help_text="Leave out to add a row.")


class PlanCriterionSerializer(_Row):
    class Meta:
        model = Criterion
        fields = ["id", "text", "is_major", "position"]


class PlanRoleSerializer(_Row):
    people = serializers.SlugRelatedField(
        slug_field="username",
        many=True,
        required=False,
        queryset=User.objects.filter(customer__isnull=True, is_active=True),
    )

    class Meta:
        model = PlanRole
        fields = ["id", "kind", "title", "duties", "people", "other_people", "position"]


class PlanChannelSerializer(_Row):
    class Meta:
        model = PlanChannel
        fields = ["id", "kind", "name", "incident_types", "audiences", "access", "position"]


class MessageTemplateSerializer(_Row):
    class Meta:
        model = MessageTemplate
        fields = ["id", "phase", "audience", "language", "subject", "body"]


class UpdateCadenceSerializer(_Row):
    class Meta:
        model = UpdateCadence
        fields = ["id", "priority", "minutes"]


class PlanValueSerializer(_Row):
    class Meta:
        model = PlanValue
        fields = ["id", "title", "description", "position"]


class VagueTermSerializer(_Row):
    class Meta:
        model = VagueTerm
        fields = ["id", "language", "term"]


# section name (as in services.SECTIONS) -> (serializer, related name on the plan)
SECTION_SERIALIZERS: dict[str, tuple[type[_Row], str]] = {
    "criteria": (PlanCriterionSerializer, "criteria"),
    "roles": (PlanRoleSerializer, "roles"),
    "channels": (PlanChannelSerializer, "channels"),
    "templates": (MessageTemplateSerializer, "templates"),
    "cadence": (UpdateCadenceSerializer, "cadences"),
    "values": (PlanValueSerializer, "values"),
    "wording": (VagueTermSerializer, "vague_terms"),
}


class CommunicationPlanSerializer(StrictModelSerializer):
    customer = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Customer.objects.none(),
        required=False,
        allow_null=True,
        help_text="Customer slug; leave out (or null) for the provider's plan.",
    )
    criteria = PlanCriterionSerializer(many=True, required=False)
    roles = PlanRoleSerializer(many=True, required=False)
    channels = PlanChannelSerializer(many=True, required=False)
    templates = MessageTemplateSerializer(many=True, required=False)
    cadence = UpdateCadenceSerializer(many=True, required=False, source="cadences")
    values = PlanValueSerializer(many=True, required=False)
    wording = VagueTermSerializer(many=True, required=False, source="vague_terms")

    class Meta:
        model = CommunicationPlan
        fields = [
            "id", "customer", "title", "introduction", "updated_at", "criteria", "roles",
            "channels", "templates", "cadence", "values", "wording",
        ]  # fmt: skip
        read_only_fields = ["id", "updated_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["customer"].queryset = customers_for(request.user)  # type: ignore[attr-defined]
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["customer"].read_only = True


def _split(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """(plan fields, section name -> rows) from validated data."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for name, (_serializer, related) in SECTION_SERIALIZERS.items():
        if related in data:
            sections[name] = [dict(row) for row in data.pop(related)]
    return data, sections


class CommunicationPlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CommunicationPlanSerializer

    def get_queryset(self) -> Any:
        user = self.request.user
        if not getattr(user, "is_provider_staff", False):
            # Customer users read their plan on its page, which leaves out internal parts.
            return CommunicationPlan.objects.none()
        return (
            scoped(CommunicationPlan, user)
            .select_related("customer")
            .prefetch_related(
                "criteria",
                "roles__people",
                "channels",
                "templates",
                "cadences",
                "values",
                "vague_terms",
            )  # fmt: skip
            .order_by("pk")
        )

    def _save_sections(self, plan: CommunicationPlan, sections: dict[str, Any]) -> None:
        for name, rows in sections.items():
            services.replace_section(plan, name, rows, by=self.request.user)

    @transaction.atomic
    def perform_create(self, serializer: Any) -> None:
        require(self.request.user, Capability.MANAGE_INCIDENTS)
        fields, sections = _split(dict(serializer.validated_data))
        plan = services.create_plan(by=self.request.user, **fields)
        self._save_sections(plan, sections)
        serializer.instance = self.get_queryset().get(pk=plan.pk)

    @transaction.atomic
    def perform_update(self, serializer: Any) -> None:
        require(self.request.user, Capability.MANAGE_INCIDENTS)
        fields, sections = _split(dict(serializer.validated_data))
        fields.pop("customer", None)
        plan = serializer.instance
        if fields:
            plan = services.update_plan(plan, by=self.request.user, **fields)
        self._save_sections(plan, sections)
        serializer.instance = self.get_queryset().get(pk=plan.pk)

    @extend_schema(responses=CommunicationPlanSerializer)
    @action(detail=True, methods=["get"])
    def effective(self, request: Request, pk: str | None = None) -> Response:
        """The plan that applies to this plan's customer: the provider's with this one on top."""
        plan = self.get_object()
        merged = effective_plan(plan.customer)
        context = self.get_serializer_context()
        return Response(
            {
                "customer": plan.customer.slug if plan.customer else None,
                "sources": [p.pk for p in (merged.provider_plan, merged.customer_plan) if p],
                "title": merged.title,
                "introduction": merged.introduction,
                "criteria": PlanCriterionSerializer(
                    merged.criteria, many=True, context=context
                ).data,
                "roles": PlanRoleSerializer(merged.roles, many=True, context=context).data,
                "channels": PlanChannelSerializer(merged.channels, many=True, context=context).data,
                "templates": MessageTemplateSerializer(
                    list(merged.templates.values()), many=True, context=context
                ).data,
                "cadence": [
                    {"priority": p, "minutes": m} for p, m in sorted(merged.cadence.items())
                ],
                "values": PlanValueSerializer(merged.values, many=True, context=context).data,
                "wording": merged.vague_terms,
            }
        )
