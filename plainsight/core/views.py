"""Public pages that belong to no single capability: the start page and errors."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from plainsight.core import deployment


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The start page: how to get help now, before anything else."""
    return render(
        request,
        "public/home.html",
        {"local_lines": deployment.local_lines(), "region": deployment.region_name()},
    )


@require_safe
def safety(request: HttpRequest) -> HttpResponse:
    """How to browse safely: quick exit, history, shared phones."""
    return render(request, "public/safety.html")


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "public/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # Only what cannot fail again: a plain, translated page that still has quick exit.
    return render(
        request,
        "public/500.html",
        {"quick_exit_url": settings.QUICK_EXIT_URL},
        status=500,
    )
