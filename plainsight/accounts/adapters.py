"""allauth adapters: closed sign-up, the login hook for key custody, sealed TOTP secrets."""

from __future__ import annotations

import base64
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.http import HttpRequest

SECOND_FACTOR_TYPES = ("totp", "webauthn")


def has_second_factor(user: Any) -> bool:
    """Whether the person has a TOTP app or a security key (recovery codes alone do not count)."""
    from allauth.mfa.models import Authenticator

    if not getattr(user, "is_authenticated", False):
        return False
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()


class StaffAccountAdapter(DefaultAccountAdapter):
    """People are invited, never sign up; every verified password reaches one hook."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        password = credentials.get("password")
        if user is not None and password:
            from plainsight.accounts.services import account_login_password_verified

            account_login_password_verified(request=request, user=user, password=password)
        return user

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # Enrolling the first second factor happens right after the password was set
        # or verified; asking for it again would only be in the way. Changing or
        # removing an existing factor still needs a fresh confirmation.
        if app == "allauth.mfa":
            request = getattr(context, "request", None)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and not has_second_factor(user):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    fernets = []
    for key in keys:
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"plainsight.mfa.secrets"
        ).derive(str(key).encode())
        fernets.append(Fernet(base64.urlsafe_b64encode(derived)))
    return MultiFernet(fernets)


class StaffMFAAdapter(DefaultMFAAdapter):
    """Second-factor secrets (TOTP seeds, recovery-code seeds) are stored encrypted.

    A copy of the database alone does not give anyone the codes. This is not the
    organization-key custody of security.md (keys are derived from SECRET_KEY, which
    lives on the server); it only keeps the seeds out of plain database dumps.
    """

    PREFIX = "fernet:"

    def encrypt(self, text: str) -> str:
        return self.PREFIX + _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(self.PREFIX):
            return encrypted_text
        try:
            return _fernet().decrypt(encrypted_text[len(self.PREFIX) :].encode()).decode()
        except InvalidToken as error:
            raise ValueError("second-factor secret cannot be decrypted") from error
