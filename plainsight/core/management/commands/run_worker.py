"""A task worker: django-tasks-db's ``db_worker`` with PlainSight's defaults.

Run as many as the load needs, on any number of hosts: each claims a task by locking
its row (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL; an exclusive transaction on
SQLite) and marks it running in the same transaction, so no task runs twice. Periodic
jobs reach the workers through ``manage.py run_scheduler``.

On SQLite that exclusive transaction waits for any other writer, at most the busy
timeout (5 s); django-tasks-db catches "database is locked" around its query but not
around the BEGIN itself. A longer writer — ``manage.py directory_import`` or
``search_index`` run beside ``make run`` — therefore ended the worker, and
``serve_embedded`` then stopped the web server with it. The worker now waits and goes
on instead.

A task that ended while such a writer held the database for longer than
django-tasks-db's retries (three waits of the busy timeout) could not record its end:
its result stayed "running" for ever. Before going on, the worker records such a
result as failed, saying why; what the task itself did (an import job's own row, say)
is as the task left it.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import OperationalError, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception

logger = logging.getLogger("plainsight.tasks")


class Command(BaseCommand):
    help = "Run a database-backed task worker (all queues) until stopped."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when the queue is empty (default: 1).",
        )
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued now, then exit."
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="Exit after this many tasks."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Readable in task results and logs ("which worker ran this?"), unique per process.
        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"
        argv = [
            "--queue-name=*",
            f"--interval={options['interval']}",
            f"--worker-id={worker_id}",
            # Code reloading would restart a task midway; restart the worker instead.
            "--no-reload",
        ]
        if options["batch"]:
            argv.append("--batch")
        if options["max_tasks"]:
            argv.append(f"--max-tasks={options['max_tasks']}")
        while True:
            try:
                _record_unfinished(worker_id)  # after a lock ended a run; none at first
                call_command("db_worker", *argv, verbosity=options["verbosity"])
                return
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                logger.warning(
                    "The database is held by another writer; the task worker waits and goes on."
                )
                connections.close_all()
                time.sleep(options["interval"])


UNRECORDED_END = (
    "The worker could not record how this task ended: another writer held the database"
    " longer than the worker waited. Look at what the task works on (an import or export"
    " job, say) for its outcome."
)


def _record_unfinished(worker_id: str) -> None:
    """Mark as failed the results this worker left running (it runs one task at a time,
    and its run has ended). A database still locked raises, and the caller waits again."""
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    for result in running.only("id", "worker_ids"):
        if result.worker_ids and result.worker_ids[-1] == worker_id:
            DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path="django.db.utils.OperationalError",
                traceback=UNRECORDED_END,
            )
            logger.warning("Task result %s recorded as failed: %s", result.pk, UNRECORDED_END)
