"""Writing to the audit log. Call inside the transaction of the change it records."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from plainsight.audit.chain import ACKNOWLEDGE_ACTION, GENESIS, event_hash
from plainsight.audit.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from plainsight.accounts.models import User
    from plainsight.partners.models import Organization

# Codes and identifiers only: no spaces, no "@", nothing that can carry a name, an
# address or free text. A value that does not fit is a programming error.
_ACTION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
_TARGET_TYPE = re.compile(r"[A-Za-z0-9_.]{0,64}")
_TARGET_ID = re.compile(r"[A-Za-z0-9_.:-]{0,64}")


class AuditChainError(RuntimeError):
    """The chain cannot be extended safely (its head is gone while events remain)."""


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    target_type: str = "",
    target_id: object = "",
    organization: Organization | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    ``action`` is a short dotted code ("membership.role_set", "case.viewed"); the target
    is named by type and id only. Never pass names, free text or anything sensitive:
    values that look like free text (spaces, "@", …) raise ValueError. Runs in the
    caller's transaction (or its own), so the event and the change it records are
    committed together or not at all.

    Concurrent writers queue on the head row's lock (a no-op on SQLite, where
    PlainSight's IMMEDIATE transactions already serialize writers), and the database
    refuses a second event with the same predecessor, so the chain never forks.
    The lock is held until the caller's transaction commits: call this as the last
    step of the transaction, after any slow work (key derivation, files, e-mail), so
    other audited writes are not kept waiting.
    """
    target = "" if target_id is None else str(target_id)
    if not _ACTION.fullmatch(action):
        raise ValueError("audit action must be a short code such as 'case.viewed'")
    if action.startswith("audit_chain."):
        raise ValueError("'audit_chain.*' actions are written by the audit app itself")
    if not _TARGET_TYPE.fullmatch(target_type):
        raise ValueError("audit target_type must be a short code such as 'case'")
    if not _TARGET_ID.fullmatch(target):
        raise ValueError("audit target_id must be an identifier, never free text")
    return _append(
        actor=actor,
        action=action,
        target_type=target_type,
        target=target,
        organization=organization,
    )


def audit_damage_acknowledge() -> AuditEvent:
    """Record in the chain itself that the damage found so far has been investigated.

    ``chain_verify`` then lists every problem located at or before this event as
    *acknowledged* instead of failing, so that the nightly check alerts again only
    for new damage. Used by ``manage.py audit_acknowledge`` after the steps of
    docs/runbooks/audit.md; the event is hash-chained like any other, so it cannot be
    slipped in earlier or edited without that showing too.
    """
    return _append(
        actor=None,
        action=ACKNOWLEDGE_ACTION,
        target_type="audit_chain",
        target="",
        organization=None,
    )


def _append(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    target_type: str,
    target: str,
    organization: Organization | None,
) -> AuditEvent:
    with transaction.atomic():
        head = _locked_head()
        seq = head.seq + 1
        occurred_at = timezone.now()
        actor_id = actor.pk if actor is not None and actor.is_authenticated else None
        organization_id = organization.pk if organization is not None else None
        digest = event_hash(
            prev_hash=head.last_hash,
            seq=seq,
            occurred_at=occurred_at,
            actor_id=actor_id,
            organization_id=organization_id,
            action=action,
            target_type=target_type,
            target_id=target,
        )
        event = AuditEvent.objects.create(
            seq=seq,
            occurred_at=occurred_at,
            actor_id=actor_id,
            organization_id=organization_id,
            action=action,
            target_type=target_type,
            target_id=target,
            prev_hash=head.last_hash,
            hash=digest,
        )
        AuditChainHead.objects.filter(id=1).update(seq=seq, last_hash=digest)
        return event


def audit_view(
    *,
    actor: User | AnonymousUser | None,
    target_type: str,
    target_id: object,
    organization: Organization | None = None,
) -> AuditEvent:
    """Record that ``actor`` was shown a sensitive record (action ``<type>.viewed``).

    Call it from the view (or API operation) that displays the record, after the
    selector has granted access and before the response is built, so that a refused
    request records nothing and a shown record is never missed.
    """
    if not target_type:
        raise ValueError("audit_view needs the type of the record shown")
    return audit_record(
        actor=actor,
        action=f"{target_type}.viewed",
        target_type=target_type,
        target_id=target_id,
        organization=organization,
    )


def _locked_head() -> AuditChainHead:
    """The head row, locked until the caller's transaction ends.

    Migration 0002 creates the row. It is missing only in an emptied database (the
    test suite's flush); then a new chain starts. If events remain without a head,
    history was tampered with and nothing is written until someone looks.

    Writers that find no head all try to create it: the unique key makes the others
    wait for the first one's transaction and then lock the head it made. Only the
    writer that created the head asks whether events are orphaned; one that asked
    before locking could count the first chain event of a concurrent writer as
    tampering.
    """
    head, created = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"seq": 0, "last_hash": GENESIS}
    )
    if created and AuditEvent.objects.exists():
        # Raising rolls back the caller's transaction, and the head created with it.
        raise AuditChainError(
            "The audit chain head is missing while events exist; run audit_verify."
        )
    return head
