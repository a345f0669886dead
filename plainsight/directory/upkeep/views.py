"""Staff screens for keeping the directory true (/staff/directory/…).

Thin HTTP: forms validate input, ``services`` change records (checking rights again),
``selectors`` and ``permissions`` decide what each person may see. Every screen works
without JavaScript; htmx only makes the capacity form update in place.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from plainsight.accounts.access import ANY_STAFF, Scope, staff_view
from plainsight.directory import models as directory
from plainsight.directory.upkeep import permissions, selectors, services
from plainsight.directory.upkeep.forms import (
    CapacityForm,
    DecisionForm,
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


def _errors_to_form(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


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
            .filter(capacities__isnull=False)
            .distinct()
            .order_by("name")[:20],
            "is_coordinator": permissions.is_coordinator(user),
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
        "capacity": service.capacities.select_related("unit").order_by("pk").first(),
        "verifications": VerificationLog.objects.filter(service=service).select_related(
            "verified_by"
        )[:10],
        "reports": selectors.pending_reports_for(request.user).filter(service=service),
        "locations": [
            sal.location for sal in service.service_at_locations.select_related("location")
        ],
    }


def _capacity_value(service: directory.Service) -> int | None:
    capacity = service.capacities.order_by("pk").first()
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
                )
            except ValidationError as error:
                _errors_to_form(form, error)
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
            _errors_to_form(form, error)
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
            _errors_to_form(form, error)
        else:
            saved = True
    capacity = service.capacities.select_related("unit").order_by("pk").first()
    if request.headers.get("HX-Request"):
        return render(
            request,
            "directory_upkeep/_capacity_form.html",
            {"service": service, "capacity_form": form, "capacity": capacity, "saved": saved},
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
                )
            except ValidationError as error:
                _errors_to_form(form, error)
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
                    **extra,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
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
