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
    """Insert ``rows`` (values in the order of ``fields``, model field names).

    Other columns get their field's default, as ``Model.objects.create`` would.
    """
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    defaults = [f for f in meta.concrete_fields if f not in given and not f.primary_key]
    default_values = [f.get_default() for f in defaults]
    model_fields = [*given, *defaults]
    columns = [str(f.column) for f in model_fields]  # type: ignore[union-attr]
    prepare = [f.get_db_prep_save for f in model_fields]  # type: ignore[union-attr]
    if defaults:
        rows = (tuple(row) + tuple(default_values) for row in rows)
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


def select(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Rows of a fixed SELECT (the search's hot path: no ORM query building)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)
