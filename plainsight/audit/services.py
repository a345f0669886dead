"""Writing to the audit log. Call inside the transaction of the change it records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from plainsight.audit.chain import GENESIS, event_hash
from plainsight.audit.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from plainsight.accounts.models import User
    from plainsight.partners.models import Organization


def audit_record(
    *,
    actor: User | None,
    action: str,
    target_type: str = "",
    target_id: object = "",
    organization: Organization | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    ``action`` is a short dotted code ("membership.role_set", "case.viewed"); the target
    is named by type and id only. Never pass names, free text or anything sensitive.
    Runs in the caller's transaction (or its own), so the event and the change it
    records are committed together or not at all.
    """
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS}
        )
        occurred_at = timezone.now()
        actor_id = actor.pk if actor is not None and actor.is_authenticated else None
        organization_id = organization.pk if organization is not None else None
        target = str(target_id)
        digest = event_hash(
            prev_hash=head.last_hash,
            occurred_at=occurred_at,
            actor_id=actor_id,
            organization_id=organization_id,
            action=action,
            target_type=target_type,
            target_id=target,
        )
        event = AuditEvent.objects.create(
            occurred_at=occurred_at,
            actor_id=actor_id,
            organization_id=organization_id,
            action=action,
            target_type=target_type,
            target_id=target,
            prev_hash=head.last_hash,
            hash=digest,
        )
        AuditChainHead.objects.filter(id=1).update(last_hash=digest)
        return event
