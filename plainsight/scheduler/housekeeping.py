"""Nightly clean-up of finished background work."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from plainsight.scheduler.models import PeriodicRun, RunStatus

logger = logging.getLogger("plainsight.scheduler")


def history_prune() -> dict[str, int]:
    """Delete finished task results and periodic runs older than their retention.

    Task results keep tracebacks, which may say more than anyone needs to keep; the
    retention is settings.PLAINSIGHT_TASK_RESULT_DAYS (PeriodicRun rows: 90 days,
    enough for the late-job warning and for looking back).
    """
    now = timezone.now()
    result_cutoff = now - timedelta(days=settings.PLAINSIGHT_TASK_RESULT_DAYS)
    results, _detail = (
        DBTaskResult.objects.finished().filter(finished_at__lt=result_cutoff).delete()
    )
    runs, _detail = PeriodicRun.objects.filter(
        status__in=[RunStatus.SUCCEEDED, RunStatus.FAILED],
        finished_at__lt=now - timedelta(days=90),
    ).delete()
    logger.info("Pruned %d task results and %d periodic runs", results, runs)
    return {"task_results": results, "periodic_runs": runs}
