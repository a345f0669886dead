"""Periodic jobs of the directory (registered in plainsight/scheduler/jobs.py)."""

from __future__ import annotations

import logging

from plainsight.directory.services import export_jobs_purge_expired

logger = logging.getLogger("plainsight.directory")


def expired_exports_purge() -> dict[str, int]:
    """Delete the files of directory exports that were kept long enough (services.EXPORT_KEEP)."""
    purged = export_jobs_purge_expired()
    logger.info("Expired directory exports deleted: %d", purged)
    return {"purged": purged}
