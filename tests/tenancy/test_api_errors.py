"""Bad input to the API gets a 4xx with a JSON body naming the field and the problem."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from fixfirst.tenancy.models import ApiToken


def _post(client: Client, url: str, body: str, auth: str | None = None):
    headers = {"HTTP_AUTHORIZATION": auth} if auth else {}
    return client.post(url, data=body, content_type="application/json", **headers)


def test_missing_token_is_401_with_json(world):
    response = Client().get("/api/v1/customers/")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_token_is_401(world):
    response = Client().get("/api/v1/customers/", HTTP_AUTHORIZATION="Bearer ff_nope_nope")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_expired_token_is_401_and_says_expired(world, api_token):
    auth = api_token(world.admin, "read", expires_at=timezone.now() + dt.timedelta(seconds=60))
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = Client().get("/api/v1/customers/", HTTP_AUTHORIZATION=auth)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_revoked_token_stops_working(world, api_token):
    auth = api_token(world.admin, "write")
    client = Client()
    assert client.get("/api/v1/customers/", HTTP_AUTHORIZATION=auth).status_code == 200
    token = ApiToken.objects.get()
    assert client.delete(f"/api/v1/tokens/{token.pk}/", HTTP_AUTHORIZATION=auth).status_code == 204
    response = client.get("/api/v1/customers/", HTTP_AUTHORIZATION=auth)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_token_is_stored_hashed(world, api_token):
    auth = api_token(world.admin, "read")
    raw = auth.split()[1]
    token = ApiToken.objects.get()
    assert raw not in (token.key_hash, token.key_id)
    assert raw.startswith(f"ff_{token.key_id}_")


def test_malformed_json_is_400(world, api_token):
    response = _post(Client(), "/api/v1/customers/", '{"name": "x",', api_token(world.admin))
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"
    assert "JSON" in response.json()["detail"]


def test_unknown_field_is_400_and_named(world, api_token):
    response = _post(
        Client(), "/api/v1/customers/", '{"name": "Gamma", "colour": "red"}', api_token(world.admin)
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"colour": ["Unknown field."]}


def test_wrong_type_is_400_and_named(world, api_token):
    response = _post(
        Client(),
        "/api/v1/customers/",
        '{"name": "Gamma", "is_active": "perhaps"}',
        api_token(world.admin),
    )
    assert response.status_code == 400
    assert "is_active" in response.json()["fields"]


def test_json_array_instead_of_object_is_400(world, api_token):
    response = _post(Client(), "/api/v1/customers/", "[1, 2]", api_token(world.admin))
    assert response.status_code == 400


def test_missing_required_field_is_400(world, api_token):
    response = _post(Client(), "/api/v1/contacts/", '{"name": "No Mail"}', api_token(world.admin))
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"customer", "email"}


def test_read_scope_cannot_write(world, api_token):
    response = _post(
        Client(), "/api/v1/customers/", '{"name": "Gamma"}', api_token(world.admin, "read")
    )
    assert response.status_code == 403


def test_write_token_creates_customer_and_audits_it(world, api_token):
    response = _post(Client(), "/api/v1/customers/", '{"name": "Gamma BV"}', api_token(world.admin))
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "gamma-bv"
    from fixfirst.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(action="customer.create").order_by("-pk").first()
    assert entry.actor == world.admin and entry.object_repr == "Gamma BV"


def test_role_still_limits_a_write_token(world, api_token):
    response = _post(Client(), "/api/v1/customers/", '{"name": "Gamma"}', api_token(world.engineer))
    assert response.status_code == 403


def test_admin_endpoints_need_admin_scope(world, api_token):
    client = Client()
    assert (
        client.get("/api/v1/audit/", HTTP_AUTHORIZATION=api_token(world.admin, "write")).status_code
        == 403
    )
    assert (
        client.get("/api/v1/audit/", HTTP_AUTHORIZATION=api_token(world.admin, "admin")).status_code
        == 200
    )


def test_duplicate_customer_name_is_400_not_500(world, api_token):
    response = _post(
        Client(), "/api/v1/customers/", '{"name": "Alpha Corp"}', api_token(world.admin)
    )
    assert response.status_code == 400
    assert "name" in response.json()["fields"]


def test_contract_ending_before_start_is_rejected(world, api_token):
    body = f'{{"customer": {world.alpha.pk}, "name": "Bad", "starts_on": "2025-02-01", "ends_on": "2025-01-01"}}'
    response = _post(Client(), "/api/v1/contracts/", body, api_token(world.admin))
    assert response.status_code == 400
    assert "ends_on" in response.json()["fields"]


def test_customer_admin_can_add_contact_only_to_own_customer(world, api_token):
    auth = api_token(world.alice)
    ok = _post(
        Client(),
        "/api/v1/contacts/",
        f'{{"customer": {world.alpha.pk}, "name": "N", "email": "n@a.example"}}',
        auth,
    )
    assert ok.status_code == 201
    other = _post(
        Client(),
        "/api/v1/contacts/",
        f'{{"customer": {world.beta.pk}, "name": "N", "email": "n@b.example"}}',
        auth,
    )
    assert other.status_code == 400
    assert "customer" in other.json()["fields"]


def test_unknown_api_path_is_json_404(world, api_token):
    response = Client().get("/api/v1/nothing-here/", HTTP_AUTHORIZATION=api_token(world.admin))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_viewer_may_only_hold_read_tokens(world, api_token):
    client = Client()
    client.force_login(world.viewer)
    response = client.post(
        "/api/v1/tokens/", data='{"name": "x", "scope": "write"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert "scope" in response.json()["fields"]


def test_token_created_over_api_is_shown_once(world, api_token):
    client = Client()
    auth = api_token(world.admin, "write")
    created = client.post(
        "/api/v1/tokens/",
        data='{"name": "ci"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert created.status_code == 201
    raw = created.json()["token"]
    listed = client.get("/api/v1/tokens/", HTTP_AUTHORIZATION=auth).json()["results"]
    assert raw not in str(listed)
    assert (
        client.get("/api/v1/users/me/", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["username"]
        == "admin"
    )
