"""The periodic jobs of PlainSight: what runs, when, and when its absence is alarming.

A job is a plain function without arguments (dotted path, imported when it runs),
idempotent, reading what it needs from the database. Add a job by adding a line here;
the scheduler (``manage.py run_scheduler``) enqueues it when due and any task worker
runs it. See docs/decisions/periodic-jobs-scheduler.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from plainsight.scheduler.schedules import Daily, Every, Schedule


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    label: Promise
    function: str
    schedule: Schedule
    # Platform admins are warned when no run has succeeded for this long: a dead
    # scheduler or worker must not look like a quiet night.
    late_after: timedelta


JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        name="audit.verify_chain",
        label=_("The nightly audit log check"),
        function="plainsight.audit.jobs.audit_chain_check",
        schedule=Daily(at=time(3, 15)),
        late_after=timedelta(hours=30),
    ),
    PeriodicJob(
        name="keys.purge_expired_links",
        label=_("The daily clean-up of expired one-time links' keys"),
        function="plainsight.keys.jobs.expired_links_purge",
        schedule=Daily(at=time(4, 0)),
        late_after=timedelta(days=3),
    ),
    PeriodicJob(
        name="directory.purge_expired_exports",
        label=_("The hourly clean-up of expired directory exports"),
        function="plainsight.directory.jobs.expired_exports_purge",
        schedule=Every(interval=timedelta(hours=1)),
        late_after=timedelta(days=2),
    ),
    PeriodicJob(
        name="directory.purge_reviewed_reports",
        label=_("The daily clean-up of reviewed reports about directory listings"),
        function="plainsight.directory.upkeep.jobs.reviewed_reports_purge",
        schedule=Daily(at=time(4, 15)),
        late_after=timedelta(days=3),
    ),
    PeriodicJob(
        name="directory.refresh_search_index",
        label=_("The search index catching up with directory changes"),
        function="plainsight.directory.jobs.search_index_catch_up",
        schedule=Every(interval=timedelta(minutes=15)),
        late_after=timedelta(hours=6),
    ),
    PeriodicJob(
        name="directory.rebuild_search_index",
        label=_("The nightly rebuild of the search index"),
        function="plainsight.directory.jobs.search_index_nightly_rebuild",
        schedule=Daily(at=time(3, 45)),
        late_after=timedelta(hours=30),
    ),
    PeriodicJob(
        name="scheduler.prune_history",
        label=_("The nightly clean-up of finished background work"),
        function="plainsight.scheduler.housekeeping.history_prune",
        schedule=Daily(at=time(4, 30)),
        late_after=timedelta(days=3),
    ),
)


def registered_jobs() -> tuple[PeriodicJob, ...]:
    return JOBS


def job_get(name: str) -> PeriodicJob:
    """The job called ``name``; KeyError if no such job is registered (any more)."""
    for job in registered_jobs():
        if job.name == name:
            return job
    raise KeyError(name)
