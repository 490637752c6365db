"""REST API: /api/v1/schedules/ (with ``oncall``, ``shifts`` and ``overrides`` actions) and
/api/v1/escalation-policies/. Provider staff only; customers get 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fixfirst.alerting.routing import visible_rules
from fixfirst.catalog.models import Service
from fixfirst.core.api import StrictModelSerializer, StrictSerializer, created
from fixfirst.oncall import editing, schedules
from fixfirst.oncall.choices import TargetKind
from fixfirst.oncall.models import EscalationPolicy, Layer, Schedule
from fixfirst.oncall.models.policies import integration_model
from fixfirst.oncall.views_common import EDIT_POLICIES, EDIT_SCHEDULES
from fixfirst.tenancy.access import require, scoped
from fixfirst.tenancy.models import Team, User

MAX_RANGE = dt.timedelta(days=93)


class IsProviderStaff(permissions.BasePermission):
    message = "On-call data is for provider staff."

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(getattr(request.user, "is_provider_staff", False))


def visible_integrations(user: Any) -> Any:
    """Alert integrations belong to customers: only those ``user`` may see."""
    return scoped(integration_model(), user)


def _staff_users() -> Any:
    return User.objects.filter(customer__isnull=True, is_active=True)


class LayerSerializer(StrictModelSerializer):
    participants = serializers.SerializerMethodField()

    class Meta:
        model = Layer
        fields = [
            "id", "name", "position", "rotation", "shift_hours", "handoff_time", "start_date",
            "restrict_days", "restrict_start", "restrict_end", "participants",
        ]  # fmt: skip
        read_only_fields = fields

    def get_participants(self, layer: Layer) -> list[str]:
        return [m.user.username for m in layer.members.all()]


class ScheduleSerializer(StrictModelSerializer):
    team = serializers.SlugRelatedField(
        slug_field="slug", queryset=Team.objects.all(), required=False, allow_null=True
    )
    layers = LayerSerializer(many=True, read_only=True)
    ical_url = serializers.SerializerMethodField()

    class Meta:
        model = Schedule
        fields = ["id", "name", "team", "timezone", "description", "layers", "ical_url"]
        read_only_fields = ["id", "layers", "ical_url"]

    def get_ical_url(self, schedule: Schedule) -> str:
        path = reverse("oncall:schedule_ics", args=[schedule.pk, schedule.ical_token])
        return f"{settings.BASE_URL}{path}"


class ShiftSerializer(serializers.Serializer):
    user = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.display_name")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    source = serializers.CharField(source="source.kind")
    label = serializers.CharField()


class OverrideInSerializer(StrictSerializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.none())
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _staff_users()  # type: ignore[attr-defined]


def _moment(request: Request, name: str, default: dt.datetime) -> dt.datetime:
    raw = request.query_params.get(name)
    if not raw:
        return default
    value = parse_datetime(raw)
    if value is None:
        raise exceptions.ValidationError({name: ["Give an ISO 8601 date and time."]})
    return value if timezone.is_aware(value) else timezone.make_aware(value)


class ScheduleViewSet(viewsets.ModelViewSet):
    serializer_class = ScheduleSerializer
    permission_classes = [*viewsets.ModelViewSet.permission_classes, IsProviderStaff]

    def get_queryset(self) -> Any:
        return scoped(Schedule, self.request.user).prefetch_related("layers__members__user")

    def perform_create(self, serializer: Any) -> None:
        require(self.request.user, EDIT_SCHEDULES)
        serializer.instance = editing.save_schedule(
            None, by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        require(self.request.user, EDIT_SCHEDULES)
        serializer.instance = editing.save_schedule(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: Schedule) -> None:
        require(self.request.user, EDIT_SCHEDULES)
        editing.delete_schedule(instance, by=self.request.user)

    @extend_schema(
        parameters=[OpenApiParameter("at", str, description="ISO 8601; default now")],
        responses=ShiftSerializer,
    )
    @action(detail=True, methods=["get"])
    def oncall(self, request: Request, pk: str) -> Response:
        """Who is on call now, or at ``?at=``; ``user`` is null when nobody is."""
        at = _moment(request, "at", timezone.now())
        shift = schedules.on_call_at(self.get_object(), at, dt.timedelta(days=35))
        if shift is None:
            return Response({"at": at, "user": None})
        return Response({"at": at, **ShiftSerializer(shift).data})

    @extend_schema(
        parameters=[OpenApiParameter("start", str), OpenApiParameter("end", str)],
        responses=ShiftSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def shifts(self, request: Request, pk: str) -> Response:
        """The final schedule over [start, end) (default: the next 14 days; at most 93)."""
        start = _moment(request, "start", timezone.now())
        end = _moment(request, "end", start + dt.timedelta(days=14))
        if not start < end <= start + MAX_RANGE:
            raise exceptions.ValidationError({"end": ["end must be after start, within 93 days."]})
        found = schedules.final_schedule(self.get_object(), start, end)
        return Response(ShiftSerializer(found, many=True).data)

    @extend_schema(request=OverrideInSerializer, responses=ShiftSerializer(many=True))
    @action(detail=True, methods=["post"])
    def overrides(self, request: Request, pk: str) -> Response:
        """Put somebody on call for a span (beats every layer; the latest override wins)."""
        schedule = self.get_object()
        require(request.user, EDIT_SCHEDULES)
        data = OverrideInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        override = editing.add_override(schedule, by=request.user, **data.validated_data)
        found = schedules.final_schedule(schedule, override.starts_at, override.ends_at)
        return created(ShiftSerializer(found, many=True).data)


class TargetSerializer(StrictSerializer):
    kind = serializers.ChoiceField(TargetKind.choices)
    schedule = serializers.PrimaryKeyRelatedField(queryset=Schedule.objects.all(), required=False)
    user = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.none(), required=False
    )
    team = serializers.SlugRelatedField(
        slug_field="slug", queryset=Team.objects.all(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _staff_users()  # type: ignore[attr-defined]

    def to_representation(self, target: Any) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": target.kind}
        if target.schedule_id:
            data["schedule"] = target.schedule_id
        if target.user_id:
            data["user"] = target.user.username
        if target.team_id:
            data["team"] = target.team.slug
        return data


class StepSerializer(StrictSerializer):
    position = serializers.IntegerField(read_only=True)
    delay_minutes = serializers.IntegerField(min_value=0, max_value=1440)
    targets = TargetSerializer(many=True)


class PolicySerializer(StrictModelSerializer):
    steps = StepSerializer(many=True, required=False)
    services = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Service.objects.all(), required=False
    )
    integrations = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Service.objects.none(), required=False,
        help_text="Alert integrations (ids) whose incidents this policy pages for.",
    )  # fmt: skip
    routing_rules = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Service.objects.none(), required=False,
        help_text="Routing rules (ids) whose alerts' incidents this policy pages for; "
        "wins over an integration's and a service's policy.",
    )  # fmt: skip

    class Meta:
        model = EscalationPolicy
        fields = [
            "id", "name", "description", "repeat_count", "repeat_after_minutes", "steps", "services",
            "integrations", "routing_rules",
        ]  # fmt: skip
        read_only_fields = ["id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            relation = self.fields["integrations"].child_relation  # type: ignore[attr-defined]
            relation.queryset = visible_integrations(request.user)
            rules = self.fields["routing_rules"].child_relation  # type: ignore[attr-defined]
            rules.queryset = visible_rules(request.user)

    def to_representation(self, policy: EscalationPolicy) -> dict[str, Any]:
        data = {
            name: getattr(policy, name)
            for name in ["id", "name", "description", "repeat_count", "repeat_after_minutes"]
        }
        data["steps"] = [
            {
                "position": step.position,
                "delay_minutes": step.delay_minutes,
                "targets": [TargetSerializer().to_representation(t) for t in step.targets.all()],
            }
            for step in policy.steps.all()
        ]
        data["services"] = sorted(link.service.slug for link in policy.services.all())
        request = self.context.get("request")
        visible = visible_integrations(request.user) if request is not None else None
        linked = policy.integrations.all()
        if visible is not None:
            linked = linked.filter(integration__in=visible)
        data["integrations"] = sorted(linked.values_list("integration_id", flat=True))
        rules = policy.routing_rules.all()
        if request is not None:
            rules = rules.filter(rule__in=visible_rules(request.user))
        data["routing_rules"] = sorted(rules.values_list("rule_id", flat=True))
        return data


class EscalationPolicyViewSet(viewsets.ModelViewSet):
    serializer_class = PolicySerializer
    permission_classes = [*viewsets.ModelViewSet.permission_classes, IsProviderStaff]

    def get_queryset(self) -> Any:
        return scoped(EscalationPolicy, self.request.user).prefetch_related(
            "steps__targets__user", "steps__targets__team", "services__service"
        )

    def _save(self, serializer: Any, policy: EscalationPolicy | None) -> None:
        require(self.request.user, EDIT_POLICIES)
        policy = editing.write_policy(
            policy, by=self.request.user,
            visible_integrations=visible_integrations(self.request.user),
            visible_rules=visible_rules(self.request.user),
            **serializer.validated_data,
        )  # fmt: skip
        serializer.instance = self.get_queryset().get(pk=policy.pk)

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance: EscalationPolicy) -> None:
        require(self.request.user, EDIT_POLICIES)
        editing.delete_policy(instance, by=self.request.user)
