"""Migration 0002 re-chains events written before events were numbered."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from plainsight.audit.chain import chain_verify
from plainsight.audit.models import AuditChainHead, AuditEvent
from plainsight.audit.protection import protection_problems


def _old_hash(prev, occurred_at, action, target_id):
    # The format of migration 0001's time: no number, no domain.
    payload = json.dumps(
        [
            prev,
            occurred_at.isoformat(timespec="microseconds"),
            None,
            None,
            action,
            "case",
            target_id,
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_events_from_before_numbering_are_rechained_and_protected():
    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0001_initial")])
    try:
        old_apps = executor.loader.project_state([("audit", "0001_initial")]).apps
        OldEvent = old_apps.get_model("audit", "AuditEvent")
        OldHead = old_apps.get_model("audit", "AuditChainHead")
        prev = "0" * 64
        start = timezone.now() - timedelta(days=2)
        for n in range(3):
            at = start + timedelta(minutes=n)
            digest = _old_hash(prev, at, "case.viewed", str(n))
            OldEvent.objects.create(
                occurred_at=at,
                action="case.viewed",
                target_type="case",
                target_id=str(n),
                prev_hash=prev,
                hash=digest,
            )
            prev = digest
        OldHead.objects.update_or_create(id=1, defaults={"last_hash": prev})
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(AuditEvent.objects.values_list("seq", "target_id")) == [
        (1, "0"),
        (2, "1"),
        (3, "2"),
    ]
    assert AuditChainHead.objects.get().seq == 3
    report = chain_verify()
    assert report.ok, report.summary()
    assert protection_problems() == []
