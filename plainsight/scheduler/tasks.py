"""The one task type behind every periodic job."""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils.module_loading import import_string

from plainsight.scheduler.jobs import job_get
from plainsight.scheduler.models import AlertKind
from plainsight.scheduler.services import (
    periodic_run_finish,
    periodic_run_start,
    system_alert_raise,
)

logger = logging.getLogger("plainsight.scheduler")


@task()
def periodic_run_execute(run_id: int) -> str:
    """Run the job of PeriodicRun ``run_id`` once.

    Idempotent: a run that is not pending any more (already run, or running on
    another worker) is skipped. A failing job marks the run failed, raises an alert
    for platform admins and re-raises, so the task is recorded as failed too.
    """
    run = periodic_run_start(run_id=run_id)
    if run is None:
        logger.info("Periodic run %s is not pending; skipped", run_id)
        return "skipped"
    try:
        job = job_get(run.job)
        import_string(job.function)()
    except Exception as error:
        periodic_run_finish(run=run, succeeded=False)
        system_alert_raise(
            kind=AlertKind.PERIODIC_JOB_FAILED,
            subject=run.job,
            # The exception's type only: its message could quote data.
            details=(
                f"Run {run.pk} of {run.job} scheduled for {run.scheduled_for.isoformat()}"
                f" failed with {type(error).__name__}. The task worker's log has the"
                " traceback."
            ),
        )
        raise
    periodic_run_finish(run=run, succeeded=True)
    return "succeeded"
