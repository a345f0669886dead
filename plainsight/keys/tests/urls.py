"""Test-only views that use the session keyring the real login opened (not product URLs).

People sign in through the project's real login pages (included below); these views
stand for the later features that read and write protected data with ``keyring_for``.
"""

from __future__ import annotations

import base64

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as project_urlpatterns
from plainsight.keys import data
from plainsight.keys.errors import DecryptionFailed, OrganizationKeysMissing
from plainsight.keys.selectors import keyring_for
from plainsight.partners.models import Organization


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


@csrf_exempt
def encrypt(request: HttpRequest, organization_id: str) -> HttpResponse:
    """Encrypt the posted text for the organization with the session keyring."""
    organization = Organization.objects.get(pk=organization_id)
    try:
        ciphertext = data.encrypt_for_organization(
            keyring=keyring_for(request),
            organization=organization,
            plaintext=request.POST["text"].encode(),
            associated_data=b"test:note",
        )
    except OrganizationKeysMissing:
        return HttpResponse("no keys for that organization", status=403)
    return JsonResponse({"ciphertext": base64.b64encode(ciphertext).decode()})


@csrf_exempt
def decrypt(request: HttpRequest, organization_id: str) -> HttpResponse:
    """Decrypt the posted ciphertext as the organization's, with the session keyring."""
    organization = Organization.objects.get(pk=organization_id)
    try:
        plaintext = data.decrypt(
            keyring=keyring_for(request),
            organization=organization,
            ciphertext=base64.b64decode(request.POST["ciphertext"]),
            associated_data=b"test:note",
        )
    except OrganizationKeysMissing:
        return HttpResponse("no keys for that organization", status=403)
    except DecryptionFailed:
        return HttpResponse("does not open", status=422)
    return JsonResponse({"text": plaintext.decode()})


urlpatterns = [
    *project_urlpatterns,  # so the staff layout's links resolve
    path("index/<uuid:organization_id>/", index_value),
    path("encrypt/<uuid:organization_id>/", encrypt),
    path("decrypt/<uuid:organization_id>/", decrypt),
    path("held/", held),
    path("plain/", no_keys_needed),
]
