"""The hash chain: how one event's hash is computed from its fields and its predecessor."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

GENESIS = "0" * 64


def event_hash(
    *,
    prev_hash: str,
    occurred_at: datetime,
    actor_id: object,
    organization_id: object,
    action: str,
    target_type: str,
    target_id: str,
) -> str:
    payload = json.dumps(
        [
            prev_hash,
            occurred_at.isoformat(timespec="microseconds"),
            None if actor_id is None else str(actor_id),
            None if organization_id is None else str(organization_id),
            action,
            target_type,
            target_id,
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()
