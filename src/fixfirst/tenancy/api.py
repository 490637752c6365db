"""REST API for the tenancy domain: /api/v1/customers, contacts, contracts, teams, users, tokens."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fixfirst.core.api import StrictModelSerializer, created
from fixfirst.tenancy import services
from fixfirst.tenancy.access import customers_for, may_manage_customer, require, scoped
from fixfirst.tenancy.models import ApiToken, Contact, Contract, Customer, Team, TokenScope, User
from fixfirst.tenancy.roles import Capability


class CustomerSerializer(StrictModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name", "slug", "is_active", "timezone", "language", "notes", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"slug": {"required": False}}


class _CustomerOwned(StrictModelSerializer):
    """The ``customer`` field accepts only customers the caller may see."""

    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "customer" in self.fields:
            self.fields["customer"].queryset = customers_for(request.user)  # type: ignore[attr-defined]


class ContactSerializer(_CustomerOwned):
    class Meta:
        model = Contact
        fields = ["id", "customer", "name", "email", "phone", "job_title", "is_primary"]
        read_only_fields = ["id"]


class ContractSerializer(_CustomerOwned):
    class Meta:
        model = Contract
        fields = ["id", "customer", "name", "reference", "starts_on", "ends_on", "notes"]
        read_only_fields = ["id"]


class TeamSerializer(StrictModelSerializer):
    members = serializers.SlugRelatedField(
        slug_field="username", many=True, queryset=User.objects.all(), required=False
    )

    class Meta:
        model = Team
        fields = ["id", "name", "slug", "description", "members"]
        read_only_fields = ["id"]
        extra_kwargs = {"slug": {"required": False}}


class UserSerializer(StrictModelSerializer):
    class Meta:
        model = User
        fields = [
            "id", "username", "email", "first_name", "last_name", "role", "customer", "is_active",
        ]  # fmt: skip
        read_only_fields = fields


class TokenSerializer(StrictModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
        read_only_fields = ["id", "created_at", "last_used_at", "revoked_at"]


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]


class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CustomerSerializer
    filterset_fields = ["is_active", "slug"]

    def get_queryset(self) -> Any:
        return customers_for(self.request.user).order_by("name")

    def perform_create(self, serializer: Any) -> None:
        require(self.request.user, Capability.MANAGE_CUSTOMERS)
        serializer.instance = services.create_customer(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        require(self.request.user, Capability.MANAGE_CUSTOMERS)
        serializer.instance = services.update_customer(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )


class _OwnedViewSet(viewsets.ModelViewSet):
    """Contacts and contracts: read by anyone who sees the customer, written by its managers."""

    model: type[Any]
    manage_capability: Capability | None = None
    filterset_fields = ["customer"]

    def get_queryset(self) -> Any:
        return scoped(self.model, self.request.user).order_by("pk")

    def _check(self, customer: Customer) -> None:
        user = self.request.user
        allowed = (
            user.can(self.manage_capability)  # type: ignore[union-attr]
            if self.manage_capability
            else may_manage_customer(user, customer)  # type: ignore[arg-type]
        )
        if not allowed:
            raise PermissionDenied("Your role may not change this customer's records.")


class ContactViewSet(_OwnedViewSet):
    model = Contact
    serializer_class = ContactSerializer

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        customer = data.pop("customer")
        self._check(customer)
        serializer.instance = services.add_contact(customer, by=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        self._check(serializer.instance.customer)
        serializer.instance = services.update_contact(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: Contact) -> None:
        self._check(instance.customer)
        services.remove_contact(instance, by=self.request.user)  # type: ignore[arg-type]


class ContractViewSet(_OwnedViewSet):
    model = Contract
    serializer_class = ContractSerializer
    manage_capability = Capability.MANAGE_CUSTOMERS
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        customer = data.pop("customer")
        self._check(customer)
        serializer.instance = services.add_contract(customer, by=self.request.user, **data)

    def perform_update(self, serializer: Any) -> None:
        self._check(serializer.instance.customer)
        serializer.instance = services.update_contract(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )


class TeamViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TeamSerializer

    def get_queryset(self) -> Any:
        return scoped(Team, self.request.user).prefetch_related("members")

    def _save(self, serializer: Any, team: Team | None) -> None:
        require(self.request.user, Capability.MANAGE_PLATFORM)
        data = dict(serializer.validated_data)
        members = data.pop("members", None)
        by = self.request.user
        team = (
            services.create_team(by=by, **data)  # type: ignore[arg-type]
            if team is None
            else services.update_team(team, by=by, **data)  # type: ignore[arg-type]
        )
        if members is not None:
            services.set_team_members(team, members, by=by)  # type: ignore[arg-type]
        serializer.instance = team

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance)


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = UserSerializer
    filterset_fields = ["role", "customer", "is_active"]

    def get_queryset(self) -> Any:
        return scoped(User, self.request.user).order_by("username")

    @extend_schema(responses=UserSerializer)
    @action(detail=False)
    def me(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)


class TokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own API tokens. DELETE revokes (the record stays for the audit trail)."""

    serializer_class = TokenSerializer

    def get_queryset(self) -> Any:
        return scoped(ApiToken, self.request.user).filter(user=self.request.user)

    @extend_schema(request=TokenSerializer, responses={201: NewTokenSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = TokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, raw = services.create_api_token(
            request.user,  # type: ignore[arg-type]
            by=request.user,  # type: ignore[arg-type]
            name=serializer.validated_data["name"],
            scope=serializer.validated_data.get("scope", TokenScope.READ),
            expires_at=serializer.validated_data.get("expires_at"),
        )
        return created({**TokenSerializer(token).data, "token": raw})

    def perform_destroy(self, instance: ApiToken) -> None:
        services.revoke_api_token(instance, by=self.request.user)  # type: ignore[arg-type]
