"""Substring indexes for the HSDS API's ``search`` (see directory/substring.py).

PostgreSQL: ``pg_trgm`` GIN indexes on ``UPPER(column::text)``, the expression of
Django's ``icontains``; if the server refuses the extension, the migration says so
and goes on (searches then read every row, as before). SQLite: per table, an FTS5
``trigram`` table, a table of stable integer keys, triggers, and the index filled.

The SQL is written out here, not imported, so this migration stays as it was.
"""

import logging

from django.db import migrations, models

logger = logging.getLogger(__name__)

SEARCHED = {
    "directory_service": ("name", "alternate_name", "description"),
    "directory_organization": ("name", "alternate_name", "description"),
    "directory_location": ("name",),
    "directory_serviceatlocation": ("description",),
}


def q(name):
    return f'"{name}"'


def sqlite_forward(table, columns):
    fts, key = q(f"{table}_substr"), q(f"{table}_substr_key")
    cols = ", ".join(q(c) for c in columns)
    new_values = ", ".join(f"new.{q(c)}" for c in columns)
    assignments = ", ".join(f"{q(c)} = new.{q(c)}" for c in columns)
    source = ", ".join(f"t.{q(c)}" for c in columns)
    return [
        f'CREATE TABLE IF NOT EXISTS {key} ("key" integer PRIMARY KEY,'
        ' "id" char(32) NOT NULL UNIQUE)',
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
        f"\"id\" UNINDEXED, {cols}, tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {q(table + '_substr_ai')} AFTER INSERT ON {q(table)} BEGIN"
        f' INSERT OR REPLACE INTO {key} ("id") VALUES (new."id");'
        f' INSERT INTO {fts} (rowid, "id", {cols})'
        f' VALUES (last_insert_rowid(), new."id", {new_values}); END',
        f"CREATE TRIGGER IF NOT EXISTS {q(table + '_substr_ad')} AFTER DELETE ON {q(table)} BEGIN"
        f' DELETE FROM {fts} WHERE rowid = (SELECT "key" FROM {key} WHERE "id" = old."id");'
        f' DELETE FROM {key} WHERE "id" = old."id"; END',
        f"CREATE TRIGGER IF NOT EXISTS {q(table + '_substr_au')} AFTER UPDATE OF"
        f' "id", {cols} ON {q(table)} BEGIN'
        f' UPDATE {key} SET "id" = new."id" WHERE "id" = old."id";'
        f' UPDATE {fts} SET "id" = new."id", {assignments}'
        f' WHERE rowid = (SELECT "key" FROM {key} WHERE "id" = new."id"); END',
        f"DELETE FROM {fts}",
        f"DELETE FROM {key}",
        f'INSERT INTO {key} ("id") SELECT "id" FROM {q(table)}',
        f'INSERT INTO {fts} (rowid, "id", {cols}) SELECT k."key", t."id", {source}'
        f' FROM {q(table)} t JOIN {key} k ON k."id" = t."id"',
    ]


def sqlite_backward(table):
    return [
        *(f"DROP TRIGGER IF EXISTS {q(table + '_substr_' + s)}" for s in ("ai", "ad", "au")),
        f"DROP TABLE IF EXISTS {q(table + '_substr')}",
        f"DROP TABLE IF EXISTS {q(table + '_substr_key')}",
    ]


def index_name(table, column):
    return f"dir_{table.removeprefix('directory_')}_{column}_trgm"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table, columns in SEARCHED.items():
            for statement in sqlite_forward(table, columns):
                schema_editor.execute(statement)
        # Statistics for the new index (as in 0004).
        schema_editor.execute("PRAGMA analysis_limit=1000")
        schema_editor.execute("ANALYZE directory_service")
        return
    if vendor != "postgresql":
        raise NotImplementedError("PlainSight supports SQLite and PostgreSQL")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SAVEPOINT dir_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # a server without it, or a user not allowed to add it
            cursor.execute("ROLLBACK TO SAVEPOINT dir_trgm")
            logger.warning(
                "pg_trgm is not available: the HSDS API's search will read every row. "
                "CREATE EXTENSION pg_trgm (as a superuser), then migrate directory 0004 "
                "and migrate again, to index it."
            )
            return
        cursor.execute("RELEASE SAVEPOINT dir_trgm")
    for table, columns in SEARCHED.items():
        for column in columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index_name(table, column)} ON {q(table)}"
                f" USING gin ((UPPER({q(column)}::text)) gin_trgm_ops)"
            )
        schema_editor.execute(f"ANALYZE {q(table)}")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, columns in SEARCHED.items():
        if vendor == "sqlite":
            for statement in sqlite_backward(table):
                schema_editor.execute(statement)
        else:
            for column in columns:
                schema_editor.execute(f"DROP INDEX IF EXISTS {index_name(table, column)}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_api_list_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="service",
            index=models.Index(fields=["id", "name", "status"], name="dir_service_id_name"),
        ),
        migrations.RunPython(forward, backward),
    ]
