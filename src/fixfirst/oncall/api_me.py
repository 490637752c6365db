"""REST API for one's own paging settings: /api/v1/contact-methods/ and
/api/v1/notification-rules/. Everyone sees and changes only their own."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fixfirst.core.api import StrictModelSerializer, StrictSerializer
from fixfirst.oncall import contacts
from fixfirst.oncall.api import IsProviderStaff
from fixfirst.oncall.models import ContactMethod, NotificationRule


class ContactMethodSerializer(StrictModelSerializer):
    can_verify = serializers.SerializerMethodField()

    class Meta:
        model = ContactMethod
        fields = ["id", "kind", "address", "label", "verified_at", "can_verify"]
        read_only_fields = ["id", "verified_at", "can_verify"]

    def get_can_verify(self, method: ContactMethod) -> bool:
        return contacts.can_verify(method.kind)


class CodeSerializer(StrictSerializer):
    code = serializers.CharField(max_length=12)


class _Own(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [*viewsets.GenericViewSet.permission_classes, IsProviderStaff]
    model: type[Any]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator has no user
            return self.model.objects.none()
        return self.model.objects.filter(user=self.request.user)


class ContactMethodViewSet(_Own):
    """Your contact methods. Email addresses get a verification link at once; other kinds are
    verified by a code sent over the channel once FixFirst has a transport for it."""

    serializer_class = ContactMethodSerializer
    model = ContactMethod

    def perform_create(self, serializer: Any) -> None:
        user = self.request.user
        serializer.instance = contacts.add_contact_method(
            user, by=user, **serializer.validated_data
        )  # type: ignore[arg-type]

    def perform_destroy(self, instance: ContactMethod) -> None:
        contacts.delete_contact_method(instance, by=self.request.user)

    @extend_schema(request=None, responses=ContactMethodSerializer)
    @action(detail=True, methods=["post"], url_path="send-verification")
    def send_verification(self, request: Request, pk: str) -> Response:
        method = self.get_object()
        sent = contacts.send_verification(method, by=request.user)
        return Response({**ContactMethodSerializer(method).data, "sent": sent})

    @extend_schema(request=CodeSerializer, responses=ContactMethodSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        method = self.get_object()
        data = CodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contacts.confirm_code(method, data.validated_data["code"], by=request.user)
        method.refresh_from_db()
        return Response(ContactMethodSerializer(method).data)


class NotificationRuleSerializer(StrictModelSerializer):
    contact_method = serializers.PrimaryKeyRelatedField(queryset=ContactMethod.objects.none())

    class Meta:
        model = NotificationRule
        fields = ["id", "contact_method", "delay_minutes"]
        read_only_fields = ["id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            field = self.fields["contact_method"]
            field.queryset = ContactMethod.objects.filter(user=request.user)  # type: ignore[attr-defined]


class NotificationRuleViewSet(_Own):
    """Your notification rules: which contact method, how many minutes after a page starts."""

    serializer_class = NotificationRuleSerializer
    model = NotificationRule

    def perform_create(self, serializer: Any) -> None:
        user = self.request.user
        serializer.instance = contacts.add_rule(user, by=user, **serializer.validated_data)  # type: ignore[arg-type]

    def perform_destroy(self, instance: NotificationRule) -> None:
        contacts.delete_rule(instance, by=self.request.user)
