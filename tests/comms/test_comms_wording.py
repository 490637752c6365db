"""The vague-wording heuristic: "it was a technical failure" is not an explanation."""

from __future__ import annotations

import pytest

from fixfirst.comms.wording import check, vague_terms

VAGUE = [
    ("en", "It was a technical failure. Everything works again."),
    ("nl", "Er was sprake van een technische storing. Alles werkt weer."),
    ("de", "Es gab eine technische Störung. Alles läuft wieder."),
]
CLEAR = [
    ("en", "The mail server's disk filled up because log rotation had stopped after Monday's "
     "update. We freed space, fixed the rotation and added an alert at 80 percent."),
    ("nl", "De schijf van de mailserver liep vol doordat het opschonen van logbestanden na de "
     "update van maandag stopte. We hebben ruimte vrijgemaakt en een waarschuwing toegevoegd."),
    ("de", "Die Festplatte des Mailservers lief voll, weil die Protokollrotation nach dem Update "
     "vom Montag stehen blieb. Wir haben Platz geschaffen und eine Warnung eingerichtet."),
]  # fmt: skip


@pytest.mark.parametrize(("language", "text"), VAGUE)
def test_vague_wording_is_found_in_every_language(language, text):
    assert vague_terms(text, language)
    result = check(text, language, phase="resolved")
    assert not result.ok
    assert result.vague_problem


@pytest.mark.parametrize(("language", "text"), CLEAR)
def test_a_resolution_with_a_cause_passes(language, text):
    result = check(text, language, phase="resolved")
    assert result.ok, result.problems()


def test_the_term_list_matches_whole_words_case_insensitively():
    assert vague_terms("Een Technische   Storing trof ons", "nl") == ["technische storing"]
    assert vague_terms("technische storingsdienst", "nl") == []
    assert vague_terms("A glitch, a glitch!", "en") == ["a glitch"]


def test_the_plans_own_list_replaces_the_built_in_one():
    assert vague_terms("it was gremlins", "en", terms=["gremlins"]) == ["gremlins"]
    assert vague_terms("a technical failure", "en", terms=["gremlins"]) == []


def test_vague_but_explained_resolution_passes():
    text = ("A technical failure in the storage controller, caused by a firmware bug, stopped the "
            "file shares for 40 minutes; we rolled the firmware back.")  # fmt: skip
    assert check(text, "en", phase="resolved").ok


def test_a_resolution_must_give_a_cause_even_without_vague_words():
    result = check("The file shares are back online. Thank you for your patience.", "en",
                   phase="resolved")  # fmt: skip
    assert result.cause_missing and not result.ok


def test_while_investigating_only_a_bare_vague_message_warns():
    assert not check("We are looking into a technical problem.", "en", phase="investigating").ok
    long_text = ("We are looking into a technical problem with email: users at the Rotterdam depot "
                 "cannot send messages to external addresses since 09:10.")  # fmt: skip
    assert check(long_text, "en", phase="investigating").ok


def test_blanks_and_leftover_placeholders_need_another_look():
    result = check("Cause: [why it went wrong]. Next update by {next_update}.", "en",
                   phase="investigating")  # fmt: skip
    assert result.blanks == ["[why it went wrong]"]
    assert result.placeholders == ["{next_update}"]
    assert len(result.problems()) == 2
