"""Middleware that keeps visitors anonymous and sets the privacy headers."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Request headers that identify a visitor or their device. They are removed before any
# view, library, log handler or error report can see them.
IDENTIFYING_META = (
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_X_CLIENT_IP",
    "HTTP_X_CLUSTER_CLIENT_IP",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_PLATFORM",
    "HTTP_SEC_CH_UA_MOBILE",
    "REMOTE_HOST",
)
# The unspecified address: libraries that insist on an address get one that says nothing.
ANONYMOUS_ADDRESS = "0.0.0.0"  # noqa: S104 — a value, not a bind address


class ForgetVisitorMiddleware:
    """Strip the visitor's IP address and user agent from every request.

    PlainSight promises reporters that no IP address or user agent is written anywhere.
    Doing it here, outermost, means no later code has to remember the promise.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        for key in IDENTIFYING_META:
            meta.pop(key, None)
        meta["REMOTE_ADDR"] = ANONYMOUS_ADDRESS
        return self.get_response(request)


class PrivacyHeadersMiddleware:
    """Permissions-Policy on every response; no-store on everything dynamic.

    Static files (served by WhiteNoise below this middleware) keep their own caching
    headers; every other response must not be kept by the browser or a proxy, so that a
    shared phone's cache does not show where its owner looked for help.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if not request.path.startswith(settings.STATIC_URL):
            response.headers["Cache-Control"] = "no-store, max-age=0"
            response.headers.pop("Expires", None)
        if request.path.startswith(("/staff/", "/accounts/")):
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


class SameOriginNullOriginMiddleware:
    """Let same-origin form posts through Django's CSRF origin check under no-referrer.

    With ``Referrer-Policy: no-referrer`` browsers send ``Origin: null`` (and no
    Referer) on form posts, even to the same site, so Django's origin check refuses
    every form. ``Sec-Fetch-Site`` is set by the browser alone (pages cannot forge
    it): when it says ``same-origin``, the request's own origin is restored before
    ``CsrfViewMiddleware`` runs. The CSRF token is still checked as always; a
    cross-site or unknown post keeps ``Origin: null`` and is refused.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if meta.get("HTTP_ORIGIN") == "null" and meta.get("HTTP_SEC_FETCH_SITE") == "same-origin":
            meta["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        return self.get_response(request)
