"""Periodic jobs of key custody (registered in plainsight/scheduler/jobs.py)."""

from __future__ import annotations

import logging

from plainsight.keys.services import pending_grants_purge_expired

logger = logging.getLogger("plainsight.keys")


def expired_links_purge() -> dict[str, int]:
    """Delete the wrapped keys of one-time links that expired unused.

    An expired link is refused anyway; deleting its wrap leaves nothing behind that a
    leaked link could ever open. Each deletion is audited; running twice is harmless.
    """
    purged = pending_grants_purge_expired()
    logger.info("Expired one-time key links deleted: %d", purged)
    return {"purged": purged}
