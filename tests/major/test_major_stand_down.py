"""Standing down: by hand with a note, or on its own when the incident is resolved."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fixfirst.incidents.services import resolve
from fixfirst.major import services
from fixfirst.major.choices import CoreRole
from fixfirst.notify.models import Delivery


@pytest.fixture
def major(world, incident):
    return services.declare_major(
        incident, by=world.manager, reason="x", roles={CoreRole.TECHNICAL_LEAD: [world.engineer]}
    )


def test_resolving_stands_the_major_incident_down(world, incident, major):
    resolve(incident, by=world.engineer, resolution="Replaced the switch.")
    assert services.active_major(incident) is None  # resolving alone stands it down
    major.refresh_from_db()
    assert major.stood_down_at is not None
    final = incident.events.filter(data__major="stood_down").get()
    assert "stood down after" in final.body and final.data["automatic"] is True
    assert final.data["roles"][CoreRole.TECHNICAL_LEAD] == "engineer"
    team_mail = Delivery.objects.filter(reason="major.stood_down", recipient="manager@example.com")
    assert team_mail.exists()
    assert services.on_incident_resolved(incident) is None  # only once


def test_an_open_incident_stands_down_only_with_a_reason(world, incident, major):
    with pytest.raises(ValidationError):
        services.stand_down(major, by=world.manager)
    services.stand_down(major, by=world.manager, note="Downgraded: one site only.")
    incident.refresh_from_db()
    assert incident.is_open and services.active_major(incident) is None
    with pytest.raises(ValidationError):
        services.stand_down(major, by=world.manager, note="again")


def test_engineers_cannot_stand_down_but_the_commander_can(world, incident, major):
    with pytest.raises(PermissionDenied):
        services.stand_down(major, by=world.engineer, note="done")
    services.assign_role(
        major, role=CoreRole.INCIDENT_COMMANDER, user=world.engineer, by=world.manager
    )
    services.stand_down(major, by=world.engineer, note="done")


def test_a_reopened_incident_can_be_declared_again(world, incident, major):
    services.stand_down(major, by=world.manager, note="Calmer now")
    again = services.declare_major(incident, by=world.manager, reason="It is back")
    assert again.pk != major.pk and services.active_major(incident) == again
