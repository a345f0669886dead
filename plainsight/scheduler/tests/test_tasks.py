"""periodic_run_execute: runs a job once, records the outcome, alerts on failure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils.translation import gettext_lazy as _

from plainsight.scheduler import jobs
from plainsight.scheduler.jobs import PeriodicJob
from plainsight.scheduler.models import AlertKind, RunStatus, SystemAlert
from plainsight.scheduler.schedules import Every
from plainsight.scheduler.tasks import periodic_run_execute
from plainsight.scheduler.tests.factories import PeriodicRunFactory

pytestmark = pytest.mark.django_db


def _job(name: str, function: str) -> PeriodicJob:
    return PeriodicJob(
        name=name,
        label=_("A test job"),
        function=f"plainsight.scheduler.tests.worker_tasks.{function}",
        schedule=Every(interval=timedelta(hours=1)),
        late_after=timedelta(hours=3),
    )


@pytest.fixture
def test_jobs(monkeypatch):
    monkeypatch.setattr(
        jobs, "JOBS", (_job("test.ok", "job_that_succeeds"), _job("test.fail", "job_that_fails"))
    )


def test_a_run_is_executed_once(test_jobs):
    run = PeriodicRunFactory.create(job="test.ok")

    assert periodic_run_execute.call(run.pk) == "succeeded"
    assert periodic_run_execute.call(run.pk) == "skipped"

    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert run.finished_at is not None


def test_a_failing_job_fails_the_run_and_alerts_platform_admins(test_jobs):
    run = PeriodicRunFactory.create(job="test.fail")

    with pytest.raises(LookupError):
        periodic_run_execute.call(run.pk)

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    alert = SystemAlert.objects.get()
    assert (alert.kind, alert.subject) == (AlertKind.PERIODIC_JOB_FAILED, "test.fail")
    assert "LookupError" in alert.details
    assert "could not find" not in alert.details  # the message is not copied anywhere


def test_a_job_no_longer_registered_fails_visibly(test_jobs):
    run = PeriodicRunFactory.create(job="test.removed")

    with pytest.raises(KeyError):
        periodic_run_execute.call(run.pk)

    assert SystemAlert.objects.get().subject == "test.removed"


def test_a_deleted_run_is_skipped():
    assert periodic_run_execute.call(123456) == "skipped"
