"""Directory writes that other code calls: import and export jobs, exports.

Views, tasks and management commands go through these functions; each change is
audited in the same transaction. The import itself (checks, then one all-or-nothing
write) lives in ``importing.py``, the export's files in ``exporting.py``.

Import and export jobs run the same way: a row (``DirectoryJob``) created with an audit
event, one task enqueued with the row's id once it commits, a run that claims the row
(pending → running, so a second run does nothing), progress stored on the row for the
page that follows it, and the outcome stored there too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.apps import apps as django_apps
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.text import get_valid_filename

from plainsight.audit.services import audit_record
from plainsight.directory import exporting, hsds, importing, models
from plainsight.directory.models import (
    DirectoryJob,
    ExportJob,
    ExportStatus,
    ImportFormat,
    ImportJob,
    ImportStatus,
)

if TYPE_CHECKING:
    from plainsight.accounts.models import User

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
STORAGE_PREFIX = "directory-imports"
EXPORT_STORAGE_PREFIX = "directory-exports"
# How long a finished export waits for its download before it is deleted. A copy of
# the whole directory should not linger on the server, even without confidential data.
EXPORT_KEEP = dt.timedelta(hours=24)


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


def _job_claim[Job: DirectoryJob](model: type[Job], job_id: uuid.UUID) -> tuple[Job, bool]:
    """The job, and whether this call moved it from pending to running (under a row
    lock, so that two runs of the same task never both do the work)."""
    with transaction.atomic():
        job = model._default_manager.select_for_update().get(pk=job_id)
        if job.status != "pending":
            return job, False
        job.status = "running"
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job, True


def _job_progress(model: type[DirectoryJob], job_id: uuid.UUID) -> Callable[[int, int], None]:
    """A callback that stores a job's progress on its row, for the page following it."""

    def record(done: int, total: int) -> None:
        # Inside a transaction the row would only change at commit (and SQLite would
        # lock): progress is stored between transactions only.
        if not connection.in_atomic_block:
            model._default_manager.filter(pk=job_id).update(
                progress_done=done, progress_total=total
            )

    return record


def _job_file_delete(name: str) -> None:
    """Delete a job's stored file and the job's own folder with it.

    Each job keeps its file in a folder named after the job (two uploads of the same
    name never meet); on a disk the empty folder would stay behind, one per job. Object
    storages have no folders (no ``path``), and a folder that is not empty stays.
    """
    default_storage.delete(name)
    try:
        folder = Path(default_storage.path(name)).parent
    except NotImplementedError:
        return
    with contextlib.suppress(OSError):
        folder.rmdir()


def _job_failed(model: type[DirectoryJob], job_id: uuid.UUID) -> None:
    model._default_manager.filter(pk=job_id).update(status="failed", finished_at=timezone.now())


def import_job_run(
    *, job_id: uuid.UUID, progress: importing.ProgressCallback | None = None
) -> ImportJob:
    """Run a pending import job once (a second call on a finished job does nothing)."""
    job, claimed = _job_claim(ImportJob, job_id)
    if not claimed:
        return job
    store_progress = _job_progress(ImportJob, job.pk)

    def record_progress(phase: str, done: int, total: int) -> None:
        # Only the reading is counted on the job's row. Checking and writing run in the
        # import's one transaction, where the row cannot change for the page to see (on
        # SQLite the import then holds the only write lock): from their start the page
        # shows work going on without a count, not the reading's count stuck at 100 %.
        store_progress(*((done, total) if phase == "reading" else (0, 0)))
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
        _job_failed(ImportJob, job.pk)
        raise
    finally:
        # The upload is not kept once read, whatever came of it: another host may not
        # share this disk, a claimed job never runs again, and the directory itself
        # holds what was imported.
        _job_file_delete(job.file_name)
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
    return job


# The tables whose statistics steer the public API's and pages' query plans: every
# HSDS table. One left out once made SQLite read a filter's index ("every listing in
# Spanish") for each service instead of the service's own rows.
def _statistics_tables() -> list[type[models.HSDSModel]]:
    return [
        model
        for model in django_apps.get_app_config("directory").get_models()
        if issubclass(model, models.HSDSModel)
    ]


def directory_statistics_refresh(conn: BaseDatabaseWrapper | None = None) -> None:
    """Refresh the database's planner statistics of the directory (after an import).

    PostgreSQL's autovacuum gets there eventually; SQLite never does by itself, and
    without statistics it takes any indexed condition for a selective one (it would
    sort every public service to show one page). ``analysis_limit`` keeps SQLite's
    pass to a sample: a fraction of a second at 100,000 services.
    """
    conn = conn or connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
        for model in _statistics_tables():
            cursor.execute(f"ANALYZE {conn.ops.quote_name(model._meta.db_table)}")


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


def export_job_create(
    *,
    actor: User,
    file_format: str,
    kind: str,
    file_name: str,
    enqueue: bool = True,
) -> ExportJob:
    """Ask for an export of the whole directory; the task builds the file (after this
    commits) for ``actor`` alone to download. Audited."""
    if file_format not in ImportFormat.values or kind not in ("service", "organization"):
        raise ValueError(file_format)
    job_id = uuid.uuid4()
    safe_name = get_valid_filename(Path(file_name).name) or "export"
    with transaction.atomic():
        job = ExportJob.objects.create(
            id=job_id,
            created_by=actor,
            format=file_format,
            entity=kind,
            # Where the file will be stored: its last part is the name it downloads as.
            file_name=f"{EXPORT_STORAGE_PREFIX}/{job_id}/{safe_name}",
        )
        audit_record(
            actor=actor,
            action="directory.export_queued",
            target_type="export_job",
            target_id=job.pk,
        )
        if enqueue:
            from plainsight.directory.tasks import directory_export as export_task

            transaction.on_commit(lambda: export_task.enqueue(job_id=str(job_id)))
    return job


def export_job_run(*, job_id: uuid.UUID) -> ExportJob:
    """Build a pending export's file once (a second call on a started job does nothing).

    The file is written to a private temporary folder, then kept in the default storage
    (which no URL serves) until it expires; ``directory_export`` withholds confidential
    places and audits the export.
    """
    job, claimed = _job_claim(ExportJob, job_id)
    if not claimed:
        return job
    name = Path(job.file_name).name
    try:
        with tempfile.TemporaryDirectory(prefix="directory-export-") as folder:
            target = Path(folder) / name
            count = directory_export(
                actor=job.created_by,
                target=target,
                file_format=job.format,
                kind=job.entity or "service",
                progress=_job_progress(ExportJob, job.pk),
            )
            size = target.stat().st_size
            with target.open("rb") as handle:
                stored = default_storage.save(job.file_name, File(handle, name=name))
    except Exception:
        _job_failed(ExportJob, job.pk)
        raise
    finished = timezone.now()
    job.refresh_from_db(fields=["progress_total"])
    job.status = ExportStatus.READY
    job.file_name = stored
    job.summary = {"count": count, "bytes": size}
    job.progress_done = job.progress_total = max(job.progress_total, 1)
    job.finished_at = finished
    job.expires_at = finished + EXPORT_KEEP
    job.save()
    return job


def export_job_downloaded(*, actor: User, job: ExportJob) -> None:
    """Audit one download of a finished export (the view streams the file)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="directory.export_downloaded",
            target_type="export_job",
            target_id=job.pk,
        )


def export_jobs_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their expiry; their rows stay, marked expired.

    Audited; running twice is harmless. Returns how many exports were deleted.
    """
    now = now or timezone.now()
    purged = 0
    expired = ExportJob.objects.filter(status=ExportStatus.READY, expires_at__lte=now)
    for job_id in list(expired.values_list("pk", flat=True)):
        with transaction.atomic():
            job = (
                ExportJob.objects.select_for_update()
                .filter(pk=job_id, status=ExportStatus.READY)
                .first()
            )
            if job is None:
                continue
            job.status = ExportStatus.EXPIRED
            job.save(update_fields=["status"])
            audit_record(
                actor=None,
                action="directory.export_expired",
                target_type="export_job",
                target_id=job.pk,
            )
            # Deleted once the row says so: a download starting now is refused.
            transaction.on_commit(functools.partial(_job_file_delete, job.file_name))
        purged += 1
    # Exports whose run never finished (a worker that died) are given up after as long.
    ExportJob.objects.filter(
        status__in=(ExportStatus.PENDING, ExportStatus.RUNNING),
        created_at__lte=now - EXPORT_KEEP,
    ).update(status=ExportStatus.FAILED, finished_at=now)
    return purged


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
