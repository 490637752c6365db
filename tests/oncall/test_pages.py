"""The on-call pages as staff use them, and what customers get (nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from fixfirst.catalog.services import save_service
from fixfirst.oncall.models import EscalationStep, Layer, Override, ServicePolicy
from tests.conftest import client_for


def _get(user, name, *args, **params):
    return client_for(user).get(reverse(name, args=args), params)


def test_overview_and_schedule_page_show_who_is_on_call(oncall):
    body = _get(oncall.viewer, "oncall:index").content.decode()
    assert "Infra" in body and "engineer" in body and "P1" in body
    page = _get(oncall.viewer, "oncall:schedule_detail", oncall.schedule.pk)
    assert page.status_code == 200
    text = page.content.decode()
    assert "On call now" in text and text.count("oncall-chip") >= 28  # four weeks of days
    assert "Add a layer" not in text  # a viewer reads, does not edit
    assert "style=" not in text and "<script>" not in text  # strict CSP: no inline style/script


def test_staff_add_a_layer_a_participant_and_an_override(oncall):
    client = client_for(oncall.engineer)
    url = reverse("oncall:layer_create", args=[oncall.schedule.pk])
    response = client.post(url, {
        "name": "Office", "rotation": "daily", "shift_hours": 24, "handoff_time": "09:00",
        "start_date": "2026-01-05", "restrict_days": ["0", "1", "2", "3", "4"],
        "restrict_start": "09:00", "restrict_end": "17:00",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    layer = Layer.objects.get(name="Office")
    assert layer.position == 2 and layer.restrict_days == [0, 1, 2, 3, 4]
    assert (
        client.post(
            reverse("oncall:member_add", args=[layer.pk]), {"user": oncall.eva.pk}
        ).status_code
        == 302
    )
    assert [m.user for m in layer.members.all()] == [oncall.eva]
    response = client.post(reverse("oncall:override_create", args=[oncall.schedule.pk]), {
        "user": oncall.manager.pk, "starts_at": "2030-01-01T20:00", "ends_at": "2030-01-01T23:00",
        "reason": "dentist",
    })  # fmt: skip
    assert response.status_code == 302
    override = Override.objects.get()
    assert override.starts_at == dt.datetime(2030, 1, 1, 19, 0, tzinfo=dt.UTC)  # Amsterdam time
    body = _get(oncall.engineer, "oncall:schedule_detail", oncall.schedule.pk).content.decode()
    assert "Office" in body and "Mon, Tue, Wed, Thu, Fri 09:00–17:00" in body and "dentist" in body


def test_a_bad_layer_is_refused_with_the_reason(oncall):
    response = client_for(oncall.engineer).post(
        reverse("oncall:layer_create", args=[oncall.schedule.pk]),
        {"name": "Half", "rotation": "daily", "shift_hours": 24, "handoff_time": "09:00",
         "start_date": "2026-01-05", "restrict_start": "09:00"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "both the start and the end" in response.content.decode()


def test_customers_and_viewers_cannot_edit(oncall):
    for user in (oncall.alice, oncall.bob):
        for name, args in [
            ("oncall:index", []), ("oncall:me", []),
            ("oncall:schedule_detail", [oncall.schedule.pk]),
            ("oncall:policy_detail", [oncall.policy.pk]),
        ]:  # fmt: skip
            assert _get(user, name, *args).status_code in (403, 404)
        response = client_for(user).post(
            reverse("oncall:schedule_rotate_token", args=[oncall.schedule.pk])
        )
        assert response.status_code in (403, 404)
    response = client_for(oncall.viewer).post(
        reverse("oncall:member_add", args=[oncall.layer.pk]), {"user": oncall.viewer.pk}
    )
    assert response.status_code == 403


def test_managers_build_a_policy_and_attach_it_to_services(oncall):
    erp = save_service(None, by=None, name="ERP")
    client = client_for(oncall.manager)
    url = reverse("oncall:step_add", args=[oncall.policy.pk])
    assert (
        client.post(
            url, {"delay_minutes": 15, "teams": [oncall.team.pk], "all_engineers": "on"}
        ).status_code
        == 302
    )
    step = EscalationStep.objects.get(policy=oncall.policy, position=3)
    assert sorted(t.kind for t in step.targets.all()) == ["all_engineers", "team"]
    attach = reverse("oncall:policy_attach", args=[oncall.policy.pk])
    assert client.post(attach, {"services": [erp.pk]}).status_code == 302
    assert ServicePolicy.objects.get(service=erp).policy == oncall.policy
    body = _get(oncall.manager, "oncall:policy_detail", oncall.policy.pk).content.decode()
    assert "Step 3" in body and "at +20 min" in body and "team Infrastructure" in body
    # Engineers keep schedules, but policies are for incident managers.
    assert (
        client_for(oncall.engineer)
        .post(url, {"delay_minutes": 1, "all_engineers": "on"})
        .status_code
        == 403
    )


@pytest.mark.parametrize("weeks", ["1", "8", "x"])
def test_the_coming_weeks_table_accepts_any_weeks_parameter(oncall, weeks):
    response = _get(oncall.engineer, "oncall:schedule_detail", oncall.schedule.pk, weeks=weeks)
    assert response.status_code in (200, 400)


def test_running_escalations_show_only_incidents_the_viewer_may_see(oncall):
    from fixfirst.incidents import services as incidents
    from fixfirst.oncall.services import start_escalation

    secret = incidents.open_incident(
        by=oncall.bob, customer=oncall.beta, title="Beta Industries ERP down", channel="portal"
    )
    start_escalation(secret, oncall.policy)
    seen = _get(oncall.engineer, "oncall:policy_detail", oncall.policy.pk).content.decode()
    assert "Beta Industries ERP down" in seen
    hidden = _get(oncall.restricted, "oncall:policy_detail", oncall.policy.pk).content.decode()
    assert "Beta Industries" not in hidden
