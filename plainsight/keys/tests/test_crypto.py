"""Property tests of the byte formats: round trips, wrong keys, any single-byte tampering."""

from __future__ import annotations

import uuid

import nacl.pwhash
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plainsight.keys import crypto
from plainsight.keys.crypto import OrganizationSecrets
from plainsight.keys.errors import DecryptionFailed, InvalidLinkSecret, InvalidRecoveryKey

ORG = uuid.uuid4().bytes
OTHER_ORG = uuid.uuid4().bytes
SECRETS = OrganizationSecrets.generate()
OTHER_SECRETS = OrganizationSecrets.generate()
OPS, MEM = nacl.pwhash.argon2id.OPSLIMIT_MIN, nacl.pwhash.argon2id.MEMLIMIT_MIN

payloads = st.binary(max_size=2048)
aads = st.binary(max_size=64)
passwords = st.text(min_size=1, max_size=64)


def tampered(data: bytes, index: int, delta: int) -> bytes:
    """``data`` with one byte changed (delta in 1..255, so it always differs)."""
    index %= len(data)
    return data[:index] + bytes([(data[index] + delta) % 256]) + data[index + 1 :]


tamper = st.tuples(st.integers(min_value=0), st.integers(min_value=1, max_value=255))


# --- Data under the data key ----------------------------------------------------------


@given(plaintext=payloads, aad=aads)
def test_encrypt_decrypt_round_trip(plaintext: bytes, aad: bytes) -> None:
    ciphertext = crypto.encrypt_data(
        secrets=SECRETS, organization_id=ORG, plaintext=plaintext, aad=aad
    )
    assert ciphertext[0] == crypto.FORMAT_DATA
    assert plaintext not in ciphertext or len(plaintext) < 4
    assert (
        crypto.decrypt_data(secrets=SECRETS, organization_id=ORG, ciphertext=ciphertext, aad=aad)
        == plaintext
    )


@given(plaintext=payloads, aad=aads, change=tamper)
def test_encrypted_data_any_byte_tampering_detected(
    plaintext: bytes, aad: bytes, change: tuple[int, int]
) -> None:
    ciphertext = crypto.encrypt_data(
        secrets=SECRETS, organization_id=ORG, plaintext=plaintext, aad=aad
    )
    with pytest.raises(DecryptionFailed):
        crypto.decrypt_data(
            secrets=SECRETS, organization_id=ORG, ciphertext=tampered(ciphertext, *change), aad=aad
        )


@given(plaintext=payloads, aad=aads.filter(bool), change=tamper)
def test_associated_data_tampering_detected(
    plaintext: bytes, aad: bytes, change: tuple[int, int]
) -> None:
    ciphertext = crypto.encrypt_data(
        secrets=SECRETS, organization_id=ORG, plaintext=plaintext, aad=aad
    )
    for wrong in (tampered(aad, *change), aad + b"x", aad[:-1]):
        with pytest.raises(DecryptionFailed):
            crypto.decrypt_data(
                secrets=SECRETS, organization_id=ORG, ciphertext=ciphertext, aad=wrong
            )


@given(plaintext=payloads)
def test_data_wrong_key_or_organization_fails(plaintext: bytes) -> None:
    ciphertext = crypto.encrypt_data(
        secrets=SECRETS, organization_id=ORG, plaintext=plaintext, aad=b""
    )
    with pytest.raises(DecryptionFailed):
        crypto.decrypt_data(
            secrets=OTHER_SECRETS, organization_id=ORG, ciphertext=ciphertext, aad=b""
        )
    with pytest.raises(DecryptionFailed):
        crypto.decrypt_data(
            secrets=SECRETS, organization_id=OTHER_ORG, ciphertext=ciphertext, aad=b""
        )


def test_data_truncated_or_foreign_formats_fail() -> None:
    ciphertext = crypto.encrypt_data(secrets=SECRETS, organization_id=ORG, plaintext=b"x", aad=b"")
    for broken in (b"", ciphertext[:1], ciphertext[:20], ciphertext[:-1], b"\x02" + ciphertext[1:]):
        with pytest.raises(DecryptionFailed):
            crypto.decrypt_data(secrets=SECRETS, organization_id=ORG, ciphertext=broken, aad=b"")


def test_encryption_is_randomized() -> None:
    one = crypto.encrypt_data(secrets=SECRETS, organization_id=ORG, plaintext=b"same", aad=b"")
    two = crypto.encrypt_data(secrets=SECRETS, organization_id=ORG, plaintext=b"same", aad=b"")
    assert one != two


# --- Sealed boxes ---------------------------------------------------------------------


@given(plaintext=payloads)
def test_seal_unseal_round_trip(plaintext: bytes) -> None:
    sealed = crypto.seal(
        public_key=SECRETS.public_key, key_version=1, organization_id=ORG, plaintext=plaintext
    )
    assert sealed[0] == crypto.FORMAT_SEALED
    assert crypto.unseal(secrets=SECRETS, organization_id=ORG, ciphertext=sealed) == plaintext


@given(plaintext=payloads, change=tamper)
def test_sealed_any_byte_tampering_detected(plaintext: bytes, change: tuple[int, int]) -> None:
    sealed = crypto.seal(
        public_key=SECRETS.public_key, key_version=1, organization_id=ORG, plaintext=plaintext
    )
    with pytest.raises(DecryptionFailed):
        crypto.unseal(secrets=SECRETS, organization_id=ORG, ciphertext=tampered(sealed, *change))


@given(plaintext=payloads)
def test_sealed_wrong_key_or_organization_fails(plaintext: bytes) -> None:
    sealed = crypto.seal(
        public_key=SECRETS.public_key, key_version=1, organization_id=ORG, plaintext=plaintext
    )
    with pytest.raises(DecryptionFailed):
        crypto.unseal(secrets=OTHER_SECRETS, organization_id=ORG, ciphertext=sealed)
    with pytest.raises(DecryptionFailed):
        crypto.unseal(secrets=SECRETS, organization_id=OTHER_ORG, ciphertext=sealed)


# --- Wraps ----------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(password=passwords, context=aads)
def test_password_wrap_round_trip(password: str, context: bytes) -> None:
    bundle = SECRETS.to_bytes()
    wrapped = crypto.wrap_with_password(
        bundle=bundle, password=password, context=context, opslimit=OPS, memlimit=MEM
    )
    assert crypto.password_wrap_limits(wrapped) == (OPS, MEM)
    assert crypto.unwrap_with_password(wrapped=wrapped, password=password, context=context) == (
        bundle
    )
    assert OrganizationSecrets.from_bytes(bundle) == SECRETS


@settings(max_examples=30, deadline=None)
@given(password=passwords, other=passwords, change=tamper)
def test_password_wrap_wrong_password_or_tampering_fails(
    password: str, other: str, change: tuple[int, int]
) -> None:
    wrapped = crypto.wrap_with_password(
        bundle=SECRETS.to_bytes(), password=password, context=b"ctx", opslimit=OPS, memlimit=MEM
    )
    if other != password:
        with pytest.raises(DecryptionFailed):
            crypto.unwrap_with_password(wrapped=wrapped, password=other, context=b"ctx")
    with pytest.raises(DecryptionFailed):
        crypto.unwrap_with_password(wrapped=wrapped, password=password, context=b"ctx2")
    with pytest.raises(DecryptionFailed):
        crypto.unwrap_with_password(
            wrapped=tampered(wrapped, *change), password=password, context=b"ctx"
        )


def test_password_wraps_use_a_fresh_salt_each_time() -> None:
    one = crypto.wrap_with_password(
        bundle=SECRETS.to_bytes(), password="pw", context=b"", opslimit=OPS, memlimit=MEM
    )
    two = crypto.wrap_with_password(
        bundle=SECRETS.to_bytes(), password="pw", context=b"", opslimit=OPS, memlimit=MEM
    )
    salt = slice(13, 13 + crypto.SALT_BYTES)
    assert one[salt] != two[salt]


def test_password_wrap_refuses_absurd_stored_limits() -> None:
    wrapped = crypto.wrap_with_password(
        bundle=SECRETS.to_bytes(), password="pw", context=b"", opslimit=OPS, memlimit=MEM
    )
    huge = wrapped[:1] + (10**6).to_bytes(4, "big") + wrapped[5:]
    with pytest.raises(DecryptionFailed):
        crypto.unwrap_with_password(wrapped=huge, password="pw", context=b"")


@given(secret=st.binary(min_size=32, max_size=32), context=aads, change=tamper)
def test_secret_wrap_round_trip_and_tampering(
    secret: bytes, context: bytes, change: tuple[int, int]
) -> None:
    bundle = SECRETS.to_bytes()
    wrapped = crypto.wrap_with_secret(bundle=bundle, secret=secret, purpose=b"p", context=context)
    assert crypto.unwrap_with_secret(
        wrapped=wrapped, secret=secret, purpose=b"p", context=context
    ) == (bundle)
    with pytest.raises(DecryptionFailed):
        crypto.unwrap_with_secret(
            wrapped=tampered(wrapped, *change), secret=secret, purpose=b"p", context=context
        )
    with pytest.raises(DecryptionFailed):
        crypto.unwrap_with_secret(
            wrapped=wrapped, secret=tampered(secret, *change), purpose=b"p", context=context
        )
    with pytest.raises(DecryptionFailed):
        crypto.unwrap_with_secret(wrapped=wrapped, secret=secret, purpose=b"q", context=context)
    with pytest.raises(DecryptionFailed):
        crypto.unwrap_with_secret(
            wrapped=wrapped, secret=secret, purpose=b"p", context=context + b"!"
        )


@given(change=tamper)
def test_bundle_format_is_strict(change: tuple[int, int]) -> None:
    raw = SECRETS.to_bytes()
    assert OrganizationSecrets.from_bytes(raw) == SECRETS
    with pytest.raises(DecryptionFailed):
        OrganizationSecrets.from_bytes(raw[:-1])
    changed = tampered(raw, *change)
    if change[0] % len(raw) == 0:
        with pytest.raises(DecryptionFailed):
            OrganizationSecrets.from_bytes(changed)
    assert "hidden" in repr(SECRETS) and SECRETS.data_key.hex() not in repr(SECRETS)


# --- Session keyring ------------------------------------------------------------------


@given(
    bundles=st.dictionaries(st.uuids().map(str), st.binary(max_size=80), max_size=4),
    change=tamper,
)
def test_session_keyring_round_trip_and_tampering(
    bundles: dict[str, bytes], change: tuple[int, int]
) -> None:
    key = crypto.random_bytes(32)
    stored = crypto.seal_session(bundles=bundles, cookie_key=key, context=b"user|1")
    assert crypto.open_session(stored=stored, cookie_key=key, context=b"user|1") == bundles
    with pytest.raises(DecryptionFailed):
        crypto.open_session(stored=stored, cookie_key=tampered(key, *change), context=b"user|1")
    with pytest.raises(DecryptionFailed):
        crypto.open_session(stored=stored, cookie_key=key, context=b"user|2")
    blob = crypto.base64.b64decode(stored)
    with pytest.raises(DecryptionFailed):
        crypto.open_session(
            stored=crypto.base64.b64encode(tampered(blob, *change)).decode(),
            cookie_key=key,
            context=b"user|1",
        )


def test_cookie_key_encoding() -> None:
    key = crypto.random_bytes(32)
    assert crypto.decode_cookie_key(crypto.encode_cookie_key(key)) == key
    assert crypto.decode_cookie_key("short") is None
    assert crypto.decode_cookie_key("!!!not base64!!!") is None


# --- Blind indexes --------------------------------------------------------------------


@given(value=st.text(max_size=80), field=st.text(min_size=1, max_size=20))
def test_blind_index_stable_normalized_and_keyed(value: str, field: str) -> None:
    index = crypto.blind_index(secrets=SECRETS, field=field, value=value)
    assert len(index) == 64 and int(index, 16) >= 0
    assert crypto.blind_index(secrets=SECRETS, field=field, value=value) == index
    assert crypto.blind_index(secrets=SECRETS, field=field, value=f"  {value.upper()} ") == (
        crypto.blind_index(secrets=SECRETS, field=field, value=value.upper())
    )
    assert crypto.blind_index(secrets=OTHER_SECRETS, field=field, value=value) != index
    assert crypto.blind_index(secrets=SECRETS, field=field + "x", value=value) != index


def test_blind_index_normalization_examples() -> None:
    def index(value: str) -> str:
        return crypto.blind_index(secrets=SECRETS, field="name", value=value)

    assert index("María  José") == index("maría josé") == index("MARÍA\tJOSÉ ")
    assert index("\uff2d\uff41\uff52\uff49\uff41") == index("maria")  # full-width (NFKC)
    assert index("maria") != index("maría")
    assert index("661-555-0100") != index("661-555-0101")


# --- Recovery keys and links ----------------------------------------------------------


@given(raw=st.binary(min_size=32, max_size=32))
def test_recovery_key_format_round_trip(raw: bytes) -> None:
    text = crypto.format_recovery_key(raw)
    groups = text.split("-")
    assert len(groups) == 14 and all(len(group) == 4 for group in groups)
    assert crypto.parse_recovery_key(text) == raw
    assert crypto.parse_recovery_key(" " + text.lower().replace("-", " ") + "\n") == raw


@given(raw=st.binary(min_size=32, max_size=32), position=st.integers(min_value=0))
def test_recovery_key_typo_is_detected(raw: bytes, position: int) -> None:
    text = crypto.format_recovery_key(raw).replace("-", "")
    position %= len(text)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    replacement = alphabet[(alphabet.index(text[position]) + 1) % 32]
    typo = text[:position] + replacement + text[position + 1 :]
    with pytest.raises(InvalidRecoveryKey):
        crypto.parse_recovery_key(typo)


def test_recovery_key_garbage_is_refused() -> None:
    for garbage in ("", "ABCD", "not a key at all", "A" * 56):
        with pytest.raises(InvalidRecoveryKey):
            crypto.parse_recovery_key(garbage)


def test_link_secret_round_trip() -> None:
    token, lookup, secret = crypto.make_link_secret()
    assert len(token) == 64 and "=" not in token
    assert crypto.parse_link_secret(token) == (lookup, secret)
    assert crypto.link_lookup_hash(lookup) != crypto.link_lookup_hash(secret[:16])
    for garbage in ("", "abc", token[:-2], token + "AAAA"):
        with pytest.raises(InvalidLinkSecret):
            crypto.parse_link_secret(garbage)


def test_derive_key_contexts_are_independent() -> None:
    master = crypto.random_bytes(32)
    one = crypto.derive_key(master=master, context=b"one")
    assert one != crypto.derive_key(master=master, context=b"two")
    assert one != crypto.derive_key(master=master, context=b"one", subkey_id=1)
    assert one == crypto.derive_key(master=master, context=b"one")
    with pytest.raises(ValueError):
        crypto.derive_key(master=master, context=b"x" * 17)
