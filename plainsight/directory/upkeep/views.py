"""Staff screens for keeping the directory true (/staff/directory/…).

Thin HTTP: forms validate input, ``services`` change records (checking rights again),
``selectors`` and ``permissions`` decide what each person may see. Every screen works
without JavaScript; htmx only makes the capacity form update in place.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plainsight.accounts.access import ANY_STAFF, Scope, staff_view
from plainsight.core.forms import attach_errors
from plainsight.directory import hsds, importing, units
from plainsight.directory import models as directory
from plainsight.directory import services as directory_services
from plainsight.directory.upkeep import permissions, selectors, services
from plainsight.directory.upkeep.forms import (
    CapacityForm,
    DecisionForm,
    ExportForm,
    ImportUploadForm,
    LocationForm,
    OrganizationForm,
    PhoneFormSet,
    ScheduleFormSet,
    ServiceForm,
    VerifyForm,
    phone_initial,
    schedule_initial,
)
from plainsight.directory.upkeep.models import ProblemReport, VerificationLog
from plainsight.partners.models import Role

# Coordinators keep the whole directory; organization admins their own partner's records
# (the selectors in permissions.py decide which, so other records answer 404).
UPKEEP_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})
CROSS_ROLES = frozenset({Role.COORDINATOR})
# Importing or exporting the whole directory: coordinators only, the people who may
# edit every record (permissions.can_import_export states the same rule).
IMPORT_EXPORT_ROLES = frozenset({Role.COORDINATOR})


@staff_view(
    roles=ANY_STAFF, scope=Scope.NONE, methods=("GET", "HEAD"), cross_organization_roles=CROSS_ROLES
)
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "directory_upkeep/home.html",
        {
            "editable_count": permissions.editable_services_for(user).count(),
            "stale_count": selectors.stale_services_for(user).count(),
            "stale_days": selectors.stale_after_days(),
            "report_count": selectors.pending_reports_for(user).count(),
            "capacity_services": permissions.capacity_services_for(user)
            .filter(capacities__unit__isnull=False)
            .distinct()
            .order_by("name")[:20],
            "is_coordinator": permissions.is_coordinator(user),
            "can_import_export": permissions.can_import_export(user),
        },
    )


@staff_view(
    roles=UPKEEP_ROLES,
    scope=Scope.NONE,
    methods=("GET", "HEAD"),
    cross_organization_roles=CROSS_ROLES,
)
def service_list(request: HttpRequest) -> HttpResponse:
    name = request.GET.get("name", "").strip()[:100]
    page = Paginator(selectors.services_list_for(request.user, name=name), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "directory_upkeep/services.html", {"page": page, "name": name})


def _service_context(request: HttpRequest, service: directory.Service) -> dict[str, Any]:
    return {
        "service": service,
        "can_edit": permissions.can_edit_service(request.user, service),
        "verify_form": VerifyForm(),
        "capacity_form": CapacityForm(initial={"available": _capacity_value(service)}),
        **_capacity_now(service),
        "verifications": VerificationLog.objects.filter(service=service).select_related(
            "verified_by"
        )[:10],
        "reports": selectors.pending_reports_for(request.user).filter(service=service),
        "locations": selectors.editable_service_locations_for(request.user, service=service),
    }


def _capacity(service: directory.Service) -> directory.ServiceCapacity | None:
    """The capacity staff keep up to date: one with a unit (an import may also hold one
    whose unit is not in the directory yet; it is only exported)."""
    return (
        service.capacities.filter(unit__isnull=False).select_related("unit").order_by("pk").first()
    )


def _capacity_now(service: directory.Service) -> dict[str, Any]:
    """The capacity, and how much is free in the reader's language ("3 camas")."""
    capacity = _capacity(service)
    amount = ""
    if capacity is not None and capacity.unit is not None:
        amount = units.amount_text(capacity.available, capacity.unit.name)
    return {"capacity": capacity, "capacity_amount": amount}


def _capacity_value(service: directory.Service) -> int | None:
    capacity = _capacity(service)
    return int(capacity.available) if capacity is not None else None


@staff_view(
    roles=ANY_STAFF,
    scope=Scope.ORGANIZATION,
    methods=("GET", "HEAD"),
    cross_organization_roles=CROSS_ROLES,
)
def service_detail(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = get_object_or_404(permissions.capacity_services_for(request.user), pk=service_id)
    return render(request, "directory_upkeep/service.html", _service_context(request, service))


@staff_view(
    roles=UPKEEP_ROLES,
    scope=Scope.ORGANIZATION,
    methods=("GET", "HEAD", "POST"),
    cross_organization_roles=CROSS_ROLES,
)
def service_edit(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = get_object_or_404(permissions.editable_services_for(request.user), pk=service_id)
    if request.method == "POST":
        form = ServiceForm(request.POST, instance=directory.Service.objects.get(pk=service.pk))
        phones = PhoneFormSet(request.POST, prefix="phones", initial=phone_initial(service))
        schedules = ScheduleFormSet(request.POST, prefix="hours", initial=schedule_initial(service))
        if form.is_valid() and phones.is_valid() and schedules.is_valid():
            try:
                services.service_update(
                    actor=request.user,
                    service=service,
                    changes=form.changes(),
                    spanish=form.spanish(),
                    phones=[p for f in phones.forms if (p := f.to_data()) is not None],
                    schedules=[s for f in schedules.forms if (s := f.to_data()) is not None],
                    unchanged_since=form.cleaned_data["version"],
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The listing was saved."))
                return HttpResponseRedirect(reverse("directory_staff:service", args=[service.pk]))
    else:
        form = ServiceForm(instance=service)
        phones = PhoneFormSet(prefix="phones", initial=phone_initial(service))
        schedules = ScheduleFormSet(prefix="hours", initial=schedule_initial(service))
    return render(
        request,
        "directory_upkeep/service_edit.html",
        {"service": service, "form": form, "phones": phones, "schedules": schedules},
        status=200 if request.method != "POST" else 400,
    )


@staff_view(
    roles=UPKEEP_ROLES,
    scope=Scope.ORGANIZATION,
    methods=("POST",),
    cross_organization_roles=CROSS_ROLES,
)
def service_verify(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = get_object_or_404(permissions.editable_services_for(request.user), pk=service_id)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.service_verify(
                actor=request.user,
                service=service,
                verified_on=form.cleaned_data["verified_on"],
                method=form.cleaned_data["method"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Marked as verified."))
            if request.POST.get("next") == "stale":
                return HttpResponseRedirect(reverse("directory_staff:stale"))
            return HttpResponseRedirect(reverse("directory_staff:service", args=[service.pk]))
    context = _service_context(request, service)
    context["verify_form"] = form
    return render(request, "directory_upkeep/service.html", context, status=400)


@staff_view(
    roles=ANY_STAFF,
    scope=Scope.ORGANIZATION,
    methods=("POST",),
    cross_organization_roles=CROSS_ROLES,
)
def service_capacity(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = get_object_or_404(permissions.capacity_services_for(request.user), pk=service_id)
    form = CapacityForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            services.service_capacity_update(
                actor=request.user, service=service, available=form.cleaned_data["available"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            saved = True
    if request.headers.get("HX-Request"):
        return render(
            request,
            "directory_upkeep/_capacity_form.html",
            {"service": service, "capacity_form": form, "saved": saved, **_capacity_now(service)},
        )
    if saved:
        messages.success(request, _("Beds available were updated."))
        return HttpResponseRedirect(reverse("directory_staff:service", args=[service.pk]))
    context = _service_context(request, service)
    context["capacity_form"] = form
    return render(request, "directory_upkeep/service.html", context, status=400)


@staff_view(
    roles=UPKEEP_ROLES,
    scope=Scope.ORGANIZATION,
    methods=("GET", "HEAD", "POST"),
    cross_organization_roles=CROSS_ROLES,
)
def location_edit(request: HttpRequest, location_id: uuid.UUID) -> HttpResponse:
    location = get_object_or_404(permissions.editable_locations_for(request.user), pk=location_id)
    if request.method == "POST":
        form = LocationForm(request.POST, instance=directory.Location.objects.get(pk=location.pk))
        if form.is_valid():
            try:
                services.location_update(
                    actor=request.user,
                    location=location,
                    changes=form.changes(),
                    spanish=form.spanish(),
                    address=form.address(),
                    unchanged_since=form.cleaned_data["version"],
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The place was saved."))
                return HttpResponseRedirect(reverse("directory_staff:home"))
    else:
        form = LocationForm(instance=location)
    return render(
        request,
        "directory_upkeep/location_edit.html",
        {"location": location, "form": form},
        status=200 if request.method != "POST" else 400,
    )


@staff_view(
    roles=UPKEEP_ROLES,
    scope=Scope.ORGANIZATION,
    methods=("GET", "HEAD", "POST"),
    cross_organization_roles=CROSS_ROLES,
)
def organization_edit(request: HttpRequest, organization_id: uuid.UUID) -> HttpResponse:
    organization = get_object_or_404(
        permissions.editable_organizations_for(request.user), pk=organization_id
    )
    may_assign = permissions.can_assign_partner(request.user)
    if request.method == "POST":
        form = OrganizationForm(
            request.POST,
            instance=directory.Organization.objects.get(pk=organization.pk),
            can_assign_partner=may_assign,
        )
        if form.is_valid():
            extra: dict[str, Any] = {}
            if may_assign:
                extra["partner"] = form.cleaned_data.get("partner")
            try:
                services.organization_update(
                    actor=request.user,
                    organization=organization,
                    changes=form.changes(),
                    spanish=form.spanish(),
                    unchanged_since=form.cleaned_data["version"],
                    **extra,
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The organization was saved."))
                return HttpResponseRedirect(reverse("directory_staff:home"))
    else:
        form = OrganizationForm(instance=organization, can_assign_partner=may_assign)
    return render(
        request,
        "directory_upkeep/organization_edit.html",
        {"organization": organization, "form": form},
        status=200 if request.method != "POST" else 400,
    )


@staff_view(
    roles=UPKEEP_ROLES,
    scope=Scope.NONE,
    methods=("GET", "HEAD"),
    cross_organization_roles=CROSS_ROLES,
)
def stale(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.stale_services_for(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directory_upkeep/stale.html",
        {"page": page, "days": selectors.stale_after_days(), "verify_form": VerifyForm()},
    )


@staff_view(
    roles=UPKEEP_ROLES,
    scope=Scope.NONE,
    methods=("GET", "HEAD"),
    cross_organization_roles=CROSS_ROLES,
)
def reports(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.pending_reports_for(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "directory_upkeep/reports.html", {"page": page})


@staff_view(
    roles=UPKEEP_ROLES,
    scope=Scope.ORGANIZATION,
    methods=("POST",),
    cross_organization_roles=CROSS_ROLES,
)
def report_decide(request: HttpRequest, report_id: uuid.UUID) -> HttpResponse:
    report = get_object_or_404(
        ProblemReport.objects.filter(
            service__in=permissions.editable_services_for(request.user).values("pk")
        ),
        pk=report_id,
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose Accept or Reject."))
    else:
        try:
            services.problem_report_decide(
                actor=request.user, report=report, accept=form.cleaned_data["decision"] == "accept"
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The report was reviewed."))
    return HttpResponseRedirect(reverse("directory_staff:reports"))


# --- Import and export of the whole directory (coordinators) ---------------------------

UNFINISHED = frozenset({directory.ImportStatus.PENDING, directory.ImportStatus.RUNNING})
SUMMARY_KEYS = ("created", "updated", "unchanged", "removed")


def _job_row(job: directory.ImportJob) -> dict[str, Any]:
    summary = job.summary or {}
    return {
        "job": job,
        "name": Path(job.file_name).name,
        "finished": job.status not in UNFINISHED,
        "counts": {key: sum((summary.get(key) or {}).values()) for key in SUMMARY_KEYS},
        # A finished run stores its counts with its problems (a crash stores neither).
        "error_count": summary.get("error_count", 0),
        "warning_count": summary.get("warning_count", 0),
    }


def _imports_page(
    request: HttpRequest, form: ImportUploadForm | None = None, *, status: int = 200
) -> HttpResponse:
    jobs = directory.ImportJob.objects.select_related("created_by").defer("errors", "warnings")
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "directory_upkeep/imports.html",
        {
            "page": page,
            "rows": [_job_row(job) for job in page],
            "form": form or ImportUploadForm(),
            "limit_mb": directory_services.MAX_UPLOAD_BYTES // (1024 * 1024),
        },
        status=status,
    )


@staff_view(roles=IMPORT_EXPORT_ROLES, scope=Scope.NONE, methods=("GET", "HEAD"))
def imports(request: HttpRequest) -> HttpResponse:
    """Recent import jobs, and the form to upload a file (posted to ``import_create``)."""
    return _imports_page(request)


@staff_view(roles=IMPORT_EXPORT_ROLES, scope=Scope.NONE, methods=("POST",))
def import_create(request: HttpRequest) -> HttpResponse:
    """Store the upload as an import job; the task worker checks and imports it."""
    form = ImportUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # import_job_create audits the upload; the run audits what it wrote.
            job = directory_services.import_job_create(
                actor=request.user,  # type: ignore[arg-type]
                content=upload,
                file_name=upload.name or "upload",
                file_format=form.cleaned_data["file_format"],
                dry_run=form.cleaned_data["dry_run"],
                entity=form.cleaned_data["record_type"],
                enqueue=True,
            )
        except directory_services.ImportRejected:
            form.add_error("file", _("This file cannot be imported. Check its size and format."))
        else:
            return HttpResponseRedirect(
                reverse("directory_staff:import_job", args=[job.pk]), status=303
            )
    return _imports_page(request, form, status=400)


def _problems(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored problems, their sentence re-rendered in the reader's language."""
    rows = []
    for item in items:
        message = item.get("message", "")
        if item.get("code"):
            message = importing.problem_message(item["code"], item.get("params") or {})
        rows.append(
            {
                "file": item.get("file") or "",
                "row": item.get("row"),
                "field": item.get("field") or "",
                "message": message,
            }
        )
    return rows


def _summary_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per record type the run touched, in HSDS order."""
    tables = {table for key in SUMMARY_KEYS for table in (summary.get(key) or {})}
    order = {table: index for index, table in enumerate(hsds.TABLE_ORDER)}
    return [
        {"table": table, **{key: (summary.get(key) or {}).get(table, 0) for key in SUMMARY_KEYS}}
        for table in sorted(tables, key=lambda t: (order.get(t, len(order)), t))
    ]


@staff_view(roles=IMPORT_EXPORT_ROLES, scope=Scope.NONE, methods=("GET", "HEAD"))
def import_job(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = get_object_or_404(directory.ImportJob.objects.select_related("created_by"), pk=job_id)
    row = _job_row(job)
    context: dict[str, Any] = {
        **row,
        "errors": _problems(job.errors),
        "warnings": _problems(job.warnings),
        "summary_rows": _summary_rows(job.summary or {}),
        "percent": (
            round(100 * job.progress_done / job.progress_total) if job.progress_total else None
        ),
    }
    if job.status == directory.ImportStatus.VALIDATED:
        # The upload is deleted once a job has run (import_job_run), dry runs included:
        # keeping it for a later "import it for real" would leave files of up to 200 MB
        # waiting for a clean-up nobody schedules, on a disk another server may not share.
        # Choosing the file again costs one click, and the real run checks it again anyway.
        again = ImportUploadForm(
            initial={"file_format": job.format, "record_type": job.entity, "dry_run": False}
        )
        again.fields["dry_run"].widget = forms.HiddenInput()
        context["again_form"] = again
    return render(request, "directory_upkeep/import_job.html", context)


EXPORT_UNFINISHED = frozenset({directory.ExportStatus.PENDING, directory.ExportStatus.RUNNING})


def _exports_of(user: Any) -> Any:
    """A coordinator's own exports: nobody else may follow or download them."""
    return directory.ExportJob.objects.filter(created_by=user)


def _export_gone(job: directory.ExportJob) -> bool:
    """The export's file was deleted, or is past its time and about to be."""
    return job.status == directory.ExportStatus.EXPIRED or (
        job.status == directory.ExportStatus.READY
        and job.expires_at is not None
        and job.expires_at <= timezone.now()
    )


def _export_context(job: directory.ExportJob) -> dict[str, Any]:
    return {
        "job": job,
        "name": Path(job.file_name).name,
        "finished": job.status not in EXPORT_UNFINISHED,
        "gone": _export_gone(job),
        "percent": (
            round(100 * job.progress_done / job.progress_total) if job.progress_total else None
        ),
    }


# Every export page asks who is there when the last sign-in is old: they lead to a copy
# of the whole directory.
@staff_view(
    roles=IMPORT_EXPORT_ROLES,
    scope=Scope.NONE,
    reauthenticate=True,
    methods=("GET", "HEAD", "POST"),
)
def export(request: HttpRequest) -> HttpResponseBase:
    """Ask for the directory as HSDS JSON or the CSV package; the task worker builds the
    file (withholding confidential places) and the coordinator follows it, then
    downloads it. Lists the coordinator's own recent exports."""
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        file_format, kind, name = form.export()
        # export_job_create audits the request; the run audits the export itself.
        job = directory_services.export_job_create(
            actor=request.user,  # type: ignore[arg-type]
            file_format=file_format,
            kind=kind,
            file_name=name,
        )
        return HttpResponseRedirect(
            reverse("directory_staff:export_job", args=[job.pk]), status=303
        )
    jobs = [_export_context(job) for job in _exports_of(request.user)[:10]]
    return render(
        request,
        "directory_upkeep/export.html",
        {
            "form": form if request.method == "POST" else ExportForm(),
            "jobs": jobs,
            "keep_hours": int(directory_services.EXPORT_KEEP.total_seconds() // 3600),
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_view(
    roles=IMPORT_EXPORT_ROLES, scope=Scope.NONE, reauthenticate=True, methods=("GET", "HEAD")
)
def export_job(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """One export's progress, then its download link (for the coordinator who asked)."""
    job = get_object_or_404(_exports_of(request.user), pk=job_id)
    return render(request, "directory_upkeep/export_job.html", _export_context(job))


@staff_view(
    roles=IMPORT_EXPORT_ROLES, scope=Scope.NONE, reauthenticate=True, methods=("GET", "HEAD")
)
def export_download(request: HttpRequest, job_id: uuid.UUID) -> HttpResponseBase:
    """The finished file, to the coordinator who asked for it only; audited."""
    job = get_object_or_404(_exports_of(request.user), pk=job_id)
    if job.status not in (directory.ExportStatus.READY, directory.ExportStatus.EXPIRED):
        raise Http404(_("This export has no file to download."))
    if _export_gone(job) or not default_storage.exists(job.file_name):
        return render(request, "directory_upkeep/export_job.html", _export_context(job), status=410)
    name = Path(job.file_name).name
    handle = default_storage.open(job.file_name, "rb")
    directory_services.export_job_downloaded(actor=request.user, job=job)  # type: ignore[arg-type]
    return FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type="application/zip" if name.endswith(".zip") else "application/json",
    )
