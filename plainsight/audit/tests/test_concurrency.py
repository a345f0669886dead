"""Concurrent writers extend one chain; they never fork it (PostgreSQL, real connections)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from plainsight.audit.chain import chain_verify, event_hash
from plainsight.audit.models import AuditChainHead, AuditEvent
from plainsight.audit.protection import protection_suspended
from plainsight.audit.services import audit_record
from plainsight.testing.processes import postgres_only

WRITERS = 6
EVENTS_EACH = 20
STARTS = 25


def _run_together(write: Callable[[int], object]) -> list[BaseException]:
    """Run ``write(number)`` in WRITERS threads, each on its own connection, released
    at once; return what they raised."""
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            write(number)
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _empty_chain() -> None:
    """Start from no chain at all, as after a flush (whose rows the triggers protect)."""
    with protection_suspended(reason="test: start the chain again"):
        AuditEvent.objects.all().delete()
        AuditChainHead.objects.all().delete()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    _empty_chain()

    def writer(number: int) -> None:
        for n in range(EVENTS_EACH):
            # Half the events inside a longer transaction, as services do.
            with transaction.atomic():
                audit_record(
                    actor=None,
                    action="case.viewed",
                    target_type="case",
                    target_id=f"{number}-{n}",
                )

    errors = _run_together(writer)
    assert not errors, errors
    total = WRITERS * EVENTS_EACH
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert AuditEvent.objects.values("target_id").distinct().count() == total
    report = chain_verify()
    assert report.ok, report.summary()
    assert report.events_checked == total


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_writers_that_all_find_no_head_start_one_chain_together():
    """After a flush the head is gone; the first writers race to start the chain.

    A writer that looked for orphaned events before it held the head could see the
    first event of a writer that had just started the chain, and refuse to write as if
    history had been tampered with (a CI run did). Many starts make that window likely.
    """
    for start in range(STARTS):
        _empty_chain()
        errors = _run_together(
            lambda number: audit_record(actor=None, action="case.viewed", target_id=number)
        )

        assert not errors, (start, errors)
        assert AuditEvent.objects.count() == WRITERS
        report = chain_verify()
        assert report.ok, report.summary()


@pytest.mark.django_db
def test_database_refuses_a_second_event_after_the_same_predecessor():
    """Belt and braces under the head lock: a fork cannot even be written."""
    first = audit_record(actor=None, action="case.viewed", target_type="case", target_id=1)
    fork: dict[str, Any] = {
        "seq": 2,
        "occurred_at": first.occurred_at,
        "actor_id": None,
        "organization_id": None,
        "action": "case.closed",
        "target_type": "case",
        "target_id": "1",
        "prev_hash": first.prev_hash,  # the genesis, already taken by event #1
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(**fork, hash=event_hash(**fork))
