"""Every response carries the security headers: pages, redirects, 404, 500, static."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import path

from plainsight.testing.urls import iter_routes

pytestmark = pytest.mark.django_db

REQUIRED_PERMISSIONS = ("geolocation=()", "camera=()", "microphone=()")


def assert_security_headers(response: Any, *, dynamic: bool = True) -> None:
    where = f"{response.request['PATH_INFO']} ({response.status_code})"
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, f"no CSP on {where}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert "frame-ancestors 'none'" in csp, where
    assert "default-src 'self'" in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "no-referrer", where
    permissions = response.headers.get("Permissions-Policy", "")
    for item in REQUIRED_PERMISSIONS:
        assert item in permissions, f"{item} missing on {where}"
    if dynamic:
        assert "no-store" in response.headers.get("Cache-Control", ""), where


def test_every_url_pattern_answers_with_security_headers(client: Client) -> None:
    routes = list(iter_routes())
    assert len(routes) > 3
    for route in routes:
        for method in ("get", "post"):
            response = getattr(client, method)(route.sample_path)
            assert_security_headers(response)


def test_root_redirect_by_browser_language_has_headers(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert response.status_code == 302
    assert response.headers["Location"] == "/es/"
    assert_security_headers(response)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.headers["Location"] == "/en/"


def test_not_found_page_has_headers_and_quick_exit(client: Client) -> None:
    response = client.get("/es/no-existe/")
    assert response.status_code == 404
    assert_security_headers(response)
    assert b"data-quick-exit" in response.content
    assert "Página no encontrada" in response.content.decode()


def test_static_files_have_headers_but_may_be_cached(client: Client) -> None:
    response = client.get("/static/css/public.css")
    assert response.status_code == 200
    assert_security_headers(response, dynamic=False)
    assert "Access-Control-Allow-Origin" not in response.headers


def _boom(request):  # pragma: no cover - raises by design
    raise RuntimeError("boom")


def _urlpatterns() -> list:
    from config import urls

    return [path("boom/", _boom), *urls.urlpatterns]


urlpatterns = _urlpatterns()
handler500 = "plainsight.core.views.error_500"


def test_server_error_page_has_headers_and_quick_exit(settings) -> None:
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_security_headers(response)
    assert b"quick-exit" in response.content


def test_production_settings_add_hsts_and_secure_cookies(settings, client: Client) -> None:
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_SSL_REDIRECT = False
    response = client.get("/en/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_nonce_is_fresh_per_response(client: Client) -> None:
    first = client.get("/en/").headers["Content-Security-Policy"]
    second = client.get("/en/").headers["Content-Security-Policy"]
    assert "'nonce-" in first and first != second
