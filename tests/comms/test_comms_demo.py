"""The demo plan: three languages, every phase, and templates that work in the composer."""

from __future__ import annotations

from fixfirst import demo
from fixfirst.comms import compose
from fixfirst.comms.choices import Audience, Phase
from fixfirst.comms.demo_templates import TEMPLATES
from fixfirst.comms.models import CommunicationPlan, IncidentComms, MessageTemplate
from fixfirst.comms.plan import effective_plan
from fixfirst.comms.wording import check
from fixfirst.incidents.models import Incident
from fixfirst.tenancy.models import Customer


def test_the_demo_plan_is_complete_and_loads_once(db):
    demo.load()
    demo.load()
    plan = CommunicationPlan.objects.get(customer__isnull=True)
    assert MessageTemplate.objects.filter(plan=plan).count() == len(Phase) * len(Audience) * 3
    merged = effective_plan(None)
    assert merged.cadence == {1: 30, 2: 60, 3: 240, 4: 1440}
    assert merged.commander().username == "ingrid"
    assert {r.kind for r in merged.roles} >= {
        "incident_commander", "communications_lead", "scribe", "technical_lead",
        "customer_liaison", "subject_matter_expert",
    }  # fmt: skip
    assert all(set(c.text) == {"en", "nl", "de"} for c in merged.criteria)
    assert "technische storing" in merged.terms("nl")
    mueller = effective_plan(Customer.objects.get(slug="mueller"))
    assert mueller.cadence[2] == 30
    assert [p.username for p in mueller.people("customer_liaison")] == ["eva"]

    # Every demo template fills without unknown placeholders, and the investigating update
    # for customers can be posted as it is: the three-interaction flow.
    incident = Incident.objects.filter(status="investigating").first()
    for language in TEMPLATES:
        for phase in Phase:
            for audience in Audience:
                drafted = compose.draft(incident, phase=phase, audience=audience, language=language)
                assert drafted.has_template and not drafted.unknown, (language, phase, audience)
        investigating = compose.draft(incident, phase="investigating", language=language)
        assert check(investigating.body, language, phase="investigating").ok, investigating.body

    live = IncidentComms.objects.get(incident__title="ERP does not print delivery notes")
    assert live.next_update_due_at is not None and live.ticked.exists()
