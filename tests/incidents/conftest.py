from __future__ import annotations

import datetime as dt

import pytest

from fixfirst.incidents import services
from fixfirst.incidents.choices import Channel
from fixfirst.incidents.models import BusinessCalendar, SlaPolicy, SlaTarget

# priority -> (response minutes, resolution minutes)
TARGETS = {1: (15, 240), 2: (30, 480), 3: (120, 1440), 4: (480, 4320)}


@pytest.fixture
def office_sla(world):
    """Alpha's contract: Mon-Fri 08-18 Amsterdam, P1 around the clock."""
    calendar = BusinessCalendar.objects.create(
        name="Office", timezone="Europe/Amsterdam", hours=[[d, "08:00", "18:00"] for d in range(5)]
    )
    policy = SlaPolicy.objects.create(contract=world.alpha_contract, calendar=calendar)
    for priority, (response, resolution) in TARGETS.items():
        SlaTarget.objects.create(
            policy=policy,
            priority=priority,
            response_minutes=response,
            resolution_minutes=resolution,
        )
    return policy


@pytest.fixture
def open_incident(world):
    """``open_incident(**overrides)``: an Alpha incident reported by Ann."""

    def make(**overrides):
        fields = {
            "by": world.agent,
            "customer": world.alpha,
            "title": "Mail is down",
            "channel": Channel.PHONE,
            "reporter": world.alpha_contact,
        }
        fields.update(overrides)
        return services.open_incident(**fields)

    return make


def at(text: str) -> dt.datetime:
    """An Amsterdam wall time, e.g. at("2026-11-20 17:00") (a Friday)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Amsterdam"))
