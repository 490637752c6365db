"""Major-incident fixtures on top of the root ``world``: a P1 at Alpha reported by Ann, a
second Alpha contact, and the real SMTP server, worker and HTTP receiver of the notify tests.

The automatic P1 rule is off here (tests declare by hand) except where a test turns it on.
"""

from __future__ import annotations

import pytest

from fixfirst.incidents.choices import Channel, Impact, Urgency
from fixfirst.incidents.services import open_incident
from fixfirst.tenancy import services as tenancy
from tests.notify.conftest import retry_time_comes, run_worker, smtp  # noqa: F401 - fixtures
from tests.notify.http_receiver import receiver_fixture  # noqa: F401 - fixture


@pytest.fixture(autouse=True)
def _no_automatic_major(settings):
    settings.FIXFIRST_MAJOR_AUTO_P1 = False


@pytest.fixture
def incident(world):
    world.alpha_cfo = tenancy.add_contact(
        world.alpha, by=None, name="Cas Alpha", email="cas@alpha.example"
    )
    return open_incident(
        by=world.agent, customer=world.alpha, title="Core switch down", channel=Channel.PHONE,
        reporter=world.alpha_contact, impact=Impact.HIGH, urgency=Urgency.HIGH,
    )  # fmt: skip
