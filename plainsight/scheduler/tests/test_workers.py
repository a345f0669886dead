"""Real worker and scheduler processes on PostgreSQL: no task ever runs twice.

Each test starts ``manage.py`` subprocesses against the PostgreSQL test database
(SQLite's in-memory test database cannot be shared between processes), so the tests
commit (``transaction=True``) and are skipped on SQLite. Every wait is bounded.
"""

from __future__ import annotations

import queue
import subprocess
import threading
import time
from collections import Counter

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from plainsight.audit.services import audit_record
from plainsight.scheduler.jobs import registered_jobs
from plainsight.scheduler.models import PeriodicRun, RunStatus
from plainsight.scheduler.tests.worker_tasks import EXECUTIONS_TABLE, record_execution
from plainsight.testing.processes import manage_py, postgres_only, run_manage_py

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

TASKS = 60
DEADLINE_SECONDS = 60


class Worker:
    """A ``manage.py db_worker`` process whose output is read in the background."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.process = manage_py(
            "db_worker",
            "--no-startup-delay",
            "--no-reload",
            "--interval=0.05",
            f"--worker-id={name}",
            "--verbosity=1",
            stderr=subprocess.STDOUT,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_started(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.output.append(line)
            if "Starting worker" in line:
                return
        raise AssertionError(f"worker {self.name} did not start:\n{''.join(self.output)}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # db_worker finishes its task, then exits
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def executions_table():
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {EXECUTIONS_TABLE} (task_id text NOT NULL, number integer NOT NULL,"
            " pid integer NOT NULL)"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {EXECUTIONS_TABLE}")


def test_two_workers_never_run_the_same_task_twice(executions_table):
    deadline = time.monotonic() + DEADLINE_SECONDS
    workers = [Worker("worker-a"), Worker("worker-b")]
    try:
        for worker in workers:
            worker.wait_started(deadline)
        # All tasks become visible at once, while both workers are polling.
        with transaction.atomic():
            ids = {str(record_execution.enqueue(number).id) for number in range(TASKS)}
        finished = 0
        while time.monotonic() < deadline:
            finished = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"]).count()
            if finished == TASKS:
                break
            time.sleep(0.2)
        assert finished == TASKS, f"only {finished} of {TASKS} tasks finished in time"
    finally:
        for worker in workers:
            worker.stop()

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT task_id, pid FROM {EXECUTIONS_TABLE}")  # noqa: S608
        rows = cursor.fetchall()
    runs_per_task = Counter(task_id for task_id, _pid in rows)
    assert set(runs_per_task) == ids
    assert set(runs_per_task.values()) == {1}, "a task ran more than once"
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    claimed_by = Counter(
        tuple(worker_ids)
        for worker_ids in DBTaskResult.objects.values_list("worker_ids", flat=True)
    )
    assert set(claimed_by) == {("worker-a",), ("worker-b",)}, (
        f"both workers should have shared the work: {claimed_by}"
    )
    assert len({pid for _task_id, pid in rows}) == 2


def test_two_scheduler_processes_enqueue_each_periodic_run_once():
    schedulers = [manage_py("run_scheduler", "--once") for _ in range(2)]
    for scheduler in schedulers:
        _stdout, stderr = scheduler.communicate(timeout=DEADLINE_SECONDS)
        assert scheduler.returncode == 0, stderr

    jobs = sorted(job.name for job in registered_jobs())
    assert sorted(PeriodicRun.objects.values_list("job", flat=True)) == jobs
    assert DBTaskResult.objects.count() == len(jobs)


def test_scheduler_and_worker_processes_run_the_nightly_audit_check():
    audit_record(actor=None, action="case.viewed", target_type="case", target_id=1)

    scheduled = run_manage_py("run_scheduler", "--once", timeout=DEADLINE_SECONDS)
    assert scheduled.returncode == 0, scheduled.stderr
    worked = run_manage_py("run_worker", "--batch", timeout=DEADLINE_SECONDS)
    assert worked.returncode == 0, worked.stderr

    run = PeriodicRun.objects.get(job="audit.verify_chain")
    assert run.status == RunStatus.SUCCEEDED
    assert DBTaskResult.objects.get(pk=run.task_result_id).status == "SUCCESSFUL"
    assert "Audit chain verified: 1 event(s)" in worked.stdout + worked.stderr
