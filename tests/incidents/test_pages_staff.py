"""Staff pages: the queue, the intake form, one incident and its actions — as people notice them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fixfirst.incidents import services, updates
from fixfirst.incidents.choices import Channel, Impact, Priority, Status, Urgency
from fixfirst.incidents.models import Attachment, Incident, TimelineEvent
from tests.conftest import client_for


def _body(response) -> str:
    return response.content.decode()


def _queue(user, **params) -> str:
    response = client_for(user).get(reverse("incidents:queue"), params)
    assert response.status_code == 200
    return _body(response)


# --- queue --------------------------------------------------------------------------------


@pytest.fixture
def queue_world(world, open_incident):
    w = world
    w.mine = open_incident(title="Assigned to engineer", team=w.team, assignee=w.engineer)
    w.teams = open_incident(title="Waiting in the team", team=w.team)
    w.loose = open_incident(title="Nobody has it")
    w.done = open_incident(title="Already resolved")
    services.resolve(w.done, by=w.agent, resolution="Restarted.")
    return w


@pytest.mark.parametrize(
    ("tab", "shown"),
    [
        ("mine", {"Assigned to engineer"}),
        ("team", {"Assigned to engineer", "Waiting in the team"}),
        ("unassigned", {"Waiting in the team", "Nobody has it"}),
        ("open", {"Assigned to engineer", "Waiting in the team", "Nobody has it"}),
        (
            "all",
            {"Assigned to engineer", "Waiting in the team", "Nobody has it", "Already resolved"},
        ),
    ],
)
def test_queue_tabs_show_the_right_incidents(queue_world, tab, shown):
    body = _queue(queue_world.engineer, tab=tab)
    everything = {
        "Assigned to engineer",
        "Waiting in the team",
        "Nobody has it",
        "Already resolved",
    }
    for title in shown:
        assert title in body
    for title in everything - shown:
        assert title not in body


def test_breaching_tab_shows_breached_and_soon_due_incidents_with_time_in_words(
    world, office_sla, open_incident
):
    # P1 is measured around the clock: 15 minutes to respond, opened 5 hours ago.
    late = open_incident(
        title="Breached P1",
        reported_high_impact=True,
        opened_at=timezone.now() - dt.timedelta(hours=5),
    )
    open_incident(title="Fresh P4", impact=Impact.LOW, urgency=Urgency.LOW)
    body = _queue(world.agent, tab="breaching")
    assert late.title in body
    assert "Fresh P4" not in body
    assert re.search(r"response breached 4 h 4\d m ago", body)


def test_queue_shows_time_left_and_paused_clocks(world, office_sla, open_incident):
    running = open_incident(title="Running P1", reported_high_impact=True)
    paused = open_incident(title="Paused P1", reported_high_impact=True)
    services.change_status(paused, Status.WAITING, by=world.agent)
    body = _queue(world.agent, tab="open")
    assert "paused" in body
    # 240 minutes to resolve but 15 to respond: the response clock is the one that matters.
    assert "14 m left" in body or "15 m left" in body
    assert running.reference in body


def test_queue_search_finds_by_reference_and_by_words(queue_world):
    w = queue_world
    body = _queue(w.agent, tab="all", q=w.loose.reference)
    assert "Nobody has it" in body and "Waiting in the team" not in body
    body = _queue(w.agent, tab="all", q="team")
    assert "Waiting in the team" in body and "Nobody has it" not in body


def test_queue_filters_by_priority_and_sorts(world, open_incident):
    open_incident(title="Urgent one", reported_high_impact=True)
    open_incident(title="Low one", impact=Impact.LOW, urgency=Urgency.LOW)
    body = _queue(world.agent, tab="open", priority=Priority.P1)
    assert "Urgent one" in body and "Low one" not in body
    body = _queue(world.agent, tab="open", sort="priority")
    assert body.index("Urgent one") < body.index("Low one")
    # A nonsense filter value is ignored instead of breaking the page.
    body = _queue(world.agent, tab="open", priority="x", sort="nonsense")
    assert "Urgent one" in body and "Low one" in body


def test_queue_answers_htmx_with_the_results_only(queue_world):
    response = client_for(queue_world.agent).get(
        reverse("incidents:queue"),
        {"tab": "open", "q": "Nobody"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="queue-results",
    )
    body = _body(response)
    assert "<html" not in body and 'id="queue-results"' in body
    assert "Nobody has it" in body


def test_queue_pages_fifty_at_a_time(world, open_incident):
    for n in range(51):
        open_incident(title=f"Printer {n}")
    first = _queue(world.agent, tab="open")
    assert first.count('class="title"') == 50
    assert "page=2" in first
    assert _queue(world.agent, tab="open", page=2).count('class="title"') == 1


def test_customer_users_are_sent_from_the_queue_to_their_portal(world):
    response = client_for(world.amy).get(reverse("incidents:queue"))
    assert response["Location"] == reverse("incidents:portal")


def test_navigation_shows_the_queue_to_staff_and_the_portal_to_customers(world):
    assert ">Incidents</a>" in _body(client_for(world.viewer).get("/"))
    customer_page = _body(client_for(world.amy).get("/"))
    assert ">My incidents</a>" in customer_page and ">Report a problem</a>" in customer_page
    assert ">Incidents</a>" not in customer_page


# --- intake -------------------------------------------------------------------------------


def test_agent_opens_an_incident_for_a_customer_contact(world):
    response = client_for(world.agent).post(
        reverse("incidents:create"),
        {
            "customer": world.alpha.pk,
            "reporter": world.alpha_contact.pk,
            "title": "Phones are dead",
            "description": "All desk phones.",
            "channel": Channel.PHONE,
            "impact": Impact.HIGH,
            "urgency": Urgency.MEDIUM,
            "team": world.team.pk,
            "assignee": world.engineer.pk,
        },
    )
    incident = Incident.objects.get(title="Phones are dead")
    assert response["Location"] == reverse("incidents:detail", args=[incident.number])
    assert incident.reporter == world.alpha_contact
    assert incident.priority == Priority.P2
    assert incident.assignee == world.engineer


def test_customer_says_impact_is_high_opens_p1(world):
    client_for(world.agent).post(
        reverse("incidents:create"),
        {
            "customer": world.alpha.pk,
            "title": "Everything is down",
            "channel": Channel.EMAIL,
            "impact": Impact.LOW,
            "urgency": Urgency.LOW,
            "reported_high_impact": "on",
        },
    )
    assert Incident.objects.get(title="Everything is down").priority == Priority.P1


def test_reporter_of_another_customer_is_refused(world):
    response = client_for(world.agent).post(
        reverse("incidents:create"),
        {
            "customer": world.alpha.pk,
            "reporter": world.beta_contact.pk,
            "title": "Mixed up",
            "channel": Channel.PHONE,
            "impact": Impact.LOW,
            "urgency": Urgency.LOW,
        },
    )
    assert response.status_code == 400
    assert not Incident.objects.filter(title="Mixed up").exists()


def test_choosing_a_customer_reloads_its_contacts_only(world):
    response = client_for(world.agent).get(
        reverse("incidents:create_fields"), {"customer": world.alpha.pk}, HTTP_HX_REQUEST="true"
    )
    body = _body(response)
    assert "ann@alpha.example" in body and "bert@beta.example" not in body


def test_priority_preview_follows_the_matrix(world):
    client = client_for(world.agent)
    url = reverse("incidents:priority_preview")
    assert "P2 – high" in _body(client.get(url, {"impact": 1, "urgency": 2}))
    assert "P1 – critical" in _body(
        client.get(url, {"impact": 3, "urgency": 3, "reported_high_impact": "on"})
    )


def test_viewer_may_not_open_incidents_and_customers_use_the_portal_form(world):
    assert client_for(world.viewer).get(reverse("incidents:create")).status_code == 403
    response = client_for(world.amy).get(reverse("incidents:create"))
    assert response["Location"] == reverse("incidents:portal_new")


# --- one incident -------------------------------------------------------------------------


def _act(user, incident, action, data=None):
    url = reverse(f"incidents:act_{action}", args=[incident.number])
    return client_for(user).post(url, data or {})


def _page(user, incident) -> str:
    return _body(client_for(user).get(reverse("incidents:detail", args=[incident.number])))


def test_incident_page_shows_facts_timeline_and_sanitised_markdown(
    world, office_sla, open_incident
):
    incident = open_incident(description="**Bold** <script>alert(1)</script>")
    updates.add_note(incident, by=world.engineer, body="Internal hunch")
    updates.post_update(incident, by=world.engineer, body="We are on it")
    body = _page(world.engineer, incident)
    assert "<strong>Bold</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert "event-note" in body and "Internal hunch" in body and "We are on it" in body
    assert "Resolution" in body and "Response" in body  # both SLA clocks
    assert "Notifications" in body  # the deliveries partial
    assert reverse("incidents:act_resolve", args=[incident.number]) in body


def test_viewer_sees_everything_but_no_action_forms(world, open_incident):
    incident = open_incident()
    updates.add_note(incident, by=world.engineer, body="Internal hunch")
    body = _page(world.viewer, incident)
    assert "Internal hunch" in body
    assert f"/incidents/{incident.number}/" in body
    for action in ("acknowledge", "status", "note", "resolve", "assign", "attach"):
        assert reverse(f"incidents:act_{action}", args=[incident.number]) not in body
    assert _act(world.viewer, incident, "note", {"body": "hi"}).status_code == 403


def test_acknowledge_in_one_click(world, open_incident):
    incident = open_incident()
    response = _act(world.engineer, incident, "acknowledge")
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == Status.ACKNOWLEDGED


def test_invalid_transition_gives_400_with_a_clear_message_and_changes_nothing(
    world, open_incident
):
    incident = open_incident()
    events = TimelineEvent.objects.count()
    response = _act(world.engineer, incident, "status", {"status": Status.CLOSED})
    assert response.status_code == 400
    assert "cannot go from new to closed" in _body(response)
    incident.refresh_from_db()
    assert incident.status == Status.NEW
    assert TimelineEvent.objects.count() == events


def test_lowering_priority_needs_a_reason(world, open_incident):
    incident = open_incident(reported_high_impact=True)
    low = {"impact": Impact.LOW, "urgency": Urgency.LOW}
    response = _act(world.engineer, incident, "priority", low)
    assert response.status_code == 400
    assert "Say why the priority is lowered" in _body(response)
    incident.refresh_from_db()
    assert incident.priority == Priority.P1
    response = _act(world.engineer, incident, "priority", {**low, "reason": "Only one user"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.priority == Priority.P4


def test_escalation_needs_a_reason_and_moves_to_the_next_line(world, open_incident):
    incident = open_incident()
    assert _act(world.agent, incident, "escalate", {"reason": ""}).status_code == 400
    response = _act(world.agent, incident, "escalate", {"reason": "Net", "team": world.team.pk})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.support_level == 2 and incident.team == world.team


def test_assigning_someone_outside_the_team_is_a_form_error(world, open_incident):
    incident = open_incident()
    outsider = {"team": world.team.pk, "assignee": world.agent.pk}
    response = _act(world.agent, incident, "assign", outsider)
    assert response.status_code == 400
    assert "not a member" in _body(response)


def test_resolve_then_close(world, open_incident):
    incident = open_incident()
    refused = _act(world.engineer, incident, "resolve", {"resolution": "", "code": "fixed"})
    assert refused.status_code == 400
    fixed = {"resolution": "Swapped the switch", "code": "fixed"}
    assert _act(world.engineer, incident, "resolve", fixed).status_code == 302
    assert _act(world.engineer, incident, "close").status_code == 302
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED and incident.resolution == "Swapped the switch"


def test_workaround_and_resolution_are_shown_apart(world, open_incident):
    incident = open_incident()
    _act(world.engineer, incident, "workaround", {"text": "Use webmail"})
    _act(world.engineer, incident, "resolve", {"resolution": "Mailbox repaired", "code": "fixed"})
    body = _page(world.engineer, incident)
    assert "card-workaround" in body and "Use webmail" in body
    assert "card-resolution" in body and "Mailbox repaired" in body


def test_link_to_another_incident_by_reference(world, open_incident):
    incident, other = open_incident(), open_incident(title="The cause")
    missing = _act(world.agent, incident, "link", {"reference": "INC-999999", "kind": "caused_by"})
    assert missing.status_code == 400
    linked = _act(
        world.agent, incident, "link", {"reference": other.reference, "kind": "caused_by"}
    )
    assert linked.status_code == 302
    body = _page(world.agent, incident)
    assert reverse("incidents:detail", args=[other.number]) in body
    assert f"caused by {other.reference}" in body  # on the timeline


def test_links_to_another_customers_incident_show_only_to_those_who_may_see_it(
    world, open_incident
):
    alpha = open_incident(title="Alpha's mail down")
    beta = services.open_incident(
        by=world.bob, customer=world.beta, title="Beta's mail down", channel=Channel.PORTAL
    )
    updates.link_incidents(alpha, beta, "caused_by", by=world.manager)
    beta_url = reverse("incidents:detail", args=[beta.number])
    assert beta_url in _page(world.engineer, alpha)
    assert beta_url not in _page(world.restricted, alpha)  # excluded from Beta


def test_attachment_too_large_is_a_form_error(world, open_incident, settings):
    settings.FIXFIRST_ATTACHMENT_MAX_BYTES = 1024 * 1024
    incident = open_incident()
    upload = SimpleUploadedFile("big.txt", b"x" * (1024 * 1024 + 1), "text/plain")
    response = _act(world.agent, incident, "attach", {"file": upload})
    assert response.status_code == 400
    assert "larger than the 1 MB limit" in _body(response)
    assert not Attachment.objects.exists()


def test_attachment_downloads_and_stays_internal_unless_shared(
    world, open_incident, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    incident = open_incident()
    log = SimpleUploadedFile("log.txt", b"trace", "text/plain")
    _act(world.agent, incident, "attach", {"file": log})
    attachment = Attachment.objects.get()
    url = reverse("incidents:attachment", args=[incident.number, attachment.pk])
    response = client_for(world.viewer).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"trace"
    assert client_for(world.amy).get(url).status_code == 404  # internal: not for the customer
    shot = SimpleUploadedFile("shot.png", b"png", "image/png")
    _act(world.agent, incident, "attach", {"file": shot, "public": "on"})
    shared = Attachment.objects.get(name="shot.png")
    url = reverse("incidents:attachment", args=[incident.number, shared.pk])
    assert client_for(world.amy).get(url).status_code == 200


def test_customer_cannot_see_another_customers_incident(world):
    beta_incident = services.open_incident(
        by=world.bob, customer=world.beta, title="Beta only", channel=Channel.PORTAL
    )
    for name in ("incidents:detail", "incidents:portal_detail"):
        response = client_for(world.amy).get(reverse(name, args=[beta_incident.number]))
        assert response.status_code == 404
        assert "Beta only" not in _body(response)


def test_customer_opening_the_staff_page_lands_on_the_portal_page(world, open_incident):
    incident = open_incident()
    response = client_for(world.amy).get(reverse("incidents:detail", args=[incident.number]))
    assert response["Location"] == reverse("incidents:portal_detail", args=[incident.number])


def test_queue_cost_does_not_grow_with_the_rows(
    world, office_sla, open_incident, django_assert_max_num_queries
):
    for n in range(3):
        open_incident(title=f"Few {n}")
    client = client_for(world.agent)
    client.get(reverse("incidents:queue"))  # warm the session and caches
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("incidents:queue"), {"tab": "open"})
    for n in range(30):
        open_incident(title=f"Many {n}", team=world.team, assignee=world.engineer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("incidents:queue"), {"tab": "open"})
