"""audit_record and audit_view: what they write, and what they refuse to write."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from plainsight.audit.chain import GENESIS, chain_verify, event_hash
from plainsight.audit.models import AuditChainHead, AuditEvent
from plainsight.audit.protection import protection_suspended
from plainsight.audit.services import AuditChainError, audit_record, audit_view

pytestmark = pytest.mark.django_db


def test_first_event_starts_the_chain_at_genesis():
    event = audit_record(actor=None, action="system.started")

    assert event.seq == 1
    assert event.prev_hash == GENESIS
    head = AuditChainHead.objects.get()
    assert (head.seq, head.last_hash) == (1, event.hash)


def test_each_event_links_to_the_previous_one_and_moves_the_head(person, organization):
    first = audit_record(
        actor=person,
        action="membership.role_set",
        target_type="membership",
        target_id=7,
        organization=organization,
    )
    second = audit_record(
        actor=None, action="case.viewed", target_type="case", target_id=uuid.UUID(int=5)
    )

    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert AuditChainHead.objects.get().last_hash == second.hash
    stored = AuditEvent.objects.get(pk=first.pk)
    assert stored.actor_id == person.pk
    assert stored.organization_id == organization.pk
    assert stored.target_id == "7"
    assert AuditEvent.objects.get(pk=second.pk).target_id == str(uuid.UUID(int=5))


def test_stored_hash_matches_the_recomputed_hash(person, organization):
    audit_record(
        actor=person,
        action="key.rewrapped",
        target_type="membership",
        target_id=3,
        organization=organization,
    )
    event = AuditEvent.objects.get()  # read back: time and ids as the database returns them

    assert event.hash == event_hash(
        prev_hash=event.prev_hash,
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        organization_id=event.organization_id,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
    )
    assert chain_verify().ok


def test_anonymous_actor_is_recorded_as_nobody():
    event = audit_record(
        actor=AnonymousUser(), action="tip.submitted", target_type="tip", target_id=12
    )

    assert event.actor_id is None


def test_event_is_rolled_back_with_the_change_it_records():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="case.closed", target_type="case", target_id=1)
        raise RuntimeError("the change failed")

    assert not AuditEvent.objects.exists()
    assert audit_record(actor=None, action="case.closed").seq == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("action", "viewed the case of Maria Lopez"),
        ("action", ""),
        ("action", "x" * 65),
        ("target_type", "case file"),
        ("target_id", "maria@example.org"),
        ("target_id", "Maria Lopez"),
        ("target_id", "line1\nline2"),
        ("target_id", "9" * 65),
        ("action", "audit_chain.damage_acknowledged"),  # reserved for the audit app
    ],
)
def test_free_text_is_refused(field, value):
    arguments: dict[str, Any] = {
        "actor": None,
        "action": "case.viewed",
        "target_type": "case",
        "target_id": 1,
    }
    arguments[field] = value

    with pytest.raises(ValueError):
        audit_record(**arguments)
    assert not AuditEvent.objects.exists()


def test_audit_view_records_a_view_of_the_record(person, organization):
    event = audit_view(actor=person, target_type="case", target_id=42, organization=organization)

    assert (event.action, event.target_type, event.target_id) == ("case.viewed", "case", "42")
    assert event.actor_id == person.pk
    assert event.organization_id == organization.pk


def test_audit_view_needs_a_record_type(person):
    with pytest.raises(ValueError):
        audit_view(actor=person, target_type="", target_id=1)


def test_a_missing_head_starts_a_new_chain_only_when_there_are_no_events():
    with protection_suspended(reason="test: simulate an emptied database"):
        AuditChainHead.objects.all().delete()

    event = audit_record(actor=None, action="system.started")

    assert (event.seq, event.prev_hash) == (1, GENESIS)


def test_a_missing_head_with_events_left_refuses_to_write():
    audit_record(actor=None, action="system.started")
    # Bypassing the triggers on purpose: this is the tampering under test.
    with protection_suspended(reason="test: delete the head"):
        AuditChainHead.objects.all().delete()

    with pytest.raises(AuditChainError):
        audit_record(actor=None, action="case.viewed")
    assert AuditEvent.objects.count() == 1
