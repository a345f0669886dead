"""The public site in a real browser: help lines, languages, quick exit, accessibility."""

from __future__ import annotations

import pytest
from django.conf import settings

from plainsight.testing.browser import (
    BEFORE_PAGE,
    BEFORE_TITLE,
    DESKTOP,
    PHONE,
    BrowserHarness,
    assert_off_site,
    axe_violations,
    describe_violations,
    quick_exit_leaves,
    screenshot,
)
from plainsight.testing.urls import iter_routes

# What the start page must say, in each language (see shared domain facts).
START_PAGE = {
    "en": {
        "call_911": "Call 911",
        "hotline_call": "Call 1-888-373-7888",
        "hotline_text": "Text 233733",
        "makes_report": "This call makes a report.",
        "no_police": "You do not have to go to the police",
        "quick_exit": "Quick exit",
        "safety_heading": "Stay safe online",
    },
    "es": {
        "call_911": "Llame al 911",
        "hotline_call": "Llame al 1-888-373-7888",
        "hotline_text": "Envíe un texto al 233733",
        "makes_report": "Esta llamada hace un reporte.",
        "no_police": "No tiene que ir a la policía",
        "quick_exit": "Salida rápida",
        "safety_heading": "Navegar con seguridad",
    },
}
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _public_paths() -> list[str]:
    """Every public (language-prefixed) URL pattern, plus a page that does not exist."""
    paths = {r.sample_path for r in iter_routes() if r.sample_path.startswith("/en/")}
    paths.add("/en/no-such-page/")
    return sorted(p.removeprefix("/en/") for p in paths)


@pytest.mark.parametrize("language", LANGUAGES)
def test_start_page_tells_how_to_get_help_now(browser: BrowserHarness, language: str) -> None:
    text = START_PAGE[language]
    page = browser.new_page()
    response = page.goto(browser.url(f"/{language}/"))
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == language

    call_911 = page.locator('a[href="tel:911"]')
    assert call_911.inner_text().strip() == text["call_911"]
    assert page.locator('a[href="tel:+18883737888"]').inner_text().strip() == text["hotline_call"]
    assert page.locator('a[href="sms:233733"]').inner_text().strip() == text["hotline_text"]
    assert page.get_by_role("heading", name=text["no_police"]).is_visible()

    # The Kern child-abuse line says that calling it makes a report.
    kern = page.locator("li.line", has=page.locator('a[href="tel:+16616316011"]'))
    assert kern.count() == 1
    assert "(661) 631-6011" in kern.inner_text()
    assert text["makes_report"] in kern.inner_text()
    # …and no other line is labelled that way.
    assert page.get_by_text(text["makes_report"]).count() == 1

    # The style sheet loaded (served by the site itself, allowed by the CSP).
    quick_exit = page.locator("[data-quick-exit]")
    assert quick_exit.inner_text().strip() == text["quick_exit"]
    colour = quick_exit.evaluate("element => getComputedStyle(element).backgroundColor")
    assert colour == "rgb(161, 18, 26)", colour
    screenshot(page, f"start-{language}-phone")


@pytest.mark.parametrize(("accept", "expected"), [("es-MX", "es"), ("en-US", "en")])
def test_root_follows_the_browsers_language(
    browser: BrowserHarness, accept: str, expected: str
) -> None:
    page = browser.new_page(locale=accept)
    page.goto(browser.url("/"))
    assert page.url == browser.url(f"/{expected}/")
    assert page.locator("html").get_attribute("lang") == expected


def test_language_switch_keeps_the_page(browser: BrowserHarness) -> None:
    page = browser.new_page()
    page.goto(browser.url("/en/safety/"))
    page.locator('nav.languages a[hreflang="es"]').click()
    page.wait_for_url(browser.url("/es/safety/"))
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == START_PAGE["es"]["safety_heading"]
    page.locator('nav.languages a[hreflang="en"]').click()
    page.wait_for_url(browser.url("/en/safety/"))
    assert page.get_by_role("heading", level=1).inner_text() == START_PAGE["en"]["safety_heading"]


def test_quick_exit_button_leaves_and_back_does_not_return(browser: BrowserHarness) -> None:
    page = browser.new_page()
    page.goto(BEFORE_PAGE)
    page.goto(browser.url("/en/safety/"))
    # The site's entry is replaced, not followed by a new one.
    quick_exit_leaves(page, browser)
    page.go_back()
    assert_off_site(page, browser)
    assert page.title() == BEFORE_TITLE
    assert browser.neutral_visits == [settings.QUICK_EXIT_URL]


def test_escape_three_times_leaves(browser: BrowserHarness) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(BEFORE_PAGE)
    page.goto(browser.url("/es/"))
    # Shown where a keyboard is likely (phones have no Esc key).
    assert page.locator("[data-quick-exit-hint]").is_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.url == browser.url("/es/"), "two presses must not leave"
    page.keyboard.press("Escape")
    page.wait_for_url(settings.QUICK_EXIT_URL)
    page.go_back()
    assert_off_site(page, browser)


def test_works_without_javascript(browser: BrowserHarness) -> None:
    page = browser.new_page(java_script_enabled=False)
    page.goto(browser.url("/en/"))
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator('a[href="tel:911"]').is_visible()
    # The Esc hint is only shown when the script that makes Esc work runs.
    assert not page.locator("[data-quick-exit-hint]").is_visible()
    # The language switch is a plain link.
    page.locator('nav.languages a[hreflang="es"]').click()
    page.wait_for_url(browser.url("/es/"))
    # Quick exit is a plain link to the neutral site.
    assert page.locator("[data-quick-exit]").get_attribute("href") == settings.QUICK_EXIT_URL
    quick_exit_leaves(page, browser, javascript=False)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", _public_paths(), ids=lambda p: p.strip("/") or "start")
def test_public_pages_are_accessible(
    browser: BrowserHarness, path: str, language: str, viewport: dict[str, int]
) -> None:
    page = browser.new_page(viewport=viewport)
    response = page.goto(browser.url(f"/{language}/{path}"))
    assert response is not None and response.status in {200, 404}
    name = f"{path.strip('/') or 'start'}-{language}-{'phone' if viewport == PHONE else 'desktop'}"
    screenshot(page, name)

    # Nothing is wider than the screen (no sideways scrolling on a phone).
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is wider than the screen: {widths}"

    # Quick exit is on every page, at the top even after scrolling, easy to hit.
    quick_exit = page.locator("[data-quick-exit]")
    for scroll in ("0", "document.body.scrollHeight"):
        page.evaluate(f"window.scrollTo(0, {scroll})")
        assert quick_exit.is_visible()
        box = quick_exit.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= 100, f"quick exit not at top: {box}"
        assert box["height"] >= 44 and box["width"] >= 44, f"quick exit is too small: {box}"
    page.evaluate("window.scrollTo(0, 0)")

    violations = axe_violations(page)
    assert not violations, f"accessibility problems on {page.url}:\n" + describe_violations(
        violations
    )


# --- The harness itself can fail ------------------------------------------------------


def test_axe_reports_a_real_problem(browser: BrowserHarness) -> None:
    page = browser.new_page()
    page.goto(browser.url("/en/"))
    page.evaluate(
        "() => { const b = document.createElement('button');"
        " document.querySelector('main').append(b); }"
    )
    assert "button-name" in {violation["id"] for violation in axe_violations(page)}


def test_requests_to_other_hosts_are_blocked_and_recorded(browser: BrowserHarness) -> None:
    # bypass_csp: the site's CSP would stop the request before it reaches the guard.
    page = browser.new_page(bypass_csp=True)
    page.goto(browser.url("/en/"))
    page.evaluate("fetch('https://cdn.example.net/font.woff2').catch(() => null)")
    page.wait_for_timeout(200)
    assert browser.foreign_requests == ["https://cdn.example.net/font.woff2"]
    browser.foreign_requests.clear()  # recorded as it should be: not a failure here
    browser.console_messages.clear()


def test_csp_violations_are_caught(browser: BrowserHarness) -> None:
    page = browser.new_page()
    page.goto(browser.url("/en/"))
    page.evaluate("document.querySelector('main').innerHTML += '<p style=\"color:red\">x</p>'")
    page.wait_for_timeout(200)
    assert any("Content Security Policy" in error for error in browser.console_errors)
    browser.console_messages.clear()  # caught as it should be: not a failure here
