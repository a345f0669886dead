"""A task worker: django-tasks-db's ``db_worker`` with PlainSight's defaults.

Run as many as the load needs, on any number of hosts: each claims a task by locking
its row (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL; an exclusive transaction on
SQLite) and marks it running in the same transaction, so no task runs twice. Periodic
jobs reach the workers through ``manage.py run_scheduler``.
"""

from __future__ import annotations

import os
import socket
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string


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
        call_command("db_worker", *argv, verbosity=options["verbosity"])
