"""Keeping a keyring between requests: ciphertext in the session, its key in a cookie.

The session store (database, cache) only ever sees the keyring encrypted under a random
32-byte key. That key is sent to the browser in an HttpOnly, SameSite=Strict cookie and
is never stored on the server, so a copy of the session store (with every server
secret) opens nothing. Logging out flushes the session, and with it the ciphertext.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest

from plainsight.keys import conf
from plainsight.keys.crypto import (
    KEY_BYTES,
    OrganizationSecrets,
    decode_cookie_key,
    encode_cookie_key,
    open_session,
    random_bytes,
    seal_session,
)
from plainsight.keys.errors import DecryptionFailed, KeysLocked
from plainsight.keys.keyring import Keyring

# Session key holding the encrypted keyring (base64 text).
SESSION_KEY = "_plainsight_keyring"
# Request attributes: the cookie value to send on this response, and the opened keyring.
NEW_COOKIE_ATTR = "_plainsight_keys_new_cookie"
CACHE_ATTR = "_plainsight_keyring_cache"


def session_context(user_id: object) -> bytes:
    return f"plainsight/session-keyring|{user_id}".encode()


def keyring_store(*, request: HttpRequest, keyring: Keyring) -> None:
    """Put the keyring in the session under a fresh cookie key (sent by the middleware)."""
    cookie_key = random_bytes(KEY_BYTES)
    bundles = {
        str(org_id): keyring.secrets_for_id(org_id).to_bytes()
        for org_id in keyring.organization_ids
    }
    request.session[SESSION_KEY] = seal_session(
        bundles=bundles, cookie_key=cookie_key, context=session_context(keyring.user_id)
    )
    setattr(request, NEW_COOKIE_ATTR, encode_cookie_key(cookie_key))
    setattr(request, CACHE_ATTR, keyring)


def keyring_load(*, request: HttpRequest) -> Keyring:
    """The keyring of this session, or ``KeysLocked``. No membership filtering here."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise KeysLocked("Nobody is signed in.")
    stored = request.session.get(SESSION_KEY)
    cookie = getattr(request, NEW_COOKIE_ATTR, None) or request.COOKIES.get(conf.cookie_name())
    if not stored or not cookie:
        raise KeysLocked("The session holds no keyring, or the keyring cookie is missing.")
    cookie_key = decode_cookie_key(cookie)
    if cookie_key is None:
        raise KeysLocked("The keyring cookie is garbled.")
    try:
        bundles = open_session(
            stored=str(stored), cookie_key=cookie_key, context=session_context(user.pk)
        )
        secrets = {
            uuid.UUID(org): OrganizationSecrets.from_bytes(raw) for org, raw in bundles.items()
        }
    except (DecryptionFailed, ValueError) as error:
        raise KeysLocked("The keyring cookie does not match this session.") from error
    return Keyring(secrets=secrets, user_id=user.pk)


def keyring_cached(*, request: HttpRequest) -> Keyring | None:
    """The keyring already opened (and checked) during this request, if any."""
    user = getattr(request, "user", None)
    cached = getattr(request, CACHE_ATTR, None)
    if (
        isinstance(cached, Keyring)
        and user is not None
        and user.is_authenticated
        and cached.user_id == user.pk
    ):
        return cached
    return None


def keyring_cache(*, request: HttpRequest, keyring: Keyring) -> None:
    setattr(request, CACHE_ATTR, keyring)


def keyring_forget(*, request: HttpRequest) -> None:
    """Drop the keyring from the session (the middleware then deletes the cookie)."""
    request.session.pop(SESSION_KEY, None)
    if hasattr(request, CACHE_ATTR):
        delattr(request, CACHE_ATTR)
    if hasattr(request, NEW_COOKIE_ATTR):
        delattr(request, NEW_COOKIE_ATTR)
