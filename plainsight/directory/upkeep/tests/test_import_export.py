"""Staff pages to import and export the whole directory (coordinators only)."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from pathlib import Path
from unittest import mock

import polib
import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plainsight.accounts.tests.factories import enrol_totp, has_totp
from plainsight.audit.models import AuditEvent
from plainsight.directory import hsds, models, services
from plainsight.directory.tests.conftest import (  # noqa: F401 (a fixture)
    SECRET_STREET,
    assert_no_secret,
    shelter,
    validate,
)
from plainsight.directory.tests.files import zipped
from plainsight.testing.authz import mark_reauthenticated

pytestmark = pytest.mark.django_db

EXAMPLE = (hsds.EXAMPLES_DIR / "service_full.json").read_bytes()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def immediate_tasks(settings, django_capture_on_commit_callbacks):
    """Run the import task as soon as the upload's transaction commits."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return django_capture_on_commit_callbacks


def staff(user, *, reauthenticated: bool = False) -> Client:
    if not has_totp(user):
        enrol_totp(user)  # staff pages require a second factor
    client = Client()
    client.force_login(user)
    if reauthenticated:
        mark_reauthenticated(client, user)
    return client


def url(name: str, *args) -> str:
    return reverse(f"directory_staff:{name}", args=args)


def upload(name: str, content: bytes, **fields) -> dict[str, object]:
    return {"file": SimpleUploadedFile(name, content), **fields}


def _stored_uploads() -> list[str]:
    if not default_storage.exists(services.STORAGE_PREFIX):
        return []
    folders, _files = default_storage.listdir(services.STORAGE_PREFIX)
    return folders


def _job_of(response) -> models.ImportJob:
    assert response.status_code == 303, response.status_code
    match = re.fullmatch(r"/staff/directory/imports/([0-9a-f-]{36})/", response["Location"])
    assert match, response["Location"]
    return models.ImportJob.objects.get(pk=match.group(1))


# --- Who may ---------------------------------------------------------------------------


def test_the_upkeep_home_links_import_and_export_for_coordinators_only(world):
    assert url("imports") == "/staff/directory/imports/"
    assert url("export") == "/staff/directory/export/"
    html = staff(world.coordinator).get(url("home")).content.decode()
    assert f'href="{url("imports")}"' in html
    html = staff(world.alliance_admin).get(url("home")).content.decode()
    assert f'href="{url("imports")}"' not in html


def test_organization_admins_and_others_are_refused_and_visitors_sent_to_log_in(world, client):
    job = models.ImportJob.objects.create(format="json", file_name="x/a.json")
    export = models.ExportJob.objects.create(
        created_by=world.coordinator, format="csv", file_name="x/hsds-csv.zip"
    )
    pages = [
        url("imports"),
        url("import_job", job.pk),
        url("export"),
        url("export_job", export.pk),
        url("export_download", export.pk),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    for user in (world.alliance_admin, world.alliance_advocate, world.nobody):
        browser = staff(user, reauthenticated=True)
        for path in pages:
            assert browser.get(path).status_code == 403, (user, path)
        response = browser.post(url("import_create"), upload("services.json", EXAMPLE))
        assert response.status_code == 403
        assert browser.post(url("export"), {"download": "csv"}).status_code == 403
    assert models.ImportJob.objects.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="directory.").exists()


def test_uploading_needs_a_post_with_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    enrol_totp(world.coordinator)
    client.force_login(world.coordinator)
    html = client.get(url("imports")).content.decode()
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    assert client.get(url("import_create")).status_code == 405
    response = client.post(url("import_create"), upload("services.json", EXAMPLE))
    assert response.status_code == 403
    assert not models.ImportJob.objects.exists()


# --- Importing -------------------------------------------------------------------------


def test_a_coordinator_imports_a_json_file(world, immediate_tasks):
    client = staff(world.coordinator)
    assert client.get(url("imports")).status_code == 200
    with immediate_tasks(execute=True):
        response = client.post(url("import_create"), upload("service_full.json", EXAMPLE))
    job = _job_of(response)
    job.refresh_from_db()
    assert job.status == models.ImportStatus.SUCCEEDED
    assert job.created_by == world.coordinator and not job.dry_run
    assert models.Service.objects.filter(name="Community Counselling").exists()

    html = client.get(response["Location"]).content.decode()
    assert "Imported" in html
    assert 'http-equiv="refresh"' not in html and "<progress" not in html
    assert "<td>service</td><td>1</td>" in html  # one service created
    assert "<td>organization</td><td>1</td>" in html

    listing = client.get(url("imports")).content.decode()
    assert "service_full.json" in listing and str(world.coordinator) in listing
    assert "Imported" in listing

    # Audited once by the upload and once by the write, as the services do; no more.
    actions = list(
        AuditEvent.objects.filter(target_id=str(job.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["directory.import", "directory.import_queued"]
    assert not default_storage.exists(job.file_name)  # the upload is not kept…
    assert str(job.pk) not in _stored_uploads()  # …nor the folder it was kept in


def test_importing_the_same_file_again_changes_nothing(world, immediate_tasks):
    client = staff(world.coordinator)
    for _round in range(2):
        with immediate_tasks(execute=True):
            response = client.post(url("import_create"), upload("service_full.json", EXAMPLE))
    job = _job_of(response)
    job.refresh_from_db()
    assert job.status == models.ImportStatus.SUCCEEDED
    assert not job.summary["created"] and not job.summary["updated"]
    html = client.get(response["Location"]).content.decode()
    assert "<td>service</td><td>0</td><td>0</td><td>1</td>" in html  # unchanged


def test_a_csv_package_with_broken_rows_lists_every_error_and_writes_nothing(
    world, immediate_tasks
):
    organization = uuid.uuid4()
    package = zipped(
        {
            "organizations.csv": f"id,name,description\n{organization},New Org,Helps\n",
            "services.csv": (
                "id,organization_id,name,status,minimum_age\n"
                f"{uuid.uuid4()},{organization},Good,active,12\n"
                f"{uuid.uuid4()},{organization},Bad age,active,twelve\n"
                f"{uuid.uuid4()},{organization},,active,\n"
            ),
        }
    )
    client = staff(world.coordinator)
    services_before = models.Service.objects.count()
    with immediate_tasks(execute=True):
        response = client.post(url("import_create"), upload("package.ZIP", package))
    job = _job_of(response)
    job.refresh_from_db()
    assert job.format == models.ImportFormat.CSV  # detected from the extension
    assert job.status == models.ImportStatus.FAILED
    assert [(e["file"], e["row"], e["field"]) for e in job.errors] == [
        ("services.csv", 3, "minimum_age"),
        ("services.csv", 4, "name"),
    ]
    assert not models.Organization.objects.filter(name="New Org").exists()
    assert models.Service.objects.count() == services_before

    html = client.get(response["Location"]).content.decode()
    assert "Nothing was imported: 2 problems were found." in html
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>", html)
    assert [row[:3] for row in rows] == [
        ("services.csv", "3", "minimum_age"),
        ("services.csv", "4", "name"),
    ]
    assert all(row[3] for row in rows)  # each with its reason
    assert not AuditEvent.objects.filter(action="directory.import").exists()


def test_one_csv_table_uploaded_alone_is_imported(world, immediate_tasks):
    """organizations.csv, not zipped: the format comes from its name as for .json and
    .zip (it was refused as 'not a .json or .zip file' unless chosen by hand)."""
    organization = uuid.uuid4()
    table = f"id,name,description\n{organization},Valley Outreach,Helps\n".encode()
    client = staff(world.coordinator)
    with immediate_tasks(execute=True):
        response = client.post(url("import_create"), upload("organizations.csv", table))
    job = _job_of(response)
    job.refresh_from_db()
    assert job.format == models.ImportFormat.CSV
    assert job.status == models.ImportStatus.SUCCEEDED, job.errors
    assert models.Organization.objects.filter(pk=organization, name="Valley Outreach").exists()


def test_the_spec_csv_example_imports_and_its_page_lists_every_warning(world, immediate_tasks):
    """Links to records that exist nowhere are warnings, each named on the job's page."""
    folder = hsds.EXAMPLES_DIR / "csv"
    package = zipped({path.name: path.read_text() for path in sorted(folder.glob("*.csv"))})
    client = staff(world.coordinator)
    with immediate_tasks(execute=True):
        response = client.post(url("import_create"), upload("hsds-example.zip", package))
    job = _job_of(response)
    job.refresh_from_db()
    assert job.status == models.ImportStatus.SUCCEEDED, job.errors
    dangling = [w for w in job.warnings if w["code"] == "soft_missing_reference"]
    assert len(dangling) == 11
    html = client.get(response["Location"]).content.decode()
    assert 'id="warnings"' in html
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>", html)
    assert ("locations.csv", "2", "organization_id") in {row[:3] for row in rows}
    assert any(
        "985e4a42-bd9f-4edc-911d-0243a4640aca" in row[3] and "organization" in row[3]
        for row in rows
    )
    # The imported service's staff page, with a capacity in a unit nobody holds.
    models.ServiceCapacity.objects.create(
        service_id="ac148810-d857-441c-9679-408f346de14b",
        unresolved_links={"unit_id": "187a37a2-7b40-11ef-9790-dbf7623d4407"},
        available=5,
        updated=timezone.now(),
    )
    page = client.get(url("service", "ac148810-d857-441c-9679-408f346de14b"))
    assert page.status_code == 200
    assert client.get(url("home")).status_code == 200


def test_a_dry_run_writes_nothing_and_asks_for_the_file_again(world, immediate_tasks):
    client = staff(world.coordinator)
    services_before = models.Service.objects.count()
    with immediate_tasks(execute=True):
        response = client.post(
            url("import_create"),
            upload("service_full.json", EXAMPLE, dry_run="on", record_type="service"),
        )
    job = _job_of(response)
    job.refresh_from_db()
    assert job.dry_run and job.entity == "service"
    assert job.status == models.ImportStatus.VALIDATED
    assert models.Service.objects.count() == services_before
    assert not AuditEvent.objects.filter(action="directory.import").exists()

    html = client.get(response["Location"]).content.decode()
    assert "The check found no errors." in html
    assert "Import it for real" in html
    assert "What an import would do" in html and "<td>service</td><td>1</td>" in html
    # The upload is gone; the form to send it again keeps the choices, minus the dry run.
    assert not default_storage.exists(job.file_name)
    form = html[html.index("Import it for real") :]
    assert '<input type="hidden" name="dry_run" value="False"' in form
    assert '<option value="json" selected>' in form
    assert '<option value="service" selected>' in form


def _waiting_job(coordinator) -> models.ImportJob:
    """An import of the spec's service example, not handed to a worker."""
    return services.import_job_create(
        actor=coordinator,
        content=EXAMPLE,
        file_name="service_full.json",
        file_format="json",
        enqueue=False,
    )


def test_the_job_page_shows_progress_and_refreshes_until_finished(world):
    job = _waiting_job(world.coordinator)
    client = staff(world.coordinator)
    response = client.get(url("import_job", job.pk))
    html = response.content.decode()
    assert "Waiting" in html and "<progress" in html
    assert '<meta http-equiv="refresh" content="3">' in html
    assert f'href="{url("import_job", job.pk)}"' in html  # refresh by hand
    assert "<script>" not in html  # no inline script: the CSP would refuse it
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "'unsafe-inline'" not in policy

    models.ImportJob.objects.filter(pk=job.pk).update(
        status=models.ImportStatus.RUNNING, progress_done=5, progress_total=20
    )
    html = client.get(url("import_job", job.pk)).content.decode()
    assert '<progress id="import-progress" value="5" max="20">25%</progress>' in html
    assert "5 of 20 records done (25%)" in html
    assert 'http-equiv="refresh"' in html

    # Checking and writing (one transaction) are shown without a count.
    models.ImportJob.objects.filter(pk=job.pk).update(progress_done=0, progress_total=0)
    html = client.get(url("import_job", job.pk)).content.decode()
    assert '<progress id="import-progress">' in html
    assert "Checking the file and importing its records…" in html
    assert 'http-equiv="refresh"' in html

    models.ImportJob.objects.filter(pk=job.pk).update(status=models.ImportStatus.PENDING)
    assert services.import_job_run(job_id=job.pk).status == models.ImportStatus.SUCCEEDED
    html = client.get(url("import_job", job.pk)).content.decode()
    assert 'http-equiv="refresh"' not in html and "<progress" not in html


def test_the_job_page_is_shown_while_the_import_holds_the_database(world):
    """Under a real worker on SQLite the import's transaction holds the only write lock,
    for minutes with a large file: the page following it must not fail on the refresh
    of the coordinator's session (Django answered "400 Bad Request")."""
    job = _waiting_job(world.coordinator)
    models.ImportJob.objects.filter(pk=job.pk).update(status=models.ImportStatus.RUNNING)
    client = staff(world.coordinator)
    assert client.get(url("import_job", job.pk)).status_code == 200
    locked = OperationalError("database is locked")
    with mock.patch.object(Session, "save", side_effect=locked, autospec=True):
        response = client.get(url("import_job", job.pk))
    assert response.status_code == 200
    assert "Checking the file and importing its records…" in response.content.decode()


def test_problems_are_shown_in_the_readers_language(world):
    job = services.import_job_create(
        actor=world.coordinator,
        content=b'{"id": ',
        file_name="broken.json",
        file_format="json",
        enqueue=False,
    )
    job = services.import_job_run(job_id=job.pk)  # stored in English (the worker's language)
    assert job.status == models.ImportStatus.FAILED
    client = staff(world.coordinator)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "es"
    html = client.get(url("import_job", job.pk)).content.decode()
    assert "El archivo no es JSON válido" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "file", "Choose a file to import."),
        (upload("services.txt", EXAMPLE), "file", "This is not a .json, .zip or .csv file."),
        (upload("services.json", b""), "file", "The file is empty."),
        (
            upload("package.zip", b"PK", record_type="service"),
            "record_type",
            "A record type can only be chosen for a JSON file.",
        ),
        (
            upload("services.json", EXAMPLE, file_format="xml"),
            "file_format",
            "Select a valid choice.",
        ),
    ],
    ids=["no file", "wrong extension", "empty", "record type of a zip", "unknown format"],
)
def test_bad_uploads_get_a_clear_error_and_create_nothing(world, data, field, message):
    response = staff(world.coordinator).post(url("import_create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Nothing was imported. Please correct the fields marked below." in html
    assert f'id="id_{field}_error"' in html or f"id_{field}" in html
    assert not models.ImportJob.objects.exists()
    assert _stored_uploads() == []
    assert not AuditEvent.objects.filter(action__startswith="directory.").exists()


def test_a_file_over_the_limit_is_refused(world, monkeypatch):
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 3 * 1024 * 1024)
    big = b"[" + b" " * (3 * 1024 * 1024) + b"]"
    response = staff(world.coordinator).post(url("import_create"), upload("big.json", big))
    assert response.status_code == 400
    assert "The file is larger than 3 MB" in response.content.decode()
    assert not models.ImportJob.objects.exists()
    assert _stored_uploads() == []


def test_a_chosen_format_is_taken_whatever_the_file_name(world):
    response = staff(world.coordinator).post(
        url("import_create"), upload("export.txt", EXAMPLE, file_format="json")
    )
    job = _job_of(response)
    assert job.format == models.ImportFormat.JSON and job.status == models.ImportStatus.PENDING


@pytest.fixture
def spanish_with_pending(settings, tmp_path):
    """The Spanish catalogue plus the translations still waiting in locale/es/pending/
    (merged into the .po with scripts/po_apply.py), compiled for this test only."""
    base = Path(django_settings.BASE_DIR) / "locale" / "es"
    catalogue = polib.pofile(str(base / "LC_MESSAGES" / "django.po"))
    entries = {entry.msgid: entry for entry in catalogue if not entry.obsolete}
    for path in sorted((base / "pending").glob("*.json")):
        for msgid, msgstr in json.loads(path.read_text(encoding="utf-8")).items():
            if not isinstance(msgstr, str):
                continue  # plural forms: not needed here
            if msgid not in entries:
                entries[msgid] = polib.POEntry(msgid=msgid, msgstr=msgstr)
                catalogue.append(entries[msgid])
            elif not entries[msgid].translated():
                entries[msgid].msgstr = msgstr
    target = tmp_path / "locale" / "es" / "LC_MESSAGES"
    target.mkdir(parents=True)
    catalogue.save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]


def test_the_wrong_file_type_error_is_in_spanish(world, spanish_with_pending):
    client = staff(world.coordinator)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.post(url("import_create"), upload("servicios.txt", b"id,name\n1,x\n"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Este archivo no es .json, .zip ni .csv." in html
    assert "This is not a .json, .zip or .csv file." not in html
    assert not models.ImportJob.objects.exists()


# --- Exporting -------------------------------------------------------------------------


def _download(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def _export_of(response) -> models.ExportJob:
    assert response.status_code == 303, response.status_code
    match = re.fullmatch(r"/staff/directory/export/([0-9a-f-]{36})/", response["Location"])
    assert match, response["Location"]
    return models.ExportJob.objects.get(pk=match.group(1))


def _export(client, choice: str, immediate_tasks) -> models.ExportJob:
    """Ask for an export (the task runs when the request's transaction commits)."""
    with immediate_tasks(execute=True):
        job = _export_of(client.post(url("export"), {"download": choice}))
    job.refresh_from_db()
    return job


def _stored_exports() -> list[str]:
    if not default_storage.exists(services.EXPORT_STORAGE_PREFIX):
        return []
    folders, _files = default_storage.listdir(services.EXPORT_STORAGE_PREFIX)
    return folders


def test_export_asks_who_is_there_when_the_sign_in_is_old(world, immediate_tasks):
    job = _export(staff(world.coordinator, reauthenticated=True), "csv", immediate_tasks)
    client = staff(world.coordinator)  # signed in long ago: no recent re-authentication
    for path in (url("export"), url("export_job", job.pk), url("export_download", job.pk)):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "reauthenticate" in response["Location"]
    response = client.post(url("export"), {"download": "csv"})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert models.ExportJob.objects.count() == 1


@pytest.mark.usefixtures("shelter")  # a confidential location
def test_json_export_downloads_valid_hsds_without_the_confidential_address(world, immediate_tasks):
    client = staff(world.coordinator, reauthenticated=True)
    page = client.get(url("export")).content.decode()
    assert 'value="service"' in page and 'value="csv"' in page
    assert "From Text/CSV" in page  # how to open UTF-8 without a BOM in Excel
    job = _export(client, "service", immediate_tasks)
    assert job.status == models.ExportStatus.READY and job.created_by == world.coordinator
    assert job.file_name.startswith(f"{services.EXPORT_STORAGE_PREFIX}/{job.pk}/")
    follow = client.get(url("export_job", job.pk)).content.decode()
    assert url("export_download", job.pk) in follow and 'http-equiv="refresh"' not in follow
    response = client.get(url("export_download", job.pk))
    assert response["Content-Type"] == "application/json"
    assert re.search(
        r'attachment; filename="hsds-services-\d{4}-\d{2}-\d{2}\.json"',
        response["Content-Disposition"],
    )
    body = _download(response).decode()
    documents = json.loads(body)
    assert {d["name"] for d in documents} >= {"Emergency shelter", "Emergency Shelter"}
    for document in documents:
        validate("service", document)
    assert_no_secret(body)
    assert SECRET_STREET not in body
    assert AuditEvent.objects.filter(action="directory.export").count() == 1
    assert AuditEvent.objects.filter(action="directory.export_queued").count() == 1
    downloaded = AuditEvent.objects.get(action="directory.export_downloaded")
    assert downloaded.target_id == str(job.pk)

    job = _export(client, "organization", immediate_tasks)
    organizations = json.loads(_download(client.get(url("export_download", job.pk))).decode())
    assert "Safe Haven Alliance" in {d["name"] for d in organizations}
    assert AuditEvent.objects.filter(action="directory.export").count() == 2


@pytest.mark.usefixtures("shelter")  # a confidential location
def test_csv_export_downloads_the_package_without_the_confidential_address(world, immediate_tasks):
    client = staff(world.coordinator, reauthenticated=True)
    job = _export(client, "csv", immediate_tasks)
    response = client.get(url("export_download", job.pk))
    assert response["Content-Type"] == "application/zip"
    assert re.search(r'filename="hsds-csv-\d{4}-\d{2}-\d{2}\.zip"', response["Content-Disposition"])
    with zipfile.ZipFile(io.BytesIO(_download(response))) as archive:
        names = set(archive.namelist())
        assert names == {spec.csv_name for spec in hsds.table_specs().values()}
        texts = {name: archive.read(name).decode("utf-8") for name in names}
    assert "Safe Haven shelter" in texts["locations.csv"]  # the place, without its address
    assert "Emergency Shelter" in texts["services.csv"]
    for text in texts.values():
        assert_no_secret(text)
    assert AuditEvent.objects.filter(action="directory.export").count() == 1


def test_every_capacity_is_exported_whatever_its_unit(world, immediate_tasks):
    """A capacity imported in a unit the directory does not hold, and the beds staff
    count (always in the directory's own unit), are both in both exports."""
    unit_id = "187a37a2-7b40-11ef-9790-dbf7623d4407"
    imported = str(uuid.uuid4())
    package = zipped(
        {
            "service_capacity.csv": "id,service_id,unit_id,available,updated\n"
            f"{imported},{world.shelter.pk},{unit_id},12,2026-01-05T10:00:00Z\n"
        }
    )
    client = staff(world.coordinator, reauthenticated=True)
    with immediate_tasks(execute=True):
        job = _job_of(client.post(url("import_create"), upload("beds.zip", package)))
    job.refresh_from_db()
    assert job.status == models.ImportStatus.SUCCEEDED, job.errors
    assert [w["code"] for w in job.warnings] == ["soft_missing_reference"]
    advocate = staff(world.alliance_advocate)
    assert advocate.post(url("capacity", world.shelter.pk), {"available": "3"}).status_code == 302
    counted = world.shelter.capacities.exclude(pk=imported).get()
    assert counted.unit is not None and counted.unit.name == "bed"

    export = _export(client, "service", immediate_tasks)
    documents = json.loads(_download(client.get(url("export_download", export.pk))).decode())
    (listing,) = [d for d in documents if d["id"] == str(world.shelter.pk)]
    validate("service", listing, profiled=False)
    validate("service", listing)
    assert sorted((c["id"], c["unit"]["id"], c["available"]) for c in listing["capacities"]) == (
        sorted([(imported, unit_id, 12), (str(counted.pk), str(counted.unit_id), 3)])
    )
    export = _export(client, "csv", immediate_tasks)
    with zipfile.ZipFile(io.BytesIO(_download(client.get(url("export_download", export.pk))))) as z:
        rows = z.read("service_capacity.csv").decode().splitlines()[1:]
    assert sorted(row.split(",")[:3] for row in rows) == sorted(
        [
            [imported, str(world.shelter.pk), unit_id],
            [str(counted.pk), str(world.shelter.pk), str(counted.unit_id)],
        ]
    )


def test_an_export_without_a_choice_is_refused_clearly(world):
    client = staff(world.coordinator, reauthenticated=True)
    response = client.post(url("export"), {"download": "pdf"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert not models.ExportJob.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="directory.export").exists()


def test_an_export_waits_for_the_worker_and_shows_its_progress(world, settings):
    client = staff(world.coordinator, reauthenticated=True)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "es"
    job = _export_of(client.post(url("export"), {"download": "csv"}))  # no worker yet
    page = client.get(url("export_job", job.pk)).content.decode()
    assert 'http-equiv="refresh"' in page and "Esperando" in page
    assert client.get(url("export_download", job.pk)).status_code == 404  # nothing yet
    models.ExportJob.objects.filter(pk=job.pk).update(
        status=models.ExportStatus.RUNNING, progress_done=3, progress_total=12
    )
    page = client.get(url("export_job", job.pk)).content.decode()
    assert 'value="3" max="12"' in page and "(25%)" in page
    assert client.get(url("export")).content.decode().count(url("export_job", job.pk)) == 1
    # The task takes the job's id only, and a second run does nothing.
    services.export_job_run(job_id=job.pk)  # claimed already (running): nothing done
    assert not _stored_exports()
    models.ExportJob.objects.filter(pk=job.pk).update(status=models.ExportStatus.PENDING)
    assert services.export_job_run(job_id=job.pk).status == models.ExportStatus.READY
    assert services.export_job_run(job_id=job.pk).status == models.ExportStatus.READY
    assert AuditEvent.objects.filter(action="directory.export").count() == 1


def test_an_export_that_fails_says_so_and_leaves_no_file(world, immediate_tasks, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.exporting, "export_csv_package", broken)
    client = staff(world.coordinator, reauthenticated=True)
    job = _export(client, "csv", immediate_tasks)  # the task fails (and says so in its result)
    assert job.status == models.ExportStatus.FAILED
    assert "unexpected error" in client.get(url("export_job", job.pk)).content.decode()
    assert client.get(url("export_download", job.pk)).status_code == 404
    assert not _stored_exports()


def test_only_the_coordinator_who_asked_may_follow_or_download_an_export(world, immediate_tasks):
    from plainsight.directory.upkeep.tests.conftest import person
    from plainsight.partners.models import Role

    job = _export(staff(world.coordinator, reauthenticated=True), "csv", immediate_tasks)
    other = person("coordinator-2", world.coalition, Role.COORDINATOR)
    client = staff(other, reauthenticated=True)
    assert client.get(url("export")).status_code == 200
    assert url("export_job", job.pk) not in client.get(url("export")).content.decode()
    assert client.get(url("export_job", job.pk)).status_code == 404
    assert client.get(url("export_download", job.pk)).status_code == 404
    for user in (world.alliance_admin, world.alliance_advocate, world.nobody):
        browser = staff(user, reauthenticated=True)
        for path in (url("export_job", job.pk), url("export_download", job.pk)):
            assert browser.get(path).status_code == 403, (user, path)
    assert not AuditEvent.objects.filter(action="directory.export_downloaded").exists()
    # The stored file has no address of its own: only the view above streams it.
    assert default_storage.exists(job.file_name)
    for browser in (Client(), staff(world.coordinator, reauthenticated=True)):
        for prefix in ("/", "/media/", django_settings.MEDIA_URL or "/", "/static/"):
            assert browser.get(prefix + job.file_name).status_code == 404, prefix


def test_exports_are_deleted_when_they_expire(world, immediate_tasks):
    import datetime as dt

    from django.utils import timezone

    from plainsight.directory import jobs

    client = staff(world.coordinator, reauthenticated=True)
    job = _export(client, "csv", immediate_tasks)
    assert job.finished_at is not None
    assert job.expires_at == job.finished_at + services.EXPORT_KEEP
    assert _stored_exports() == [str(job.pk)]
    with immediate_tasks(execute=True):
        assert jobs.expired_exports_purge() == {"purged": 0}  # not yet
    assert client.get(url("export_download", job.pk)).status_code == 200

    # Its time has come (the staff session would not last a day: the row is moved).
    models.ExportJob.objects.filter(pk=job.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    # Past its time the file is refused at once, before the clean-up has run…
    gone = client.get(url("export_download", job.pk))
    assert gone.status_code == 410
    assert "This export was deleted" in gone.content.decode()
    # …and the hourly clean-up deletes it, once.
    with immediate_tasks(execute=True):
        assert jobs.expired_exports_purge() == {"purged": 1}
    assert jobs.expired_exports_purge() == {"purged": 0}
    job.refresh_from_db()
    assert job.status == models.ExportStatus.EXPIRED
    assert not default_storage.exists(job.file_name)
    assert str(job.pk) not in _stored_exports()  # nor an empty folder
    assert client.get(url("export_download", job.pk)).status_code == 410
    assert AuditEvent.objects.filter(action="directory.export_expired").count() == 1
    page = client.get(url("export")).content.decode()
    assert "Deleted (expired)" in page
    assert url("export_download", job.pk) not in page

    # A file deleted by other means (a cleaned disk) is refused the same way.
    other = _export(client, "service", immediate_tasks)
    default_storage.delete(other.file_name)
    assert client.get(url("export_download", other.pk)).status_code == 410


def test_an_export_whose_worker_died_is_given_up(world):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    client = staff(world.coordinator, reauthenticated=True)
    job = _export_of(client.post(url("export"), {"download": "csv"}))
    with time_machine.travel(timezone.now() + services.EXPORT_KEEP + dt.timedelta(minutes=1)):
        services.export_jobs_purge_expired()
    job.refresh_from_db()
    assert job.status == models.ExportStatus.FAILED
