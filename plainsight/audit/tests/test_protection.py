"""The application's database connection cannot change or remove audit history.

Run on SQLite (triggers with RAISE(ABORT)) and on PostgreSQL (PL/pgSQL triggers):
``make test`` and ``make test-postgres``. Tests marked postgres_only are skipped on
SQLite and test what only PostgreSQL has (TRUNCATE, roles and privileges).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from plainsight.audit.chain import chain_verify
from plainsight.audit.models import AuditChainHead, AuditEvent
from plainsight.audit.protection import protection_problems, protection_suspended
from plainsight.audit.services import audit_record
from plainsight.testing.processes import postgres_only

pytestmark = pytest.mark.django_db

REFUSED = "append-only"


def _refused(sql_or_callable, params=None):
    """Run one statement in its own savepoint and return the database's error."""
    with pytest.raises(DatabaseError, match=REFUSED) as error, transaction.atomic():
        if callable(sql_or_callable):
            sql_or_callable()
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql_or_callable, params)
    return error.value


@pytest.fixture
def events():
    return [
        audit_record(actor=None, action="case.viewed", target_type="case", target_id=n)
        for n in (1, 2, 3)
    ]


def _snapshot():
    return list(AuditEvent.objects.values_list("seq", "action", "target_id", "hash"))


def test_protection_is_in_place():
    assert protection_problems() == []


def test_orm_update_is_refused(events):
    before = _snapshot()

    _refused(lambda: AuditEvent.objects.filter(seq=2).update(action="case.closed"))
    event = AuditEvent.objects.get(seq=2)
    event.target_id = "99"
    _refused(event.save)

    assert _snapshot() == before


def test_orm_delete_is_refused(events):
    before = _snapshot()

    _refused(lambda: AuditEvent.objects.get(seq=3).delete())
    _refused(lambda: AuditEvent.objects.all().delete())

    assert _snapshot() == before
    assert chain_verify().ok


def test_raw_sql_update_and_delete_are_refused(events):
    before = _snapshot()

    _refused("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["x.y", 1])
    _refused("DELETE FROM audit_auditevent WHERE seq = %s", [3])
    _refused("DELETE FROM audit_auditevent")

    assert _snapshot() == before


def test_head_cannot_be_deleted_or_moved_back(events):
    _refused(lambda: AuditChainHead.objects.all().delete())
    _refused(lambda: AuditChainHead.objects.update(seq=2, last_hash=events[1].hash))
    _refused(lambda: AuditChainHead.objects.update(seq=3 + 2))

    head = AuditChainHead.objects.get()
    assert (head.seq, head.last_hash) == (3, events[2].hash)


def test_appending_still_works_after_refusals(events):
    _refused(lambda: AuditEvent.objects.filter(seq=1).delete())

    assert audit_record(actor=None, action="case.closed").seq == 4
    assert chain_verify().ok


def test_suspension_puts_protection_back_afterwards(events):
    with protection_suspended(reason="test: the bypass is temporary"):
        AuditEvent.objects.filter(seq=3).delete()

    assert protection_problems() == []
    _refused(lambda: AuditEvent.objects.filter(seq=2).delete())


def test_suspension_is_rolled_back_with_an_error_in_its_body(events):
    with pytest.raises(RuntimeError), protection_suspended(reason="test: failing body"):
        AuditEvent.objects.filter(seq=3).delete()
        raise RuntimeError("boom")

    assert protection_problems() == []
    assert AuditEvent.objects.count() == 3


def test_flush_empties_the_log_outside_production_and_keeps_protection(events, settings):
    settings.PRODUCTION = False

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEvent.objects.exists()
    assert not AuditChainHead.objects.exists()
    assert protection_problems() == []
    assert audit_record(actor=None, action="system.started").seq == 1


def test_flush_is_refused_under_production_settings(events, settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="append-only"):
        call_command("flush", interactive=False, verbosity=0)

    assert AuditEvent.objects.count() == 3


@postgres_only
def test_truncate_is_refused_on_postgres(events):
    error = _refused("TRUNCATE audit_auditevent")
    _refused("TRUNCATE audit_auditchainhead")
    _refused("TRUNCATE audit_auditevent, audit_auditchainhead CASCADE")

    assert getattr(error.__cause__, "sqlstate", None) == "42501"  # insufficient_privilege
    assert AuditEvent.objects.count() == 3


@postgres_only
def test_app_role_with_every_table_privilege_still_cannot_change_history(events):
    """The production set-up: the application's role owns nothing (runbook).

    Even granted UPDATE, DELETE and TRUNCATE outright, it is refused by the triggers,
    and it can neither disable them nor switch them off for its session.
    """
    role = f"plainsight_audit_app_{connection.settings_dict['NAME']}"[:63]
    with connection.cursor() as cursor:
        # Created inside the test's transaction: rolled back with it.
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
        cursor.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
        cursor.execute(
            "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE"
            f' ON audit_auditevent, audit_auditchainhead TO "{role}"'
        )
        cursor.execute(f'SET LOCAL ROLE "{role}"')
    try:
        _refused("UPDATE audit_auditevent SET action = 'x.y'")
        _refused("DELETE FROM audit_auditevent")
        _refused("TRUNCATE audit_auditevent")
        for sql in (
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
            "SET session_replication_role = replica",
        ):
            with (
                pytest.raises(DatabaseError, match=r"must be owner|permission denied"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert AuditEvent.objects.count() == 3
    assert protection_problems() == []


def test_audit_protect_recreates_missing_and_disabled_triggers(events):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_event_append_only ON audit_auditevent")
            cursor.execute("ALTER TABLE audit_auditchainhead DISABLE TRIGGER audit_head_no_delete")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_head_no_delete")
    assert len(protection_problems()) == 2
    out = StringIO()

    call_command("audit_protect", stdout=out)

    assert "Audit log protection is in place." in out.getvalue()
    assert protection_problems() == []
    _refused(lambda: AuditEvent.objects.filter(seq=1).update(action="x.y"))
    _refused(lambda: AuditChainHead.objects.all().delete())
