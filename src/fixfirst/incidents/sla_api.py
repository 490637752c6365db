"""REST API for SLA settings: business calendars and each contract's SLA policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets

from fixfirst.audit.log import record, snapshot
from fixfirst.core.api import StrictModelSerializer, StrictSerializer
from fixfirst.incidents import slaclock
from fixfirst.incidents.choices import Priority
from fixfirst.incidents.models import BusinessCalendar, Holiday, SlaPolicy, SlaTarget
from fixfirst.tenancy.access import require, scoped
from fixfirst.tenancy.models import Contract
from fixfirst.tenancy.roles import Capability


class HolidaySerializer(StrictSerializer):
    date = serializers.DateField()
    name = serializers.CharField(max_length=100)


class CalendarSerializer(StrictModelSerializer):
    holidays = HolidaySerializer(many=True, required=False)

    class Meta:
        model = BusinessCalendar
        fields = ["id", "name", "timezone", "hours", "always_open", "holidays"]
        read_only_fields = ["id"]

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        hours = data.get("hours", getattr(self.instance, "hours", []))
        tz = data.get("timezone", getattr(self.instance, "timezone", "UTC"))
        try:
            weekly = tuple(
                (int(day), dt.time.fromisoformat(start), dt.time.fromisoformat(end))
                for day, start, end in hours
            )
            if weekly or not data.get("always_open", False):
                slaclock.BusinessCalendar(tz=tz, weekly=weekly)
        except (TypeError, ValueError) as exc:
            raise serializers.ValidationError(
                {
                    "hours": [
                        _("Expected [[weekday 0-6, 'HH:MM', 'HH:MM'], ...]: %(error)s")
                        % {"error": exc}
                    ]
                }
            ) from exc
        return data

    @transaction.atomic
    def save(self, **kwargs: Any) -> BusinessCalendar:
        holidays = self.validated_data.pop("holidays", None)
        calendar = super().save(**kwargs)
        if holidays is not None:
            calendar.holidays.all().delete()
            Holiday.objects.bulk_create(Holiday(calendar=calendar, **h) for h in holidays)
        record("calendar.save", calendar, by=self.context["request"].user, after=snapshot(calendar))
        return calendar


class TargetSerializer(StrictSerializer):
    priority = serializers.ChoiceField(Priority.choices)
    response_minutes = serializers.IntegerField(min_value=1)
    resolution_minutes = serializers.IntegerField(min_value=1)


class SlaPolicySerializer(StrictModelSerializer):
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.none())
    targets = TargetSerializer(many=True)

    class Meta:
        model = SlaPolicy
        fields = ["id", "contract", "calendar", "p1_always_open", "warn_share", "targets"]
        read_only_fields = ["id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["contract"].queryset = scoped(Contract, request.user)  # type: ignore[attr-defined]

    def validate_warn_share(self, value: float) -> float:
        if not 0 < value < 1:
            raise serializers.ValidationError(_("Use a share between 0 and 1, e.g. 0.75."))
        return value

    def validate_targets(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        priorities = [t["priority"] for t in value]
        if len(set(priorities)) != len(priorities):
            raise serializers.ValidationError(_("One target per priority."))
        return value

    def to_representation(self, instance: SlaPolicy) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["targets"] = [
            {
                "priority": t.priority,
                "response_minutes": t.response_minutes,
                "resolution_minutes": t.resolution_minutes,
            }
            for t in instance.targets.all()
        ]
        return data

    @transaction.atomic
    def save(self, **kwargs: Any) -> SlaPolicy:
        targets = self.validated_data.pop("targets", None)
        policy = super().save(**kwargs)
        if targets is not None:
            policy.targets.all().delete()
            SlaTarget.objects.bulk_create(SlaTarget(policy=policy, **t) for t in targets)
        record("sla_policy.save", policy, by=self.context["request"].user, customer=policy.contract.customer,
               after={"targets": targets, "calendar": policy.calendar_id})  # fmt: skip
        return policy


class _ManagedViewSet(viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def check_write(self) -> None:
        require(self.request.user, Capability.MANAGE_CUSTOMERS)

    def perform_create(self, serializer: Any) -> None:
        self.check_write()
        serializer.save()

    def perform_update(self, serializer: Any) -> None:
        self.check_write()
        serializer.save()


class CalendarViewSet(_ManagedViewSet):
    """Business-hours calendars (provider staff)."""

    serializer_class = CalendarSerializer

    def get_queryset(self) -> Any:
        return (
            scoped(BusinessCalendar, self.request.user)
            .prefetch_related("holidays")
            .order_by("name")
        )


class SlaPolicyViewSet(_ManagedViewSet):
    """A contract's SLA: calendar and response/resolution targets per priority. Editing it
    changes new incidents only; running clocks keep the terms they started with."""

    serializer_class = SlaPolicySerializer
    filterset_fields = ["contract"]

    def get_queryset(self) -> Any:
        return scoped(SlaPolicy, self.request.user).prefetch_related("targets").order_by("pk")
