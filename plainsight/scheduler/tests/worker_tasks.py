"""Tasks and jobs used by the scheduler tests (imported by real worker processes too).

Not a test module: pytest collects only test_*.py. The worker subprocesses import
``record_execution`` by its dotted path from the task rows.
"""

from __future__ import annotations

import os
import time

from django.db import connection
from django.tasks import TaskContext, task

EXECUTIONS_TABLE = "plainsight_test_task_executions"


@task(takes_context=True)
def record_execution(context: TaskContext, number: int) -> int:
    """Write one row per execution (no unique key, so a second execution would show)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {EXECUTIONS_TABLE} (task_id, number, pid) VALUES (%s, %s, %s)",  # noqa: S608
            [str(context.task_result.id), number, os.getpid()],
        )
    time.sleep(0.02)  # long enough for the other worker to poll meanwhile
    return number


def job_that_succeeds() -> None:
    """A periodic job that does nothing, successfully."""


def job_that_fails() -> None:
    raise LookupError("the job could not find what it needed")
