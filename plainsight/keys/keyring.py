"""The in-memory keyring: the organization secrets one person (or one recovery) holds.

A keyring lives only in memory for one request (or one command). Between requests it is
kept in the session encrypted under a key that only the browser's cookie holds (see
``plainsight.keys.selectors.keyring_for``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from plainsight.keys.crypto import OrganizationSecrets, format_recovery_key
from plainsight.keys.errors import OrganizationKeysMissing

if TYPE_CHECKING:
    from plainsight.partners.models import Organization


class Keyring:
    """Opens data of the organizations whose secrets it holds. Never printed, never stored.

    ``user_id`` is the person the keyring was unlocked for (``None`` for a keyring made
    from a recovery key or at provisioning).
    """

    __slots__ = ("_secrets", "user_id")

    def __init__(
        self,
        *,
        secrets: Mapping[uuid.UUID, OrganizationSecrets] | None = None,
        user_id: int | None = None,
    ) -> None:
        self._secrets: dict[uuid.UUID, OrganizationSecrets] = dict(secrets or {})
        self.user_id = user_id

    def __repr__(self) -> str:
        return f"Keyring(user_id={self.user_id!r}, organizations={len(self._secrets)})"

    @property
    def organization_ids(self) -> frozenset[uuid.UUID]:
        return frozenset(self._secrets)

    def can_open(self, organization: Organization) -> bool:
        return organization.pk in self._secrets

    def secrets_for(self, organization: Organization) -> OrganizationSecrets:
        """The organization's secrets, for ``plainsight.keys`` only."""
        return self.secrets_for_id(organization.pk)

    def secrets_for_id(self, organization_id: uuid.UUID) -> OrganizationSecrets:
        try:
            return self._secrets[organization_id]
        except KeyError:
            raise OrganizationKeysMissing(
                "This keyring holds no keys for that organization."
            ) from None

    def restricted_to(self, organization_ids: Iterable[uuid.UUID]) -> Keyring:
        keep = set(organization_ids)
        return Keyring(
            secrets={org: s for org, s in self._secrets.items() if org in keep},
            user_id=self.user_id,
        )

    def with_secrets(self, organization_id: uuid.UUID, secrets: OrganizationSecrets) -> Keyring:
        return Keyring(secrets={**self._secrets, organization_id: secrets}, user_id=self.user_id)


@dataclass(frozen=True, repr=False)
class RecoveryKey:
    """An organization's offline recovery key, shown once at provisioning.

    ``formatted`` is what people write down and type back (14 groups of 4 base32
    characters with a checksum). Its ``repr`` hides the key so it cannot slip into logs.
    """

    organization_id: uuid.UUID
    raw: bytes

    def __repr__(self) -> str:
        return f"RecoveryKey(organization_id={self.organization_id!r}, <hidden>)"

    def __str__(self) -> str:
        return self.formatted

    @property
    def formatted(self) -> str:
        return format_recovery_key(self.raw)


@dataclass(frozen=True, repr=False)
class ProvisionedKeys:
    """What provisioning returns: the recovery key to show once, and a transient keyring
    holding the new organization's secrets so the caller can grant the first people."""

    recovery_key: RecoveryKey
    keyring: Keyring

    def __repr__(self) -> str:
        return f"ProvisionedKeys(organization_id={self.recovery_key.organization_id!r})"
