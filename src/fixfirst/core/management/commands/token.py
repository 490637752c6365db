"""``fixfirst token create USER [--scope ...]``: prints only the new token, for scripts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fixfirst.tenancy import services
from fixfirst.tenancy.models import ApiToken, TokenScope, User


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it (only it).")
        create.add_argument("username")
        create.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        create.add_argument("--name", default="command line")
        create.add_argument("--expires-days", type=int, default=None)
        listing = sub.add_parser("list", help="List a user's tokens.")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id (ff_<id>).")
        revoke.add_argument("key_id")

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            user = self._user(options["username"])
            days = options["expires_days"]
            expires = timezone.now() + dt.timedelta(days=days) if days else None
            try:
                _token, raw = services.create_api_token(
                    user, by=user, name=options["name"], scope=options["scope"], expires_at=expires
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(raw)
        elif action == "list":
            for token in ApiToken.objects.filter(user=self._user(options["username"])):
                state = "revoked" if token.revoked_at else "expired" if token.is_expired else "ok"
                self.stdout.write(f"ff_{token.key_id}\t{token.scope}\t{state}\t{token.name}")
        else:
            key_id = options["key_id"].removeprefix("ff_").split("_")[0]
            token = ApiToken.objects.filter(key_id=key_id).first()
            if token is None:
                raise CommandError(f"No token ff_{key_id}.")
            services.revoke_api_token(token, by=token.user)
            self.stdout.write(f"Revoked ff_{key_id}.")
