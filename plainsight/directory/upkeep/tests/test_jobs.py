"""The daily purge of reviewed reports from the public, as the scheduler runs it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from plainsight.directory.upkeep import services
from plainsight.directory.upkeep.jobs import reviewed_reports_purge
from plainsight.directory.upkeep.models import ProblemReport
from plainsight.scheduler.jobs import job_get
from plainsight.scheduler.schedules import Daily

pytestmark = pytest.mark.django_db


def test_reviewed_reports_are_deleted_daily_by_the_scheduler(world):
    job = job_get("directory.purge_reviewed_reports")
    assert job.function == "plainsight.directory.upkeep.jobs.reviewed_reports_purge"
    assert isinstance(job.schedule, Daily)

    old = services.problem_report_submit(service=world.shelter, kind="other", details="")
    services.problem_report_decide(actor=world.coordinator, report=old, accept=True)
    ProblemReport.objects.filter(pk=old.pk).update(
        moderated_at=timezone.now() - dt.timedelta(days=services.REPORT_RETENTION_DAYS + 1)
    )
    assert reviewed_reports_purge() == {"purged": 1}
    assert reviewed_reports_purge() == {"purged": 0}  # running twice is harmless
    assert not ProblemReport.objects.exists()
