"""REST API for alerting: integrations (with their endpoint URL and key on creation), alerts,
routing rules and silences."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fixfirst.alerting import services
from fixfirst.alerting.endpoints import endpoint_url
from fixfirst.alerting.models import (
    Alert,
    ChangeEvent,
    Integration,
    IntegrationKind,
    RoutingRule,
    Silence,
    WhenCleared,
)
from fixfirst.catalog.models import Service
from fixfirst.core.api import StrictModelSerializer, created
from fixfirst.tenancy.access import customers_for, require, scoped
from fixfirst.tenancy.models import Customer, Team
from fixfirst.tenancy.roles import Capability


class _Scoped(StrictModelSerializer):
    """Relations offer only what the caller may see."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        for name, field in self.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and queryset.model is Customer:
                field.queryset = customers_for(request.user)  # type: ignore[attr-defined]
            elif queryset is not None and name in ("default_service", "set_service"):
                field.queryset = scoped(Service, request.user)  # type: ignore[attr-defined]


class IntegrationSerializer(_Scoped):
    customer = serializers.SlugRelatedField(
        slug_field="slug", queryset=Customer.objects.none(), required=False, allow_null=True
    )
    default_service = serializers.SlugRelatedField(
        slug_field="slug", queryset=Service.objects.all(), required=False, allow_null=True
    )
    team = serializers.SlugRelatedField(
        slug_field="slug", queryset=Team.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(IntegrationKind.choices)
    when_cleared = serializers.ChoiceField(WhenCleared.choices, required=False)
    endpoint = serializers.SerializerMethodField()

    class Meta:
        model = Integration
        fields = [
            "id", "name", "kind", "customer", "default_service", "team", "severity_priority",
            "group_by", "group_window_minutes", "when_cleared", "flap_threshold",
            "flap_window_minutes", "field_mapping", "is_active", "key_hint", "created_at",
            "rotated_at", "last_alert_at", "endpoint",
        ]  # fmt: skip
        read_only_fields = [
            "id",
            "key_hint",
            "created_at",
            "rotated_at",
            "last_alert_at",
            "endpoint",
        ]

    def get_endpoint(self, integration: Integration) -> str:
        return endpoint_url(integration, key=None)

    def validate_kind(self, value: str) -> str:
        if self.instance is not None and value != self.instance.kind:
            raise serializers.ValidationError(_("The kind of an integration cannot change."))
        return value


class NewIntegrationSerializer(IntegrationSerializer):
    key = serializers.CharField(
        read_only=True, help_text="Shown once. The secret in the URL / the PagerDuty routing key."
    )

    class Meta(IntegrationSerializer.Meta):
        fields = [*IntegrationSerializer.Meta.fields, "key"]


class AlertSerializer(serializers.ModelSerializer):
    integration = serializers.StringRelatedField()
    customer = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    service = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    incident = serializers.SlugRelatedField(slug_field="number", read_only=True)
    silenced = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id", "integration", "fingerprint", "customer", "service", "incident", "status",
            "name", "summary", "severity", "labels", "annotations", "source_url", "first_seen",
            "last_seen", "resolved_at", "occurrences", "flapping", "silenced",
        ]  # fmt: skip
        read_only_fields = fields

    def get_silenced(self, alert: Alert) -> bool:
        return alert.silenced_by_id is not None


class RoutingRuleSerializer(_Scoped):
    integration = serializers.PrimaryKeyRelatedField(
        queryset=Integration.objects.all(), required=False, allow_null=True
    )
    set_customer = serializers.SlugRelatedField(
        slug_field="slug", queryset=Customer.objects.none(), required=False, allow_null=True
    )
    set_service = serializers.SlugRelatedField(
        slug_field="slug", queryset=Service.objects.all(), required=False, allow_null=True
    )
    set_team = serializers.SlugRelatedField(
        slug_field="slug", queryset=Team.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = RoutingRule
        fields = [
            "id", "integration", "position", "name", "matchers", "set_customer", "set_service",
            "set_priority", "set_class", "set_team", "drop", "continue_matching", "is_active",
        ]  # fmt: skip
        read_only_fields = ["id"]


class SilenceSerializer(_Scoped):
    customer = serializers.SlugRelatedField(
        slug_field="slug", queryset=Customer.objects.none(), required=False, allow_null=True
    )

    class Meta:
        model = Silence
        fields = [
            "id",
            "kind",
            "customer",
            "matchers",
            "starts_at",
            "ends_at",
            "comment",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise serializers.ValidationError(
                {"ends_at": [_("A silence must end after it starts.")]}
            )
        return data


class ChangeEventSerializer(serializers.ModelSerializer):
    integration = serializers.StringRelatedField()

    class Meta:
        model = ChangeEvent
        fields = ["id", "integration", "summary", "source", "at", "details", "links"]
        read_only_fields = fields


class IntegrationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Alert sources. Creating one (or rotating its key) returns the key once."""

    serializer_class = IntegrationSerializer
    filterset_fields = ["kind", "is_active"]

    def get_queryset(self) -> Any:
        return scoped(Integration, self.request.user).select_related(
            "customer", "default_service", "team"
        )

    @extend_schema(request=IntegrationSerializer, responses={201: NewIntegrationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require(request.user, Capability.MANAGE_CUSTOMERS)
        serializer = IntegrationSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        integration, key = services.create_integration(by=request.user, **serializer.validated_data)
        return created(
            {
                **IntegrationSerializer(integration).data,
                "key": key,
                "endpoint": endpoint_url(integration, key),
            }
        )

    def perform_update(self, serializer: Any) -> None:
        require(self.request.user, Capability.MANAGE_CUSTOMERS)
        serializer.instance = services.update_integration(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, responses=NewIntegrationSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-key")
    def rotate_key(self, request: Request, pk: str) -> Response:
        integration = self.get_object()
        require(request.user, Capability.MANAGE_CUSTOMERS)
        key = services.rotate_key(integration, by=request.user)
        integration.refresh_from_db()
        return Response(
            {
                **IntegrationSerializer(integration).data,
                "key": key,
                "endpoint": endpoint_url(integration, key),
            }
        )


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AlertSerializer
    filterset_fields = ["status", "severity", "flapping", "integration"]

    def get_queryset(self) -> Any:
        qs = scoped(Alert, self.request.user).select_related(
            "integration", "customer", "service", "incident"
        )
        if number := self.request.query_params.get("incident"):
            qs = qs.filter(incident__number=number) if number.isdigit() else qs.none()
        return qs.order_by("-last_seen", "-pk")


class RoutingRuleViewSet(viewsets.ModelViewSet):
    """Ordered rules from labels to customer, service, priority, class and team (staff)."""

    serializer_class = RoutingRuleSerializer

    def get_queryset(self) -> Any:
        return scoped(RoutingRule, self.request.user).order_by("position", "pk")

    def perform_create(self, serializer: Any) -> None:
        require(self.request.user, Capability.MANAGE_CUSTOMERS)
        serializer.instance = services.save_rule(
            None, by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        require(self.request.user, Capability.MANAGE_CUSTOMERS)
        serializer.instance = services.save_rule(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: RoutingRule) -> None:
        require(self.request.user, Capability.MANAGE_CUSTOMERS)
        services.delete_rule(instance, by=self.request.user)


class SilenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Silences and maintenance windows. POST .../expire/ ends one now."""

    serializer_class = SilenceSerializer

    def get_queryset(self) -> Any:
        return scoped(Silence, self.request.user).order_by("-starts_at")

    def perform_create(self, serializer: Any) -> None:
        require(self.request.user, Capability.WORK_INCIDENTS)
        serializer.instance = services.create_silence(
            by=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, responses=SilenceSerializer)
    @action(detail=True, methods=["post"])
    def expire(self, request: Request, pk: str) -> Response:
        silence = self.get_object()
        require(request.user, Capability.WORK_INCIDENTS)
        ended = services.expire_silence(silence, by=request.user)
        if ended is None:
            return Response(status=204)  # it had not started: cancelled
        return Response(SilenceSerializer(ended).data)


class ChangeEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ChangeEventSerializer

    def get_queryset(self) -> Any:
        return scoped(ChangeEvent, self.request.user).select_related("integration")
