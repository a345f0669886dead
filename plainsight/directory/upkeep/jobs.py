"""Periodic jobs of directory upkeep (registered in plainsight/scheduler/jobs.py)."""

from __future__ import annotations

import logging

from plainsight.directory.upkeep.services import problem_reports_purge

logger = logging.getLogger("plainsight.directory")


def reviewed_reports_purge() -> dict[str, int]:
    """Delete reports from the public reviewed more than REPORT_RETENTION_DAYS ago.

    What the public wrote is kept no longer than its review needs. Each deletion is
    audited; running twice is harmless.
    """
    purged = problem_reports_purge()
    logger.info("Reviewed directory problem reports deleted: %d", purged)
    return {"purged": purged}
