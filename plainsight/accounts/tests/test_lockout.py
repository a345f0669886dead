"""Axes hooks: who a failed login was for, and nothing about the client."""

from __future__ import annotations

from django.test import RequestFactory

from plainsight.accounts import lockout


def test_username_comes_from_credentials_then_the_form() -> None:
    assert (
        lockout.username_from_credentials(None, {"email": " Ana@Example.org "}) == "ana@example.org"
    )
    assert lockout.username_from_credentials(None, {"username": "B@x.org"}) == "b@x.org"
    request = RequestFactory().post("/staff/account/login/", {"login": "C@X.org"})
    assert lockout.username_from_credentials(request, {}) == "c@x.org"
    assert lockout.username_from_credentials(RequestFactory().get("/"), None) is None


def test_no_client_address_and_no_description() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT="x")
    assert lockout.no_client_address(request) is None
    description = lockout.client_description("a@b.org", "203.0.113.5", "x", "/p", request)
    assert "203.0.113.5" not in description and "a@b.org" not in description
