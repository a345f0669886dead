"""The nightly clean-up deletes old finished work and nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from plainsight.scheduler.housekeeping import history_prune
from plainsight.scheduler.models import PeriodicRun, RunStatus
from plainsight.scheduler.tasks import periodic_run_execute
from plainsight.scheduler.tests.factories import PeriodicRunFactory

pytestmark = pytest.mark.django_db


def _result(status: str, finished_days_ago: int | None) -> DBTaskResult:
    result = periodic_run_execute.enqueue(1)
    finished = (
        None if finished_days_ago is None else timezone.now() - timedelta(days=finished_days_ago)
    )
    DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished)
    return DBTaskResult.objects.get(pk=result.id)


def test_old_finished_work_is_deleted_recent_and_unfinished_work_kept(settings):
    settings.PLAINSIGHT_TASK_RESULT_DAYS = 14
    old_ok = _result("SUCCESSFUL", 15)
    old_failed = _result("FAILED", 30)
    recent = _result("SUCCESSFUL", 13)
    waiting = _result("READY", None)
    now = timezone.now()
    old_run = PeriodicRunFactory.create(
        status=RunStatus.SUCCEEDED, finished_at=now - timedelta(days=91)
    )
    recent_run = PeriodicRunFactory.create(
        status=RunStatus.FAILED, finished_at=now - timedelta(days=89)
    )
    stuck_run = PeriodicRunFactory.create(status=RunStatus.RUNNING)

    assert history_prune() == {"task_results": 2, "periodic_runs": 1}

    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, waiting.pk}
    assert old_ok.pk not in remaining and old_failed.pk not in remaining
    assert set(PeriodicRun.objects.values_list("pk", flat=True)) == {recent_run.pk, stuck_run.pk}
    assert not PeriodicRun.objects.filter(pk=old_run.pk).exists()
