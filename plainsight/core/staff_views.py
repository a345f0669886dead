"""The staff app's home: where each area of work starts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from plainsight.accounts.access import ANY_STAFF, staff_view


@staff_view(roles=ANY_STAFF)
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/home.html")
