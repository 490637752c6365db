"""REST API for channels: /api/v1/channels/ (staff; changes need MANAGE_INCIDENTS)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fixfirst.core.api import StrictSerializer, created
from fixfirst.notify import channel_services
from fixfirst.notify.channels import Channel, ChannelKind
from fixfirst.tenancy.access import customers_for, scoped
from fixfirst.tenancy.models import Customer, Team
from fixfirst.tenancy.roles import Capability


class ChannelSerializer(serializers.ModelSerializer):
    customer = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    config = serializers.SerializerMethodField(help_text="Settings without secrets.")

    class Meta:
        model = Channel
        fields = [
            "id", "name", "kind", "customer", "team", "config", "announce_major", "is_active",
            "state", "verified_at", "broken_at", "last_error", "created_at", "changed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_config(self, channel: Channel) -> dict[str, Any]:
        return channel_services.shown_config(channel)


class ChannelInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(ChannelKind.choices)
    customer = serializers.SlugRelatedField(
        slug_field="slug", queryset=Customer.objects.none(), required=False, allow_null=True
    )
    team = serializers.SlugRelatedField(
        slug_field="slug", queryset=Team.objects.all(), required=False, allow_null=True
    )
    config = serializers.DictField(
        help_text="Per kind: url, teams_format, secret, numbers, addresses, server, topic, token."
    )
    announce_major = serializers.BooleanField(default=True)
    is_active = serializers.BooleanField(default=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.context["request"].user
        self.fields["customer"].queryset = customers_for(user)  # type: ignore[attr-defined]


class ChannelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """Where messages are posted; ``state`` is broken / verified / unverified."""

    serializer_class = ChannelSerializer
    filterset_fields = ["kind", "is_active"]

    def get_queryset(self) -> QuerySet[Channel]:
        if not self.request.user.is_provider_staff:  # type: ignore[union-attr]
            return Channel.objects.none()
        return scoped(Channel, self.request.user).select_related("customer", "team").order_by("pk")

    def _manager(self) -> Any:
        if not self.request.user.can(Capability.MANAGE_INCIDENTS):  # type: ignore[union-attr]
            raise PermissionDenied("Your role may not change channels.")
        return self.request.user

    def _save(self, channel: Channel | None) -> Channel:
        serializer = ChannelInputSerializer(
            data=self.request.data, context={"request": self.request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        return channel_services.save_channel(channel, by=self._manager(), **data)

    @extend_schema(request=ChannelInputSerializer, responses={201: ChannelSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._manager()
        return created(ChannelSerializer(self._save(None)).data)

    @extend_schema(request=ChannelInputSerializer, responses=ChannelSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        channel = self.get_object()
        return Response(ChannelSerializer(self._save(channel)).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        channel = self.get_object()
        channel_services.delete_channel(channel, by=self._manager())
        return Response(status=204)

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str) -> Response:
        channel = self.get_object()
        deliveries = channel_services.send_test(channel, by=self._manager())
        return Response({"deliveries": [d.pk for d in deliveries]}, status=202)
