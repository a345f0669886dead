"""chain_verify finds every kind of tampering: edited, deleted, inserted, reordered rows.

The database refuses to change audit rows (see test_protection.py), so each test here
first lifts that protection explicitly with ``protection_suspended``: it stands for an
attacker or administrator who can bypass the triggers (a table owner, a superuser, or
whoever holds the SQLite file). What we prove is that even then the change is found.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from plainsight.audit import chain
from plainsight.audit.chain import GENESIS, chain_verify, event_hash, parse_anchor
from plainsight.audit.models import AuditChainHead, AuditEvent
from plainsight.audit.protection import protection_suspended
from plainsight.audit.services import audit_damage_acknowledge, audit_record

pytestmark = pytest.mark.django_db


def _write(count: int) -> list[AuditEvent]:
    return [
        audit_record(actor=None, action="case.viewed", target_type="case", target_id=n)
        for n in range(1, count + 1)
    ]


def _tamper(reason: str):
    return protection_suspended(reason=f"test: {reason}")


def _kinds(report) -> list[tuple[str, int | None]]:
    return [(p.kind, p.seq) for p in report.problems]


def _forged(*, seq: int, prev_hash: str, occurred_at, action: str = "case.viewed") -> dict:
    """A row an attacker computed correctly for its own position."""
    fields = {
        "seq": seq,
        "occurred_at": occurred_at,
        "actor_id": None,
        "organization_id": None,
        "action": action,
        "target_type": "case",
        "target_id": "999",
        "prev_hash": prev_hash,
    }
    return {**fields, "hash": event_hash(**fields)}


def test_empty_log_is_valid():
    report = chain_verify()

    assert report.ok, report.summary()
    assert report.events_checked == 0
    assert report.anchor == f"0:{GENESIS}"


def test_untouched_chain_is_valid_and_anchor_names_the_newest_event():
    events = _write(5)

    report = chain_verify()

    assert report.ok, report.summary()
    assert report.events_checked == 5
    assert report.anchor == f"5:{events[-1].hash}"


def test_chain_is_walked_across_chunks(monkeypatch):
    monkeypatch.setattr(chain, "_CHUNK", 2)
    _write(5)
    with _tamper("edit a row in the third chunk"):
        AuditEvent.objects.filter(seq=5).update(target_id="6")

    report = chain_verify()

    assert report.events_checked == 5
    assert _kinds(report) == [("altered", 5)]


@pytest.mark.parametrize(
    "change",
    [
        {"action": "case.closed"},
        {"target_id": "4"},
        {"target_type": "tip"},
        {"actor_id": 12345},
    ],
)
def test_edited_row_is_found(change):
    _write(4)
    with _tamper("edit a row"):
        AuditEvent.objects.filter(seq=2).update(**change)

    report = chain_verify()

    assert not report.ok
    assert _kinds(report) == [("altered", 2)]
    assert "Event #2 was changed" in report.summary()


def test_edited_time_is_found():
    _write(3)
    event = AuditEvent.objects.get(seq=3)
    with _tamper("back-date a row"):
        AuditEvent.objects.filter(seq=3).update(occurred_at=event.occurred_at - timedelta(days=1))

    assert _kinds(chain_verify()) == [("altered", 3)]


def test_row_rewritten_with_its_own_hash_recomputed_breaks_the_next_link():
    _write(4)
    old = AuditEvent.objects.get(seq=2)
    forged = _forged(
        seq=2, prev_hash=old.prev_hash, occurred_at=old.occurred_at, action="case.closed"
    )
    with _tamper("replace a row consistently"):
        AuditEvent.objects.filter(seq=2).update(**forged)

    assert _kinds(chain_verify()) == [("link", 3)]


def test_deleted_middle_row_is_found():
    _write(5)
    with _tamper("delete a middle row"):
        AuditEvent.objects.filter(seq=3).delete()

    report = chain_verify()

    assert _kinds(report) == [("missing", 3)]
    assert "Event(s) #3 are missing" in report.summary()
    assert "#3-#3" not in report.summary()


def test_several_deleted_rows_are_named_as_a_range():
    _write(6)
    with _tamper("delete rows 2-4"):
        AuditEvent.objects.filter(seq__in=[2, 3, 4]).delete()

    report = chain_verify()

    assert _kinds(report) == [("missing", 2)]
    assert "#2-#4" in report.summary()


def test_deleted_first_row_is_found():
    _write(3)
    with _tamper("delete the first row"):
        AuditEvent.objects.filter(seq=1).delete()

    assert _kinds(chain_verify()) == [("missing", 1)]


def test_deleted_last_row_is_found_by_comparing_with_the_head():
    _write(4)
    with _tamper("delete the newest row"):
        AuditEvent.objects.filter(seq=4).delete()

    report = chain_verify()

    assert _kinds(report) == [("truncated", 4)]
    assert report.head_seq == 4


def test_every_row_deleted_is_found():
    _write(3)
    with _tamper("delete every row"):
        AuditEvent.objects.all().delete()

    assert _kinds(chain_verify()) == [("truncated", 1)]


def test_row_appended_without_the_service_is_found():
    events = _write(3)
    forged = _forged(seq=4, prev_hash=events[-1].hash, occurred_at=events[-1].occurred_at)
    AuditEvent.objects.create(**forged)  # an INSERT needs no bypass: the head stays behind

    assert _kinds(chain_verify()) == [("beyond_head", 4)]


def test_row_inserted_in_the_middle_is_found():
    events = _write(4)
    forged = _forged(seq=3, prev_hash=events[1].hash, occurred_at=events[1].occurred_at)
    with _tamper("shift rows 3-4 up and insert a row at 3"):
        for seq in (4, 3):
            AuditEvent.objects.filter(seq=seq).update(seq=seq + 1)
        AuditChainHead.objects.update(seq=5)
        AuditEvent.objects.filter(seq=4).update(prev_hash="moved")  # free the link
        AuditEvent.objects.create(**forged)

    report = chain_verify()

    # Old row 3 (now #4) no longer follows the forged row, was stored before it, and
    # its number is covered by its hash; so is old row 4's (now #5).
    assert _kinds(report) == [("link", 4), ("order", 4), ("altered", 4), ("altered", 5)]


def test_reordered_rows_are_found():
    _write(4)
    with _tamper("swap rows 2 and 3"):
        AuditEvent.objects.filter(seq=2).update(seq=100)
        AuditEvent.objects.filter(seq=3).update(seq=2)
        AuditEvent.objects.filter(seq=100).update(seq=3)

    kinds = _kinds(chain_verify())

    assert ("link", 2) in kinds
    assert ("order", 3) in kinds


def test_head_replaced_is_found():
    _write(2)
    with _tamper("point the head elsewhere"):
        AuditChainHead.objects.update(last_hash="f" * 64)

    assert _kinds(chain_verify()) == [("head_mismatch", 2)]


def test_head_deleted_is_found():
    _write(2)
    with _tamper("delete the head"):
        AuditChainHead.objects.all().delete()

    assert _kinds(chain_verify()) == [("head_missing", None)]


def test_consistent_rewrite_of_history_is_found_only_with_an_anchor():
    events = _write(3)
    anchor = (2, events[1].hash)
    # The attacker rewrites everything from #2 on, recomputing every hash and the head.
    with _tamper("rewrite history consistently"):
        AuditEvent.objects.filter(seq__gte=2).delete()
        prev = events[0].hash
        for seq in (2, 3):
            forged = _forged(
                seq=seq,
                prev_hash=prev,
                occurred_at=events[seq - 1].occurred_at,
                action="case.closed",
            )
            AuditEvent.objects.create(**forged)
            prev = forged["hash"]
        AuditChainHead.objects.update(seq=3, last_hash=prev)

    assert chain_verify().ok
    report = chain_verify(anchors=[anchor])
    assert _kinds(report) == [("anchor", 2)]


def test_anchor_beyond_the_chain_is_reported():
    _write(2)

    report = chain_verify(anchors=[(9, "a" * 64)])

    assert _kinds(report) == [("anchor", 9)]


def test_anchor_parsing():
    assert parse_anchor(f" 12:{'AB' * 32} ") == (12, "ab" * 32)
    for bad in ("12", "x:" + "a" * 64, "12:" + "a" * 63, "12:" + "g" * 64):
        with pytest.raises(ValueError):
            parse_anchor(bad)


def test_missing_protection_is_a_failure():
    _write(1)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_truncate")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_delete")

    report = chain_verify()

    assert [p.kind for p in report.problems] == ["protection"]
    assert "audit_event_no_" in report.problems[0].message


def test_summary_is_bounded():
    _write(30)
    with _tamper("edit many rows"):
        AuditEvent.objects.update(target_id="0")

    report = chain_verify()

    assert report.problem_count == 30
    summary = report.summary(limit=10)
    assert summary.count("\n- ") == 11  # ten problems and the "… and 20 more" line
    assert "20 more" in summary


def test_acknowledged_damage_no_longer_fails_but_stays_listed():
    _write(4)
    with _tamper("edit and delete, then investigate"):
        AuditEvent.objects.filter(seq=2).update(target_id="7")
        AuditEvent.objects.filter(seq=4).delete()
    ack = audit_damage_acknowledge()

    report = chain_verify()

    assert report.ok, report.summary()
    assert ack.seq == 5
    assert [(p.kind, p.seq) for p in report.acknowledged] == [("altered", 2), ("missing", 4)]
    assert report.acknowledged_at == [5]
    assert "2 known problem(s) acknowledged (at event(s) #5)" in report.summary()


def test_damage_after_an_acknowledgement_fails_again():
    _write(3)
    with _tamper("first incident"):
        AuditEvent.objects.filter(seq=2).update(target_id="7")
    audit_damage_acknowledge()
    _write(2)  # events #5 and #6
    with _tamper("second incident"):
        AuditEvent.objects.filter(seq=6).update(target_id="8")

    report = chain_verify()

    assert _kinds(report) == [("altered", 6)]
    assert [(p.kind, p.seq) for p in report.acknowledged] == [("altered", 2)]


def test_an_edited_acknowledgement_acknowledges_nothing():
    _write(2)
    with _tamper("edit"):
        AuditEvent.objects.filter(seq=1).update(target_id="7")
    ack = audit_damage_acknowledge()
    with _tamper("forge the acknowledgement's position"):
        AuditEvent.objects.filter(seq=ack.seq).update(target_type="case")

    assert _kinds(chain_verify()) == [("altered", 1), ("altered", 3)]


def test_an_acknowledgement_does_not_cover_missing_protection():
    _write(1)
    audit_damage_acknowledge()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_truncate")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_delete")

    assert [p.kind for p in chain_verify().problems] == ["protection"]
