"""Shared REST API plumbing: one error format, strict input, service errors mapped to 4xx."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _as_field_errors(detail: Any) -> dict[str, Any] | None:
    if isinstance(detail, dict):
        return {str(k): v for k, v in detail.items()}
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error is ``{"error": code, "detail": message, "fields": {name: [problems]}}``."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, exceptions.APIException)
    body: dict[str, Any] = {"error": exc.default_code}
    fields = _as_field_errors(response.data)
    if isinstance(exc, exceptions.ValidationError) and fields is not None:
        body["detail"] = "Invalid input: " + "; ".join(
            f"{name}: {' '.join(map(str, problems if isinstance(problems, list) else [problems]))}"
            for name, problems in fields.items()
        )
        body["fields"] = fields
    elif fields is not None and "detail" in fields:
        body["detail"] = str(fields["detail"])
    else:
        body["detail"] = response.data if not isinstance(response.data, list) else response.data
    response.data = body
    return response


class StrictSerializer(serializers.Serializer):
    """Rejects fields the endpoint does not know, instead of silently ignoring a typo."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": ["Expected a JSON object."]}, code="invalid"
            )
        writable = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(data) - writable)
        if unknown:
            raise serializers.ValidationError(
                {name: ["Unknown field."] for name in unknown}, code="unknown_field"
            )
        return super().to_internal_value(data)


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    pass


def created(data: Any) -> Response:
    return Response(data, status=status.HTTP_201_CREATED)
