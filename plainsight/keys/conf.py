"""Settings of the key-custody module, read at call time (never at import)."""

from __future__ import annotations

from typing import Literal

from django.conf import settings

DEFAULT_OPSLIMIT = 3
DEFAULT_MEMLIMIT = 64 * 1024 * 1024
DEFAULT_PENDING_GRANT_SECONDS = 72 * 60 * 60


def argon2_limits() -> tuple[int, int]:
    """(opslimit, memlimit) for new password wraps."""
    return (
        int(getattr(settings, "KEYS_ARGON2_OPSLIMIT", DEFAULT_OPSLIMIT)),
        int(getattr(settings, "KEYS_ARGON2_MEMLIMIT", DEFAULT_MEMLIMIT)),
    )


def pending_grant_seconds() -> int:
    return int(getattr(settings, "KEYS_PENDING_GRANT_SECONDS", DEFAULT_PENDING_GRANT_SECONDS))


def cookie_name() -> str:
    default = "__Host-plainsight_keys" if cookie_secure() else "plainsight_keys"
    return str(getattr(settings, "KEYS_COOKIE_NAME", "") or default)


def cookie_secure() -> bool:
    return bool(getattr(settings, "KEYS_COOKIE_SECURE", settings.SESSION_COOKIE_SECURE))


def cookie_path() -> str:
    # "__Host-" cookies must have path "/"; the keyring is needed on /staff/ and on the
    # sign-in pages under /accounts/.
    return str(getattr(settings, "KEYS_COOKIE_PATH", "/"))


def cookie_samesite() -> Literal["Lax", "Strict"]:
    # "Strict" unless a deployment deliberately relaxes it; "None" is never allowed.
    return "Lax" if getattr(settings, "KEYS_COOKIE_SAMESITE", "Strict") == "Lax" else "Strict"
