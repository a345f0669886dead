"""Search documents gain ``regional_tokens``; the full-text index covers both columns.

The index is rebuilt empty of regional tokens: until ``search_index --rebuild`` (or the
nightly rebuild) writes them, the index keeps its older format and searches do not ask
for them (see engine.search). The SQL is written out here, not imported, so this
migration stays as it was.
"""

from django.db import migrations, models

DOCUMENTS = "directory_search_searchdocument"
FTS = "directory_search_fts"

SQLITE_FORWARD = [
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}",
    f"CREATE VIRTUAL TABLE {FTS} USING fts5("
    f"tokens, regional_tokens, content='{DOCUMENTS}', content_rowid='id', detail='none', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {DOCUMENTS} BEGIN "
    f"INSERT INTO {FTS}(rowid, tokens, regional_tokens) "
    "VALUES (new.id, new.tokens, new.regional_tokens); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {DOCUMENTS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, tokens, regional_tokens) "
    "VALUES ('delete', old.id, old.tokens, old.regional_tokens); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE ON {DOCUMENTS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, tokens, regional_tokens) "
    "VALUES ('delete', old.id, old.tokens, old.regional_tokens); "
    f"INSERT INTO {FTS}(rowid, tokens, regional_tokens) "
    "VALUES (new.id, new.tokens, new.regional_tokens); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}",
    f"CREATE VIRTUAL TABLE {FTS} USING fts5("
    f"tokens, content='{DOCUMENTS}', content_rowid='id', detail='none', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {DOCUMENTS} BEGIN "
    f"INSERT INTO {FTS}(rowid, tokens) VALUES (new.id, new.tokens); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {DOCUMENTS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, tokens) VALUES ('delete', old.id, old.tokens); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE ON {DOCUMENTS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, tokens) VALUES ('delete', old.id, old.tokens); "
    f"INSERT INTO {FTS}(rowid, tokens) VALUES (new.id, new.tokens); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS dsearch_doc_tsv",
    f"ALTER TABLE {DOCUMENTS} DROP COLUMN IF EXISTS tsv",
    f"ALTER TABLE {DOCUMENTS} ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
    "(CAST(tokens || ' ' || regional_tokens AS tsvector)) STORED",
    f"CREATE INDEX dsearch_doc_tsv ON {DOCUMENTS} USING gin (tsv) WITH (fastupdate = off)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS dsearch_doc_tsv",
    f"ALTER TABLE {DOCUMENTS} DROP COLUMN IF EXISTS tsv",
    f"ALTER TABLE {DOCUMENTS} ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
    "(CAST(tokens AS tsvector)) STORED",
    f"CREATE INDEX dsearch_doc_tsv ON {DOCUMENTS} USING gin (tsv) WITH (fastupdate = off)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise NotImplementedError("PlainSight's search supports SQLite and PostgreSQL")
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory_search", "0003_token_field_counts")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="regional_tokens",
            field=models.TextField(default=" "),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
