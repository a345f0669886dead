"""Signing staff in through the real login in tests: allauth's password step (which opens
the person's organization keys) and its TOTP step, through every middleware.

Each TOTP code works once per person (allauth refuses replays). ``sign_in`` therefore
takes ``code_offset``: 0 for a person's first sign-in in a test, 1 for a second one
within the same 30 seconds (the next code, accepted within ``MFA_TOTP_TOLERANCE``).
A test that signs one person in more often moves the clock (time-machine).
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

TOTP_PERIOD = 30


def totp_code(secret: str, *, code_offset: int = 0) -> str:
    """The code an authenticator app shows now (or ``code_offset`` periods later)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // TOTP_PERIOD + code_offset))


def password_step(client: Client, email: str, password: str) -> HttpResponse:
    return client.post(reverse("account_login"), {"login": email, "password": password})  # type: ignore[return-value]


def sign_in(
    client: Client, user: Any, *, password: str, totp_secret: str, code_offset: int = 0
) -> HttpResponse:
    """Sign ``user`` in with two factors; fails the test if either step is refused.

    Returns the password step's response: it carries the keyring cookie.
    """
    first = password_step(client, user.email, password)
    assert first.status_code == 302, f"password step refused ({first.status_code})"
    assert first["Location"] == reverse("mfa_authenticate"), first["Location"]
    second = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(totp_secret, code_offset=code_offset)}
    )
    assert second.status_code == 302, f"code step refused ({second.status_code})"
    assert second["Location"] == "/staff/", second["Location"]
    return first


def accept_link(client: Client, code: str, password: str) -> str:
    """Use a one-time link's access code as a browser without JavaScript does (the code
    pasted), choose ``password``, enrol a TOTP app through its page; returns its secret."""
    url = reverse("accounts:set_password")
    assert client.get(url).status_code == 200
    page = client.post(url, {"step": "code", "code": code})
    assert page.status_code == 200, f"access code refused ({page.status_code})"
    response = client.post(
        url,
        {"step": "password", "code": code, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 302, f"password refused ({response.status_code})"
    assert response["Location"] == reverse("mfa_activate_totp")
    return enrol_totp_through_page(client)


def enrol_totp_through_page(client: Client) -> str:
    """Add a TOTP app on the enrolment page, as a person scanning its QR code would."""
    url = reverse("mfa_activate_totp")
    page = client.get(url)
    assert page.status_code == 200
    secret = str(page.context["form"].secret)
    response = client.post(url, {"code": totp_code(secret)})
    assert response.status_code == 302, f"enrolment refused ({response.status_code})"
    return secret
