"""Exceptions of the key-custody module.

Messages never carry key material, passwords, link secrets or plaintext: they may end up
in logs or error reports.
"""

from __future__ import annotations


class KeysError(Exception):
    """Base class of every error raised by ``plainsight.keys``."""


class KeysLocked(KeysError):
    """The session holds no usable keyring: the person must sign in again.

    Raised when the keyring cookie is missing or does not match the session, when the
    session holds no keyring, or when nobody is signed in. ``KeyringMiddleware`` turns it
    into "please sign in again".
    """


class OrganizationKeysMissing(KeysError):
    """The keyring (or the database) holds no keys for that organization.

    Either the organization was never provisioned, or this person was never granted its
    keys (or they were revoked). Ask an organization admin for access.
    """


class AlreadyProvisioned(KeysError):
    """The organization already has keys; provisioning twice would orphan its data."""


class DecryptionFailed(KeysError):
    """A ciphertext or wrap did not open: wrong key, wrong associated data, or tampering."""


class WrongPassword(KeysError):
    """The password given is not the person's current password."""


class InvalidLinkSecret(KeysError):
    """The one-time link is unknown, already used, for someone else, or garbled."""


class PendingGrantExpired(InvalidLinkSecret):
    """The one-time link was valid but has expired: the admin must create a new one."""


class InvalidRecoveryKey(KeysError):
    """The recovery key is mistyped (checksum) or is not this organization's."""


class NotAMember(KeysError):
    """Keys are granted only to people with a membership in the organization."""
