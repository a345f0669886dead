"""The server-error page in a real browser: quick exit, help numbers, accessible."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import path

from plainsight.testing.browser import (
    DESKTOP,
    PHONE,
    BrowserHarness,
    axe_violations,
    describe_violations,
    screenshot,
)


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def _urlpatterns() -> list:
    from config import urls

    return [path("boom/", _boom), *urls.urlpatterns]


urlpatterns = _urlpatterns()
handler404 = "plainsight.core.views.error_404"
handler500 = "plainsight.core.views.error_500"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_server_error_page(
    browser: BrowserHarness, settings: Any, language: str, viewport: dict[str, int]
) -> None:
    settings.ROOT_URLCONF = __name__
    page = browser.new_page(viewport=viewport, locale=language)
    response = page.goto(browser.url("/boom/"))
    assert response is not None and response.status == 500
    screenshot(page, f"server-error-{language}-{'phone' if viewport == PHONE else 'desktop'}")
    assert page.locator("html").get_attribute("lang") == language
    main = page.inner_text("main")
    assert "911" in main and "1-888-373-7888" in main and "233733" in main
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    # Quick exit works here too, and the error page is not left in the history.
    page.locator("[data-quick-exit]").click()
    page.wait_for_url(settings.QUICK_EXIT_URL)
    page.go_back()
    assert not page.url.startswith(browser.server_url), page.url
