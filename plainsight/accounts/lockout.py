"""django-axes hooks: lock out by account only, and never keep who is knocking.

Axes records failed logins in ``AccessAttempt``. PlainSight locks by the login name
(an email address) only; the address and browser of the client are not recorded at
all (``ip_address`` stays NULL, ``user_agent`` keeps Axes' "<unknown>" placeholder
because ``ForgetVisitorMiddleware`` removed the header long before).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def normalize_login(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value or None


def username_from_credentials(
    request: HttpRequest | None, credentials: dict[str, Any] | None
) -> str | None:
    """The account a login attempt was for, as Axes counts it.

    allauth passes ``email``; the second-factor step passes the same key (see
    ``plainsight.accounts.signals``); the login form posts ``login``.
    """
    credentials = credentials or {}
    for key in ("email", "username", "login"):
        name = normalize_login(credentials.get(key))
        if name:
            return name
    if request is not None and request.method == "POST":
        return normalize_login(request.POST.get("login"))
    return None


def no_client_address(request: HttpRequest) -> str | None:
    """Axes may not know the client's address: PlainSight never stores one."""
    return None


def client_description(
    username: str | None, ip_address: str | None, user_agent: str, path_info: str, request: Any
) -> str:
    """What Axes writes to the log about a client: nothing that identifies anyone."""
    return "a staff login"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "account/lockout.html",
        {"minutes": minutes},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
