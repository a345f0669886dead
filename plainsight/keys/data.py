"""Protecting data with an organization's keys: the functions the rest of PlainSight calls.

* ``seal_to_organization`` — anyone (an anonymous tip form, an inbound text) can seal to
  an organization; only holders of its private key can open it, the server cannot.
* ``encrypt_for_organization`` / ``decrypt`` — records staff create and read, under the
  organization's data key, with optional associated data (bind a ciphertext to its row
  and field, e.g. ``b"case:<id>:notes"``, so it cannot be moved to another row).
* ``blind_index`` — equality search on protected values without storing them.
* ``reencrypt_for_referral`` — hand one consented item to another organization.

Every ciphertext starts with a format byte and the key version (see ``crypto``).
"""

from __future__ import annotations

from plainsight.keys import crypto
from plainsight.keys.errors import OrganizationKeysMissing
from plainsight.keys.keyring import Keyring
from plainsight.keys.models import OrganizationKeys
from plainsight.partners.models import Organization


def seal_to_organization(*, organization: Organization, plaintext: bytes) -> bytes:
    """Seal ``plaintext`` to the organization's public key. Needs no keyring.

    Raises ``OrganizationKeysMissing`` if the organization was never provisioned.
    """
    try:
        keys = OrganizationKeys.objects.only("public_key", "key_version").get(
            organization=organization
        )
    except OrganizationKeys.DoesNotExist:
        raise OrganizationKeysMissing("This organization has no keys.") from None
    return crypto.seal(
        public_key=bytes(keys.public_key),
        key_version=keys.key_version,
        organization_id=organization.pk.bytes,
        plaintext=plaintext,
    )


def open_sealed(*, keyring: Keyring, organization: Organization, ciphertext: bytes) -> bytes:
    """Open what was sealed to the organization. ``DecryptionFailed`` if tampered."""
    return crypto.unseal(
        secrets=keyring.secrets_for(organization),
        organization_id=organization.pk.bytes,
        ciphertext=bytes(ciphertext),
    )


def encrypt_for_organization(
    *,
    keyring: Keyring,
    organization: Organization,
    plaintext: bytes,
    associated_data: bytes = b"",
) -> bytes:
    """Encrypt under the organization's data key (XChaCha20-Poly1305, random nonce)."""
    return crypto.encrypt_data(
        secrets=keyring.secrets_for(organization),
        organization_id=organization.pk.bytes,
        plaintext=plaintext,
        aad=associated_data,
    )


def decrypt(
    *,
    keyring: Keyring,
    organization: Organization,
    ciphertext: bytes,
    associated_data: bytes = b"",
) -> bytes:
    """Decrypt what ``encrypt_for_organization`` produced with the same associated data.

    Raises ``DecryptionFailed`` for a wrong key, wrong associated data or any tampering,
    and ``OrganizationKeysMissing`` if the keyring holds no keys for the organization.
    """
    return crypto.decrypt_data(
        secrets=keyring.secrets_for(organization),
        organization_id=organization.pk.bytes,
        ciphertext=bytes(ciphertext),
        aad=associated_data,
    )


def blind_index(*, keyring: Keyring, organization: Organization, field: str, value: str) -> str:
    """A 64-hex-character index of ``value`` for equality search within one field.

    The value is normalized (Unicode NFKC, case-folded, whitespace collapsed); normalize
    domain formats (phone numbers to digits…) before calling. The key is derived from the
    organization's data key, so a database dump plus every server secret cannot compute
    or test indexes, and two organizations index the same value differently.
    """
    return crypto.blind_index(secrets=keyring.secrets_for(organization), field=field, value=value)


def reencrypt_for_referral(
    *,
    keyring: Keyring,
    from_organization: Organization,
    to_organization: Organization,
    ciphertext: bytes,
    associated_data: bytes = b"",
) -> bytes:
    """Decrypt one item with the sender's data key and seal it to the recipient.

    The result opens only with the recipient's private key (``open_sealed``). The caller
    is responsible for consent and for auditing the referral.
    """
    plaintext = decrypt(
        keyring=keyring,
        organization=from_organization,
        ciphertext=ciphertext,
        associated_data=associated_data,
    )
    return seal_to_organization(organization=to_organization, plaintext=plaintext)
