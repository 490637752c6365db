"""Full-text search: what it finds, in which order, for whom; and that odd input is harmless."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixfirst.incidents import search, services, updates
from fixfirst.incidents.choices import Channel
from fixfirst.incidents.models import Incident, TimelineEvent
from fixfirst.tenancy.access import scoped


@pytest.fixture
def desk(world):
    """Three incidents: two of Alpha's, one of Beta's sharing a word with Alpha's printer."""

    def open_(customer, title, description=""):
        return services.open_incident(
            by=world.agent, customer=customer, title=title, description=description,
            channel=Channel.PHONE,
        )  # fmt: skip

    world.printer = open_(
        world.alpha, "Printer on floor 3 jams", "Paper jam in tray 2 of the Kyocera"
    )
    world.vpn = open_(world.alpha, "VPN drops every hour", "Users in Zürich lose the tunnel")
    world.beta_printer = open_(world.beta, "Printer offline", "The Kyocera in the lobby is offline")
    return world


def found(queryset, q, **kwargs):
    return list(search.search(queryset, q, **kwargs))


def staff_view(world):
    return scoped(Incident, world.engineer)


def test_finds_by_a_word_of_the_title(desk):
    assert found(staff_view(desk), "jams") == [desk.printer]


def test_finds_by_a_word_of_the_description(desk):
    assert found(staff_view(desk), "tunnel") == [desk.vpn]


def test_finds_by_a_word_only_in_a_later_public_update(desk):
    updates.post_update(desk.vpn, by=desk.engineer, body="The firewall's keepalive was too short.")
    assert found(staff_view(desk), "keepalive") == [desk.vpn]


def test_finds_by_a_customer_comment(desk):
    updates.add_comment(desk.printer, by=desk.amy, body="Still jamming, now in tray 4 too")
    assert found(staff_view(desk), "jamming") == [desk.printer]


@pytest.mark.parametrize("q", ["{ref}", "{number}", "{ref_lower}", "  {ref} ", "#{number}"])
def test_finds_by_reference_and_number(desk, q):
    incident = desk.vpn
    q = q.format(
        ref=incident.reference, number=incident.number, ref_lower=incident.reference.lower()
    )
    assert found(staff_view(desk), q)[0] == incident


def test_the_referenced_incident_comes_before_those_mentioning_it(desk):
    updates.add_note(desk.printer, by=desk.engineer, body=f"Same cause as {desk.vpn.reference}?")
    results = found(staff_view(desk), desk.vpn.reference, include_internal=True)
    assert results == [desk.vpn, desk.printer]


def test_every_word_must_match_in_any_field(desk):
    updates.post_update(desk.printer, by=desk.engineer, body="Replaced the fuser unit")
    assert found(staff_view(desk), "printer fuser") == [desk.printer]
    assert found(staff_view(desk), "printer vpn") == []


def test_the_last_word_also_matches_as_a_prefix(desk):
    assert set(found(staff_view(desk), "kyoc")) == {desk.printer, desk.beta_printer}
    assert found(staff_view(desk), "tun") == [desk.vpn]
    # A space after it: the word is complete.
    assert found(staff_view(desk), "tun ") == []


def test_case_and_accents_do_not_matter(desk):
    assert found(staff_view(desk), "ZÜRICH") == [desk.vpn]
    if connection.vendor == "sqlite":  # PostgreSQL's 'simple' configuration keeps accents
        assert found(staff_view(desk), "zurich") == [desk.vpn]


def test_host_names_and_paths_are_found_by_their_parts(desk):
    updates.post_update(desk.vpn, by=desk.engineer, body="Gateway gw01.zrh.example.net restarted")
    assert found(staff_view(desk), "gw01") == [desk.vpn]
    assert found(staff_view(desk), "gw01.zrh.example.net") == [desk.vpn]


def test_a_title_match_ranks_before_a_timeline_match(desk):
    updates.post_update(desk.vpn, by=desk.engineer, body="Not the printer this time")
    results = found(staff_view(desk).filter(customer=desk.alpha), "printer")
    assert results == [desk.printer, desk.vpn]


def test_a_query_matching_too_many_to_rank_lists_newest_first(desk, monkeypatch):
    updates.post_update(desk.vpn, by=desk.engineer, body="Not the printer this time")
    monkeypatch.setattr(search, "RANKED_MATCHES", 0)
    assert found(staff_view(desk), "printer") == [desk.beta_printer, desk.vpn, desk.printer]
    assert found(scoped(Incident, desk.amy), "printer") == [desk.vpn, desk.printer]
    # A reference is always ranked: the incident itself first.
    assert found(staff_view(desk), desk.printer.reference)[0] == desk.printer


def test_a_customer_never_finds_another_customers_incident(desk):
    amys_view = scoped(Incident, desk.amy)
    assert found(amys_view, "printer") == [desk.printer]
    assert found(amys_view, "offline") == []
    assert found(amys_view, desk.beta_printer.reference) == []
    assert found(amys_view, "kyocera lobby") == []


def test_staff_excluded_from_a_customer_never_find_its_incidents(desk):
    assert found(scoped(Incident, desk.restricted), "printer") == [desk.printer]


def test_internal_notes_are_searched_only_when_asked_for(desk):
    updates.add_note(desk.printer, by=desk.engineer, body="Vendor ticket 88123, contact Hubert")
    assert found(staff_view(desk), "hubert", include_internal=True) == [desk.printer]
    assert found(staff_view(desk), "hubert") == []
    # What a customer user's view gets from the API: never a word of a note.
    assert found(scoped(Incident, desk.amy), "hubert") == []
    assert found(scoped(Incident, desk.amy), "printer hubert") == []


def test_an_empty_query_leaves_the_queryset_as_it_was(desk):
    queryset = staff_view(desk).filter(customer=desk.alpha)
    for q in ["", "   ", "\n\t", "?!", "***", '""']:
        assert search.search(queryset, q) is queryset


def test_search_composes_with_filters_counts_and_pages(desk):
    results = search.search(staff_view(desk), "printer").filter(customer=desk.beta)
    assert results.count() == 1
    assert list(results[:1]) == [desk.beta_printer]
    assert [i.search_rank > 0 for i in search.search(staff_view(desk), "printer")] == [True, True]


ODD_INPUT = [
    '"', '""', "'", "''", "*", "**", "NEAR(", "NEAR(printer jams, 2)", "printer OR vpn",
    "printer AND", "AND", "NOT printer", "-printer", "^printer", "printer:*", "title:printer",
    "{title}: printer", "(((", ")", "\\", "%", "_", "%_%", "\x00", "printer\x00jams", "😀",
    "printer 😀", "日本語", "Ünïcödé", "\u0301", "e\u0301", "∞ ≠ ∑", "a & b | !c <-> d",
    "'printer':*A", "1 OR 1=1; DROP TABLE incidents_incident; --", "9" * 40, "INC-" + "9" * 40,
    "INC-", "INC--1", "x" * 5000, "printer " * 700, "ü" * 5000,
]  # fmt: skip


@pytest.mark.parametrize("q", ODD_INPUT)
def test_odd_input_gives_no_error(desk, q):
    for queryset in (staff_view(desk), scoped(Incident, desk.amy)):
        list(search.search(queryset, q))
        search.search(queryset, q, include_internal=True).count()


def test_a_query_of_5000_mixed_characters_gives_no_error(desk):
    q = "".join(chr(c) for c in range(32, 5032))
    list(search.search(staff_view(desk), q, include_internal=True))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(max_size=200))
def test_any_text_gives_no_error(desk, q):
    list(search.search(staff_view(desk), q))


# --- the index follows every change, whoever makes it ------------------------------------------


def test_an_edited_title_or_description_is_searched_by_its_new_words(desk):
    updates.post_update(desk.vpn, by=desk.engineer, body="Keepalive raised to 30 s")
    Incident.objects.filter(pk=desk.vpn.pk).update(title="Tunnel flaps", description="Hourly")
    assert found(staff_view(desk), "flaps") == [desk.vpn]
    assert found(staff_view(desk), "hourly") == [desk.vpn]
    assert found(staff_view(desk), "drops") == []
    assert found(staff_view(desk), "keepalive") == [desk.vpn]


def test_a_redacted_event_is_no_longer_found(desk):
    event = updates.add_comment(desk.vpn, by=desk.amy, body="My password is hunter2")
    assert found(staff_view(desk), "hunter2") == [desk.vpn]
    TimelineEvent.objects.filter(pk=event.pk).update(body="[removed]")
    assert found(staff_view(desk), "hunter2") == []
    TimelineEvent.objects.filter(pk=event.pk).delete()
    assert found(staff_view(desk), "removed") == []
    assert found(staff_view(desk), "tunnel") == [desk.vpn]


def test_a_deleted_incident_leaves_the_index(desk):
    updates.post_update(desk.vpn, by=desk.engineer, body="Keepalive raised")
    desk.vpn.events.all().delete()
    desk.vpn.delete()
    if connection.vendor == "sqlite":  # on PostgreSQL the document is part of the row
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM incidents_search ORDER BY rowid")
            assert cursor.fetchall() == [(desk.printer.pk,), (desk.beta_printer.pk,)]


def index_contents():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT rowid, * FROM incidents_search ORDER BY rowid")
        else:
            cursor.execute("SELECT id, search_document::text FROM incidents_incident ORDER BY 1")
        return cursor.fetchall()


def test_a_rebuild_gives_the_index_the_triggers_kept(desk):
    updates.post_update(desk.vpn, by=desk.engineer, body="Keepalive raised to 30 s")
    updates.add_note(desk.vpn, by=desk.engineer, body="Check the MTU on gw01.zrh")
    updates.add_comment(desk.printer, by=desk.amy, body="Still jamming")
    services.escalate(desk.printer, by=desk.engineer, reason="Needs the vendor")
    kept = index_contents()
    assert len(kept) == 3
    search.rebuild_index()
    assert index_contents() == kept


def test_the_index_triggers_are_installed(db):
    """On SQLite, a migration that remakes incidents_incident or incidents_timelineevent
    (AddField with a default, AlterField, ...) drops their triggers and the index on
    opened_at: it must re-run 0003_search.forward afterwards (see that migration's header)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name, count(*) FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE 'incidents_search_%' GROUP BY tbl_name ORDER BY tbl_name"
            )
            expected = [("incidents_incident", 3), ("incidents_timelineevent", 3)]
        else:
            cursor.execute(
                "SELECT tgrelid::regclass::text, count(*) FROM pg_trigger"
                " WHERE tgname LIKE 'incidents_search_%' AND NOT tgisinternal GROUP BY 1 ORDER BY 1"
            )
            expected = [("incidents_incident", 1), ("incidents_timelineevent", 1)]
        assert cursor.fetchall() == expected
    indexes = connection.introspection.get_constraints(connection.cursor(), "incidents_incident")
    assert indexes["inc_opened_at_id"]["columns"] == ["opened_at", "id"]
    if connection.vendor == "postgresql":
        assert indexes["incidents_search_document"]["columns"] == ["search_document"]
