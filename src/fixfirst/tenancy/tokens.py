"""Bearer-token authentication for the REST API, and the scope check that goes with it."""

from __future__ import annotations

import hmac
from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions, permissions

from fixfirst.tenancy.models import ApiToken, TokenScope, hash_token

# Writing last_used_at on every call would turn each read into a write; once a minute is enough.
_TOUCH_EVERY = timezone.timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0].lower() not in {"bearer", "token"}:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: use 'Bearer <token>'."
            )
        return self.authenticate_token(parts[1])

    def authenticate_token(self, raw: str) -> tuple[Any, ApiToken]:
        prefix, _, rest = raw.partition(ApiToken.PREFIX)
        key_id = rest.split("_", 1)[0]
        token = (
            ApiToken.objects.select_related("user").filter(key_id=key_id).first()
            if not prefix and key_id
            else None
        )
        if token is None or not hmac.compare_digest(token.key_hash, hash_token(raw)):
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if token.is_expired:
            raise exceptions.AuthenticationFailed("This token has expired.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token's user is deactivated.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="api"'


class TokenScopePermission(permissions.BasePermission):
    """A read token may only read; admin-only endpoints set ``required_scope = "admin"``."""

    message = "This token's scope does not allow this request."

    def has_permission(self, request: Any, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True  # session-authenticated browser use: the role decides
        required = getattr(view, "required_scope", None)
        if required == TokenScope.ADMIN and token.scope != TokenScope.ADMIN:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return token.scope in {TokenScope.WRITE, TokenScope.ADMIN}
