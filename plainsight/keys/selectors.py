"""Reads: the request's keyring, what a one-time link grants, who holds which keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.http import HttpRequest

from plainsight.keys.errors import InvalidLinkSecret, KeysLocked
from plainsight.keys.keyring import Keyring
from plainsight.keys.models import MemberKeyWrap, OrganizationKeys, PendingGrant
from plainsight.keys.services import open_pending_grants
from plainsight.keys.session import keyring_cache, keyring_cached, keyring_load
from plainsight.partners.models import Membership, Organization

if TYPE_CHECKING:
    from plainsight.accounts.models import User


def keyring_for(request: HttpRequest) -> Keyring:
    """The signed-in person's keyring for this request, or ``KeysLocked``.

    It holds only organizations where the person still has an active membership and a
    key wrap, so a revocation takes effect at the next request. Raises ``KeysLocked`` if
    nobody is signed in, the session holds no keyring, or the keyring cookie is missing
    or does not match (turn that into "please sign in again").
    """
    cached = keyring_cached(request=request)
    if cached is not None:
        return cached
    keyring = keyring_load(request=request)
    user_id = keyring.user_id
    if user_id is None:
        raise KeysLocked("The session keyring belongs to nobody.")
    active = Membership.objects.filter(
        user_id=user_id, is_active=True, organization__is_active=True
    ).values("organization_id")
    held = set(
        MemberKeyWrap.objects.filter(
            user_id=user_id,
            organization_id__in=active,
        )
        .filter(organization_id__in=keyring.organization_ids)
        .values_list("organization_id", flat=True)
    )
    checked = keyring.restricted_to(held)
    keyring_cache(request=request, keyring=checked)
    return checked


@dataclass(frozen=True)
class PendingGrantLink:
    """What a valid one-time link grants, for the set-password page."""

    user_id: int
    organization_ids: tuple[uuid.UUID, ...]
    expires_at: datetime
    expired: bool


def pending_grant_for_link(*, link_secret: str) -> PendingGrantLink | None:
    """What the link grants to whom, or ``None`` if it is unknown, used or garbled.

    The check is the wrap's own authentication tag, so a guessed link never passes.
    An expired link is returned with ``expired=True`` (to say "ask for a new link").
    """
    try:
        opened, expired = open_pending_grants(link_secret=link_secret)
    except InvalidLinkSecret:
        return None
    grants = [grant for grant, _secrets in opened]
    users = {grant.user_id for grant in grants}
    if len(users) != 1:
        return None
    return PendingGrantLink(
        user_id=users.pop(),
        organization_ids=tuple(grant.organization_id for grant in grants),
        expires_at=min(grant.expires_at for grant in grants),
        expired=expired,
    )


def organization_keys_exist(*, organization: Organization) -> bool:
    return OrganizationKeys.objects.filter(organization=organization).exists()


@dataclass(frozen=True)
class OrganizationKeysStatus:
    """For admin screens: who holds the organization's keys; nothing secret."""

    provisioned: bool
    key_version: int | None
    recovery_replaced_at: datetime | None
    holder_ids: tuple[int, ...]
    pending: tuple[tuple[int, datetime], ...]  # (user id, expires at)
    members_without_keys: tuple[int, ...]


def organization_keys_status(*, organization: Organization) -> OrganizationKeysStatus:
    keys = OrganizationKeys.objects.filter(organization=organization).first()
    holders = tuple(
        MemberKeyWrap.objects.filter(organization=organization)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    pending = tuple(
        PendingGrant.objects.filter(organization=organization)
        .order_by("user_id")
        .values_list("user_id", "expires_at")
    )
    members = (
        Membership.objects.filter(organization=organization, is_active=True)
        .exclude(user_id__in=holders)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    return OrganizationKeysStatus(
        provisioned=keys is not None,
        key_version=keys.key_version if keys else None,
        recovery_replaced_at=keys.recovery_replaced_at if keys else None,
        holder_ids=holders,
        pending=pending,
        members_without_keys=tuple(members),
    )


def organizations_without_keys_for(*, user: User) -> list[Organization]:
    """Organizations where the person is an active member but holds no keys yet."""
    return list(
        Organization.objects.filter(
            memberships__user=user, memberships__is_active=True, is_active=True
        )
        .exclude(pk__in=MemberKeyWrap.objects.filter(user=user).values("organization_id"))
        .distinct()
        .order_by("name")
    )


def pending_grant_exists_for(*, user: User) -> bool:
    """Whether a one-time key link is waiting for this person (the set-password page then
    insists on the link's code, so the person does not end up without keys)."""
    return PendingGrant.objects.filter(user=user).exists()


def organization_key_holders(*, organization: Organization) -> frozenset[int] | None:
    """Ids of the people holding the organization's keys; ``None`` if it has no keys."""
    if not organization_keys_exist(organization=organization):
        return None
    return frozenset(
        MemberKeyWrap.objects.filter(organization=organization).values_list("user_id", flat=True)
    )
