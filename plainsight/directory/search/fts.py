"""Each database's own full-text index over ``SearchDocument.tokens``.

SQLite: an FTS5 table with external content (the documents table) kept in step by
triggers. PostgreSQL: a stored generated ``tsvector`` column read straight from the
tokens (no parser, no dictionary: the tokens are already final) and a GIN index.
Both answer "which documents contain (a or b) and (c)" over the same tokens, which is
all the search asks of them; ranking is computed in portable SQL (see ``engine``).

Django migrations that rebuild the documents table on SQLite drop its triggers:
``ensure_schema`` (run by ``search_index --rebuild`` and at the end of migrate) puts
them back.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

# Table names are written out: nothing in these statements comes from outside.
SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_search_fts USING fts5("
    "tokens, content='directory_search_searchdocument', content_rowid='id', detail='none', "
    "tokenize='unicode61 remove_diacritics 0')"
)
SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS directory_search_fts_ai"
    " AFTER INSERT ON directory_search_searchdocument BEGIN"
    " INSERT INTO directory_search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS directory_search_fts_ad"
    " AFTER DELETE ON directory_search_searchdocument BEGIN"
    " INSERT INTO directory_search_fts(directory_search_fts, rowid, tokens)"
    " VALUES ('delete', old.id, old.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS directory_search_fts_au"
    " AFTER UPDATE ON directory_search_searchdocument BEGIN"
    " INSERT INTO directory_search_fts(directory_search_fts, rowid, tokens)"
    " VALUES ('delete', old.id, old.tokens);"
    " INSERT INTO directory_search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
)
SQLITE_DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS directory_search_fts_ai",
    "DROP TRIGGER IF EXISTS directory_search_fts_ad",
    "DROP TRIGGER IF EXISTS directory_search_fts_au",
)
SQLITE_MATCH = "IN (SELECT rowid FROM directory_search_fts WHERE directory_search_fts MATCH %s)"

POSTGRES_COLUMN = (
    "ALTER TABLE directory_search_searchdocument ADD COLUMN IF NOT EXISTS tsv tsvector "
    "GENERATED ALWAYS AS (CAST(tokens AS tsvector)) STORED"
)
# fastupdate off: PostgreSQL's default keeps new entries in a "pending list" that every
# search scans in full until a vacuum merges it (seen: 12 ms → 53 ms per search after a
# rebuild). The directory is read far more than it is written, so edits go straight into
# the index; a full rebuild turns the list on for its bulk load and merges it at the end.
POSTGRES_INDEX = (
    "CREATE INDEX IF NOT EXISTS dsearch_doc_tsv ON directory_search_searchdocument"
    " USING gin (tsv) WITH (fastupdate = off)"
)
POSTGRES_FASTUPDATE = "ALTER INDEX dsearch_doc_tsv SET (fastupdate = {})"
POSTGRES_MERGE_PENDING = "SELECT gin_clean_pending_list('dsearch_doc_tsv')"
POSTGRES_DROP_INDEX = "DROP INDEX IF EXISTS dsearch_doc_tsv"


def ensure_schema(conn: BaseDatabaseWrapper | None = None) -> None:
    """Create the full-text table or column, its triggers and index, if missing."""
    conn = conn or connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(SQLITE_TABLE)
            for statement in SQLITE_TRIGGERS:
                cursor.execute(statement)
        elif conn.vendor == "postgresql":
            # Only when missing: ALTER TABLE is refused while the transaction has
            # pending deferred constraint checks (after writing documents).
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = 'directory_search_searchdocument' AND column_name = 'tsv'"
            )
            if cursor.fetchone() is None:
                cursor.execute(POSTGRES_COLUMN)
            cursor.execute(
                "SELECT c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND c.relname = 'dsearch_doc_tsv'"
            )
            row = cursor.fetchone()
            if row is None:
                cursor.execute(POSTGRES_INDEX)
            elif "fastupdate=off" not in (row[0] or []):
                # An index made before fastupdate was turned off.
                cursor.execute(POSTGRES_FASTUPDATE.format("off"))
        else:  # pragma: no cover - PlainSight supports SQLite and PostgreSQL
            raise NotImplementedError(f"no full-text index for {conn.vendor}")


def drop_schema(conn: BaseDatabaseWrapper | None = None) -> None:
    conn = conn or connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            for statement in SQLITE_DROP_TRIGGERS:
                cursor.execute(statement)
            cursor.execute("DROP TABLE IF EXISTS directory_search_fts")
        elif conn.vendor == "postgresql":
            cursor.execute(POSTGRES_DROP_INDEX)
            cursor.execute("ALTER TABLE directory_search_searchdocument DROP COLUMN IF EXISTS tsv")


def _sqlite_query(groups: Sequence[Sequence[str]], exclude: Sequence[str]) -> str:
    query = " AND ".join(
        "(" + " OR ".join(f'"{token}"' for token in group) + ")" for group in groups
    )
    if exclude:
        query = f"({query}) NOT (" + " OR ".join(f'"{token}"' for token in exclude) + ")"
    return query


def _postgres_query(groups: Sequence[Sequence[str]], exclude: Sequence[str]) -> str:
    query = " & ".join("(" + " | ".join(f"'{token}'" for token in group) + ")" for group in groups)
    if exclude:
        query += " & !(" + " | ".join(f"'{token}'" for token in exclude) + ")"
    return query


def _check(groups: Sequence[Sequence[str]]) -> None:
    # Tokens come from text.py and are [a-z0-9]; anything else is a programming error
    # (and could change the meaning of the full-text query).
    for group in groups:
        if not group:
            raise ValueError("empty token group")
        for token in group:
            if not token or not token.isascii() or not token.isalnum() or token != token.lower():
                raise ValueError("search tokens must be lower-case ASCII letters and digits")


def match_clause(
    groups: Sequence[Sequence[str]], *, exclude: Sequence[str] = (), alias: str = "d"
) -> tuple[str, list[str]]:
    """SQL (and its parameters) true for documents having a token of every group and
    none of ``exclude``."""
    if not groups:
        raise ValueError("a full-text match needs at least one group")
    _check(groups)
    if exclude:
        _check([exclude])
    if connection.vendor == "sqlite":
        return f"{alias}.id {SQLITE_MATCH}", [_sqlite_query(groups, exclude)]
    # One condition per group: GIN makes each its own scan key and leapfrogs between
    # them, each list skipping to the next id another key could match. Within one
    # key (a & b & c), GIN instead visits every id of its rarer entries, up to a
    # whole group of them: a common word with twelve small place cells read all
    # the cells' 160,000 ids at 1,000,000 listings.
    params = [_postgres_query([group], ()) for group in groups[:-1]]
    params.append(_postgres_query([groups[-1]], exclude))
    condition = f"{alias}.tsv @@ CAST(%s AS tsquery)"
    return "(" + " AND ".join([condition] * len(params)) + ")", params


def bulk_load_begin() -> None:
    """Before loading every document anew: stop per-row full-text upkeep."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in SQLITE_DROP_TRIGGERS:
                cursor.execute(statement)
            cursor.execute(SQLITE_TABLE)
            cursor.execute(
                "INSERT INTO directory_search_fts(directory_search_fts) VALUES ('delete-all')"
            )
        elif connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FASTUPDATE.format("on"))


def bulk_load_end() -> None:
    """After loading: index every document and resume per-row upkeep."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO directory_search_fts(directory_search_fts) VALUES ('rebuild')"
            )
            # One b-tree per token instead of many segments: a search merging a common
            # token (a filter, a language) then skips through its list instead of
            # reading every segment (about a third faster on a statewide directory).
            cursor.execute(
                "INSERT INTO directory_search_fts(directory_search_fts) VALUES ('optimize')"
            )
            for statement in SQLITE_TRIGGERS:
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            cursor.execute(POSTGRES_MERGE_PENDING)
            cursor.execute(POSTGRES_FASTUPDATE.format("off"))


def compact() -> None:
    """After a full rebuild has committed: rewrite PostgreSQL's index compactly.

    A rebuild deletes every document and inserts it again in one transaction, so that
    searches read the old index until it commits; the GIN index then holds every entry
    twice until a vacuum, and half-empty pages after it (80 MB instead of 52 MB at
    100,000 listings, and searches about a third slower). ``REINDEX CONCURRENTLY``
    builds a fresh copy while searches go on, then swaps it in. It cannot run inside a
    transaction: a rebuild inside a caller's transaction (tests) keeps the index as is.
    SQLite's index is merged by ``bulk_load_end`` already.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("REINDEX INDEX CONCURRENTLY dsearch_doc_tsv")
        cursor.execute("RESET maintenance_work_mem")


def analyze() -> None:
    """Refresh the planner's statistics after a large change."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE directory_search_searchdocument")
            cursor.execute("ANALYZE directory_search_searchhours")
        else:
            cursor.execute("ANALYZE directory_search_searchdocument")
            cursor.execute("ANALYZE directory_search_searchhours")
