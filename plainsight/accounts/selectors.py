"""Reads about accounts."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from plainsight.accounts.models import AccountToken


def token_digest(token: str) -> str:
    """What is stored of a one-time link's token: its SHA-256 digest."""
    return hashlib.sha256(token.encode()).hexdigest()


def account_token_for(*, token: str, for_update: bool = False) -> AccountToken | None:
    """The live one-time link for ``token``, or None.

    Live means: known, never used, not replaced by a newer link, not expired, and
    for a person whose account is active.
    """
    if not token or len(token) > 200:
        return None
    queryset = AccountToken.objects.select_related("user", "organization")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    found = queryset.filter(token_hash=token_digest(token)).first()
    if (
        found is None
        or found.used_at is not None
        or found.revoked_at is not None
        or found.expires_at <= timezone.now()
        or not found.user.is_active
    ):
        return None
    return found
