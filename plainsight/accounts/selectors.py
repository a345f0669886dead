"""Reads about accounts."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from plainsight.accounts.links import access_code_split
from plainsight.accounts.models import AccountToken
from plainsight.keys.selectors import (
    keyring_for,
    organization_keys_exist,
    pending_grant_exists_for,
    pending_grant_for_link,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from plainsight.partners.models import Organization


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


class CodeProblem(enum.StrEnum):
    NONE = ""
    INVALID = "invalid"  # unknown, used, replaced, expired: a new link is needed
    INCOMPLETE = "incomplete"  # the account part is fine, the keys part is missing or wrong


@dataclass(frozen=True)
class AccessLink:
    """What an access code (``plainsight.accounts.links``) stands for, if it works."""

    record: AccountToken | None
    token: str = field(repr=False)
    keys_secret: str = field(repr=False)
    problem: CodeProblem

    @property
    def ok(self) -> bool:
        return self.record is not None and self.problem == CodeProblem.NONE


def access_link_for(*, code: str) -> AccessLink:
    """Check an access code without using it up.

    The account part must be a live one-time link; if organization keys wait for the
    person, the keys part must open them (the check is the wraps' own authentication
    tag, so nothing stored lets anyone test guesses).
    """
    token, keys_secret = access_code_split(code)
    record = account_token_for(token=token)
    if record is None:
        return AccessLink(None, token, keys_secret, CodeProblem.INVALID)
    if keys_secret:
        grant = pending_grant_for_link(link_secret=keys_secret)
        if grant is None or grant.user_id != record.user_id:
            return AccessLink(record, token, keys_secret, CodeProblem.INCOMPLETE)
        if grant.expired:
            return AccessLink(None, token, keys_secret, CodeProblem.INVALID)
    elif pending_grant_exists_for(user=record.user):
        return AccessLink(record, token, keys_secret, CodeProblem.INCOMPLETE)
    return AccessLink(record, token, keys_secret, CodeProblem.NONE)


def no_keys_message(organization: Organization) -> str:
    return _(
        "You do not hold the keys of %(organization)s, so a link from you could not give"
        " them on: the person could not open its records. Ask one of its organization"
        " admins to do this."
    ) % {"organization": organization.name}


def link_keys_problem(*, request: HttpRequest, organization: Organization) -> str:
    """Why the signed-in admin cannot give ``organization``'s keys in a one-time link
    ("" when they can, or when the organization has no keys to give).

    Raises ``KeysLocked`` when the admin's session keyring cannot be opened (the
    keyring middleware then asks them to sign in again) — before they fill in a form.
    """
    if not organization_keys_exist(organization=organization):
        return ""
    if keyring_for(request).can_open(organization):
        return ""
    return no_keys_message(organization)
