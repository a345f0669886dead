"""run_scheduler and run_worker, in this process (SQLite and PostgreSQL alike).

Both commands call close_old_connections() between ticks, as long-running processes
must; inside a test transaction that would drop the PostgreSQL connection, so these
tests commit (``transaction=True``).
"""

from __future__ import annotations

import signal

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from plainsight.audit.services import audit_record
from plainsight.scheduler.jobs import registered_jobs
from plainsight.scheduler.models import PeriodicRun, RunStatus, SystemAlert

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def keep_signal_handlers():
    """db_worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_one_scheduler_tick_enqueues_every_registered_job():
    call_command("run_scheduler", "--once")

    assert sorted(PeriodicRun.objects.values_list("job", flat=True)) == sorted(
        job.name for job in registered_jobs()
    )
    call_command("run_scheduler", "--once")
    assert PeriodicRun.objects.count() == len(registered_jobs())


def test_worker_runs_the_nightly_audit_check(keep_signal_handlers):
    audit_record(actor=None, action="case.viewed", target_type="case", target_id=1)
    call_command("run_scheduler", "--once")

    call_command("run_worker", "--batch", verbosity=0)

    statuses = dict(PeriodicRun.objects.values_list("job", "status"))
    assert statuses["audit.verify_chain"] == RunStatus.SUCCEEDED
    assert set(statuses.values()) == {RunStatus.SUCCEEDED}
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert not SystemAlert.objects.exists()
