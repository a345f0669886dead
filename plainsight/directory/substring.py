"""Indexes for the HSDS API's ``search``: words found anywhere inside a text column.

The API's ``search`` keeps its meaning — every word must occur, in any letter case,
somewhere inside one of the searched columns (``icontains``) — but no longer reads
every row to find out. Each database answers "which rows contain this substring"
from an index of three-letter sequences (trigrams):

* PostgreSQL: ``pg_trgm`` GIN indexes on exactly the expressions Django's
  ``icontains`` compares, ``UPPER(column::text)``; the lookups themselves then use
  them. Without the extension (a server that refuses it) searches stay correct and
  read every row, as before.
* SQLite: an FTS5 table with the ``trigram`` tokenizer per searched table, kept in
  step by triggers, keyed through a small table that maps the row's UUID to a stable
  integer (the tables' own rowids may change on ``VACUUM``). Its matches are a
  superset of ``LIKE``'s (it also folds non-ASCII letters), and the exact
  ``icontains`` condition is always applied on top, so results are unchanged.

Words shorter than three letters have no trigram: they are matched by reading the
rows, as before. Not the public search index (``directory.search``): that one is
refreshed after the fact and matches stems and synonyms, not substrings.

Django migrations that rebuild one of these tables on SQLite drop its triggers:
``ensure`` (run after every ``migrate``) puts them back and refills the index.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.db.models.expressions import RawSQL

logger = logging.getLogger(__name__)

# table → searched columns. The migration (0005) writes the same out.
SEARCHED: dict[str, tuple[str, ...]] = {
    "directory_service": ("name", "alternate_name", "description"),
    "directory_organization": ("name", "alternate_name", "description"),
    "directory_location": ("name",),
    "directory_serviceatlocation": ("description",),
}
MIN_LENGTH = 3


def _quote(name: str) -> str:
    # Only ever the fixed table and column names above: no input reaches SQL text.
    return f'"{name}"'


def sqlite_index_statements(table: str, columns: tuple[str, ...]) -> list[str]:
    """The FTS5 table and its key table (created empty)."""
    fts, key = f"{table}_substr", f"{table}_substr_key"
    return [
        f'CREATE TABLE IF NOT EXISTS {_quote(key)} ("key" integer PRIMARY KEY,'
        ' "id" char(32) NOT NULL UNIQUE)',
        # The row's id comes along (not indexed): a match needs no second lookup.
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {_quote(fts)} USING fts5("
        + '"id" UNINDEXED, '
        + ", ".join(_quote(c) for c in columns)
        + ", tokenize='trigram')",
    ]


def sqlite_trigger_statements(table: str, columns: tuple[str, ...]) -> list[str]:
    fts, key = _quote(f"{table}_substr"), _quote(f"{table}_substr_key")
    cols = ", ".join(_quote(c) for c in columns)
    new_values = ", ".join(f"new.{_quote(c)}" for c in columns)
    assignments = ", ".join(f"{_quote(c)} = new.{_quote(c)}" for c in columns)
    return [
        f"CREATE TRIGGER IF NOT EXISTS {_quote(table + '_substr_ai')} AFTER INSERT ON"  # noqa: S608
        f" {_quote(table)} BEGIN"
        f' INSERT OR REPLACE INTO {key} ("id") VALUES (new."id");'
        f' INSERT INTO {fts} (rowid, "id", {cols})'
        f' VALUES (last_insert_rowid(), new."id", {new_values}); END',
        f"CREATE TRIGGER IF NOT EXISTS {_quote(table + '_substr_ad')} AFTER DELETE ON"  # noqa: S608
        f" {_quote(table)} BEGIN"
        f' DELETE FROM {fts} WHERE rowid = (SELECT "key" FROM {key} WHERE "id" = old."id");'
        f' DELETE FROM {key} WHERE "id" = old."id"; END',
        f"CREATE TRIGGER IF NOT EXISTS {_quote(table + '_substr_au')} AFTER UPDATE OF"  # noqa: S608
        f' "id", {cols} ON {_quote(table)} BEGIN'
        f' UPDATE {key} SET "id" = new."id" WHERE "id" = old."id";'
        f' UPDATE {fts} SET "id" = new."id", {assignments}'
        f' WHERE rowid = (SELECT "key" FROM {key} WHERE "id" = new."id"); END',
    ]


def sqlite_fill_statements(table: str, columns: tuple[str, ...]) -> list[str]:
    """Empty the index, then index every row (the whole table, in two statements)."""
    fts, key = _quote(f"{table}_substr"), _quote(f"{table}_substr_key")
    cols = ", ".join(_quote(c) for c in columns)
    source = ", ".join(f"t.{_quote(c)}" for c in columns)
    return [
        f"DELETE FROM {fts}",  # noqa: S608
        f"DELETE FROM {key}",  # noqa: S608
        f'INSERT INTO {key} ("id") SELECT "id" FROM {_quote(table)}',  # noqa: S608
        f'INSERT INTO {fts} (rowid, "id", {cols}) SELECT k."key", t."id", {source}'  # noqa: S608
        f' FROM {_quote(table)} t JOIN {key} k ON k."id" = t."id"',
    ]


def postgres_index_names(table: str, columns: tuple[str, ...]) -> list[str]:
    short = table.removeprefix("directory_")
    return [f"dir_{short}_{column}_trgm" for column in columns]


def ensure(conn: BaseDatabaseWrapper | None = None) -> None:
    """After ``migrate`` on SQLite: put back triggers a rebuilt table lost, and refill
    that table's index (rows may have changed while it had none). Does nothing before
    the migration that creates the indexes, nor on PostgreSQL."""
    conn = conn or default_connection
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        names = {
            row[0]
            for row in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')"
            ).fetchall()
        }
        for table, columns in SEARCHED.items():
            if f"{table}_substr_key" not in names:
                continue
            triggers = {f"{table}_substr_{suffix}" for suffix in ("ai", "ad", "au")}
            if triggers <= names:
                continue
            logger.info("Rebuilding the substring index of %s", table)
            for statement in sqlite_trigger_statements(table, columns):
                cursor.execute(statement)
            for statement in sqlite_fill_statements(table, columns):
                cursor.execute(statement)


_postgres_ready: dict[tuple[str, str], bool] = {}


def _available(conn: BaseDatabaseWrapper) -> bool:
    if conn.vendor == "sqlite":
        return True
    key = (conn.alias, str(conn.settings_dict["NAME"]))
    if key not in _postgres_ready:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()"
                " AND indexname = ANY(%s)",
                [postgres_index_names("directory_service", SEARCHED["directory_service"])],
            )
            _postgres_ready[key] = cursor.fetchone()[0] == len(SEARCHED["directory_service"])
    return _postgres_ready[key]


def _fts_ids(table: str, word: str, columns: tuple[str, ...]) -> RawSQL:
    """SQLite: ids of ``table``'s rows with ``word`` inside one of ``columns``.

    The trigram index finds candidates (folding letter case beyond ASCII, so a few
    more than ``LIKE`` would); ``LIKE`` — the very test of ``icontains`` — then
    decides, on the index's own copy of the text (narrower than the table's rows).
    The ``+`` keeps SQLite from handing that ``LIKE`` to the index.
    """
    fts = _quote(f"{table}_substr")
    phrase = "{" + " ".join(columns) + '} : "' + word.replace('"', '""') + '"'
    pattern = f"%{default_connection.ops.prep_for_like_query(word)}%"
    like = " OR ".join(f"+{fts}.{_quote(c)} LIKE %s ESCAPE '\\'" for c in columns)
    return RawSQL(  # noqa: S611 - fixed names; the word is a parameter
        f'SELECT "id" FROM {fts} WHERE {fts} MATCH %s AND ({like})',  # noqa: S608
        [phrase, *([pattern] * len(columns))],
    )


def usable(word: str) -> bool:
    """Whether the indexes can find ``word`` (not a word of one or two letters, and on
    PostgreSQL only with ``pg_trgm``)."""
    return len(word) >= MIN_LENGTH and _available(default_connection)


def containing(model: type[Any], word: str, columns: tuple[str, ...]) -> Any | None:
    """Ids of ``model`` rows with ``word`` inside one of ``columns`` in any letter case
    — exactly the rows ``icontains`` finds — read through the indexes, or None when
    they cannot tell (see ``usable``)."""
    if not usable(word):
        return None
    if default_connection.vendor == "sqlite":
        return _fts_ids(model._meta.db_table, word, columns)
    # PostgreSQL: the lookups themselves, one bitmap per column's trigram index.
    condition = Q()
    for column in columns:
        condition |= Q(**{f"{column}__icontains": word})
    return model.objects.filter(condition).values("pk")
