"""Real-browser tests: Playwright (sync API) driving Debian's chromium against a live server.

Every test gets a fresh browser context (no cookies, cache or storage from another
test) from the ``browser`` harness. Any request to a host other than the live server is
blocked and fails the test — PlainSight pages must make no third-party request — except
the neutral site quick exit leads to, which is answered with a tiny local page because
these tests have no internet.

Tests in this folder are marked ``e2e`` automatically and run as part of ``make test``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plainsight.testing.browser import CHROMIUM, CHROMIUM_ARGS, BrowserHarness

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package", autouse=True)
def _allow_sync_database_calls_next_to_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in the test's thread; Django would then
    refuse the test's own (synchronous) database calls. Only for this package's tests."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def chromium(_allow_sync_database_calls_next_to_playwright: None) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: run `apt-get install chromium` "
            "(.ci/run does), or set PLAINSIGHT_CHROMIUM to its path.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # No user_data_dir: Playwright gives the browser a fresh temporary profile,
        # removed when it closes.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser(chromium: Any, live_server: Any, settings: Any) -> Iterator[BrowserHarness]:
    harness = BrowserHarness(
        chromium=chromium, server_url=live_server.url, neutral_url=settings.QUICK_EXIT_URL
    )
    try:
        yield harness
    finally:
        harness.close()
    if harness.foreign_requests:
        pytest.fail(
            "the page requested another host (no third-party request is allowed):\n  "
            + "\n  ".join(harness.foreign_requests),
            pytrace=False,
        )
    if harness.console_errors:
        pytest.fail(
            "the browser reported errors (a CSP violation shows here):\n  "
            + "\n  ".join(harness.console_errors),
            pytrace=False,
        )
