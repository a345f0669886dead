"""Session lifetime and the second factor, enforced for every request.

``SessionLifetimeMiddleware`` ends a session 8 hours after login whatever the
activity (``SESSION_ABSOLUTE_SECONDS``), and ends every session an admin revoked
(deactivation, access reset). The 15-minute idle timeout is Django's own
(``SESSION_COOKIE_AGE`` with ``SESSION_SAVE_EVERY_REQUEST``: the server forgets an
idle session). ``RequireSecondFactorMiddleware`` sends a signed-in person without a
second factor to enrolment on every staff page until they have one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from plainsight.accounts.adapters import has_second_factor

LOGIN_AT_SESSION_KEY = "plainsight.login_at"
STAFF_PREFIX = "/staff/"


def session_has_ended(request: HttpRequest) -> bool:
    """Whether the signed-in session is past its absolute lifetime or was revoked."""
    login_at = request.session.get(LOGIN_AT_SESSION_KEY)
    if not isinstance(login_at, int | float):
        return True  # a session without a recorded login is not trusted
    if time.time() - login_at >= settings.SESSION_ABSOLUTE_SECONDS:
        return True
    revoked_at = getattr(request.user, "sessions_revoked_at", None)
    return revoked_at is not None and login_at <= revoked_at.timestamp()


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated and session_has_ended(request):
            logout(request)  # deletes the session on the server
            if request.path.startswith(STAFF_PREFIX):
                messages.info(request, _("Your session has ended. Please sign in again."))
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


# Pages a person without a second factor may still reach: enrolment itself, and the
# ways out.
ENROLMENT_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "account_inactive",
    }
)


class RequireSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if not request.path.startswith(STAFF_PREFIX) or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in ENROLMENT_URL_NAMES:
            return None
        if has_second_factor(request.user):
            return None
        messages.warning(
            request,
            _(
                "Set up your second factor before you continue."
                " It protects the people in our records."
            ),
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
