"""Fast inserts for rebuilding the index (hundreds of thousands of rows).

Django's ``bulk_create`` builds a model instance per row, which costs more than the
database work here. Rows go in as plain tuples instead: ``COPY`` on PostgreSQL,
``executemany`` on SQLite, each value prepared by its model field exactly as Django
would save it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models

CHUNK = 5000


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (values in the order of ``fields``, model field names)."""
    meta = model._meta
    model_fields = [meta.get_field(name) for name in fields]
    columns = [str(f.column) for f in model_fields]  # type: ignore[union-attr]
    prepare = [f.get_db_prep_save for f in model_fields]  # type: ignore[union-attr]
    table = connection.ops.quote_name(meta.db_table)
    column_sql = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                for row in iterator:
                    copy.write_row([p(v, connection) for p, v in zip(prepare, row, strict=True)])
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({column_sql}) VALUES ({placeholders})"  # noqa: S608
        while chunk := list(islice(iterator, CHUNK)):
            cursor.executemany(
                sql,
                [[p(v, connection) for p, v in zip(prepare, row, strict=True)] for row in chunk],
            )
            count += len(chunk)
    return count


def reset_sequence(model: type[models.Model]) -> None:
    """After inserting explicit ids: the next automatic id follows the largest."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
