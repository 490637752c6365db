"""REST API for incidents: /api/v1/incidents/ and one POST endpoint per action."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fixfirst.catalog.models import Service
from fixfirst.core.api import StrictSerializer, created
from fixfirst.incidents import search, services, sla, updates
from fixfirst.incidents.choices import (
    Channel,
    Impact,
    IncidentClass,
    LinkKind,
    ResolutionCode,
    Status,
    Urgency,
)
from fixfirst.incidents.models import Category, Incident, TimelineEvent
from fixfirst.tenancy.access import customers_for, scoped
from fixfirst.tenancy.models import Contact, Customer, Team, User
from fixfirst.tenancy.roles import Capability


def _clock(reading: Any) -> dict[str, Any] | None:
    if reading is None:
        return None
    return {
        "state": reading.state.value,
        "target_minutes": int(reading.target.total_seconds() // 60),
        "remaining_seconds": int(reading.remaining.total_seconds()),
        "due_at": reading.due_at,
    }


class IncidentSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    customer = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reporter = serializers.EmailField(source="reporter.email", read_only=True, default=None)
    services = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    category = serializers.StringRelatedField()
    sla = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "number", "reference", "title", "description", "customer", "reporter", "channel",
            "services", "category", "impact", "urgency", "priority", "reported_high_impact",
            "incident_class", "support_level", "team", "assignee", "status", "workaround",
            "resolution", "resolution_code", "opened_at", "acknowledged_at",
            "first_response_at", "resolved_at", "closed_at", "updated_at", "sla",
        ]  # fmt: skip
        read_only_fields = fields

    def get_sla(self, incident: Incident) -> dict[str, Any] | None:
        if not incident.sla_terms:
            return None
        state = sla.read(incident)
        return {
            "contract": incident.sla_terms.get("contract_name"),
            "calendar": incident.sla_terms.get("calendar"),
            "response": _clock(state.response),
            "resolution": _clock(state.resolution),
            "response_breached": incident.response_breached,
            "resolution_breached": incident.resolution_breached,
        }


class OpenIncidentSerializer(StrictSerializer):
    customer = serializers.SlugRelatedField(
        slug_field="slug", queryset=Customer.objects.none(), required=False,
        help_text="Customer slug; customer users may leave it out.",
    )  # fmt: skip
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    reporter = serializers.EmailField(required=False, help_text="A contact's email address.")
    channel = serializers.ChoiceField(Channel.choices, default=Channel.API)
    impact = serializers.ChoiceField(Impact.choices, default=Impact.MEDIUM)
    urgency = serializers.ChoiceField(Urgency.choices, default=Urgency.MEDIUM)
    reported_high_impact = serializers.BooleanField(default=False)
    services = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Service.objects.none(), required=False
    )
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False)
    team = serializers.SlugRelatedField(
        slug_field="slug", queryset=Team.objects.all(), required=False
    )
    assignee = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(customer__isnull=True), required=False
    )
    incident_class = serializers.ChoiceField(IncidentClass.choices, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.context["request"].user
        self.fields["customer"].queryset = customers_for(user)  # type: ignore[attr-defined]
        self.fields["services"].child_relation.queryset = scoped(Service, user)  # type: ignore[attr-defined]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TimelineEvent
        fields = ["id", "at", "actor_label", "kind", "public", "body", "data"]
        read_only_fields = fields


class StatusSerializer(StrictSerializer):
    status = serializers.ChoiceField(Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PrioritySerializer(StrictSerializer):
    impact = serializers.ChoiceField(Impact.choices)
    urgency = serializers.ChoiceField(Urgency.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AssignSerializer(StrictSerializer):
    team = serializers.SlugRelatedField(
        slug_field="slug", queryset=Team.objects.all(), allow_null=True, required=False
    )
    assignee = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(customer__isnull=True),
        allow_null=True,
        required=False,
    )


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField()
    team = serializers.SlugRelatedField(
        slug_field="slug", queryset=Team.objects.all(), required=False
    )


class BodySerializer(StrictSerializer):
    body = serializers.CharField()


class UpdateSerializer(BodySerializer):
    status = serializers.ChoiceField(Status.choices, required=False)


class WorkaroundSerializer(StrictSerializer):
    text = serializers.CharField()


class ResolveSerializer(StrictSerializer):
    resolution = serializers.CharField()
    code = serializers.ChoiceField(ResolutionCode.choices, default=ResolutionCode.FIXED)


class LinkSerializer(StrictSerializer):
    target = serializers.IntegerField(help_text="The other incident's number.")
    kind = serializers.ChoiceField(LinkKind.choices)


def _contact_of(user: Any) -> Contact | None:
    return Contact.objects.filter(user=user).first() if user.is_authenticated else None


class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Incidents the caller may see. Staff act through the POST actions; customer users may
    open incidents, comment, confirm a resolution or reopen."""

    serializer_class = IncidentSerializer
    lookup_field = "number"
    lookup_value_regex = r"\d+"
    filterset_fields = ["status", "priority", "support_level", "incident_class", "channel"]

    def get_queryset(self) -> QuerySet[Incident]:
        qs = (
            scoped(Incident, self.request.user)
            .select_related("customer", "reporter", "team", "assignee", "category")
            .prefetch_related("services", "pauses")
        )
        for param, field in (
            ("customer", "customer__slug"),
            ("team", "team__slug"),
            ("assignee", "assignee__username"),
        ):
            if value := self.request.query_params.get(param):
                qs = qs.filter(**{field: value})
        if q := self.request.query_params.get("q", "").strip():
            return search.search(qs, q, include_internal=self.request.user.is_provider_staff)  # type: ignore[union-attr]
        return qs.order_by("-opened_at")

    @extend_schema(parameters=[
        OpenApiParameter("q", str, description="Full-text search"),
        OpenApiParameter("customer", str), OpenApiParameter("team", str), OpenApiParameter("assignee", str),
    ])  # fmt: skip
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _staff(self) -> Any:
        user = self.request.user
        if not user.can(Capability.WORK_INCIDENTS):  # type: ignore[union-attr]
            raise PermissionDenied("Your role may not work on incidents.")
        return user

    def get_object(self) -> Incident:
        # Cached: actions look the incident up before validating input, so that an incident
        # the caller may not see answers 404 whatever the body says.
        if not hasattr(self, "_incident"):
            self._incident = super().get_object()
        return self._incident

    def _input(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        if self.detail:
            self.get_object()
        serializer = serializer_class(data=self.request.data, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _done(self, incident: Incident) -> Response:
        incident = self.get_queryset().get(pk=incident.pk)
        return Response(IncidentSerializer(incident).data)

    @extend_schema(request=OpenIncidentSerializer, responses={201: IncidentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._input(OpenIncidentSerializer)
        user = request.user
        if user.is_provider_staff:  # type: ignore[union-attr]
            self._staff()
            if "customer" not in data:
                raise serializers.ValidationError({"customer": ["This field is required."]})
            customer = data.pop("customer")
            email = data.pop("reporter", None)
            reporter = None
            if email:
                reporter = Contact.objects.filter(customer=customer, email__iexact=email).first()
                if reporter is None:
                    raise serializers.ValidationError(
                        {"reporter": [f"{email} is not a contact of {customer.slug}."]}
                    )
        else:
            customer = user.customer  # type: ignore[union-attr]
            data.pop("customer", None)
            data.pop("reporter", None)
            for staff_only in ("team", "assignee", "incident_class", "category"):
                data.pop(staff_only, None)
            reporter = _contact_of(user)
        incident = services.open_incident(by=user, customer=customer, reporter=reporter, **data)
        return created(IncidentSerializer(self.get_queryset().get(pk=incident.pk)).data)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, number: str) -> Response:
        events = self.get_object().events.order_by("at", "pk")
        if not request.user.is_provider_staff:  # type: ignore[union-attr]
            events = events.filter(public=True)
        return Response(EventSerializer(events, many=True).data)

    @extend_schema(request=StatusSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request: Request, number: str) -> Response:
        data = self._input(StatusSerializer)
        return self._done(
            services.change_status(
                self.get_object(), data["status"], by=self._staff(), note=data["note"]
            )
        )

    @extend_schema(request=None, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, number: str) -> Response:
        return self._done(services.acknowledge(self.get_object(), by=self._staff()))

    @extend_schema(request=PrioritySerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def priority(self, request: Request, number: str) -> Response:
        data = self._input(PrioritySerializer)
        return self._done(services.set_priority(self.get_object(), by=self._staff(), **data))

    @extend_schema(request=AssignSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, number: str) -> Response:
        data = self._input(AssignSerializer)
        return self._done(
            services.assign(
                self.get_object(),
                by=self._staff(),
                team=data.get("team"),
                assignee=data.get("assignee"),
            )
        )

    @extend_schema(request=ReasonSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, number: str) -> Response:
        data = self._input(ReasonSerializer)
        return self._done(services.escalate(self.get_object(), by=self._staff(), **data))

    @extend_schema(request=ReasonSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="de-escalate")
    def de_escalate(self, request: Request, number: str) -> Response:
        data = self._input(ReasonSerializer)
        return self._done(services.de_escalate(self.get_object(), by=self._staff(), **data))

    @extend_schema(request=BodySerializer, responses={201: EventSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, number: str) -> Response:
        data = self._input(BodySerializer)
        return created(
            EventSerializer(
                updates.add_note(self.get_object(), by=self._staff(), body=data["body"])
            ).data
        )

    @extend_schema(request=UpdateSerializer, responses={201: EventSerializer})
    @action(detail=True, methods=["post"])
    def updates(self, request: Request, number: str) -> Response:
        data = self._input(UpdateSerializer)
        event = updates.post_update(
            self.get_object(), by=self._staff(), body=data["body"], status=data.get("status")
        )
        return created(EventSerializer(event).data)

    @extend_schema(request=BodySerializer, responses={201: EventSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request: Request, number: str) -> Response:
        data = self._input(BodySerializer)
        user = request.user
        by = user if user.is_provider_staff else (_contact_of(user) or user)  # type: ignore[union-attr]
        return created(
            EventSerializer(
                updates.add_comment(self.get_object(), by=by, body=data["body"], via="api")
            ).data
        )

    @extend_schema(request=WorkaroundSerializer, responses={201: EventSerializer})
    @action(detail=True, methods=["post"])
    def workaround(self, request: Request, number: str) -> Response:
        data = self._input(WorkaroundSerializer)
        return created(
            EventSerializer(
                updates.record_workaround(self.get_object(), by=self._staff(), text=data["text"])
            ).data
        )

    @extend_schema(request=ResolveSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, number: str) -> Response:
        data = self._input(ResolveSerializer)
        return self._done(services.resolve(self.get_object(), by=self._staff(), **data))

    @extend_schema(request=ReasonSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, number: str) -> Response:
        data = self._input(ReasonSerializer)
        return self._done(
            services.reopen(self.get_object(), by=request.user, reason=data["reason"])
        )

    @extend_schema(request=None, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, number: str) -> Response:
        return self._done(services.confirm_resolution(self.get_object(), by=request.user))

    @extend_schema(request=LinkSerializer, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def links(self, request: Request, number: str) -> Response:
        data = self._input(LinkSerializer)
        incident = self.get_object()
        other = self.get_queryset().filter(number=data["target"]).first()
        if other is None:
            raise serializers.ValidationError(
                {"target": [f"No incident {data['target']} that you can see."]}
            )
        updates.link_incidents(incident, other, data["kind"], by=self._staff())
        return self._done(incident)
