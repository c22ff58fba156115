"""The database-specific half of case search: trigram indexes, and the one condition that uses them.

Chinese has no spaces between words, so text is matched by character trigrams, never by words:

- PostgreSQL (the scaled setup): the `pg_trgm` extension and a GIN index with `gin_trgm_ops` on
  `UPPER(column)` of every searched column. Django's `icontains` is `UPPER(col) LIKE UPPER('%q%')`,
  which those indexes answer for a query of 3 characters or more.
- SQLite (the embedded default): an FTS5 table with `tokenize='trigram'` (SQLite 3.34 or later),
  queried with MATCH. Its text lives in `search_doc`, one row per searched field, which triggers on
  the source tables keep in step. Triggers, not Django signals: imports write 100k events with raw
  `executemany`, and services change rows with `QuerySet.update()`, neither of which sends signals.
  Without FTS5 trigram support the search falls back to LIKE, and says so in the log once.

A query of 1–2 characters (法院, 上门) has no trigram: it is a plain case-insensitive substring scan
of the case's own rows (the case's indexes narrow it to one case first).

Everything vendor-specific is here, behind text_condition() for queries and install() for the
schema (called by the migration and again after every `migrate`, see apps.py).
"""

import logging
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan

logger = logging.getLogger(__name__)

TRIGRAM = 3  # the shortest query an index can answer


@dataclass(frozen=True)
class Source:
    """One searched table: the fields searched, in the order a hit names the first that matches."""

    name: str
    table: str
    key: str  # its primary key column
    fields: tuple[str, ...]
    indexed_when: str = ""  # SQL condition on NEW for rows worth indexing ("" = every row)


SOURCES = {
    "event": Source("event", "events_event", "id", ("body", "note")),
    "text": Source("text", "ocr_recognizedtext", "item_id", ("content",), "NEW.status = 'done'"),
    "item": Source("item", "intake_evidenceitem", "id", ("note", "original_name", "summary", "purpose")),
}


def text_condition(source: str, query: str, case_id) -> Q:
    """A filter for the source's queryset: rows of which a searched field contains query (any case)."""
    fields = SOURCES[source].fields
    if len(query) < TRIGRAM:
        return _scan(fields, query)
    if connection.vendor == "postgresql":
        return reduce(or_, (Q(**{f"{field}__icontains": query}) for field in fields))
    if connection.vendor == "sqlite" and fts_available():
        # CROSS JOIN keeps this order: the index answers first, then each hit's row by its key
        # (left to the planner, SQLite ran the MATCH once per search_doc row).
        sql = ("SELECT d.ref FROM search_fts CROSS JOIN search_doc d ON d.id = search_fts.rowid "
               "WHERE search_fts MATCH %s AND d.source = %s AND d.case_id = %s")
        return Q(pk__in=RawSQL(sql, (fts_phrase(query), source, case_id.hex)))
    return reduce(or_, (Q(**{f"{field}__icontains": query}) for field in fields))


def _scan(fields, query: str) -> Q:
    """A substring scan no trigram index can take: the planner reads the case's rows by its own index."""
    if connection.vendor == "postgresql":
        needle = Upper(Value(query))
        return reduce(or_, (Q(GreaterThan(StrIndex(Upper(field), needle), 0)) for field in fields))
    return reduce(or_, (Q(**{f"{field}__icontains": query}) for field in fields))  # SQLite's LIKE folds ASCII


def fts_phrase(query: str) -> str:
    """The query as one FTS5 phrase: a substring match under the trigram tokenizer, operators inert."""
    return '"' + query.replace('"', '""') + '"'


# --- SQLite: FTS5 trigram --------------------------------------------------------------------------
_fts_state: dict[str, bool] = {}


def fts_available() -> bool:
    """Whether this SQLite database has the trigram index (checked once per process)."""
    key = str(connection.settings_dict.get("NAME"))
    if key not in _fts_state:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_fts'")
            _fts_state[key] = cursor.fetchone() is not None
        if not _fts_state[key]:
            logger.warning("search: this SQLite has no FTS5 trigram index (SQLite %s; 3.34 or later is needed); "
                           "searches scan with LIKE instead", _sqlite_version())
    return _fts_state[key]


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def _source_triggers(source: Source) -> list[str]:
    """Triggers that keep search_doc in step with one source table: insert, update of a field, delete."""
    def rows_of(new: str) -> str:
        inserts = []
        for field in source.fields:
            condition = f"{new}.{field} <> ''"
            if source.indexed_when:
                condition += " AND " + source.indexed_when.replace("NEW.", f"{new}.")
            inserts.append(
                f"INSERT INTO search_doc (source, ref, case_id, field, text) SELECT '{source.name}', "
                f"{new}.{source.key}, {new}.case_id, '{field}', {new}.{field} WHERE {condition};")
        return " ".join(inserts)

    forget = f"DELETE FROM search_doc WHERE source = '{source.name}' AND ref = OLD.{source.key};"
    watched = ", ".join((*source.fields, "case_id", *(["status"] if "status" in source.indexed_when else [])))
    prefix = f"search_{source.name}"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {prefix}_ai AFTER INSERT ON {source.table} BEGIN {rows_of('NEW')} END",
        f"CREATE TRIGGER IF NOT EXISTS {prefix}_au AFTER UPDATE OF {watched} ON {source.table} "
        f"BEGIN {forget} {rows_of('NEW')} END",
        f"CREATE TRIGGER IF NOT EXISTS {prefix}_ad AFTER DELETE ON {source.table} BEGIN {forget} END",
    ]


_DOC_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS search_doc_ai AFTER INSERT ON search_doc "
    "BEGIN INSERT INTO search_fts (rowid, text) VALUES (NEW.id, NEW.text); END",
    "CREATE TRIGGER IF NOT EXISTS search_doc_ad AFTER DELETE ON search_doc "
    "BEGIN INSERT INTO search_fts (search_fts, rowid, text) VALUES ('delete', OLD.id, OLD.text); END",
]


def _trigger_names() -> set[str]:
    names = {"search_doc_ai", "search_doc_ad"}
    for source in SOURCES.values():
        names |= {f"search_{source.name}_{what}" for what in ("ai", "au", "ad")}
    return names


def _sqlite_install(cursor) -> None:
    """Create the FTS5 table and its triggers if any part is missing, then fill it from the source tables.

    Idempotent. A migration that rebuilds a source table on SQLite (Django does that for most
    AlterField) drops its triggers with the old table; the next `migrate` finds them missing here,
    creates them again and re-reads every row, so the index never silently falls behind.
    """
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_%'")
    present = {name for (name,) in cursor.fetchall()}
    cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_fts'")
    if cursor.fetchone() and _trigger_names() <= present:
        return
    try:
        cursor.execute("CREATE TABLE IF NOT EXISTS search_doc (id INTEGER PRIMARY KEY, source TEXT NOT NULL, "
                       "ref TEXT NOT NULL, case_id TEXT NOT NULL, field TEXT NOT NULL, text TEXT NOT NULL)")
        cursor.execute("CREATE INDEX IF NOT EXISTS search_doc_ref ON search_doc (source, ref)")
        cursor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(text, content='search_doc', "
                       "content_rowid='id', tokenize='trigram')")
    except Exception as error:  # no FTS5, or no trigram tokenizer (SQLite < 3.34)
        logger.warning("search: SQLite %s cannot make an FTS5 trigram index (%s); searches scan with LIKE instead",
                       _sqlite_version(), error)
        cursor.execute("DROP TABLE IF EXISTS search_doc")
        return
    # Re-read everything: the source tables may have changed while a trigger was missing.
    for name in present:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    cursor.execute("DELETE FROM search_doc")
    for source in SOURCES.values():
        for field in source.fields:
            condition = f"{field} <> ''"
            if source.indexed_when:
                condition += " AND " + source.indexed_when.replace("NEW.", "")
            cursor.execute(f"INSERT INTO search_doc (source, ref, case_id, field, text) SELECT '{source.name}', "
                           f"{source.key}, case_id, '{field}', {field} FROM {source.table} WHERE {condition}")
        for statement in _source_triggers(source):
            cursor.execute(statement)
    cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")
    for statement in _DOC_TRIGGERS:
        cursor.execute(statement)
    _fts_state.clear()


def _sqlite_uninstall(cursor) -> None:
    for name in sorted(_trigger_names()):
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    cursor.execute("DROP TABLE IF EXISTS search_fts")
    cursor.execute("DROP TABLE IF EXISTS search_doc")
    _fts_state.clear()


# --- PostgreSQL: pg_trgm -----------------------------------------------------------------------------
def _pg_indexes() -> list[tuple[str, str, str]]:
    """(index name, table, column) for every searched column."""
    return [(f"search_{source.name}_{field}_trgm", source.table, field)
            for source in SOURCES.values() for field in source.fields]


def _pg_install(cursor, alias: str) -> None:
    """pg_trgm (a trusted extension: the database's owner may create it) and one GIN index per column."""
    try:
        with transaction.atomic(using=alias):  # a savepoint: a refusal must not end the migration's transaction
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as error:
        logger.warning("search: could not create the pg_trgm extension (%s); searches scan without an index", error)
        return
    for name, table, column in _pg_indexes():
        cursor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" USING gin (UPPER("{column}") gin_trgm_ops)')


def _pg_uninstall(cursor) -> None:
    for name, _table, _column in _pg_indexes():
        cursor.execute(f"DROP INDEX IF EXISTS {name}")


def install(using=None) -> None:
    """Create whatever the search needs in this database (idempotent)."""
    from django.db import connections

    db = connections[using or "default"]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            _pg_install(cursor, db.alias)
        elif db.vendor == "sqlite":
            _sqlite_install(cursor)


def uninstall(using=None) -> None:
    from django.db import connections

    db = connections[using or "default"]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            _pg_uninstall(cursor)
        elif db.vendor == "sqlite":
            _sqlite_uninstall(cursor)
