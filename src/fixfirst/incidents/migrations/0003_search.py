# Hand-written: the full-text index behind incidents.search, kept in step by triggers so that
# no service has to know about search. One document per incident:
#   number, title, description   from incidents_incident
#   public                       bodies of public timeline events (updates, comments, ...)
#   internal                     bodies of internal events (notes, escalation reasons, ...)
# The "opened" event is skipped: its body is the description, indexed already.
#
# SQLite: an FTS5 table holding its own copy of the text (rowid = incident id), so a row can be
#   updated in place when an event is appended.
# PostgreSQL: a tsvector column incidents_incident.search_document (not in the model) with a
#   GIN index; weights A (number, title), B (description), C (public events), D (internal
#   events). The 'simple' configuration (no
#   stemming, no stop words) treats every language alike, as FTS5's unicode61 tokenizer does.
#
# Keep other migrations working (checked by tests/incidents/test_search.py):
# - Nothing here may make SQLite's table remake fail, so no views and no trigger ON another
#   table that names incidents_incident; on PostgreSQL no trigger WHEN/UPDATE OF clause
#   naming a column (it would block ALTER COLUMN TYPE); the conditions live in the bodies.
# - On SQLite a remake of incidents_incident or incidents_timelineevent (AddField with a
#   default, AlterField, ...) drops that table's triggers and inc_opened_at_id (below).
#   forward() is idempotent: the migration that remakes the table re-runs it afterwards, e.g.
#       forward = importlib.import_module("fixfirst.incidents.migrations.0003_search").forward
#       operations = [..., migrations.RunPython(forward, migrations.RunPython.noop)]

from django.db import migrations

# Not search, but found missing by the same benchmark (bench/incidents_bench.py): Incident's
# default ordering is -opened_at, and without this index the first page of every unfiltered
# list (the API, the queue's "all" tab) sorted the whole table: 2.5 s with a million incidents
# on SQLite, 24 ms with it. Kept here because Incident.Meta is not this migration's to change;
# to move it into Meta.indexes, declare models.Index(fields=["opened_at", "id"],
# name="inc_opened_at_id") with a state-only migration (SeparateDatabaseAndState).
INDEXES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS inc_opened_at_id ON incidents_incident (opened_at, id)",
]
INDEXES_REVERSE = ["DROP INDEX IF EXISTS inc_opened_at_id"]

# --- SQLite -----------------------------------------------------------------------------------


def _sqlite_events(incident_id, public):
    return f"""coalesce((
        SELECT group_concat(e.body, char(10)) FROM incidents_timelineevent e
        WHERE e.incident_id = {incident_id} AND e.body <> '' AND e.kind <> 'opened'
        AND {"" if public else "NOT "}e.public
    ), '')"""


_SQLITE_RECOMPUTE_EVENTS = f"""UPDATE incidents_search
    SET public = {_sqlite_events("incidents_search.rowid", True)},
        internal = {_sqlite_events("incidents_search.rowid", False)}"""

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS incidents_search USING fts5(
        number, title, description, public, internal,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
    )""",
    # A match in the number or title weighs more than one in the description or timeline.
    "INSERT INTO incidents_search(incidents_search, rank) VALUES ('rank', 'bm25(10.0, 5.0, 2.0, 1.0, 1.0)')",
    f"""INSERT INTO incidents_search(rowid, number, title, description, public, internal)
    SELECT i.id, CAST(i.number AS TEXT), i.title, i.description,
           {_sqlite_events("i.id", True)}, {_sqlite_events("i.id", False)}
    FROM incidents_incident i
    WHERE i.id NOT IN (SELECT rowid FROM incidents_search)""",
    """CREATE TRIGGER IF NOT EXISTS incidents_search_incident_insert
    AFTER INSERT ON incidents_incident
    BEGIN
        INSERT INTO incidents_search(rowid, number, title, description, public, internal)
        VALUES (NEW.id, CAST(NEW.number AS TEXT), NEW.title, NEW.description, '', '');
    END""",
    # A save() without update_fields writes every column: re-index only on a real change.
    """CREATE TRIGGER IF NOT EXISTS incidents_search_incident_update
    AFTER UPDATE OF number, title, description ON incidents_incident
    WHEN OLD.number IS NOT NEW.number OR OLD.title IS NOT NEW.title
         OR OLD.description IS NOT NEW.description
    BEGIN
        UPDATE incidents_search
        SET number = CAST(NEW.number AS TEXT), title = NEW.title, description = NEW.description
        WHERE rowid = NEW.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS incidents_search_incident_delete
    AFTER DELETE ON incidents_incident
    BEGIN
        DELETE FROM incidents_search WHERE rowid = OLD.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS incidents_search_event_insert
    AFTER INSERT ON incidents_timelineevent
    WHEN NEW.body <> '' AND NEW.kind <> 'opened'
    BEGIN
        UPDATE incidents_search
        SET public = CASE WHEN NOT NEW.public THEN public
                          WHEN public = '' THEN NEW.body
                          ELSE public || char(10) || NEW.body END,
            internal = CASE WHEN NEW.public THEN internal
                            WHEN internal = '' THEN NEW.body
                            ELSE internal || char(10) || NEW.body END
        WHERE rowid = NEW.incident_id;
    END""",
    # Events are append-only; an edit or a delete (redaction, cascade) recomputes.
    f"""CREATE TRIGGER IF NOT EXISTS incidents_search_event_update
    AFTER UPDATE OF incident_id, kind, public, body ON incidents_timelineevent
    BEGIN
        {_SQLITE_RECOMPUTE_EVENTS} WHERE rowid IN (OLD.incident_id, NEW.incident_id);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS incidents_search_event_delete
    AFTER DELETE ON incidents_timelineevent
    WHEN OLD.body <> '' AND OLD.kind <> 'opened'
    BEGIN
        {_SQLITE_RECOMPUTE_EVENTS} WHERE rowid = OLD.incident_id;
    END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS incidents_search_event_delete",
    "DROP TRIGGER IF EXISTS incidents_search_event_update",
    "DROP TRIGGER IF EXISTS incidents_search_event_insert",
    "DROP TRIGGER IF EXISTS incidents_search_incident_delete",
    "DROP TRIGGER IF EXISTS incidents_search_incident_update",
    "DROP TRIGGER IF EXISTS incidents_search_incident_insert",
    "DROP TABLE IF EXISTS incidents_search",
]

# --- PostgreSQL -------------------------------------------------------------------------------

# ASCII punctuation becomes a space before parsing, so that "srv01.example.com", "a/b" or
# "INC-1042" give one word per part, as in FTS5 and as the search box splits its input
# (PostgreSQL's parser would keep host names, paths and e-mail addresses whole).
_PUNCTUATION = "!\"#$%&''()*+,-./:;<=>?@[\\]^_`{|}~"

# Function bodies are strings, so PostgreSQL records no dependency on the columns they name
# and other migrations stay free to alter those columns.
#
# A tsvector holds at most 1 MB of words. Each text is cut at 50,000 characters, so that a
# document computed from scratch always fits; appending an event to a document that is full
# keeps the document as it was (with a warning) rather than refusing the event. The guarded
# blocks only compute, so the subtransaction they open never takes a transaction id.
_WORDS_CUT = 50_000

POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION incidents_search_words(t text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT to_tsvector('simple'::regconfig,
            translate(left(coalesce(t, ''), {_WORDS_CUT}), '{_PUNCTUATION}', repeat(' ', 32)))
    $$""",
    """CREATE OR REPLACE FUNCTION incidents_search_head(number bigint, title text, description text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(incidents_search_words(number::text || ' ' || title), 'A')
            || setweight(incidents_search_words(description), 'B')
    $$""",
    # The document is a column of the incident row that Django's model does not declare (it
    # never reads or writes it). There rather than in a side table, because a search is then
    # one bitmap scan that PostgreSQL ANDs with the tenancy filter's index (customer_id): a
    # customer's search reads only that customer's matching rows. Measured with a million
    # incidents: 20 ms instead of 300-500 ms through a side table.
    "ALTER TABLE incidents_incident ADD COLUMN IF NOT EXISTS search_document tsvector",
    # An incident's timeline words from scratch (after an event was edited or deleted).
    r"""CREATE OR REPLACE FUNCTION incidents_search_timeline(incident bigint) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
        SELECT setweight(incidents_search_words((
                SELECT string_agg(body, E'\n' ORDER BY at, id) FROM incidents_timelineevent
                WHERE incident_id = incident AND public AND body <> '' AND kind <> 'opened')), 'C')
            || setweight(incidents_search_words((
                SELECT string_agg(body, E'\n' ORDER BY at, id) FROM incidents_timelineevent
                WHERE incident_id = incident AND NOT public AND body <> '' AND kind <> 'opened')), 'D')
    $$""",
    # Every document in one pass: for this migration and after bulk loads
    # (incidents.search.rebuild_index). The GIN index is built after the rows, which is far
    # faster than updating it row by row.
    # (Without reindex, the GIN index is kept and updated: CREATE INDEX is refused in a
    # transaction with deferred constraint checks pending.)
    r"""CREATE OR REPLACE FUNCTION incidents_search_rebuild(reindex boolean) RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE
        n bigint;
    BEGIN
        IF reindex THEN
            DROP INDEX IF EXISTS incidents_search_document;
        END IF;
        UPDATE incidents_incident i
        SET search_document = incidents_search_head(i.number, i.title, i.description)
            || setweight(incidents_search_words(e.public), 'C')
            || setweight(incidents_search_words(e.internal), 'D')
        FROM incidents_incident i2
        LEFT JOIN (
            SELECT incident_id,
                   string_agg(body, E'\n' ORDER BY at, id) FILTER (WHERE public) AS public,
                   string_agg(body, E'\n' ORDER BY at, id) FILTER (WHERE NOT public) AS internal
            FROM incidents_timelineevent
            WHERE body <> '' AND kind <> 'opened'
            GROUP BY incident_id
        ) e ON e.incident_id = i2.id
        WHERE i2.id = i.id;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF reindex THEN
            CREATE INDEX incidents_search_document ON incidents_incident
                USING gin (search_document);
        END IF;
        ANALYZE incidents_incident;
        RETURN n;
    END $$""",
    """CREATE OR REPLACE FUNCTION incidents_search_incident() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            -- The timeline is empty, unless a bulk load wrote the events first (one index
            -- probe): then the document is complete without a rebuild.
            NEW.search_document := incidents_search_head(NEW.number, NEW.title, NEW.description)
                || incidents_search_timeline(NEW.id);
        ELSIF OLD.number IS DISTINCT FROM NEW.number OR OLD.title IS DISTINCT FROM NEW.title
                OR OLD.description IS DISTINCT FROM NEW.description THEN
            BEGIN
                -- the new head, then the timeline's words as they were (weights C and D)
                NEW.search_document :=
                    incidents_search_head(NEW.number, NEW.title, NEW.description)
                    || ts_filter(coalesce(NEW.search_document, ''), '{c,d}');
            EXCEPTION WHEN program_limit_exceeded THEN
                -- from scratch, where every text is cut to size
                NEW.search_document :=
                    incidents_search_head(NEW.number, NEW.title, NEW.description)
                    || incidents_search_timeline(NEW.id);
            END;
        END IF;
        RETURN NEW;
    END $$""",
    "DROP TRIGGER IF EXISTS incidents_search_incident ON incidents_incident",
    """CREATE TRIGGER incidents_search_incident
    BEFORE INSERT OR UPDATE ON incidents_incident
    FOR EACH ROW EXECUTE FUNCTION incidents_search_incident()""",
    """CREATE OR REPLACE FUNCTION incidents_search_event() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        doc tsvector;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NEW.body = '' OR NEW.kind = 'opened' THEN
                RETURN NULL;
            END IF;
            -- Services hold this lock already; NO KEY keeps foreign-key checks unblocked.
            SELECT search_document INTO doc FROM incidents_incident
            WHERE id = NEW.incident_id FOR NO KEY UPDATE;
            BEGIN
                doc := coalesce(doc, '') || setweight(incidents_search_words(NEW.body),
                    CASE WHEN NEW.public THEN 'C' ELSE 'D' END::"char");
            EXCEPTION WHEN program_limit_exceeded THEN
                RAISE WARNING 'incident %: search document full, event % not indexed',
                    NEW.incident_id, NEW.id;
                RETURN NULL;
            END;
            UPDATE incidents_incident SET search_document = doc WHERE id = NEW.incident_id;
            RETURN NULL;
        END IF;
        -- Events are append-only; an edit (a redaction) or a delete recomputes.
        IF TG_OP = 'UPDATE' AND (OLD.incident_id, OLD.kind, OLD.public, OLD.body)
                IS NOT DISTINCT FROM (NEW.incident_id, NEW.kind, NEW.public, NEW.body) THEN
            RETURN NULL;
        END IF;
        UPDATE incidents_incident
        SET search_document = incidents_search_head(number, title, description)
            || incidents_search_timeline(id)
        WHERE id = OLD.incident_id OR (TG_OP = 'UPDATE' AND id = NEW.incident_id);
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS incidents_search_event ON incidents_timelineevent",
    """CREATE TRIGGER incidents_search_event
    AFTER INSERT OR UPDATE OR DELETE ON incidents_timelineevent
    FOR EACH ROW EXECUTE FUNCTION incidents_search_event()""",
    "SELECT incidents_search_rebuild(true)",
]

POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS incidents_search_event ON incidents_timelineevent",
    "DROP TRIGGER IF EXISTS incidents_search_incident ON incidents_incident",
    "DROP FUNCTION IF EXISTS incidents_search_event()",
    "DROP FUNCTION IF EXISTS incidents_search_incident()",
    "DROP FUNCTION IF EXISTS incidents_search_rebuild(boolean)",
    "DROP FUNCTION IF EXISTS incidents_search_timeline(bigint)",
    "DROP INDEX IF EXISTS incidents_search_document",
    "ALTER TABLE incidents_incident DROP COLUMN IF EXISTS search_document",
    "DROP FUNCTION IF EXISTS incidents_search_head(bigint, text, text)",
    "DROP FUNCTION IF EXISTS incidents_search_words(text)",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD + INDEXES_FORWARD, SQLITE_REVERSE + INDEXES_REVERSE),
    "postgresql": (POSTGRES_FORWARD + INDEXES_FORWARD, POSTGRES_REVERSE + INDEXES_REVERSE),
}


def _run(schema_editor, direction):
    # Other databases get no index; incidents.search falls back to a plain LIKE filter.
    for sql in STATEMENTS.get(schema_editor.connection.vendor, ((), ()))[direction]:
        schema_editor.execute(sql, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, 0)


def reverse(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_default_priority_matrix")]
    operations = [migrations.RunPython(forward, reverse)]
