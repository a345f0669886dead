"""A visitor's device keeps no cookie of ours once the browser is closed.

Someone who controls the phone may look through its cookies: a cookie that lasts a
year (Django's default for the CSRF token) would tell that this site was visited long
after the visit. The public pages set at most the CSRF token, for the browser session.
"""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _lasting(response) -> list[str]:
    return [
        f"{name}: max-age={morsel['max-age']!r} expires={morsel['expires']!r}"
        for name, morsel in response.cookies.items()
        if morsel["max-age"] or morsel["expires"]
    ]


@pytest.mark.parametrize("path", ["/en/", "/es/", "/en/find-help/", "/es/find-help/"])
def test_public_pages_set_no_cookie_that_outlives_the_browser_session(path):
    client = Client()
    response = client.get(path)
    assert response.status_code == 200
    if "find-help" in path:
        assert "csrftoken" in response.cookies  # its form needs one: the test does see it
    assert not _lasting(response)
    searched = client.post(path if "find-help" in path else "/en/find-help/", {"q": "shelter"})
    assert searched.status_code == 200
    assert not _lasting(searched)
