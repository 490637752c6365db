"""Full-text search over incidents: reference, title, description and the timeline's text.

The index lives in the database (migration ``0003_search``) and triggers keep it in step with
``incidents_incident`` and ``incidents_timelineevent``, so no service needs to know about it:
FTS5 on SQLite, a tsvector column with a GIN index on PostgreSQL. :func:`search` narrows
a queryset the caller already scoped (``tenancy.access.scoped``); it adds conditions and
never removes one, so it cannot show a row the queryset did not hold.

Internal text (notes, escalation reasons) is searched only when the caller asks for it with
``include_internal=True``, which only staff views may do: otherwise a customer could learn what
a note says by searching for its words.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from fixfirst.incidents.models import Incident

# Longer input is cut: a search box is not a document, and every word costs an index lookup.
MAX_QUERY_CHARS = 1000
MAX_WORDS = 16
# Prefix matching on the last word (search as you type) from this many characters on; the
# FTS5 table keeps prefix indexes for 2 and 3 characters.
MIN_PREFIX_CHARS = 2

_REFERENCE = re.compile(
    rf"(?:{re.escape(Incident.NUMBER_PREFIX.rstrip('-'))}-?|#)?(\d{{1,18}})", re.IGNORECASE
)
_REFERENCE_IN_TEXT = re.compile(
    rf"\b{re.escape(Incident.NUMBER_PREFIX.rstrip('-'))}-(\d+)", re.IGNORECASE
)


@dataclass(frozen=True)
class Query:
    """What the search box held, as plain words."""

    words: tuple[str, ...]
    prefix: bool  # the last word may be the start of a longer one
    number: int | None  # the whole query was a reference ("INC-1042", "1042")


def _is_word_char(char: str) -> bool:
    # Letters, digits and combining marks: what the index's tokenizers keep together. Every
    # other character (punctuation, symbols, spaces, controls) separates words, so the MATCH
    # and tsquery syntax characters never reach the database as syntax.
    return unicodedata.category(char)[0] in "LMN"


def parse(q: str) -> Query:
    q = q[:MAX_QUERY_CHARS]
    reference = _REFERENCE.fullmatch(q.strip())
    number = int(reference.group(1)) if reference else None
    text = _REFERENCE_IN_TEXT.sub(r" \1 ", q)  # "INC-1042" is indexed as the number 1042
    words: list[str] = []
    current: list[str] = []
    for char in text:
        if _is_word_char(char):
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    # A run of combining marks alone is no word to the tokenizer: an empty phrase in an AND
    # would match nothing at all.
    words = [w for w in words if any(unicodedata.category(c)[0] in "LN" for c in w)]
    prefix = (
        bool(words)
        and len(words) <= MAX_WORDS
        and number is None
        and _is_word_char(text[-1])  # a space after the last word: the user finished it
        and len(words[-1]) >= MIN_PREFIX_CHARS
    )
    return Query(words=tuple(words[:MAX_WORDS]), prefix=prefix, number=number)


def search(
    queryset: QuerySet[Incident], q: str, *, include_internal: bool = False
) -> QuerySet[Incident]:
    """``queryset`` narrowed to incidents holding every word of ``q``, best match first.

    The last word also matches longer words ("print" finds "printer"); "INC-1042" or "1042"
    puts incident 1042 first. ``include_internal`` adds internal notes and other staff-only
    timeline text (staff callers only). Empty ``q``: ``queryset`` unchanged.

    Best first means by relevance (the ``search_rank`` annotation, higher is better) while the
    words match at most :data:`RANKED_MATCHES` incidents; a broader query ("user", "error")
    lists its matches newest first instead, which the index delivers without ranking them all.
    Deciding costs one query on the index, bounded by that number. A caller's later
    ``order_by`` replaces the ordering (and pays for sorting every match).
    """
    query = parse(q)
    if not query.words:
        return queryset
    connection = connections[queryset.db]
    backend = _BACKENDS.get(connection.vendor)
    if backend is None:
        return _fallback(queryset, query)
    table = connection.ops.quote_name(Incident._meta.db_table)
    match = backend.match(query, include_internal)
    # A reference names one incident; other queries may match too many to rank.
    ranked = query.number is not None or not backend.more_than(connection, match, RANKED_MATCHES)
    select = {
        # Even for the rows shown, a rank needs every match counted (bm25's IDF): 0 if broad.
        "search_rank": backend.rank.format(incident=table) if ranked else "0",
        "search_recency": backend.recency.format(incident=table),
    }
    select_params = [match] if ranked and "%s" in backend.rank else []
    few = backend.few_ids(connection, match, FEW_MATCHES) if backend.few_ids else None
    if few is not None:
        # A handful of matches (a reference, a host name): look them up by id. Left to itself
        # PostgreSQL walks the caller's order (the queue's priority index) testing the match
        # on every row until it has a page: a second for one match among 20,000 open ones.
        found = queryset.filter(pk__in=few).extra(select=select, select_params=select_params)  # noqa: S610
    else:
        found = queryset.extra(  # noqa: S610 (user text only ever goes in as a parameter)
            tables=backend.tables,
            where=[w.format(incident=table) for w in backend.where],
            params=[match],
            select=select,
            select_params=select_params,
        )
    if not ranked:
        return found.order_by("-search_recency")
    if query.number is not None:
        found = found.annotate(
            search_exact=Case(
                When(number=query.number, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        return found.order_by("-search_exact", "-search_rank", "-search_recency")
    return found.order_by("-search_rank", "-search_recency")


# Above this many matches (in all incidents, whoever asks) the results come newest first.
# Ranking is work per match: with a million incidents, about 60 ms for 10,000 matches on
# SQLite, and seconds for a word in every incident.
RANKED_MATCHES = 10_000
# At most this many matches (by the planner's estimate, then counted) are fetched by id first
# on PostgreSQL, so that the caller's filters and order apply to them alone.
FEW_MATCHES = 500
BROAD_ESTIMATE = 50_000


@dataclass(frozen=True)
class _Backend:
    """How one database's index is queried. ``{incident}`` is the quoted incident table."""

    match: Callable[[Query, bool], str]  # the user's words in the index's query language
    tables: list[str]  # joined to the incidents
    where: list[str]  # the join and the match (one parameter: the match text)
    rank: str  # higher is better
    recency: str  # the incident id, in the order the index can give it
    more_than: Callable[[Any, str, int], bool]  # (connection, match, n): over n matches?
    # (connection, match, n): the ids of at most n matches, None when there are more. Set when
    # the database plans "match AND the caller's filters ORDER BY the caller's order LIMIT"
    # badly for a rare match (see FEW_MATCHES).
    few_ids: Callable[[Any, str, int], list[int] | None] | None = None


# The index has no model (the ORM never writes it), so the SQL is spelled with extra(): one
# pass over the matches, each ranked once, where a subquery per row would run the full-text
# query once per incident.


def fts5_expression(query: Query, include_internal: bool) -> str:
    """The FTS5 MATCH expression: every word a quoted phrase, ANDed, in the allowed columns."""
    phrases = ['"' + word.replace('"', '""') + '"' for word in query.words]
    if query.prefix:
        phrases[-1] += "*"
    columns = "number title description public" + (" internal" if include_internal else "")
    return f"{{{columns}}} : ({' AND '.join(phrases)})"


def _fts5_more_than(connection: Any, match: str, n: int) -> bool:
    # Counting in the FTS5 index alone is cheap (10,000 matches in about a millisecond).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM incidents_search"
            " WHERE incidents_search MATCH %s LIMIT %s)",
            [match, n + 1],
        )
        return bool(cursor.fetchone()[0] > n)


def tsquery(query: Query, include_internal: bool) -> str:
    """The to_tsquery('simple', ...) text: quoted lexemes, ANDed; without internal text, each
    lexeme is restricted to the weights A-C (weight D holds the internal events)."""
    weights = "" if include_internal else "ABC"
    terms = []
    for i, word in enumerate(query.words):
        last = i == len(query.words) - 1
        quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
        star = "*" if last and query.prefix else ""
        terms.append(f"{quoted}:{star}{weights}" if star or weights else quoted)
    return " & ".join(terms)


def _postgres_more_than(connection: Any, match: str, n: int) -> bool:
    # Counting would read every matching row (a GIN index only says where they are); the
    # planner's estimate, from the statistics on the most common words, is enough to choose
    # an ordering and costs a fraction of a millisecond.
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM incidents_incident"
            " WHERE search_document @@ to_tsquery('simple'::regconfig, %s)",
            [match],
        )
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return bool(plan[0]["Plan"]["Plan Rows"] > n)


_TSQUERY = "to_tsquery('simple'::regconfig, %s)"


def _postgres_few_ids(connection: Any, match: str, n: int) -> list[int] | None:
    # The planner's estimate is only good enough to rule out broad queries: for a word it
    # has no statistics on (a reference, a host name) it guesses 0.5 % of the rows. Below
    # this, count for real (bounded); above it, a broad query is not worth fetching.
    if _postgres_more_than(connection, match, BROAD_ESTIMATE):
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM incidents_incident"
            " WHERE search_document @@ to_tsquery('simple'::regconfig, %s) LIMIT %s",
            [match, n + 1],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) <= n else None


_BACKENDS = {
    "sqlite": _Backend(
        match=fts5_expression,
        tables=["incidents_search"],
        where=["incidents_search.rowid = {incident}.id", "incidents_search MATCH %s"],
        # FTS5's rank is bm25 (weights set in the migration), lower is better: negated.
        rank="-incidents_search.rank",
        # ORDER BY the FTS5 rowid is served by the index itself, so a LIMIT stops early.
        recency="incidents_search.rowid",
        more_than=_fts5_more_than,
    ),
    "postgresql": _Backend(
        match=tsquery,
        tables=[],
        where=[f"{{incident}}.search_document @@ {_TSQUERY}"],
        rank=f"ts_rank({{incident}}.search_document, {_TSQUERY})",
        recency="{incident}.id",
        more_than=_postgres_more_than,
        few_ids=_postgres_few_ids,
    ),
}


def _fallback(queryset: QuerySet[Incident], query: Query) -> QuerySet[Incident]:
    # A database without an index: a correct but slow filter on the incident's own text.
    condition = Q()
    for word in query.words:
        condition &= Q(title__icontains=word) | Q(description__icontains=word)
    found = queryset.filter(condition).annotate(search_rank=Value(0, output_field=IntegerField()))
    return found.order_by("-opened_at", "-pk")


# --- maintenance ------------------------------------------------------------------------------

SQLITE_REBUILD = [
    "DELETE FROM incidents_search",
    """INSERT INTO incidents_search(rowid, number, title, description, public, internal)
    SELECT i.id, CAST(i.number AS TEXT), i.title, i.description,
        coalesce((SELECT group_concat(e.body, char(10)) FROM incidents_timelineevent e
                  WHERE e.incident_id = i.id AND e.body <> '' AND e.kind <> 'opened'
                  AND e.public), ''),
        coalesce((SELECT group_concat(e.body, char(10)) FROM incidents_timelineevent e
                  WHERE e.incident_id = i.id AND e.body <> '' AND e.kind <> 'opened'
                  AND NOT e.public), '')
    FROM incidents_incident i""",
    # Merge the index segments a bulk insert leaves behind into one.
    "INSERT INTO incidents_search(incidents_search) VALUES ('optimize')",
]


def rebuild_index(using: str = DEFAULT_DB_ALIAS) -> None:
    """Recompute the whole index from the incidents and their timelines.

    Never needed in normal operation (the triggers keep it in step); for after a bulk load
    that ran with the triggers switched off, or to repair. Holds a write lock while it runs.
    """
    connection = connections[using]
    in_transaction = connection.in_atomic_block
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_REBUILD:
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            # Outside a transaction the GIN index is dropped and built again: much faster.
            cursor.execute("SELECT incidents_search_rebuild(%s)", [not in_transaction])
