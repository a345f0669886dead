"""Periodic jobs of the directory (registered in plainsight/scheduler/jobs.py)."""

from __future__ import annotations

import logging

from plainsight.directory.search.services import search_index_rebuild, search_index_refresh
from plainsight.directory.services import export_jobs_purge_expired

logger = logging.getLogger("plainsight.directory")


def expired_exports_purge() -> dict[str, int]:
    """Delete the files of directory exports that were kept long enough (services.EXPORT_KEEP)."""
    purged = export_jobs_purge_expired()
    logger.info("Expired directory exports deleted: %d", purged)
    return {"purged": purged}


def search_index_catch_up() -> dict[str, int]:
    """Reindex listings changed by anything that did not reindex them itself (a script,
    the admin); edits through the staff app and imports already have."""
    reindexed = search_index_refresh()
    logger.info("Search index refreshed: %d services reindexed", reindexed)
    return {"reindexed": reindexed}


def search_index_nightly_rebuild() -> dict[str, int]:
    """Everything from scratch: also what a refresh cannot see (a child row deleted
    outside the staff app), the exact spelling vocabulary and a compact index."""
    documents = search_index_rebuild()
    logger.info("Search index rebuilt: %d documents", documents)
    return {"documents": documents}
