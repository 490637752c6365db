from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers, viewsets

from fixfirst.catalog import services
from fixfirst.catalog.models import Criticality, Service
from fixfirst.core.api import StrictModelSerializer
from fixfirst.tenancy.access import customers_for, require, scoped
from fixfirst.tenancy.models import Customer, Team
from fixfirst.tenancy.roles import Capability


class ServiceSerializer(StrictModelSerializer):
    owner_team = serializers.SlugRelatedField(
        slug_field="slug", queryset=Team.objects.all(), required=False, allow_null=True
    )
    customers = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Customer.objects.none(), required=False
    )
    depends_on = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Service.objects.all(), required=False
    )
    criticality = serializers.ChoiceField(Criticality.choices, required=False)

    class Meta:
        model = Service
        fields = [
            "id", "name", "slug", "description", "owner_team", "customers", "criticality",
            "depends_on", "is_active",
        ]  # fmt: skip
        read_only_fields = ["id"]
        extra_kwargs = {"slug": {"required": False}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            relation = self.fields["customers"].child_relation  # type: ignore[attr-defined]
            relation.queryset = customers_for(request.user)

    def to_representation(self, instance: Service) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None:
            # A shared service lists only the customers the caller may know about.
            visible = set(customers_for(request.user).values_list("slug", flat=True))
            data["customers"] = [slug for slug in data["customers"] if slug in visible]
        return data


class ServiceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The service catalogue. Customer users see the services their organisation uses."""

    serializer_class = ServiceSerializer
    filterset_fields = ["criticality", "is_active", "slug"]

    def get_queryset(self) -> Any:
        return scoped(Service, self.request.user).prefetch_related("customers", "depends_on")

    def _save(self, serializer: Any, service: Service | None) -> None:
        require(self.request.user, Capability.MANAGE_CUSTOMERS)
        serializer.instance = services.save_service(
            service, by=self.request.user, **serializer.validated_data
        )

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance)
