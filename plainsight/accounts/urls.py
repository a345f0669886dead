"""Account pages under /staff/account/: allauth's login and second-factor pages, and ours.

allauth is mounted view by view rather than with ``allauth.urls``: sign-up, email
management and the email-based password reset stay off (people are invited, and a
forgotten password goes through an admin's access reset so keys can be re-wrapped).
Passkey-only login stays off too: the password is what unwraps a person's keys.
"""

from __future__ import annotations

from allauth.account import views as account_views
from allauth.mfa.base import views as mfa_views
from allauth.mfa.recovery_codes import views as recovery_views
from allauth.mfa.totp import views as totp_views
from allauth.mfa.webauthn import views as webauthn_views
from django.urls import URLPattern, URLResolver, include, path

from plainsight.accounts import views

own_patterns: list[URLPattern | URLResolver] = [
    path("", views.account_home, name="home"),
    path("welcome/", views.set_password_from_link, name="set_password"),
    path("password/", views.password_change, name="password_change"),
]

allauth_patterns: list[URLPattern | URLResolver] = [
    path("login/", account_views.login, name="account_login"),
    path("logout/", account_views.logout, name="account_logout"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("2fa/", mfa_views.index, name="mfa_index"),
    path("2fa/authenticate/", mfa_views.authenticate, name="mfa_authenticate"),
    path("2fa/reauthenticate/", mfa_views.reauthenticate, name="mfa_reauthenticate"),
    path("2fa/totp/activate/", totp_views.activate_totp, name="mfa_activate_totp"),
    path("2fa/totp/deactivate/", totp_views.deactivate_totp, name="mfa_deactivate_totp"),
    path("2fa/recovery-codes/", recovery_views.view_recovery_codes, name="mfa_view_recovery_codes"),
    path(
        "2fa/recovery-codes/generate/",
        recovery_views.generate_recovery_codes,
        name="mfa_generate_recovery_codes",
    ),
    path(
        "2fa/recovery-codes/download/",
        recovery_views.download_recovery_codes,
        name="mfa_download_recovery_codes",
    ),
    path("2fa/webauthn/", webauthn_views.list_webauthn, name="mfa_list_webauthn"),
    path("2fa/webauthn/add/", webauthn_views.add_webauthn, name="mfa_add_webauthn"),
    path(
        "2fa/webauthn/reauthenticate/",
        webauthn_views.reauthenticate_webauthn,
        name="mfa_reauthenticate_webauthn",
    ),
    path(
        "2fa/webauthn/keys/<int:pk>/remove/",
        webauthn_views.remove_webauthn,
        name="mfa_remove_webauthn",
    ),
    path(
        "2fa/webauthn/keys/<int:pk>/edit/", webauthn_views.edit_webauthn, name="mfa_edit_webauthn"
    ),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((own_patterns, "accounts"))),
    *allauth_patterns,
]
