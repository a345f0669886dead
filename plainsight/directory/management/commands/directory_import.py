"""Import HSDS data: ``manage.py directory_import FILE [--dry-run] [--background]``.

FILE is a JSON file (HSDS documents: a service, an organization, a list of them, an
API page, or tabular JSON) or a CSV package (a .zip, or a folder of CSV files named as
in HSDS). Every problem is printed with file, row and field; nothing is written unless
there are none. ``--background`` hands the file to the task worker and prints the job
id; ``--status JOB_ID`` shows a job's progress and result.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plainsight.directory import hsds
from plainsight.directory.models import ImportFormat, ImportJob, ImportStatus
from plainsight.directory.services import import_job_create, import_job_run, zip_directory


class Command(BaseCommand):
    help = "Import HSDS 3.1 JSON or a CSV package into the directory (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="JSON file, .zip of CSVs, or a CSV folder")
        parser.add_argument("--format", choices=ImportFormat.values, help="default: by extension")
        parser.add_argument(
            "--entity",
            choices=sorted(hsds.TABLE_MODELS),
            help="record type of a JSON file's documents (default: detected)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and roll back")
        parser.add_argument("--background", action="store_true", help="run as a task")
        parser.add_argument("--status", metavar="JOB_ID", help="show an import job")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["status"]:
            self._status(options["status"])
            return
        if not options["path"]:
            raise CommandError("Give a file or folder to import.")
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        file_format = options["format"] or (
            ImportFormat.JSON if path.suffix.lower() == ".json" else ImportFormat.CSV
        )
        if options["entity"] and file_format != ImportFormat.JSON:
            raise CommandError("--entity applies to JSON files only.")
        data = zip_directory(path) if path.is_dir() else path.read_bytes()
        name = f"{path.name}.zip" if path.is_dir() else path.name
        job = import_job_create(
            actor=None,
            content=data,
            file_name=name,
            file_format=file_format,
            dry_run=options["dry_run"],
            entity=options["entity"] or "",
            enqueue=options["background"],
        )
        if options["background"]:
            self.stdout.write(f"Queued import job {job.pk}.")
            return
        job = import_job_run(job_id=job.pk, progress=self._progress)
        self._print(job)
        if job.status == ImportStatus.FAILED:
            raise CommandError(f"Import failed with {job.summary.get('error_count', 0)} error(s).")

    def _progress(self, phase: str, done: int, total: int) -> None:
        self.stdout.write(f"  {phase}: {done}/{total}")

    def _status(self, job_id: str) -> None:
        try:
            job = ImportJob.objects.get(pk=uuid.UUID(job_id))
        except (ValueError, ImportJob.DoesNotExist):
            raise CommandError("No such import job.") from None
        self._print(job)

    def _print(self, job: ImportJob) -> None:
        self.stdout.write(
            f"Job {job.pk}: {job.get_status_display()} "
            f"({job.progress_done}/{job.progress_total}){' — dry run' if job.dry_run else ''}"
        )
        for problem in job.errors:
            self.stdout.write(
                self.style.ERROR(f"  error   {_where(problem)}: {problem['message']}")
            )
        for problem in job.warnings:
            self.stdout.write(
                self.style.WARNING(f"  warning {_where(problem)}: {problem['message']}")
            )
        summary = job.summary or {}
        for key in ("created", "updated", "unchanged", "removed"):
            counts = summary.get(key) or {}
            if counts:
                listed = ", ".join(f"{table} {count}" for table, count in sorted(counts.items()))
                self.stdout.write(f"  {key}: {listed}")


def _where(problem: dict[str, Any]) -> str:
    where = str(problem.get("file") or "")
    if problem.get("row") is not None:
        where += f":{problem['row']}"
    if problem.get("field"):
        where += f" [{problem['field']}]"
    return where
