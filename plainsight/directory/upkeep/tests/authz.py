"""Sample objects for the authorization matrix: directory upkeep.

Every record belongs to a directory organization maintained by partner organization A,
so people of organization B (other than coordinators) must get 404 or 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from plainsight.directory.models import ExportJob, ExportStatus, ImportJob
from plainsight.directory.tests.factories import (
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
)
from plainsight.directory.upkeep.models import ProblemReport
from plainsight.testing.authz import World, sample


def _service_of_a(world: World) -> Any:
    organization = OrganizationFactory.create(partner=world.org_a)
    return ServiceFactory.create(organization=organization)


@sample(
    "directory_staff:service",
    "directory_staff:service_edit",
    "directory_staff:service_verify",
    "directory_staff:capacity",
)
def service_of_organization_a(world: World) -> dict[str, Any]:
    return {"service_id": _service_of_a(world).pk}


@sample("directory_staff:location_edit")
def location_of_organization_a(world: World) -> dict[str, Any]:
    service = _service_of_a(world)
    location = LocationFactory.create(organization=service.organization)
    ServiceAtLocationFactory.create(service=service, location=location)
    return {"location_id": location.pk}


@sample("directory_staff:organization_edit")
def directory_organization_of_a(world: World) -> dict[str, Any]:
    return {"organization_id": OrganizationFactory.create(partner=world.org_a).pk}


@sample("directory_staff:report_decide")
def report_about_organization_a(world: World) -> dict[str, Any]:
    report = ProblemReport.objects.create(service=_service_of_a(world), kind="phone")
    return {"report_id": report.pk}


@sample("directory_staff:import_job")
def import_job(world: World) -> dict[str, Any]:
    # Import jobs concern the whole directory (coordinators only), not one organization.
    job = ImportJob.objects.create(
        created_by=world.person("coordinator", "a"), format="json", file_name="x/services.json"
    )
    return {"job_id": job.pk}


@sample("directory_staff:export_job", "directory_staff:export_download")
def export_job(world: World) -> dict[str, Any]:
    # An export is for the coordinator who asked for it alone (others get 404): the
    # matrix's coordinator of organization A asks.
    job = ExportJob.objects.create(
        created_by=world.person("coordinator", "a"),
        format="json",
        entity="service",
        file_name="directory-exports/sample/hsds-services.json",
        status=ExportStatus.READY,
        finished_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    job.file_name = default_storage.save(job.file_name, ContentFile(b"[]\n"))
    job.save(update_fields=["file_name"])
    return {"job_id": job.pk}
