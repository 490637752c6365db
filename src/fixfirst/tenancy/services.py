"""Every state change of the tenancy domain: one function per action, one transaction each,
each writing its audit entry and enqueueing the work it causes in that same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fixfirst.audit.log import changes, record, snapshot
from fixfirst.tenancy import tasks
from fixfirst.tenancy.models import (
    ApiToken,
    Contact,
    Contract,
    Customer,
    Provider,
    Team,
    TokenScope,
    User,
)
from fixfirst.tenancy.roles import CUSTOMER_ROLES, Capability, Role


def _save_validated(obj: Any) -> None:
    obj.full_clean()
    obj.save()


def _update(obj: Any, action: str, by: User | None, fields: dict[str, Any]) -> Any:
    # Re-read under a row lock: the caller's instance may already carry a form's edits.
    obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    before = snapshot(obj)
    for name, value in fields.items():
        setattr(obj, name, value)
    _save_validated(obj)
    old, new = changes(before, snapshot(obj))
    if new:
        record(action, obj, by=by, before=old, after=new)
    return obj


@transaction.atomic
def update_provider(provider: Provider, *, by: User, **fields: Any) -> Provider:
    return _update(provider, "provider.update", by, fields)


@transaction.atomic
def create_customer(*, by: User | None, name: str, slug: str = "", **fields: Any) -> Customer:
    customer = Customer(name=name, slug=slug or slugify(name)[:50], **fields)
    _save_validated(customer)
    record("customer.create", customer, by=by, customer=customer, after=snapshot(customer))
    return customer


@transaction.atomic
def update_customer(customer: Customer, *, by: User, **fields: Any) -> Customer:
    return _update(customer, "customer.update", by, fields)


@transaction.atomic
def add_contact(customer: Customer, *, by: User | None, **fields: Any) -> Contact:
    contact = Contact(customer=customer, **fields)
    _save_validated(contact)
    record("contact.create", contact, by=by, after=snapshot(contact))
    return contact


@transaction.atomic
def update_contact(contact: Contact, *, by: User, **fields: Any) -> Contact:
    fields.pop("customer", None)
    return _update(contact, "contact.update", by, fields)


@transaction.atomic
def remove_contact(contact: Contact, *, by: User) -> None:
    record("contact.delete", contact, by=by, before=snapshot(contact))
    contact.delete()


@transaction.atomic
def add_contract(customer: Customer, *, by: User | None, **fields: Any) -> Contract:
    contract = Contract(customer=customer, **fields)
    _save_validated(contract)
    record("contract.create", contract, by=by, after=snapshot(contract))
    return contract


@transaction.atomic
def update_contract(contract: Contract, *, by: User, **fields: Any) -> Contract:
    fields.pop("customer", None)
    return _update(contract, "contract.update", by, fields)


@transaction.atomic
def invite_user(
    *,
    by: User | None,
    username: str,
    email: str,
    role: str,
    customer: Customer | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    send_invitation: bool = True,
) -> User:
    """Create a login. Without a password the person gets an invitation mail to set one."""
    if by is not None and role not in CUSTOMER_ROLES and not by.can(Capability.MANAGE_PLATFORM):
        raise PermissionDenied(_("Only administrators create staff accounts."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user with that username already exists.")})
    user = User(
        username=username,
        email=email,
        role=role,
        customer=customer if role in CUSTOMER_ROLES else None,
        first_name=first_name,
        last_name=last_name,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    _save_validated(user)
    record("user.create", user, by=by, after=snapshot(user))
    if send_invitation and email:
        # Same transaction: if this rolls back, no invitation is ever sent.
        tasks.send_invitation.enqueue(user.pk)
    return user


@transaction.atomic
def update_user(user: User, *, by: User, **fields: Any) -> User:
    if "role" in fields and fields["role"] not in CUSTOMER_ROLES:
        fields["customer"] = None
    if user.pk == by.pk and fields.get("role", user.role) != Role.ADMIN and user.role == Role.ADMIN:
        raise ValidationError({"role": _("You cannot remove your own administrator role.")})
    return _update(user, "user.update", by, fields)


@transaction.atomic
def deactivate_user(user: User, *, by: User) -> User:
    if user.pk == by.pk:
        raise ValidationError({"is_active": _("You cannot deactivate yourself.")})
    _update(user, "user.deactivate", by, {"is_active": False})
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return user


@transaction.atomic
def set_excluded_customers(user: User, customers: Iterable[Customer], *, by: User) -> None:
    before = sorted(user.excluded_customers.values_list("pk", flat=True))
    user.excluded_customers.set(list(customers))
    after = sorted(user.excluded_customers.values_list("pk", flat=True))
    if before != after:
        record(
            "user.exclusions",
            user,
            by=by,
            before={"excluded_customers": before},
            after={"excluded_customers": after},
        )


@transaction.atomic
def create_team(*, by: User | None, name: str, slug: str = "", description: str = "") -> Team:
    team = Team(name=name, slug=slug or slugify(name)[:50], description=description)
    _save_validated(team)
    record("team.create", team, by=by, after=snapshot(team))
    return team


@transaction.atomic
def update_team(team: Team, *, by: User, **fields: Any) -> Team:
    return _update(team, "team.update", by, fields)


@transaction.atomic
def set_team_members(team: Team, members: Iterable[User], *, by: User | None) -> None:
    members = list(members)
    outsiders = [m.username for m in members if not m.is_provider_staff]
    if outsiders:
        raise ValidationError(
            {
                "members": _("Only provider staff join teams: %(names)s")
                % {"names": ", ".join(outsiders)}
            }
        )
    before = sorted(team.members.values_list("username", flat=True))
    team.members.set(members)
    after = sorted(m.username for m in members)
    if before != after:
        record("team.members", team, by=by, before={"members": before}, after={"members": after})


@transaction.atomic
def create_api_token(
    user: User,
    *,
    by: User,
    name: str,
    scope: str = TokenScope.READ,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    if scope not in TokenScope.values:
        raise ValidationError(
            {
                "scope": _("Unknown scope %(scope)s; use read, write or admin.")
                % {"scope": repr(scope)}
            }
        )
    if scope != TokenScope.READ and not user.can(Capability.USE_API_WRITE):
        raise ValidationError({"scope": _("This role may only hold read tokens.")})
    if scope == TokenScope.ADMIN and not user.can(Capability.MANAGE_PLATFORM):
        raise ValidationError({"scope": _("Only administrators may hold admin tokens.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must lie in the future.")})
    raw, key_id, key_hash = ApiToken.generate()
    token = ApiToken(
        user=user, name=name, key_id=key_id, key_hash=key_hash, scope=scope, expires_at=expires_at
    )
    _save_validated(token)
    record("token.create", token, by=by, customer=user.customer, after=snapshot(token))
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record("token.revoke", token, by=by, customer=token.user.customer)
    return token
