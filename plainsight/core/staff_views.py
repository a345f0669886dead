"""The staff app's home: where each area of work starts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/home.html")
