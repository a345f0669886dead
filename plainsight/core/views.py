"""Public pages that belong to no single capability: the start page and errors."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views import csrf
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


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the forgery check (settings.CSRF_FAILURE_VIEW).

    Most often the token cookie expired, was cleared or is blocked. A view that can show
    its form again, with what was entered, says how in a ``csrf_failure`` attribute
    (the Find help search); any other form gets Django's own page.
    """
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    handler = getattr(match.func, "csrf_failure", None) if match else None
    if handler is not None and match is not None:
        response: HttpResponse = handler(request, *match.args, **match.kwargs)
        return response
    return csrf.csrf_failure(request, reason)
