"""The scheduler: enqueue periodic jobs when due. Several may run at once, safely.

Each tick computes every job's latest slot and tries to claim it in the database
(unique job + slot); only the process that claims a slot enqueues its task. Running one
scheduler per host, or none on some, is therefore a matter of availability, never of
correctness. The tasks themselves run in the task workers (``manage.py run_worker``).
"""

from __future__ import annotations

import logging
import signal
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from plainsight.scheduler.services import periodic_runs_enqueue_due

logger = logging.getLogger("plainsight.scheduler")


class Command(BaseCommand):
    help = "Enqueue periodic jobs when they are due (run one or more, next to the workers)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Seconds between ticks (default: 30).",
        )
        parser.add_argument("--once", action="store_true", help="Run one tick, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        interval = max(1.0, options["interval"])
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        if not options["once"]:
            signal.signal(signal.SIGINT, stop)
            signal.signal(signal.SIGTERM, stop)
            logger.info("Scheduler started (tick every %.0f s)", interval)
        while not stopping:
            close_old_connections()
            try:
                runs = periodic_runs_enqueue_due()
            except DatabaseError:
                # A busy or restarting database: try again next tick rather than die.
                logger.exception("Scheduler tick failed; retrying in %.0f s", interval)
                runs = []
            if options["verbosity"] > 1:
                for run in runs:
                    self.stdout.write(f"enqueued {run.job} for {run.scheduled_for.isoformat()}")
            if options["once"]:
                break
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)
        close_old_connections()
