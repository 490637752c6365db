"""REST API for major incidents: /api/v1/major-incidents/ (staff).

POST the list to declare; ``roles`` and ``unassign`` for the core team; ``tasks`` and
``tasks/<id>`` for the task list; ``stand-down`` to end it.
"""

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
from fixfirst.incidents.models import Incident
from fixfirst.major import cadence, services
from fixfirst.major.models import MajorIncident, RoleAssignment, Task
from fixfirst.tenancy.access import get_for, scoped
from fixfirst.tenancy.models import User
from fixfirst.tenancy.roles import Capability

_STAFF = User.objects.filter(customer__isnull=True, is_active=True)


class RoleAssignmentSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "title", "user", "assigned_at"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Task
        fields = ["id", "title", "owner", "done", "done_at", "created_at"]
        read_only_fields = fields


class MajorIncidentSerializer(serializers.ModelSerializer):
    incident = serializers.IntegerField(source="incident.number", read_only=True)
    reference = serializers.CharField(source="incident.reference", read_only=True)
    customer = serializers.SlugRelatedField(
        source="incident.customer", slug_field="slug", read_only=True
    )
    declared_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    stood_down_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    next_update_due_at = serializers.SerializerMethodField()
    roles = RoleAssignmentSerializer(many=True, read_only=True)
    tasks = TaskSerializer(many=True, read_only=True)

    class Meta:
        model = MajorIncident
        fields = [
            "id", "incident", "reference", "customer", "declared_at", "declared_by", "reason",
            "automatic", "cadence_minutes", "next_update_due_at", "paged", "stood_down_at",
            "stood_down_by", "stand_down_note", "roles", "tasks",
        ]  # fmt: skip
        read_only_fields = fields

    def get_next_update_due_at(self, major: MajorIncident) -> Any:
        return cadence.next_update_due(major)


class DeclareSerializer(StrictSerializer):
    incident = serializers.IntegerField(help_text="The incident's number.")
    reason = serializers.CharField()
    roles = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text='Role key -> usernames, e.g. {"incident_commander": ["ingrid"]}. '
        "Roles left out get the communication plan's people; the declarer commands.",
    )


class AssignSerializer(StrictSerializer):
    role = serializers.CharField()
    user = serializers.SlugRelatedField(slug_field="username", queryset=_STAFF)


class UnassignSerializer(StrictSerializer):
    assignment = serializers.IntegerField()


class TaskInputSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200)
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=_STAFF, required=False, allow_null=True
    )


class TaskDoneSerializer(StrictSerializer):
    done = serializers.BooleanField()


class StandDownSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MajorIncidentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Major incidents the caller may see (staff only; customers see none)."""

    serializer_class = MajorIncidentSerializer
    filterset_fields = ["automatic"]

    def get_queryset(self) -> QuerySet[MajorIncident]:
        if not self.request.user.is_provider_staff:  # type: ignore[union-attr]
            return MajorIncident.objects.none()
        qs = scoped(MajorIncident, self.request.user).select_related(
            "incident__customer", "declared_by", "stood_down_by"
        )
        if self.request.query_params.get("active") in ("1", "true"):
            qs = qs.filter(stood_down_at__isnull=True)
        return qs.prefetch_related("roles__user", "tasks__owner").order_by("-declared_at", "-pk")

    def get_object(self) -> MajorIncident:
        if not hasattr(self, "_major"):
            self._major = super().get_object()
        return self._major

    def _input(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        if self.detail:
            self.get_object()
        serializer = serializer_class(data=self.request.data, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _worker(self) -> Any:
        user = self.request.user
        if not user.can(Capability.WORK_INCIDENTS):  # type: ignore[union-attr]
            raise PermissionDenied("Your role may not work on incidents.")
        return user

    def _done(self, major: MajorIncident, status: int = 200) -> Response:
        data = MajorIncidentSerializer(self.get_queryset().get(pk=major.pk)).data
        return Response(data, status=status)

    @extend_schema(request=DeclareSerializer, responses={201: MajorIncidentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._input(DeclareSerializer)
        user = request.user
        if not user.is_provider_staff:  # type: ignore[union-attr]
            raise PermissionDenied("Only the provider's staff declare major incidents.")
        incident = get_for(user, Incident, number=data["incident"])
        given: dict[str, list[User]] = {}
        for role, usernames in (data.get("roles") or {}).items():
            people = list(_STAFF.filter(username__in=usernames))
            missing = sorted(set(usernames) - {p.username for p in people})
            if missing:
                raise serializers.ValidationError({"roles": [f"Unknown people: {missing}."]})
            given[role] = people
        major = services.declare_major(incident, by=user, reason=data["reason"], roles=given)
        return self._done(major, status=201)

    @extend_schema(request=AssignSerializer, responses=MajorIncidentSerializer)
    @action(detail=True, methods=["post"])
    def roles(self, request: Request, pk: str) -> Response:
        data = self._input(AssignSerializer)
        major = self.get_object()
        services.assign_role(major, role=data["role"], user=data["user"], by=self._worker())
        return self._done(major)

    @extend_schema(request=UnassignSerializer, responses=MajorIncidentSerializer)
    @action(detail=True, methods=["post"])
    def unassign(self, request: Request, pk: str) -> Response:
        data = self._input(UnassignSerializer)
        major = self.get_object()
        assignment = get_for(
            request.user, RoleAssignment.objects.filter(major=major), pk=data["assignment"]
        )
        services.unassign_role(assignment, by=self._worker())
        return self._done(major)

    @extend_schema(
        request=TaskInputSerializer, responses={200: TaskSerializer(many=True), 201: TaskSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def tasks(self, request: Request, pk: str) -> Response:
        major = self.get_object()
        if request.method == "GET":
            return Response(TaskSerializer(major.tasks.select_related("owner"), many=True).data)
        data = self._input(TaskInputSerializer)
        task = services.add_task(
            major, title=data["title"], owner=data.get("owner"), by=self._worker()
        )
        return created(TaskSerializer(task).data)

    @extend_schema(request=TaskDoneSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["patch"], url_path=r"tasks/(?P<task_pk>\d+)", url_name="task")
    def task(self, request: Request, pk: str, task_pk: str) -> Response:
        data = self._input(TaskDoneSerializer)
        major = self.get_object()
        found = get_for(request.user, Task.objects.filter(major=major), pk=task_pk)
        return Response(
            TaskSerializer(services.set_task_done(found, done=data["done"], by=self._worker())).data
        )

    @extend_schema(request=StandDownSerializer, responses=MajorIncidentSerializer)
    @action(detail=True, methods=["post"], url_path="stand-down")
    def stand_down(self, request: Request, pk: str) -> Response:
        data = self._input(StandDownSerializer)
        major = self.get_object()
        services.stand_down(major, by=self._worker(), note=data["note"])
        return self._done(major)
