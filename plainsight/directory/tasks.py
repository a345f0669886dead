"""Background work of the directory (django.tasks)."""

from __future__ import annotations

import uuid

from django.tasks import task  # type: ignore[import-not-found,unused-ignore]


@task
def directory_import(job_id: str) -> None:
    """Run one import job. Takes the job's id only; running it twice is harmless."""
    from plainsight.directory.services import import_job_run

    import_job_run(job_id=uuid.UUID(job_id))


@task
def directory_export(job_id: str) -> None:
    """Build one export's file. Takes the job's id only; running it twice is harmless."""
    from plainsight.directory.services import export_job_run

    export_job_run(job_id=uuid.UUID(job_id))
