"""Filling a template: the known placeholders from the incident, nothing else."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from fixfirst.comms import compose
from fixfirst.comms.plan import effective_plan
from fixfirst.comms.templating import fill, values_for, when


def test_filled_template_contains_the_reference_and_the_next_update_time(incident):
    now = timezone.now()
    drafted = compose.draft(incident, phase="investigating", language="en", now=now)
    assert drafted.has_template and not drafted.unknown
    assert incident.reference in drafted.subject
    assert "Mail is down" in drafted.subject
    due = compose.next_update_due(effective_plan(incident.customer), incident, "investigating", now)
    assert due is not None and dt.timedelta(minutes=30) <= due - now < dt.timedelta(minutes=31)
    assert when(due, ZoneInfo(incident.customer.timezone), now=now) in drafted.body
    assert "Alpha Corp" in drafted.body
    assert "{" not in drafted.body


def test_unknown_placeholder_is_left_as_written_and_reported(incident):
    filled = fill("Hello {customer}, see {dashboard} and {Customer}.", {"customer": "Alpha"})
    assert filled.text == "Hello Alpha, see {dashboard} and {Customer}."
    assert filled.unknown == ("{dashboard}", "{Customer}")


def test_unknown_placeholder_in_a_plan_template_warns_in_the_draft(incident, plan):
    template = plan.templates.get(phase="investigating", audience="customers", language="en")
    template.body += " Ask {account_manager}."
    template.save()
    drafted = compose.draft(incident, phase="investigating", language="en")
    assert drafted.unknown == ("{account_manager}",)
    assert "Ask {account_manager}." in drafted.body


def test_placeholders_cannot_reach_attributes_or_format_specs():
    values = {"title": "Mail is down"}
    filled = fill("{title.__class__} {title:>40} {title!r} {title[0]} {title}", values)
    assert filled.text == "{title.__class__} {title:>40} {title!r} {title[0]} Mail is down"
    assert len(filled.unknown) == 4


def test_braces_that_are_not_placeholders_survive():
    assert fill("a { b } {{title}} }{ {}", {"title": "x"}).text == "a { b } {title} }{ {}"


def test_values_are_written_in_the_message_language(incident):
    plan = effective_plan(incident.customer)
    nl = values_for(incident, plan=plan, language="nl", next_update_at=None)
    de = values_for(incident, plan=plan, language="de", next_update_at=None)
    en = values_for(incident, plan=plan, language="en", next_update_at=None)
    assert en["commander"] == "manager"  # the plan's incident commander
    assert en["workaround"] == "none yet"
    assert en["reference"] == incident.reference
    assert en["status"] == "New"
    assert nl["reference"] == de["reference"] == incident.reference
    assert en["next_update"] == "no further updates"


def test_without_a_template_the_draft_is_empty_and_says_so(incident):
    drafted = compose.draft(incident, phase="monitoring", language="de")
    assert not drafted.has_template
    assert drafted.body == ""
