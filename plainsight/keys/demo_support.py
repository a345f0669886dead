"""Keys for demo organizations, idempotently (called by the demo loader; never for real
organizations)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from plainsight.keys.errors import KeysError
from plainsight.keys.keyring import Keyring
from plainsight.keys.models import MemberKeyWrap
from plainsight.keys.selectors import organization_keys_exist
from plainsight.keys.services import (
    keyring_unlock_with_password,
    member_keys_grant_by_password,
    organization_keys_provision,
    recovery_unwrap,
)
from plainsight.partners.models import Organization

if TYPE_CHECKING:
    from plainsight.accounts.models import User


def demo_keys_ensure(
    *,
    organization: Organization,
    passwords: Mapping[User, str],
    recovery_key: str | None = None,
) -> str | None:
    """Provision a demo organization if needed and give each listed person its keys.

    ``passwords`` maps each demo member to their (demo) password. The keyring comes from
    the new provisioning, else from a person who already holds the keys, else from
    ``recovery_key`` (as written earlier to the demo credentials file). Returns the
    recovery key when it is known (new, or the one given), for the demo credentials file.
    Refuses organizations not marked ``is_demo``.
    """
    if not organization.is_demo:
        raise KeysError("demo_keys_ensure is for demo organizations only.")
    keyring: Keyring | None = None
    if not organization_keys_exist(organization=organization):
        provisioned = organization_keys_provision(organization=organization)
        keyring = provisioned.keyring
        recovery_key = provisioned.recovery_key.formatted
    holders = set(
        MemberKeyWrap.objects.filter(organization=organization).values_list("user_id", flat=True)
    )
    missing = [user for user in passwords if user.pk not in holders]
    if not missing:
        return recovery_key
    if keyring is None:
        for user, password in passwords.items():
            if user.pk in holders:
                candidate = keyring_unlock_with_password(user=user, password=password)
                if candidate.can_open(organization):
                    keyring = candidate
                    break
    if keyring is None and recovery_key:
        keyring = recovery_unwrap(organization=organization, recovery_key=recovery_key)
    if keyring is None:
        raise KeysError("No way to open this demo organization's keys; reset the demo data.")
    for user in missing:
        member_keys_grant_by_password(
            keyring=keyring, organization=organization, user=user, password=passwords[user]
        )
    return recovery_key
