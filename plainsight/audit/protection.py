"""The database's own refusal to change audit history, and the one sanctioned way round it.

Migration 0003 creates triggers that refuse, for every database user including the
application's:

- UPDATE, DELETE and TRUNCATE of audit events;
- DELETE and TRUNCATE of the chain head, and any head update other than one step
  forward (so the head cannot be rolled back to hide deleted events).

PostgreSQL: a role that *owns* the tables can still disable its triggers, and a
superuser can switch them off for a session; production therefore runs the
application as a role that owns nothing (docs/runbooks/audit.md). SQLite has no
users at all: whoever can write the file can do anything, so there the triggers guard
against mistakes and injected statements, not against the machine's owner.

``protection_suspended`` exists for exactly two callers: ``manage.py flush`` under
non-production settings (the test suite empties the database between tests that
commit), and tests that tamper with history on purpose to prove ``audit_verify``
catches it. It logs a warning every time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction

logger = logging.getLogger("plainsight.audit")

# Names must match migration 0003 (the protection tests check every one of them).
POSTGRES_TRIGGERS = {
    "audit_auditevent": ("audit_event_append_only", "audit_event_no_truncate"),
    "audit_auditchainhead": (
        "audit_head_forward_only",
        "audit_head_no_delete",
        "audit_head_no_truncate",
    ),
}
SQLITE_TRIGGERS = {
    "audit_auditevent": ("audit_event_no_update", "audit_event_no_delete"),
    "audit_auditchainhead": ("audit_head_forward_only", "audit_head_no_delete"),
}


def protection_problems(*, using: str = "default") -> list[str]:
    """What is missing or switched off in the database's protection of the audit log."""
    connection = connections[using]
    problems: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table, names in POSTGRES_TRIGGERS.items():
                cursor.execute(
                    "SELECT t.tgname, t.tgenabled FROM pg_trigger t"
                    " WHERE t.tgrelid = to_regclass(%s) AND NOT t.tgisinternal",
                    [table],
                )
                found = dict(cursor.fetchall())
                for name in names:
                    state = found.get(name)
                    if state is None:
                        problems.append(f"Protection trigger {name} on {table} is missing.")
                    elif state not in ("O", "A"):
                        # 'D' disabled; 'R' fires only in replica sessions.
                        problems.append(f"Protection trigger {name} on {table} is disabled.")
        elif connection.vendor == "sqlite":
            for table, names in SQLITE_TRIGGERS.items():
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                    [table],
                )
                found_names = {row[0] for row in cursor.fetchall()}
                problems += [
                    f"Protection trigger {name} on {table} is missing."
                    for name in names
                    if name not in found_names
                ]
        else:
            problems.append(
                f"The audit log has no database-level protection on {connection.vendor}."
            )
    return problems


@contextmanager
def protection_suspended(*, reason: str, using: str = "default") -> Iterator[None]:
    """Lift the audit triggers for the body of the ``with`` block, in one transaction.

    The triggers are lifted and put back inside a single transaction, so no other
    connection ever sees them missing (PostgreSQL's ALTER TABLE locks the tables until
    commit; SQLite's writer lock does the same), and an error in the body rolls the
    lifting back with everything else. On PostgreSQL the connection's role must own
    the tables: the application's role in production does not, and cannot do this.
    """
    connection = connections[using]
    logger.warning("Audit log protection suspended: %s", reason)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table, names in POSTGRES_TRIGGERS.items():
                for name in names:
                    cursor.execute(
                        f"ALTER TABLE {connection.ops.quote_name(table)}"
                        f" DISABLE TRIGGER {connection.ops.quote_name(name)}"
                    )
            yield
            for table, names in POSTGRES_TRIGGERS.items():
                for name in names:
                    cursor.execute(
                        f"ALTER TABLE {connection.ops.quote_name(table)}"
                        f" ENABLE TRIGGER {connection.ops.quote_name(name)}"
                    )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name IN (%s, %s)",
                list(SQLITE_TRIGGERS),
            )
            saved = cursor.fetchall()
            for name, _sql in saved:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
            yield
            for _name, sql in saved:
                cursor.execute(sql)
        else:
            yield
