"""/api/v1/major-incidents/: declare, roles, tasks, stand down."""

from __future__ import annotations

from fixfirst.major.choices import CoreRole


def test_declare_assign_task_and_stand_down_through_the_api(world, incident, client, api_token):
    auth = {"HTTP_AUTHORIZATION": api_token(world.manager)}
    made = client.post(
        "/api/v1/major-incidents/",
        {"incident": incident.number, "reason": "Office offline",
         "roles": {CoreRole.TECHNICAL_LEAD: ["engineer"]}},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["reference"] == incident.reference and data["cadence_minutes"] == 30
    assert data["next_update_due_at"] and data["paged"] == 4
    assert {(r["role"], r["user"]) for r in data["roles"]} >= {
        (CoreRole.INCIDENT_COMMANDER, "manager"), (CoreRole.TECHNICAL_LEAD, "engineer"),
    }  # fmt: skip
    base = f"/api/v1/major-incidents/{data['id']}/"

    assigned = client.post(base + "roles/", {"role": "scribe", "user": "agent"},
                           content_type="application/json", **auth)  # fmt: skip
    assert assigned.status_code == 200
    assert ("scribe", "agent") in {(r["role"], r["user"]) for r in assigned.json()["roles"]}

    engineer = {"HTTP_AUTHORIZATION": api_token(world.engineer)}
    task = client.post(base + "tasks/", {"title": "Call vendor", "owner": "engineer"},
                       content_type="application/json", **engineer)  # fmt: skip
    assert task.status_code == 201
    done = client.patch(f"{base}tasks/{task.json()['id']}/", {"done": True},
                        content_type="application/json", **engineer)  # fmt: skip
    assert done.status_code == 200 and done.json()["done"] is True
    assert client.get(base + "tasks/", **engineer).json()[0]["done"] is True

    refused = client.post(
        base + "stand-down/", {"note": "x"}, content_type="application/json", **engineer
    )
    assert refused.status_code == 403
    stood = client.post(base + "stand-down/", {"note": "Workaround holds."},
                        content_type="application/json", **auth)  # fmt: skip
    assert stood.status_code == 200 and stood.json()["stood_down_at"]


def test_unknown_fields_and_roles_are_refused(world, incident, client, api_token):
    auth = {"HTTP_AUTHORIZATION": api_token(world.manager)}
    typo = client.post("/api/v1/major-incidents/", {"incident": incident.number, "reason": "x", "role": {}},
                       content_type="application/json", **auth)  # fmt: skip
    assert typo.status_code == 400
    bad_role = client.post(
        "/api/v1/major-incidents/",
        {"incident": incident.number, "reason": "x", "roles": {"astronaut": ["engineer"]}},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert bad_role.status_code == 400 and "astronaut" in bad_role.content.decode()


def test_a_read_token_cannot_declare(world, incident, client, api_token):
    response = client.post("/api/v1/major-incidents/", {"incident": incident.number, "reason": "x"},
                           content_type="application/json",
                           HTTP_AUTHORIZATION=api_token(world.manager, "read"))  # fmt: skip
    assert response.status_code == 403
