"""Forms keep working under Referrer-Policy: no-referrer, and cross-site posts still fail.

Browsers send ``Origin: null`` on form posts when the page's referrer policy is
no-referrer; ``SameOriginNullOriginMiddleware`` restores the origin only when the
browser itself says the post is same-origin (``Sec-Fetch-Site``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _post_login(*, secure: bool = False, **headers: Any) -> int:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("account_login"), secure=secure)
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("account_login"),
        {"login": "someone@example.org", "password": "x", "csrfmiddlewaretoken": token},
        secure=secure,
        **headers,
    )
    return response.status_code


def test_same_origin_post_with_null_origin_is_accepted() -> None:
    assert _post_login(HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin") == 200
    # Over HTTPS too, where Django would otherwise insist on a Referer.
    assert _post_login(secure=True, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin") == 200


@pytest.mark.parametrize("site", ["cross-site", "same-site", "none", ""])
def test_other_null_origin_posts_are_refused(site: str) -> None:
    headers: dict[str, Any] = {"HTTP_ORIGIN": "null"}
    if site:
        headers["HTTP_SEC_FETCH_SITE"] = site
    assert _post_login(**headers) == 403


def test_a_foreign_origin_is_refused_whatever_the_fetch_metadata() -> None:
    assert _post_login(HTTP_ORIGIN="https://evil.example", HTTP_SEC_FETCH_SITE="same-origin") == 403


def test_the_csrf_token_is_still_required() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("account_login"),
        {"login": "someone@example.org", "password": "x"},
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 403
