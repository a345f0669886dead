"""Sends the keyring cookie, deletes it when the keyring is gone, handles "keys locked"."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from plainsight.keys import conf
from plainsight.keys.errors import KeysLocked
from plainsight.keys.selectors import keyring_for
from plainsight.keys.session import NEW_COOKIE_ATTR, SESSION_KEY


class KeyringMiddleware:
    """Place after SessionMiddleware and AuthenticationMiddleware.

    * ``request.keyring``: the signed-in person's keyring, opened lazily on first use
      (raises ``KeysLocked`` then if it cannot be opened).
    * Sets the keyring cookie when ``keyring_unlock_at_login`` created a keyring during
      the request (HttpOnly, SameSite=Strict, Secure when sessions are, browser-session
      lifetime like the session cookie, or the session's absolute lifetime).
    * Deletes the cookie once the session no longer holds a keyring (logout, flush).
    * Turns an uncaught ``KeysLocked`` into "please sign in again".
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.keyring = SimpleLazyObject(lambda: keyring_for(request))  # type: ignore[attr-defined]
        response = self.get_response(request)
        name = conf.cookie_name()
        new_cookie = getattr(request, NEW_COOKIE_ATTR, None)
        session = getattr(request, "session", None)
        if new_cookie and session is not None and SESSION_KEY in session:
            response.set_cookie(
                name,
                new_cookie,
                max_age=None
                if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
                else int(
                    getattr(settings, "SESSION_ABSOLUTE_SECONDS", settings.SESSION_COOKIE_AGE)
                ),
                path=conf.cookie_path(),
                secure=conf.cookie_secure(),
                httponly=True,
                samesite=conf.cookie_samesite(),
            )
        elif name in request.COOKIES and (session is None or SESSION_KEY not in session):
            response.delete_cookie(name, path=conf.cookie_path(), samesite=conf.cookie_samesite())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, KeysLocked):
            return None
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (
            signed_in
            and request.method in ("GET", "HEAD")
            and request.headers.get("Sec-Fetch-Site") == "cross-site"
            and conf.cookie_name() not in request.COOKIES
            and SESSION_KEY in request.session
        ):
            # A link followed from another site (an e-mail, say): the browser withholds
            # the SameSite=Strict cookie on that first request only. One click from here
            # is same-site and carries it.
            next_url = request.get_full_path()
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts=set()):
                next_url = "/"
            return render(request, "keys/continue.html", {"next": next_url}, status=200)
        if signed_in:
            logout(request)
        messages.info(
            request,
            _("For your safety, please sign in again to open your organization's records."),
            fail_silently=True,
        )
        login_redirect = redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_redirect["Location"]
            return response
        return login_redirect
