"""Demo data of major-incident mode: the open P1 at Bakker Logistiek runs as a major incident
with its core team and a few tasks. Idempotent."""

from __future__ import annotations

from fixfirst.incidents.choices import OPEN_STATUSES
from fixfirst.incidents.models import Incident
from fixfirst.major import services
from fixfirst.major.choices import CoreRole
from fixfirst.major.models import MajorIncident
from fixfirst.tenancy.models import User

TITLE = "ERP does not print delivery notes"


def load() -> None:
    if MajorIncident.objects.exists():
        return
    people = {
        u.username: u
        for u in User.objects.filter(username__in=["ingrid", "erik", "eva", "omar", "anna"])
    }
    incident = Incident.objects.filter(title=TITLE, status__in=OPEN_STATUSES).first()
    if incident is None or len(people) < 5:
        return  # not the demo installation
    major = services.declare_major(
        incident, by=people["ingrid"],
        reason="Bakker cannot ship: no delivery notes at any depot since 07:40.",
        roles={
            CoreRole.INCIDENT_COMMANDER: [people["ingrid"]],
            CoreRole.TECHNICAL_LEAD: [people["erik"]],
            CoreRole.COMMUNICATIONS_LEAD: [people["anna"]],
            CoreRole.CUSTOMER_LIAISON: [people["anna"]],
            CoreRole.SCRIBE: [people["omar"]],
            CoreRole.SUBJECT_MATTER_EXPERT: [people["eva"]],
        },
    )  # fmt: skip
    task = services.add_task(major, title="Check the print spooler on the ERP application server",
                             owner=people["erik"], by=people["ingrid"])  # fmt: skip
    services.set_task_done(task, done=True, by=people["erik"])
    services.add_task(major, title="Workaround: PDF delivery notes by mail to the depots",
                      owner=people["eva"], by=people["ingrid"])  # fmt: skip
    services.add_task(major, title="Call Johan de Boer with the workaround",
                      owner=people["anna"], by=people["ingrid"])  # fmt: skip
