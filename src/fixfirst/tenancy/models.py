"""Provider, customers, their contacts and contracts, people and teams."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from fixfirst.tenancy.roles import CUSTOMER_ROLES, STAFF_ROLES, Capability, Role, role_has


class Provider(models.Model):
    """The one organisation that runs this installation: an IT department or an MSP."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("service-desk email"), blank=True)
    phone = models.CharField(_("service-desk phone"), max_length=50, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")

    class Meta:
        verbose_name = _("provider")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Provider:
        provider = cls.objects.order_by("pk").first()
        if provider is None:
            provider = cls.objects.create(name="FixFirst")
        return provider


class Customer(models.Model):
    """A client organisation whose IT the provider runs; the unit of tenant isolation."""

    tenancy_path: ClassVar[str] = "pk"

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at a customer: reporter of incidents, receiver of updates."""

    tenancy_path: ClassVar[str] = "customer"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
    )

    class Meta:
        ordering = ["customer__name", "name"]
        verbose_name = _("contact")
        constraints = [
            models.UniqueConstraint(fields=["customer", "email"], name="contact_unique_email")
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Contract(models.Model):
    """What the provider promised a customer; the incident module adds the SLA targets."""

    tenancy_path: ClassVar[str] = "customer"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contracts")
    name = models.CharField(_("name"), max_length=200)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["customer__name", "-starts_on"]
        verbose_name = _("contract")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="contract_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The contract cannot end before it starts.")})

    def is_current(self, on: object = None) -> bool:
        day = on or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)  # type: ignore[operator]


class User(AbstractUser):
    """A person who logs in: provider staff, or a user of one customer."""

    tenancy_path: ClassVar[str] = "customer"

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.VIEWER)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Set for customer users; empty for provider staff."),
    )
    excluded_customers = models.ManyToManyField(
        Customer,
        blank=True,
        related_name="excluded_staff",
        verbose_name=_("excluded customers"),
        help_text=_("Staff see every customer except these."),
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(CUSTOMER_ROLES), customer__isnull=False)
                    | models.Q(role__in=sorted(STAFF_ROLES), customer__isnull=True)
                ),
                name="user_role_matches_customer",
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.role in CUSTOMER_ROLES and self.customer_id is None:
            raise ValidationError({"customer": _("A customer user needs a customer.")})
        if self.role in STAFF_ROLES and self.customer_id is not None:
            raise ValidationError({"customer": _("Provider staff belong to no customer.")})

    @property
    def is_provider_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def can(self, capability: Capability) -> bool:
        return self.is_active and role_has(self.role, capability)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Team(models.Model):
    """A group of provider staff: a service desk, an infrastructure team, a resolver group."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="teams", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")

    def __str__(self) -> str:
        return self.name


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")
    ADMIN = "admin", _("Administration")


def hash_token(raw: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is safe and keeps every API call cheap.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API; only its hash is stored."""

    tenancy_path: ClassVar[str] = "user__customer"
    PREFIX = "ff_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(
        _("scope"), max_length=8, choices=TokenScope.choices, default=TokenScope.READ
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.PREFIX}{self.key_id}…)"

    @classmethod
    def generate(cls) -> tuple[str, str, str]:
        """A new raw token with its public id and hash: ``ff_<id>_<secret>``."""
        key_id = secrets.token_hex(6)
        raw = f"{cls.PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        return raw, key_id, hash_token(raw)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired
