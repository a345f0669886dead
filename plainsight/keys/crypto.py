"""Byte formats of PlainSight's key custody, on libsodium (PyNaCl). No Django here.

Every primitive is libsodium's:

* data encryption: XChaCha20-Poly1305-IETF (AEAD, 192-bit random nonces);
* sealing to an organization: ``crypto_box_seal`` (X25519 + XSalsa20-Poly1305);
* password-derived keys: Argon2id (``crypto_pwhash``), a random salt per wrap;
* key derivation and blind indexes: keyed BLAKE2b with salt and personalization, which
  is exactly what libsodium's ``crypto_kdf_derive_from_key`` does.

Every ciphertext and wrap starts with a format byte, so a later key rotation or algorithm
change can be recognised; the format byte and any header are always authenticated
(as associated data, or inside the sealed plaintext).
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
import unicodedata
from dataclasses import dataclass

import nacl.bindings
import nacl.exceptions
import nacl.hash
import nacl.pwhash
import nacl.utils
from nacl.encoding import RawEncoder
from nacl.public import PrivateKey, PublicKey, SealedBox

from plainsight.keys.errors import DecryptionFailed, InvalidLinkSecret, InvalidRecoveryKey

KEY_BYTES = 32
NONCE_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
TAG_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_ABYTES  # 16
SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES  # 16

# Format bytes (first byte of every stored blob).
FORMAT_DATA = 0x01  # encrypt_for_organization: AEAD under the data key
FORMAT_SEALED = 0x02  # seal_to_organization: sealed box to the public key
FORMAT_PASSWORD_WRAP = 0x10  # bundle wrapped under an Argon2id password key
FORMAT_SECRET_WRAP = 0x11  # bundle wrapped under a random secret (recovery key, link)
FORMAT_SESSION = 0x20  # a session's keyring under the cookie key
BUNDLE_FORMAT = 0x01  # the plaintext layout of an organization's secret bundle

# Bounds for Argon2id parameters read back from a stored wrap: a corrupted row must not
# make the server spend minutes or gigabytes.
ARGON2_OPSLIMIT_MAX = 64
ARGON2_MEMLIMIT_MAX = 4 * 1024**3

_DATA_HEADER = struct.Struct(">BH")  # format, key version
_PASSWORD_HEADER = struct.Struct(">BIQ")  # format, opslimit, memlimit
_BUNDLE = struct.Struct(">BH32s32s")  # format, key version, private key, data key


def random_bytes(size: int = KEY_BYTES) -> bytes:
    return nacl.utils.random(size)


# --- AEAD and key derivation ----------------------------------------------------------


def aead_encrypt(*, key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """XChaCha20-Poly1305 with a fresh random nonce; returns nonce + ciphertext + tag."""
    nonce = random_bytes(NONCE_BYTES)
    return nonce + nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, aad, nonce, key
    )


def aead_decrypt(*, key: bytes, data: bytes, aad: bytes) -> bytes:
    if len(data) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionFailed("Ciphertext too short.")
    nonce, body = data[:NONCE_BYTES], data[NONCE_BYTES:]
    try:
        return nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(body, aad, nonce, key)
    except nacl.exceptions.CryptoError as error:
        raise DecryptionFailed("Ciphertext did not authenticate.") from error


def derive_key(*, master: bytes, context: bytes, subkey_id: int = 0) -> bytes:
    """A 32-byte subkey, as libsodium's ``crypto_kdf_derive_from_key`` computes it.

    ``context`` names the purpose (at most 16 bytes); different contexts give independent
    keys, and no subkey reveals the master key.
    """
    if not 1 <= len(context) <= 16:
        raise ValueError("KDF context must be 1 to 16 bytes.")
    salt = struct.pack("<Q", subkey_id) + bytes(8)
    return nacl.hash.blake2b(
        b"",
        digest_size=KEY_BYTES,
        key=master,
        salt=salt,
        person=context.ljust(16, b"\0"),
        encoder=RawEncoder,
    )


def digest(data: bytes, *, person: bytes, size: int = 32, key: bytes = b"") -> bytes:
    return nacl.hash.blake2b(
        data, digest_size=size, key=key, person=person.ljust(16, b"\0"), encoder=RawEncoder
    )


# --- An organization's secret bundle --------------------------------------------------


@dataclass(frozen=True, repr=False)
class OrganizationSecrets:
    """An organization's private key and data key. Never stored unwrapped."""

    key_version: int
    private_key: bytes
    data_key: bytes

    def __repr__(self) -> str:
        return f"OrganizationSecrets(key_version={self.key_version}, <hidden>)"

    @classmethod
    def generate(cls, *, key_version: int = 1) -> OrganizationSecrets:
        return cls(
            key_version=key_version,
            private_key=PrivateKey.generate().encode(),
            data_key=random_bytes(KEY_BYTES),
        )

    @property
    def public_key(self) -> bytes:
        return PrivateKey(self.private_key).public_key.encode()

    def to_bytes(self) -> bytes:
        return _BUNDLE.pack(BUNDLE_FORMAT, self.key_version, self.private_key, self.data_key)

    @classmethod
    def from_bytes(cls, data: bytes) -> OrganizationSecrets:
        if len(data) != _BUNDLE.size or data[0] != BUNDLE_FORMAT:
            raise DecryptionFailed("Unknown key bundle format.")
        _format, version, private_key, data_key = _BUNDLE.unpack(data)
        return cls(key_version=version, private_key=private_key, data_key=data_key)


# --- Data under an organization's keys ------------------------------------------------


def encrypt_data(
    *, secrets: OrganizationSecrets, organization_id: bytes, plaintext: bytes, aad: bytes
) -> bytes:
    header = _DATA_HEADER.pack(FORMAT_DATA, secrets.key_version)
    return header + aead_encrypt(
        key=secrets.data_key, plaintext=plaintext, aad=header + organization_id + aad
    )


def decrypt_data(
    *, secrets: OrganizationSecrets, organization_id: bytes, ciphertext: bytes, aad: bytes
) -> bytes:
    if len(ciphertext) < _DATA_HEADER.size or ciphertext[0] != FORMAT_DATA:
        raise DecryptionFailed("Not an organization ciphertext.")
    header = ciphertext[: _DATA_HEADER.size]
    _format, version = _DATA_HEADER.unpack(header)
    if version != secrets.key_version:
        raise DecryptionFailed("Ciphertext is for another key version.")
    return aead_decrypt(
        key=secrets.data_key,
        data=ciphertext[_DATA_HEADER.size :],
        aad=header + organization_id + aad,
    )


def seal(*, public_key: bytes, key_version: int, organization_id: bytes, plaintext: bytes) -> bytes:
    """Sealed box to the public key. The header and organization are sealed inside too,
    so changing any byte, or moving the ciphertext to another organization, is detected."""
    header = _DATA_HEADER.pack(FORMAT_SEALED, key_version)
    return header + SealedBox(PublicKey(public_key)).encrypt(header + organization_id + plaintext)


def unseal(*, secrets: OrganizationSecrets, organization_id: bytes, ciphertext: bytes) -> bytes:
    if len(ciphertext) < _DATA_HEADER.size or ciphertext[0] != FORMAT_SEALED:
        raise DecryptionFailed("Not a sealed ciphertext.")
    header = ciphertext[: _DATA_HEADER.size]
    _format, version = _DATA_HEADER.unpack(header)
    if version != secrets.key_version:
        raise DecryptionFailed("Ciphertext is for another key version.")
    try:
        inner = SealedBox(PrivateKey(secrets.private_key)).decrypt(ciphertext[_DATA_HEADER.size :])
    except nacl.exceptions.CryptoError as error:
        raise DecryptionFailed("Sealed ciphertext did not open.") from error
    prefix = header + organization_id
    if not inner.startswith(prefix):
        raise DecryptionFailed("Sealed ciphertext header does not match.")
    return inner[len(prefix) :]


# --- Blind indexes --------------------------------------------------------------------


def normalize_for_index(value: str) -> str:
    """Unicode-compatible, case-insensitive, whitespace-collapsed form of a value.

    Callers normalize domain formats first (a phone number to its digits, say).
    """
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def blind_index(*, secrets: OrganizationSecrets, field: str, value: str) -> str:
    """Keyed BLAKE2b of the normalized value, under a per-field key derived from the data
    key: equal values of one field of one organization give equal indexes; without the
    data key nobody can compute or test one."""
    index_key = derive_key(master=secrets.data_key, context=b"ps-blind-index")
    field_key = digest(field.encode(), person=b"ps-bidx-field", key=index_key)
    return digest(normalize_for_index(value).encode(), person=b"ps-bidx-value", key=field_key).hex()


# --- Wrapping the bundle --------------------------------------------------------------


def wrap_with_password(
    *, bundle: bytes, password: str, context: bytes, opslimit: int, memlimit: int
) -> bytes:
    """Wrap under Argon2id(password, random salt); the parameters travel in the header."""
    salt = random_bytes(SALT_BYTES)
    key = nacl.pwhash.argon2id.kdf(
        KEY_BYTES, password.encode("utf-8"), salt, opslimit=opslimit, memlimit=memlimit
    )
    header = _PASSWORD_HEADER.pack(FORMAT_PASSWORD_WRAP, opslimit, memlimit) + salt
    return header + aead_encrypt(key=key, plaintext=bundle, aad=header + context)


def password_wrap_limits(wrapped: bytes) -> tuple[int, int]:
    """The (opslimit, memlimit) a password wrap was made with."""
    if len(wrapped) < _PASSWORD_HEADER.size or wrapped[0] != FORMAT_PASSWORD_WRAP:
        raise DecryptionFailed("Not a password wrap.")
    _format, opslimit, memlimit = _PASSWORD_HEADER.unpack(wrapped[: _PASSWORD_HEADER.size])
    return opslimit, memlimit


def unwrap_with_password(*, wrapped: bytes, password: str, context: bytes) -> bytes:
    opslimit, memlimit = password_wrap_limits(wrapped)
    if not (
        nacl.pwhash.argon2id.OPSLIMIT_MIN <= opslimit <= ARGON2_OPSLIMIT_MAX
        and nacl.pwhash.argon2id.MEMLIMIT_MIN <= memlimit <= ARGON2_MEMLIMIT_MAX
    ):
        raise DecryptionFailed("Password wrap parameters out of bounds.")
    header_size = _PASSWORD_HEADER.size + SALT_BYTES
    header = wrapped[:header_size]
    salt = header[_PASSWORD_HEADER.size :]
    if len(salt) != SALT_BYTES:
        raise DecryptionFailed("Password wrap too short.")
    key = nacl.pwhash.argon2id.kdf(
        KEY_BYTES, password.encode("utf-8"), salt, opslimit=opslimit, memlimit=memlimit
    )
    return aead_decrypt(key=key, data=wrapped[header_size:], aad=header + context)


def wrap_with_secret(*, bundle: bytes, secret: bytes, purpose: bytes, context: bytes) -> bytes:
    """Wrap under a key derived from a random 256-bit secret (no stretching needed)."""
    header = bytes([FORMAT_SECRET_WRAP])
    key = derive_key(master=secret, context=purpose)
    return header + aead_encrypt(key=key, plaintext=bundle, aad=header + context)


def unwrap_with_secret(*, wrapped: bytes, secret: bytes, purpose: bytes, context: bytes) -> bytes:
    if not wrapped or wrapped[0] != FORMAT_SECRET_WRAP:
        raise DecryptionFailed("Not a secret wrap.")
    key = derive_key(master=secret, context=purpose)
    return aead_decrypt(key=key, data=wrapped[1:], aad=wrapped[:1] + context)


# --- A session's keyring --------------------------------------------------------------


def seal_session(*, bundles: dict[str, bytes], cookie_key: bytes, context: bytes) -> str:
    """The keyring as stored in the session: ciphertext only, text-safe for JSON."""
    payload = json.dumps(
        {org: base64.b64encode(raw).decode() for org, raw in bundles.items()},
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    header = bytes([FORMAT_SESSION])
    blob = header + aead_encrypt(key=cookie_key, plaintext=payload, aad=header + context)
    return base64.b64encode(blob).decode()


def open_session(*, stored: str, cookie_key: bytes, context: bytes) -> dict[str, bytes]:
    try:
        blob = base64.b64decode(stored, validate=True)
    except (binascii.Error, ValueError) as error:
        raise DecryptionFailed("Session keyring garbled.") from error
    if not blob or blob[0] != FORMAT_SESSION:
        raise DecryptionFailed("Not a session keyring.")
    payload = aead_decrypt(key=cookie_key, data=blob[1:], aad=blob[:1] + context)
    return {org: base64.b64decode(raw) for org, raw in json.loads(payload).items()}


def encode_cookie_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode().rstrip("=")


def decode_cookie_key(value: str) -> bytes | None:
    try:
        key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == KEY_BYTES else None


# --- Human-facing secrets: recovery keys and one-time links ---------------------------

RECOVERY_CHECKSUM_BYTES = 3
_B32_CONFUSABLE = str.maketrans({"0": "O", "1": "I", "8": "B"})


def format_recovery_key(raw: bytes) -> str:
    """32 random bytes + a 3-byte checksum, as 14 groups of 4 base32 characters."""
    checksum = digest(raw, person=b"ps-recovery-ck", size=RECOVERY_CHECKSUM_BYTES)
    text = base64.b32encode(raw + checksum).decode()
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    """The 32 key bytes from a typed recovery key (spaces, dashes and case ignored)."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_B32_CONFUSABLE)
    try:
        decoded = base64.b32decode(cleaned)
    except (binascii.Error, ValueError) as error:
        raise InvalidRecoveryKey("Recovery key is mistyped.") from error
    if len(decoded) != KEY_BYTES + RECOVERY_CHECKSUM_BYTES:
        raise InvalidRecoveryKey("Recovery key has the wrong length.")
    raw, checksum = decoded[:KEY_BYTES], decoded[KEY_BYTES:]
    if digest(raw, person=b"ps-recovery-ck", size=RECOVERY_CHECKSUM_BYTES) != checksum:
        raise InvalidRecoveryKey("Recovery key is mistyped.")
    return raw


LINK_LOOKUP_BYTES = 16


def make_link_secret() -> tuple[str, bytes, bytes]:
    """A one-time link token: (token, lookup id, secret).

    The token is base64url(lookup id ‖ secret), 64 characters. The server keeps only a
    hash of the lookup id (to find the grant) and the wrap made under the secret; the
    AEAD itself checks the secret, so nothing stored lets anyone test guesses of it.
    """
    lookup = random_bytes(LINK_LOOKUP_BYTES)
    secret = random_bytes(KEY_BYTES)
    token = base64.urlsafe_b64encode(lookup + secret).decode().rstrip("=")
    return token, lookup, secret


def parse_link_secret(token: str) -> tuple[bytes, bytes]:
    token = token.strip()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as error:
        raise InvalidLinkSecret("Link is garbled.") from error
    if len(raw) != LINK_LOOKUP_BYTES + KEY_BYTES:
        raise InvalidLinkSecret("Link is garbled.")
    return raw[:LINK_LOOKUP_BYTES], raw[LINK_LOOKUP_BYTES:]


def link_lookup_hash(lookup: bytes) -> str:
    return digest(lookup, person=b"ps-grant-lookup").hex()
