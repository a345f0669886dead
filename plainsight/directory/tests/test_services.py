"""Import and export jobs: run by a task that receives only the job id, idempotent."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from plainsight.audit.models import AuditEvent
from plainsight.directory import hsds, importing, models, services
from plainsight.directory.tests.conftest import assert_no_secret

pytestmark = pytest.mark.django_db

EXAMPLE = (hsds.EXAMPLES_DIR / "service_full.json").read_bytes()


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_a_run_that_crashes_fails_its_job_and_deletes_the_upload(monkeypatch):
    job = services.import_job_create(
        actor=None,
        content=EXAMPLE,
        file_name="service.json",
        file_format=models.ImportFormat.JSON,
        enqueue=False,
    )
    assert default_storage.exists(job.file_name)

    def crash(*args, **kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(importing, "run_import", crash)
    with pytest.raises(RuntimeError):
        services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == models.ImportStatus.FAILED and job.finished_at is not None
    assert not default_storage.exists(job.file_name)
    assert not default_storage.exists(f"{services.STORAGE_PREFIX}/{job.pk}")
    # Claimed once: running it again does nothing (and does not look for the file).
    assert services.import_job_run(job_id=job.pk).status == models.ImportStatus.FAILED
    assert models.Service.objects.count() == 0


def test_job_runs_through_the_task_with_only_its_id(
    immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(
            actor=None,
            content=EXAMPLE,
            file_name="../../etc/service full.json",
            file_format=models.ImportFormat.JSON,
        )
    job.refresh_from_db()
    assert job.status == models.ImportStatus.SUCCEEDED
    assert job.summary["created"]["service"] == 1
    assert job.file_name.startswith(f"directory-imports/{job.pk}/")
    assert ".." not in job.file_name
    assert not default_storage.exists(job.file_name)  # the upload is not kept…
    assert not default_storage.exists(f"{services.STORAGE_PREFIX}/{job.pk}")  # …nor its folder
    assert models.Service.objects.count() == 1
    actions = list(AuditEvent.objects.values_list("action", "target_id"))
    assert ("directory.import_queued", str(job.pk)) in actions
    assert ("directory.import", str(job.pk)) in actions


def test_running_a_finished_job_again_does_nothing():
    job = services.import_job_create(
        actor=None, content=EXAMPLE, file_name="x.json", file_format="json", enqueue=False
    )
    services.import_job_run(job_id=job.pk)
    again = services.import_job_run(job_id=job.pk)
    assert again.status == models.ImportStatus.SUCCEEDED
    assert models.Service.objects.count() == 1


def test_failed_job_keeps_every_error_and_writes_nothing():
    job = services.import_job_create(
        actor=None,
        content=b'[{"id": "x", "name": "y", "status": "open"}]',
        file_name="bad.json",
        file_format="json",
        enqueue=False,
        entity="service",
    )
    job = services.import_job_run(job_id=job.pk)
    assert job.status == models.ImportStatus.FAILED
    assert {e["field"] for e in job.errors} >= {"id", "status"}
    assert all(e["message"] and e["file"] == "bad.json" and e["row"] == 1 for e in job.errors)
    assert models.Service.objects.count() == 0


def test_dry_run_job_is_validated_not_applied():
    job = services.import_job_create(
        actor=None,
        content=EXAMPLE,
        file_name="x.json",
        file_format="json",
        dry_run=True,
        enqueue=False,
    )
    job = services.import_job_run(job_id=job.pk)
    assert job.status == models.ImportStatus.VALIDATED
    assert models.Service.objects.count() == 0


def test_progress_is_reported():
    seen = []
    job = services.import_job_create(
        actor=None, content=EXAMPLE, file_name="x.json", file_format="json", enqueue=False
    )
    services.import_job_run(job_id=job.pk, progress=lambda *args: seen.append(args))
    assert ("reading", 23, 23) in seen
    assert ("checking", 0, 23) in seen
    assert any(phase == "writing" for phase, *_ in seen)


@pytest.mark.django_db(transaction=True)
def test_while_an_import_checks_and_writes_its_row_shows_no_count(monkeypatch):
    """Checking and writing run in one transaction that the job's row cannot report
    from (under a real worker on SQLite it holds the only write lock, for minutes with
    a large file). The row says so before it starts: no count, rather than the
    reading's "N of N records done (100%)" while the longest part has not begun."""
    seen = []
    plan = importing._plan

    def watching(collector, progress):
        seen.append(models.ImportJob.objects.values_list("progress_done", "progress_total").get())
        return plan(collector, progress)

    monkeypatch.setattr(importing, "_plan", watching)
    job = services.import_job_create(
        actor=None, content=EXAMPLE, file_name="x.json", file_format="json", enqueue=False
    )
    job = services.import_job_run(job_id=job.pk)
    assert job.status == models.ImportStatus.SUCCEEDED
    assert seen == [(0, 0)]
    assert (job.progress_done, job.progress_total) == (1, 1)  # finished


def test_export_job_runs_through_the_task_with_only_its_id(
    immediate_tasks, django_capture_on_commit_callbacks, shelter
):
    from plainsight.accounts.tests.factories import UserFactory

    coordinator = UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = services.export_job_create(
            actor=coordinator,
            file_format=models.ImportFormat.JSON,
            kind="service",
            file_name="../../etc/hsds services.json",
        )
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == models.ExportStatus.READY
    assert job.file_name.startswith(f"{services.EXPORT_STORAGE_PREFIX}/{job.pk}/")
    assert ".." not in job.file_name
    with default_storage.open(job.file_name, "rb") as handle:
        body = handle.read().decode()
    assert_no_secret(body)
    assert job.summary == {"count": models.Service.objects.count(), "bytes": len(body.encode())}
    actions = list(AuditEvent.objects.values_list("action", "target_id"))
    assert ("directory.export_queued", str(job.pk)) in actions
    assert ("directory.export", "json") in actions
    with pytest.raises(ValueError):
        services.export_job_create(
            actor=coordinator, file_format="xml", kind="service", file_name="x.xml"
        )


@pytest.mark.django_db(transaction=True)
def test_export_progress_is_stored_on_the_job_as_it_runs(monkeypatch):
    from plainsight.accounts.tests.factories import UserFactory

    seen = []
    store = services._job_progress

    def watching(model, job_id):
        record = store(model, job_id)

        def both(done, total):
            record(done, total)
            seen.append(model.objects.values_list("progress_done", "progress_total").get())

        return both

    monkeypatch.setattr(services, "_job_progress", watching)
    job = services.export_job_create(
        actor=UserFactory.create(),
        file_format="csv",
        kind="service",
        file_name="hsds.zip",
        enqueue=False,
    )
    job = services.export_job_run(job_id=job.pk)
    tables = len(hsds.table_specs())
    assert seen[-1] == (tables, tables) and len(seen) > 1
    assert (job.progress_done, job.progress_total) == (tables, tables)


def test_uploads_are_checked():
    with pytest.raises(services.ImportRejected):
        services.import_job_create(actor=None, content=b"x", file_name="x", file_format="xml")


def test_commands_import_export_and_report(tmp_path, capsys, shelter):
    out = tmp_path / "export.zip"
    call_command("directory_export", str(out))
    call_command("directory_import", str(out), "--dry-run")
    assert "Checked (dry run)" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": "1", "name": "x", "status": "active"}]')
    with pytest.raises(CommandError):
        call_command("directory_import", str(bad), "--entity", "service")
    output = capsys.readouterr().out
    assert "bad.json:1 [id]" in output
    json_out = tmp_path / "export.json"
    call_command("directory_export", str(json_out))
    assert_no_secret(json_out.read_text())
    job = models.ImportJob.objects.first()
    assert job is not None
    call_command("directory_import", "--status", str(job.pk))
    assert str(job.pk) in capsys.readouterr().out


def test_background_import_queues_a_job(immediate_tasks, tmp_path, capsys):
    path = tmp_path / "service.json"
    path.write_bytes(EXAMPLE)
    call_command("directory_import", str(path), "--background")
    assert "Queued import job" in capsys.readouterr().out


def test_deleting_a_service_removes_its_rows_attributes_and_metadata(shelter):
    import datetime as dt

    phone = shelter.service.phones.get()
    models.Metadata.objects.create(
        resource_id=phone.pk,
        resource_type="phone",
        last_action_date=dt.date(2026, 1, 1),
        last_action_type="create",
        field_name="number",
        updated_by="x",
    )
    deleted = services.directory_record_delete(actor=None, instance=shelter.service)
    assert deleted >= 3
    assert not models.Attribute.objects.filter(link_id=shelter.service.pk).exists()
    assert not models.Metadata.objects.filter(resource_id=phone.pk).exists()
    assert models.Location.objects.filter(pk=shelter.location.pk).exists()
    assert AuditEvent.objects.filter(action="directory.service_deleted").exists()


def test_an_organization_with_services_is_protected(shelter):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        services.directory_record_delete(actor=None, instance=shelter.organization)
    assert models.Organization.objects.filter(pk=shelter.organization.pk).exists()


def test_planner_statistics_cover_every_hsds_table():
    """SQLite keeps no statistics by itself; without them it took the language filter's
    index for a selective one and read every Spanish listing once per service."""
    from django.db import connection

    from plainsight.directory.tests import factories

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps statistics")
    service = factories.ServiceFactory.create()
    for code in ("en", "es"):
        models.Language.objects.create(service=service, code=code, name=code)
    services.directory_statistics_refresh()
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        analysed = {row[0] for row in cursor.fetchall()}
    assert {"directory_language", "directory_service", "directory_organization"} <= analysed


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_outlives_a_database_held_by_another_writer(monkeypatch):
    """django-tasks-db claims a task in an exclusive transaction whose BEGIN it does not
    guard: on SQLite, a writer holding the database past the busy timeout (5 s) — a
    `manage.py directory_import` or `search_index` run beside `make run` — ended the
    worker with "database is locked", and serve_embedded then stopped the web server.
    The worker now waits and goes on, and the queued import runs."""
    from contextlib import contextmanager

    from django.db import OperationalError
    from django_tasks_db.management.commands import db_worker

    real = db_worker.exclusive_transaction
    claims: list[object] = []

    @contextmanager
    def held_once_by_another_writer(using=None):
        claims.append(using)
        if len(claims) == 1:
            raise OperationalError("database is locked")
        with real(using):
            yield

    monkeypatch.setattr(db_worker, "exclusive_transaction", held_once_by_another_writer)
    job = services.import_job_create(
        actor=None, content=EXAMPLE, file_name="x.json", file_format="json"
    )
    call_command("run_worker", "--batch", "--interval=0", verbosity=0)
    assert len(claims) >= 2
    job.refresh_from_db()
    assert job.status == models.ImportStatus.SUCCEEDED
    assert models.Service.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_end_could_not_be_recorded_is_not_left_running(monkeypatch):
    """A task ended while another writer held SQLite for longer than django-tasks-db's
    retries: saving its result failed, and the result stayed "running" for ever. The
    worker now records it as failed, saying why; the import itself finished."""
    from django.db import OperationalError
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from plainsight.core.management.commands.run_worker import UNRECORDED_END

    def locked(self, *args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(DBTaskResult, "set_successful", locked)
    monkeypatch.setattr(DBTaskResult, "set_failed", locked)
    job = services.import_job_create(
        actor=None, content=EXAMPLE, file_name="x.json", file_format="json"
    )
    call_command("run_worker", "--batch", "--interval=0", verbosity=0)

    job.refresh_from_db()
    assert job.status == models.ImportStatus.SUCCEEDED  # the task's own work is done
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.FAILED
    assert result.traceback == UNRECORDED_END and result.finished_at is not None
