"""The public "report a problem with this listing" form (no account, nothing stored
about who sends it; limited per listing and overall, never per visitor)."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from plainsight.directory import models as directory
from plainsight.directory.search.documents import INDEXED_STATUSES
from plainsight.directory.search.translations import in_language
from plainsight.directory.upkeep import services
from plainsight.directory.upkeep.forms import ProblemReportForm


def _service(service_id: uuid.UUID) -> directory.Service:
    return get_object_or_404(
        directory.Service.objects.select_related("organization"),
        pk=service_id,
        status__in=INDEXED_STATUSES,
    )


def _name(service: directory.Service) -> str:
    return in_language(service, "name", (get_language() or "en").split("-")[0])


@require_http_methods(["GET", "HEAD", "POST"])
def report_problem(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = _service(service_id)
    status = 200
    if request.method == "POST":
        form = ProblemReportForm(request.POST)
        if form.is_valid():
            thanks = reverse("directory_report:thanks", args=[service.pk])
            if form.is_robot():
                return HttpResponseRedirect(thanks, status=303)
            try:
                services.problem_report_submit(
                    service=service,
                    kind=form.cleaned_data["kind"],
                    details=form.cleaned_data["details"],
                )
            except services.ReportLimitReached:
                form.add_error(
                    None,
                    _(
                        "We have received many reports in the last hour. Please try again "
                        "later. Thank you for helping."
                    ),
                )
                status = 429
            else:
                return HttpResponseRedirect(thanks, status=303)
        else:
            status = 400
    else:
        form = ProblemReportForm()
    return render(
        request,
        "directory_upkeep/report.html",
        {"service": service, "name": _name(service), "form": form},
        status=status,
    )


def _report_refused(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """The form again after the forgery check refused it (core.views.csrf_failure),
    most often because its cookie expired or was cleared while the person wrote:
    nothing is sent, and what they wrote stays in the form, with a fresh token."""
    service = _service(service_id)
    form = ProblemReportForm(request.POST)
    form.is_valid()
    form.add_error(
        None,
        _(
            "Your report was not sent. What you wrote is still here: press Send report "
            "again. If this happens every time, allow cookies for this site: this form "
            "needs one."
        ),
    )
    return render(
        request,
        "directory_upkeep/report.html",
        {"service": service, "name": _name(service), "form": form},
        status=403,
    )


report_problem.csrf_failure = _report_refused  # type: ignore[attr-defined]


@require_safe
def report_thanks(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = _service(service_id)
    return render(
        request, "directory_upkeep/report_thanks.html", {"service": service, "name": _name(service)}
    )
