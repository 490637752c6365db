"""Does a message say what happened? A small heuristic against "it was a technical failure".

The seed article's demand: after an incident, say what happened, what was learned and how it
will be prevented, instead of "het ging om een technische storing". A machine cannot judge
that, but it can notice the usual ways of saying nothing. The rules, in order:

1. **Blanks**: text in square brackets (``[describe the cause]``) is a part of a template
   still to be filled in. Blanks are left out of the checks below.
2. **Placeholders**: a ``{name}`` left in the text was not filled in.
3. **Vague wording**: words from the plan's list for the language ("technical failure",
   "technische storing", "technische Störung", "a glitch", ...), matched as whole words,
   case-insensitively. A text with vague wording that is **so short** (under ``SHORT_WORDS``
   words) says nothing else: always a problem. Once the cause is known (identified, resolved,
   post-incident) vague wording is also a problem when the text gives **no cause**: none of
   the cause words below ("because", "caused by", "oorzaak", "doordat", "Ursache", "weil").
4. **No cause at the end**: a resolved or post-incident message must give a cause, vague
   wording or not.

While investigating or monitoring nobody may know the cause yet, so only rule 3's "so short"
applies then. A warning never blocks for good: the composer asks for an explicit "post anyway".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django.utils.translation import gettext as _

# Under this many words, a text with vague wording says nothing else.
SHORT_WORDS = 10

# Phases whose message must say what caused the incident.
CAUSE_REQUIRED_PHASES = frozenset({"resolved", "post_incident"})
# Phases in which the cause is known, so vague wording without one is a problem.
CAUSE_KNOWN_PHASES = CAUSE_REQUIRED_PHASES | {"identified"}

DEFAULT_VAGUE_TERMS: dict[str, tuple[str, ...]] = {
    "en": (
        "technical failure", "technical issue", "technical issues", "technical problem",
        "technical problems", "technical difficulties", "technical error", "a glitch",
        "glitch", "a malfunction", "unforeseen circumstances", "an error occurred",
    ),
    "nl": (
        "technische storing", "technische storingen", "technisch probleem",
        "technische problemen", "technische fout", "een storing", "een glitch",
        "onvoorziene omstandigheden",
    ),
    "de": (
        "technische Störung", "technischen Störung", "ein technisches Problem",
        "technische Probleme", "technischer Fehler", "technischen Fehler", "eine Störung",
        "ein Glitch", "unvorhergesehene Umstände", "eine Panne",
    ),
}  # fmt: skip

# Regular expressions (matched case-insensitively at a word start) that give a cause.
CAUSE_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        r"because", r"caus(e|ed|es|ing)\b", r"due to", r"as a result of", r"root cause",
        r"triggered by", r"resulted from", r"the reason", r"led to", r"happened when",
    ),
    "nl": (
        r"omdat", r"doordat", r"oorza(a)?k", r"veroorza(a)?k", r"als gevolg van",
        r"ten gevolge van", r"vanwege", r"kwam door", r"lag aan", r"reden",
    ),
    "de": (
        r"weil", r"ursache", r"verursach", r"aufgrund", r"wegen\b", r"infolge",
        r"ausgelöst", r"zurückzuführen", r"grund\b", r"lag an\b", r"kam durch",
    ),
}  # fmt: skip

_BLANK = re.compile(r"\[[^\[\]\n]{1,200}\]")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_WORD = re.compile(r"\w+")


@cache
def _term_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


@cache
def _cause_pattern(language: str) -> re.Pattern[str] | None:
    words = CAUSE_WORDS.get(language)
    if not words:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(words) + ")", re.IGNORECASE)


def blanks(text: str) -> list[str]:
    """Template parts still to fill in: ``[describe the cause]``."""
    return _BLANK.findall(text or "")


def placeholders_left(text: str) -> list[str]:
    """``{name}`` placeholders that were not filled in."""
    return list(dict.fromkeys(_PLACEHOLDER.findall(text or "")))


def _prose(text: str) -> str:
    return _BLANK.sub(" ", text or "")


def vague_terms(text: str, language: str, terms: Iterable[str] | None = None) -> list[str]:
    """The vague wording in ``text``: from ``terms``, else from the built-in list for
    ``language``. Longer terms first, and a term inside a longer one found is not repeated."""
    candidates = sorted(
        {t.strip() for t in (terms if terms is not None else DEFAULT_VAGUE_TERMS.get(language, ()))}
        - {""},
        key=lambda t: (-len(t), t.casefold()),
    )
    prose = _prose(text)
    found: list[str] = []
    for term in candidates:
        if _term_pattern(term).search(prose) and not any(
            _term_pattern(term).search(longer) for longer in found
        ):
            found.append(term)
    return found


def gives_cause(text: str, language: str) -> bool:
    pattern = _cause_pattern(language)
    return bool(pattern and pattern.search(_prose(text)))


def word_count(text: str) -> int:
    return len(_WORD.findall(_prose(text)))


@dataclass(frozen=True)
class WordingCheck:
    language: str
    phase: str
    vague: list[str] = field(default_factory=list)
    has_cause: bool = False
    words: int = 0
    blanks: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)

    @property
    def vague_problem(self) -> bool:
        if not self.vague:
            return False
        if self.words < SHORT_WORDS:
            return True
        return self.phase in CAUSE_KNOWN_PHASES and not self.has_cause

    @property
    def cause_missing(self) -> bool:
        return self.phase in CAUSE_REQUIRED_PHASES and not self.has_cause

    @property
    def ok(self) -> bool:
        return not (self.vague_problem or self.cause_missing or self.blanks or self.placeholders)

    def problems(self) -> list[str]:
        """What to ask the writer, in the active language."""
        found: list[str] = []
        if self.blanks:
            found.append(
                _("Fill in the parts in square brackets: %(blanks)s.")
                % {"blanks": ", ".join(self.blanks)}
            )
        if self.placeholders:
            found.append(
                _("These placeholders were not filled in: %(names)s.")
                % {"names": ", ".join(self.placeholders)}
            )
        if self.vague_problem:
            found.append(
                _(
                    "“%(terms)s” says nothing about what happened. Say what actually went wrong, "
                    "what you learned and how it will be prevented."
                )
                % {"terms": "”, “".join(self.vague)}
            )
        elif self.cause_missing:
            found.append(
                _(
                    "The message does not say what caused the incident. Say what happened, "
                    "what was learned and how it will be prevented."
                )
            )
        return found


def check(
    text: str, language: str, *, phase: str = "", terms: Iterable[str] | None = None
) -> WordingCheck:
    return WordingCheck(
        language=language,
        phase=phase,
        vague=vague_terms(text, language, terms),
        has_cause=gives_cause(text, language),
        words=word_count(text),
        blanks=blanks(text),
        placeholders=placeholders_left(text),
    )
