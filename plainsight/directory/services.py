"""Directory writes that other code calls: import jobs and exports.

Views, tasks and management commands go through these functions; each change is
audited in the same transaction. The import itself (checks, then one all-or-nothing
write) lives in ``importing.py``.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.text import get_valid_filename

from plainsight.audit.services import audit_record
from plainsight.directory import exporting, hsds, importing, models
from plainsight.directory.models import ImportFormat, ImportJob, ImportStatus

if TYPE_CHECKING:
    from plainsight.accounts.models import User

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
STORAGE_PREFIX = "directory-imports"


class ImportRejected(ValueError):
    """The upload cannot become an import job (size or format)."""


def import_job_create(
    *,
    actor: User | None,
    content: bytes | IO[bytes],
    file_name: str,
    file_format: str,
    dry_run: bool = False,
    entity: str = "",
    enqueue: bool = True,
) -> ImportJob:
    """Store the upload and create its job; the task runs it (after this commits).

    The task receives the job's id only, never the file or its contents.
    """
    if file_format not in ImportFormat.values:
        raise ImportRejected(file_format)
    data = content if isinstance(content, bytes) else content.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRejected("too large")
    job_id = uuid.uuid4()
    safe_name = get_valid_filename(Path(file_name).name) or "upload"
    with transaction.atomic():
        stored = default_storage.save(f"{STORAGE_PREFIX}/{job_id}/{safe_name}", ContentFile(data))
        job = ImportJob.objects.create(
            id=job_id,
            created_by=actor,
            format=file_format,
            file_name=stored,
            dry_run=dry_run,
            entity=entity,
        )
        audit_record(
            actor=actor,
            action="directory.import_queued",
            target_type="import_job",
            target_id=job.pk,
        )
        if enqueue:
            from plainsight.directory.tasks import directory_import

            transaction.on_commit(lambda: directory_import.enqueue(job_id=str(job_id)))
    return job


def import_job_run(
    *, job_id: uuid.UUID, progress: importing.ProgressCallback | None = None
) -> ImportJob:
    """Run a pending import job once (a second call on a finished job does nothing)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportStatus.PENDING:
            return job
        job.status = ImportStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])

    def record_progress(phase: str, done: int, total: int) -> None:
        # Inside the import's transaction the row would only change at commit (and
        # SQLite would lock): progress is stored between phases only.
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)
        if progress is not None:
            progress(phase, done, total)

    try:
        with default_storage.open(job.file_name, "rb") as handle:
            data = handle.read()
        report = importing.run_import(
            [(data, Path(job.file_name).name)],
            file_format=job.format,
            entity=job.entity or None,
            dry_run=job.dry_run,
            actor=job.created_by,
            audit_target_id=job.pk,
            progress=record_progress,
        )
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, finished_at=timezone.now()
        )
        raise
    if report.ok:
        status = ImportStatus.VALIDATED if job.dry_run else ImportStatus.SUCCEEDED
    else:
        status = ImportStatus.FAILED
    job.status = status
    job.errors = [problem.as_dict() for problem in report.errors]
    job.warnings = [problem.as_dict() for problem in report.warnings]
    job.summary = report.summary()
    job.progress_done = job.progress_total = max(job.progress_total, 1)
    job.finished_at = timezone.now()
    job.save()
    if status == ImportStatus.SUCCEEDED:
        directory_statistics_refresh()
    # The upload is not kept once imported: another host may not share this disk, and
    # the directory itself now holds the data.
    default_storage.delete(job.file_name)
    return job


# The tables whose statistics steer the public API's and pages' query plans.
STATISTICS_TABLES = (
    models.Service,
    models.Organization,
    models.ServiceAtLocation,
    models.Location,
    models.Attribute,
    models.ServiceArea,
    models.TaxonomyTerm,
)


def directory_statistics_refresh() -> None:
    """Refresh the database's planner statistics of the directory (after an import).

    PostgreSQL's autovacuum gets there eventually; SQLite never does by itself, and
    without statistics it takes any indexed condition for a selective one (it would
    sort every public service to show one page). ``analysis_limit`` keeps SQLite's
    pass to a sample: a fraction of a second at 100,000 services.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
        for model in STATISTICS_TABLES:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def directory_export(
    *,
    actor: User | None,
    target: Path,
    file_format: str,
    kind: str = "service",
    progress: Any = None,
) -> int:
    """Export the whole directory (confidential data withheld) and audit it."""
    with transaction.atomic():
        audit_record(
            actor=actor, action="directory.export", target_type="directory", target_id=file_format
        )
    if file_format == ImportFormat.JSON:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as stream:
            return exporting.export_json(stream, kind=kind, progress=progress)
    return len(exporting.export_csv_package(target, progress=progress))


def directory_record_delete(*, actor: User | None, instance: Model) -> int:
    """Delete a directory row, the rows that belong to it, and their attributes and
    metadata (which point at rows by id, without a foreign key). Audited.

    Returns the number of rows deleted. Organizations with services are protected:
    delete or move the services first (Django raises ``ProtectedError``).
    """
    table = next(name for name, model in hsds.TABLE_MODELS.items() if isinstance(instance, model))
    with transaction.atomic():
        collector = Collector(using=instance._state.db or "default")
        collector.collect([instance])
        ids: list[Any] = [obj.pk for objects in collector.data.values() for obj in objects]
        for queryset in collector.fast_deletes:
            ids.extend(queryset.values_list("pk", flat=True))
        for batch in hsds.chunked(ids, 900):
            models.Attribute.objects.filter(link_id__in=batch).delete()
            models.Metadata.objects.filter(resource_id__in=batch).delete()
        audit_record(
            actor=actor,
            action=f"directory.{table}_deleted",
            target_type=table,
            target_id=instance.pk,
        )
        deleted, _per_model = instance.delete()
    return deleted


def zip_directory(path: Path) -> bytes:
    """A folder of CSV files as an in-memory zip (what an import job stores)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for child in sorted(path.iterdir()):
            if child.is_file() and child.suffix.lower() == ".csv":
                archive.write(child, child.name)
    return buffer.getvalue()
