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

from plainsight.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, enrol_totp
from plainsight.partners.models import Role
from plainsight.partners.tests.factories import MembershipFactory
from plainsight.testing.login import totp_code

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
    # Wait until the key is registered and the page has moved on (the add page's own
    # address also matches "2fa/**": waiting for that returned at once, and the check
    # below then ran before the browser had sent the new key).
    page.wait_for_url(lambda url: "/2fa/" in url and "/webauthn/add/" not in url)
    assert Authenticator.objects.filter(user=user, type="webauthn").exists()
    page.goto("/staff/")
    assert page.url.endswith("/staff/")
    page.click("header .logout-form button")
    page.wait_for_url("**/staff/account/login/**")
    _password_step(page, user.email)
    page.click("#mfa_webauthn_authenticate")
    page.wait_for_url("**/staff/")
    assert page.locator("h1").count() == 1


# --- One-time links that carry organization keys ---------------------------------------

NEW_PASSWORD = "valley morning copper kettle"


def _set_up_organization() -> Any:
    from plainsight.partners.services import organization_set_up

    return organization_set_up(
        actor=None,
        name="Browser Shelter",
        kind="victim_services",
        admin_email="director@browser.example.org",
        admin_first_name="Dana",
        admin_last_name="Reyes",
    )


def _held(page: Any) -> list[str]:
    """The organizations the session keyring opens, asked by the page itself (a
    same-origin request that carries the SameSite=Strict keyring cookie)."""
    result = page.evaluate("() => fetch('/held/').then((r) => r.json())")
    return list(result["organizations"])


def _keyring_cookie(page: Any) -> dict[str, Any]:
    from plainsight.keys.conf import cookie_name

    cookies = [c for c in page.context.cookies() if c["name"] == cookie_name()]
    assert len(cookies) == 1, cookies
    return cookies[0]


@pytest.mark.urls("plainsight.keys.tests.urls")
def test_the_link_opens_by_itself_and_the_keys_open_at_every_sign_in(page: Any) -> None:
    set_up = _set_up_organization()
    organization_id = str(set_up.organization.pk)
    code = set_up.first_admin.code
    page.goto(f"/staff/account/welcome/#{code}")
    # access-link.js moved the code into the form, sent it, and cleaned the address bar.
    page.wait_for_selector("input[name=new_password1]")
    assert "#" not in page.url and code not in page.url
    assert "Dana Reyes" in page.locator("main").inner_text()
    assert page.evaluate("window.location.hash") == ""
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/account/2fa/totp/activate/")
    cookie = _keyring_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    secret = page.locator("#authenticator-secret").inner_text().strip()
    page.fill("input[name=code]", totp_code(secret))
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/account/2fa/recovery-codes/")
    assert _held(page) == [organization_id]

    # Sign out: the keyring is gone. Sign in with both factors: it opens again.
    page.goto("/staff/")
    page.click("header .logout-form button")
    page.wait_for_url("**/staff/account/login/**")
    assert not [c for c in page.context.cookies() if c["name"] == cookie["name"]]
    page.fill("input[name=login]", "director@browser.example.org")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/account/2fa/authenticate/")
    page.fill("input[name=code]", totp_code(secret, code_offset=1))
    page.click("main form[action$='authenticate/'] button[type=submit]")
    page.wait_for_url("**/staff/")
    assert _held(page) == [organization_id]


def test_without_javascript_the_person_pastes_the_code(chromium: Any, live_server: Any) -> None:
    set_up = _set_up_organization()
    code = set_up.first_admin.code
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/staff/account/welcome/#{code}")
        field = page.locator("input[name=code]")
        assert field.input_value() == ""  # nothing read the fragment
        field.fill(code)
        page.click("main button[type=submit]")
        page.wait_for_selector("input[name=new_password1]")
        page.fill("input[name=new_password1]", NEW_PASSWORD)
        page.fill("input[name=new_password2]", NEW_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url("**/staff/account/2fa/totp/activate/")
    finally:
        context.close()
    from plainsight.keys.models import MemberKeyWrap

    assert MemberKeyWrap.objects.filter(
        user=set_up.first_admin.user, organization=set_up.organization
    ).exists()
