"""Browser-test support: Debian's chromium through Playwright, and axe-core.

Used by the fixtures in tests/e2e/conftest.py; importable by any app's browser tests.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

CHROMIUM = Path(os.environ.get("PLAINSIGHT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--metrics-recording-only",
    "--no-default-browser-check",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
NEUTRAL_TITLE = "Weather"
NEUTRAL_PAGE = (
    f"<!doctype html><html lang='en'><head><title>{NEUTRAL_TITLE}</title></head>"
    "<body><h1>Weather</h1><p>Sunny, 72°F.</p></body></html>"
)
# A page the visitor was on before coming to the site (Back should lead there).
BEFORE_TITLE = "Before"
BEFORE_PAGE = f"data:text/html,<!doctype html><title>{BEFORE_TITLE}</title><p>Somewhere else</p>"


@dataclass
class BrowserHarness:
    """Opens pages in fresh contexts that may talk only to the live server."""

    chromium: Any
    server_url: str
    neutral_url: str
    contexts: list[Any] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    neutral_visits: list[str] = field(default_factory=list)
    console_messages: list[tuple[str, str]] = field(default_factory=list)
    navigations: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._server = urlsplit(self.server_url)
        self._neutral = urlsplit(self.neutral_url)

    def url(self, path: str) -> str:
        return self.server_url + path

    def new_context(self, **options: Any) -> Any:
        options.setdefault("viewport", PHONE)
        options.setdefault("locale", "en-US")
        context = self.chromium.new_context(**options)
        context.route("**/*", self._guard)
        self.contexts.append(context)
        return context

    def new_page(self, **options: Any) -> Any:
        page = self.new_context(**options).new_page()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_messages.append((str(error), "")))
        page.on("request", self._on_request)
        return page

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.console_messages.append((message.text, message.location.get("url", "")))

    def _on_request(self, request: Any) -> None:
        if request.is_navigation_request():
            self.navigations.add(request.url)

    @property
    def console_errors(self) -> list[str]:
        """Errors the browser reported (CSP violations show here), except a page that was
        opened on purpose answering 404 or 500."""
        return [
            text
            for text, url in self.console_messages
            if not (
                text.startswith("Failed to load resource: the server responded with a status of")
                # The page's address may end in a fragment ("#results"); its request not.
                and url.split("#", 1)[0] in self.navigations
            )
        ]

    def _guard(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in {"http", "https"} and parts.netloc == self._server.netloc:
            route.continue_()
        elif (parts.scheme, parts.netloc) == (self._neutral.scheme, self._neutral.netloc):
            self.neutral_visits.append(url)
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=NEUTRAL_PAGE)
        else:
            self.foreign_requests.append(url)
            route.abort("blockedbyclient")

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


def assert_off_site(page: Any, harness: BrowserHarness) -> None:
    assert not page.url.startswith(harness.server_url), f"Back returned to the site: {page.url}"


def quick_exit_leaves(page: Any, harness: BrowserHarness, *, javascript: bool = True) -> None:
    """Click the page's quick exit: the neutral site shows.

    With JavaScript the site's page is *replaced* in the history (its length does not
    change), so a page opened straight after ``BEFORE_PAGE`` leaves nothing to go Back to:
    Back leads to ``BEFORE_PAGE``. Without JavaScript the button is a plain link (and
    ``page.evaluate`` would hang), so only the arrival is checked.
    """
    length = page.evaluate("history.length") if javascript else None
    page.locator("[data-quick-exit]").click()
    page.wait_for_url(harness.neutral_url)
    assert page.title() == NEUTRAL_TITLE
    assert harness.neutral_visits[-1:] == [harness.neutral_url]
    if javascript:
        assert page.evaluate("history.length") == length, "quick exit added a history entry"


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-results/screenshots/ for review."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")
    path = Path(settings.BASE_DIR) / "test-results" / "screenshots" / f"{safe}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


# axe-core rule tags checked on every public page: WCAG 2.0, 2.1 and 2.2 at levels A and
# AA, plus Deque's best practices (landmarks, one main heading, …).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (shipped by axe-playwright-python) in the page as it is, under the
    page's own Content-Security-Policy (DevTools evaluation is not subject to it)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    return list(results.response["violations"])


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)
