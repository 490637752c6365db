"""REST API for managing status pages: /api/v1/status-pages/ and /api/v1/status-components/.

The public, read-only Statuspage-compatible JSON lives on the page itself
(/status/<slug>/api/v2/...); this API is for staff who manage pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fixfirst.catalog.models import Service
from fixfirst.core.api import StrictModelSerializer, StrictSerializer, created
from fixfirst.incidents.models import Incident
from fixfirst.statuspage import maintenance, services, subscriptions
from fixfirst.statuspage.choices import ComponentStatus, Impact, IncidentStatus
from fixfirst.statuspage.models import (
    Component,
    PageIncident,
    ScheduledMaintenance,
    StatusPage,
    Subscriber,
)
from fixfirst.tenancy.access import customers_for, scoped
from fixfirst.tenancy.models import Customer
from fixfirst.tenancy.roles import Capability


def _require_manager(user: Any) -> None:
    if not (
        user.is_provider_staff
        and (user.can(Capability.MANAGE_INCIDENTS) or user.can(Capability.MANAGE_CUSTOMERS))
    ):
        raise PermissionDenied(_("Your role does not allow this."))


class PageSerializer(StrictModelSerializer):
    customer = serializers.SlugRelatedField(
        slug_field="slug", queryset=Customer.objects.all(), required=False, allow_null=True
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = StatusPage
        fields = ["id", "public_id", "slug", "name", "customer", "visibility", "intro", "support_url",
                  "time_zone", "language", "url", "updated_at"]  # fmt: skip
        read_only_fields = ["id", "public_id", "url", "updated_at"]

    def get_url(self, page: StatusPage) -> str:
        return page.get_absolute_url()

    def validate_customer(self, customer: Customer | None) -> Customer | None:
        user = self.context["request"].user
        if customer is not None and not customers_for(user).filter(pk=customer.pk).exists():
            raise serializers.ValidationError(_("No such customer."))
        return customer


class ComponentSerializer(StrictModelSerializer):
    group = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    service = serializers.SlugRelatedField(
        slug_field="slug", queryset=Service.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Component
        fields = ["id", "public_id", "name", "description", "group", "service", "position", "showcase",
                  "only_show_if_degraded", "follow_incidents", "status", "override_status",
                  "override_until", "start_date"]  # fmt: skip
        read_only_fields = [
            "id",
            "public_id",
            "group",
            "status",
            "override_status",
            "override_until",
        ]


class OverrideSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=ComponentStatus.choices, allow_null=True)
    until = serializers.DateTimeField(required=False, allow_null=True)


class PageIncidentSerializer(serializers.ModelSerializer):
    incident = serializers.SlugRelatedField(slug_field="number", read_only=True)
    components = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)

    class Meta:
        model = PageIncident
        fields = ["id", "public_id", "incident", "name", "status", "impact", "component_status",
                  "components", "started_at", "monitoring_at", "resolved_at", "updated_at"]  # fmt: skip
        read_only_fields = fields


class PublishSerializer(StrictSerializer):
    incident = serializers.IntegerField(required=False, help_text="A FixFirst incident number.")
    page_incident = serializers.CharField(
        required=False, help_text="Public id of an incident on this page, for its next update."
    )
    name = serializers.CharField(required=False, allow_blank=True, default="")
    body = serializers.CharField()
    status = serializers.ChoiceField(choices=IncidentStatus.choices)
    impact = serializers.ChoiceField(choices=Impact.choices, required=False, allow_null=True)
    component_status = serializers.ChoiceField(
        choices=ComponentStatus.choices, required=False, allow_null=True
    )
    components = serializers.ListField(child=serializers.CharField(), required=False)


class MaintenanceSerializer(StrictModelSerializer):
    components = serializers.SlugRelatedField(
        slug_field="public_id", many=True, queryset=Component.objects.all(), required=False
    )

    class Meta:
        model = ScheduledMaintenance
        fields = ["id", "public_id", "name", "body", "scheduled_for", "scheduled_until", "status",
                  "components", "auto_transition", "started_at", "completed_at"]  # fmt: skip
        read_only_fields = ["id", "public_id", "status", "started_at", "completed_at"]


class SubscriberSerializer(serializers.ModelSerializer):
    components = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)

    class Meta:
        model = Subscriber
        fields = ["id", "kind", "email", "url", "components", "confirmed_at", "created_at"]
        read_only_fields = fields


class WebhookSerializer(StrictSerializer):
    url = serializers.URLField(max_length=1000)
    components = serializers.ListField(child=serializers.CharField(), required=False)


class StatusPageViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PageSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[StatusPage]:
        _require_manager(self.request.user)
        return scoped(StatusPage, self.request.user).select_related("customer").order_by("pk")

    def perform_create(self, serializer: Any) -> None:
        _require_manager(self.request.user)
        serializer.instance = services.create_page(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.update_page(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def _components(self, page: StatusPage, ids: list[str]) -> list[Component]:
        found = list(page.components.filter(public_id__in=ids))
        if len(found) != len(set(ids)):
            raise serializers.ValidationError(
                {"components": [_("Unknown component on this page.")]}
            )
        return found

    @extend_schema(request=ComponentSerializer, responses=ComponentSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def components(self, request: Request, pk: str | None = None) -> Response:
        page = self.get_object()
        if request.method == "GET":
            return Response(
                ComponentSerializer(
                    page.components.select_related("group", "service"), many=True
                ).data
            )
        serializer = ComponentSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        component = services.save_component(
            None, by=request.user, page=page, **serializer.validated_data
        )
        return created(ComponentSerializer(component).data)

    @extend_schema(request=PublishSerializer, responses=PageIncidentSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def incidents(self, request: Request, pk: str | None = None) -> Response:
        page = self.get_object()
        if request.method == "GET":
            rows = page.incidents.select_related("incident").prefetch_related("components")[:100]
            return Response(PageIncidentSerializer(rows, many=True).data)
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        components = self._components(page, d["components"]) if "components" in d else None
        if d.get("incident") is not None:
            incident = scoped(Incident, request.user).filter(number=d["incident"]).first()
            if incident is None:
                raise serializers.ValidationError({"incident": [_("No such incident.")]})
            services.publish_incident_update(
                incident=incident, body=d["body"], status=d["status"], by=request.user,
                impact=d.get("impact"), component_status=d.get("component_status"), pages=[page],
            )  # fmt: skip
            pi = page.incidents.get(incident=incident)
        else:
            pi = None
            if d.get("page_incident"):
                pi = page.incidents.filter(public_id=d["page_incident"]).first()
                if pi is None:
                    raise serializers.ValidationError(
                        {"page_incident": [_("No such incident on this page.")]}
                    )
            update = services.post_page_update(
                page=page, by=request.user, body=d["body"], status=d["status"], page_incident=pi,
                name=d["name"], impact=d.get("impact"), components=components,
                component_status=d.get("component_status"),
            )  # fmt: skip
            pi = update.page_incident
        return created(PageIncidentSerializer(PageIncident.objects.get(pk=pi.pk)).data)  # type: ignore[union-attr]

    @extend_schema(request=MaintenanceSerializer, responses=MaintenanceSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def maintenances(self, request: Request, pk: str | None = None) -> Response:
        page = self.get_object()
        if request.method == "GET":
            return Response(
                MaintenanceSerializer(
                    page.maintenances.prefetch_related("components")[:100], many=True
                ).data
            )
        serializer = MaintenanceSerializer(data=request.data)
        serializer.fields["components"].child_relation.queryset = page.components.all()  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        m = maintenance.create_maintenance(page=page, by=request.user, **serializer.validated_data)
        return created(MaintenanceSerializer(m).data)

    @extend_schema(request=WebhookSerializer, responses=SubscriberSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def subscribers(self, request: Request, pk: str | None = None) -> Response:
        page = self.get_object()
        if request.method == "GET":
            return Response(
                SubscriberSerializer(
                    page.subscribers.prefetch_related("components"), many=True
                ).data
            )
        serializer = WebhookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        components = self._components(page, d.get("components", []))
        subscriber = subscriptions.subscribe_webhook(page, d["url"], components, by=request.user)
        # The signing secret is shown once, here.
        return created({**SubscriberSerializer(subscriber).data, "secret": subscriber.secret})


class StatusComponentViewSet(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ComponentSerializer
    http_method_names = ["get", "patch", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Component]:
        _require_manager(self.request.user)
        return scoped(Component, self.request.user).select_related("page", "group", "service")

    def perform_update(self, serializer: Any) -> None:
        component = serializer.instance
        serializer.instance = services.save_component(
            component, by=self.request.user, page=component.page, **serializer.validated_data
        )

    def perform_destroy(self, instance: Component) -> None:
        services.delete_component(instance, by=self.request.user)

    @extend_schema(request=OverrideSerializer, responses=ComponentSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request: Request, pk: str | None = None) -> Response:
        component = self.get_object()
        serializer = OverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        component = services.set_component_override(
            component, by=request.user, status=serializer.validated_data["status"],
            until=serializer.validated_data.get("until"),
        )  # fmt: skip
        return Response(ComponentSerializer(component).data)
