"""Staff login in a real browser (Playwright + Debian chromium) under the real CSP.

Form posts, the TOTP step, forced enrolment with its QR code, and a WebAuthn security
key (a virtual authenticator) — with no console error, so no CSP violation either.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt

from plainsight.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, enrol_totp, totp_code
from plainsight.partners.models import Role
from plainsight.partners.tests.factories import MembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path(os.environ.get("PLAINSIGHT_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium).")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # Playwright's sync API runs an event loop in this thread; the test's own
    # database calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium: Any, live_server: Any) -> Iterator[Any]:
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems
    yield page
    context.close()
    assert not problems, f"the browser reported errors (CSP violations show here): {problems}"


def _staff(role: str = Role.ORG_ADMIN, *, totp: bool = True) -> tuple[Any, str | None]:
    user = UserFactory.create(password=DEFAULT_PASSWORD)
    MembershipFactory.create(user=user, role=role)
    return user, enrol_totp(user) if totp else None


def _password_step(page: Any, email: str) -> None:
    page.goto("/staff/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/staff/account/login/" not in url)


def test_login_with_password_and_code(page: Any) -> None:
    user, secret = _staff()
    assert secret is not None
    _password_step(page, user.email)
    assert page.url.endswith("/staff/account/2fa/authenticate/")
    page.fill("input[name=code]", totp_code(secret))
    page.click("main form[action$='authenticate/'] button[type=submit]")
    page.wait_for_url("**/staff/")
    page.click("header >> text=Admin")
    page.wait_for_url("**/staff/admin/")
    with page.expect_navigation():
        page.select_option("#staff-language", "es")  # staff.js submits the form
    assert page.locator("h1").inner_text() == "Administración"
    page.click("header .logout-form button")
    page.wait_for_url("**/staff/account/login/**")
    page.goto("/staff/")
    assert "/staff/account/login/" in page.url


def test_first_login_forces_enrolment_and_the_qr_code_shows(page: Any) -> None:
    user, _ = _staff(totp=False)
    _password_step(page, user.email)
    assert page.url.endswith("/staff/account/2fa/totp/activate/")
    qr = page.locator(".qr img")
    assert qr.evaluate("img => img.naturalWidth") > 0
    secret = page.locator("#authenticator-secret").inner_text().strip()
    page.fill("input[name=code]", totp_code(secret))
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/account/2fa/recovery-codes/")
    assert page.locator("#recovery_codes").count() == 1
    stored = Authenticator.objects.get(user=user, type="totp")
    assert decrypt(stored.data["secret"]) == secret


def test_security_key_can_be_added_and_used(page: Any, settings: Any) -> None:
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the live server speaks http
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    user, _ = _staff(totp=False)
    _password_step(page, user.email)
    page.click("text=Use a security key instead")
    page.wait_for_url("**/staff/account/2fa/webauthn/add/")
    page.click("#mfa_webauthn_add")
    page.wait_for_url("**/staff/account/2fa/**")
    assert Authenticator.objects.filter(user=user, type="webauthn").exists()
    page.goto("/staff/")
    assert page.url.endswith("/staff/")
    page.click("header .logout-form button")
    page.wait_for_url("**/staff/account/login/**")
    _password_step(page, user.email)
    page.click("#mfa_webauthn_authenticate")
    page.wait_for_url("**/staff/")
    assert page.locator("h1").count() == 1
