from __future__ import annotations

import pytest
from django.urls import reverse

from fixfirst.audit.models import AppendOnlyError, AuditEntry
from fixfirst.core.context import reset_request_id, set_request_id
from fixfirst.tenancy import services
from tests.conftest import client_for


def test_update_records_only_the_changed_fields(world):
    token = set_request_id("req-123")
    try:
        services.update_customer(world.alpha, by=world.admin, timezone="Europe/Berlin")
    finally:
        reset_request_id(token)
    entry = AuditEntry.objects.get(action="customer.update")
    assert entry.before == {"timezone": "Europe/Amsterdam"}
    assert entry.after == {"timezone": "Europe/Berlin"}
    assert (entry.actor, entry.customer, entry.request_id) == (world.admin, world.alpha, "req-123")


def test_a_save_without_changes_records_nothing(world):
    services.update_customer(world.alpha, by=world.admin, name="Alpha Corp")
    assert not AuditEntry.objects.filter(action="customer.update").exists()


def test_entries_cannot_be_changed_or_deleted(world):
    entry = AuditEntry.objects.first()
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_password_hashes_never_reach_the_log(world):
    assert not any("password" in (e.after or {}) for e in AuditEntry.objects.all())


def test_audit_page_is_for_administrators(world):
    services.update_customer(world.alpha, by=world.admin, notes="moved office")
    page = client_for(world.admin).get(reverse("audit:list"), {"action": "customer.update"})
    assert page.status_code == 200
    assert "moved office" in page.content.decode()
    assert client_for(world.manager).get(reverse("audit:list")).status_code == 403
    assert client_for(world.alice).get(reverse("audit:list")).status_code == 403


def test_request_id_from_a_web_request_lands_in_the_entry(world):
    client = client_for(world.admin)
    response = client.post(
        reverse("tenancy:customer_edit", args=[world.alpha.pk]),
        {
            "name": "Alpha Corp",
            "slug": "alpha",
            "is_active": "on",
            "timezone": "UTC",
            "language": "en",
            "notes": "",
        },
        HTTP_X_REQUEST_ID="abc-42",
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "abc-42"
    assert AuditEntry.objects.get(action="customer.update").request_id == "abc-42"
