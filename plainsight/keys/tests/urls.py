"""Test-only views that drive the real login/keyring/middleware path (not product URLs)."""

from __future__ import annotations

from django.contrib.auth import authenticate, get_user_model, login, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from plainsight.keys import data
from plainsight.keys.errors import OrganizationKeysMissing
from plainsight.keys.selectors import keyring_for
from plainsight.keys.services import keyring_unlock_at_login
from plainsight.partners.models import Organization

PENDING_USER = "_test_pending_user"


def sign_in(request: HttpRequest) -> HttpResponse:
    """Password check, login(), then unlock — the order of a one-step sign-in."""
    password = request.POST["password"]
    user = authenticate(request, username=request.POST["username"], password=password)
    if user is None:
        return HttpResponse(status=403)
    login(request, user)
    keyring_unlock_at_login(request=request, user=user, password=password)
    return HttpResponse("signed in")


def password_step(request: HttpRequest) -> HttpResponse:
    """First step of a two-factor sign-in: unlock now, log in after the second factor."""
    password = request.POST["password"]
    user = authenticate(request, username=request.POST["username"], password=password)
    if user is None:
        return HttpResponse(status=403)
    keyring_unlock_at_login(request=request, user=user, password=password)
    request.session[PENDING_USER] = user.pk
    return HttpResponse("second factor please")


def second_factor_step(request: HttpRequest) -> HttpResponse:
    user = get_user_model().objects.get(pk=request.session.pop(PENDING_USER))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponse("signed in")


def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponse("signed out")


def index_value(request: HttpRequest, organization_id: str) -> HttpResponse:
    """Uses the keyring (via request.keyring, lazily) to compute a blind index."""
    organization = Organization.objects.get(pk=organization_id)
    try:
        index = data.blind_index(
            keyring=request.keyring,  # type: ignore[attr-defined]
            organization=organization,
            field="name",
            value="probe",
        )
    except OrganizationKeysMissing:
        return HttpResponse("no keys for that organization", status=403)
    return JsonResponse({"index": index})


def held(request: HttpRequest) -> HttpResponse:
    keyring = keyring_for(request)
    return JsonResponse({"organizations": sorted(str(org) for org in keyring.organization_ids)})


def no_keys_needed(request: HttpRequest) -> HttpResponse:
    return HttpResponse("fine")


urlpatterns = [
    *project_urlpatterns,  # so the staff layout's links resolve
    path("sign-in/", sign_in),
    path("password-step/", password_step),
    path("second-factor/", second_factor_step),
    path("sign-out/", sign_out),
    path("index/<uuid:organization_id>/", index_value),
    path("held/", held),
    path("plain/", no_keys_needed),
]
