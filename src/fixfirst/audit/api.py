from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers, viewsets

from fixfirst.audit.models import AuditEntry
from fixfirst.tenancy.access import require, scoped
from fixfirst.tenancy.models import TokenScope
from fixfirst.tenancy.roles import Capability


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id", "at", "actor", "actor_label", "action", "object_type", "object_id",
            "object_repr", "customer", "before", "after", "request_id",
        ]  # fmt: skip
        read_only_fields = fields


class AuditEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The append-only audit log (administrators, admin-scoped tokens)."""

    serializer_class = AuditEntrySerializer
    required_scope = TokenScope.ADMIN
    filterset_fields = ["action", "object_type", "object_id", "actor_label", "customer"]

    def get_queryset(self) -> Any:
        require(self.request.user, Capability.VIEW_AUDIT)
        return scoped(AuditEntry, self.request.user)
