"""Delete reports from the public reviewed more than 90 days ago (the scheduler does it
daily: job ``directory.purge_reviewed_reports``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from plainsight.directory.upkeep.services import REPORT_RETENTION_DAYS, problem_reports_purge


class Command(BaseCommand):
    help = "Delete reviewed problem reports older than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=REPORT_RETENTION_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = problem_reports_purge(older_than_days=options["days"])
        self.stdout.write(f"Deleted {deleted} reviewed reports.")
