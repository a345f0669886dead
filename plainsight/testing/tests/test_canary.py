"""The canary helper must catch a canary in every form it claims to search, in every dump.

A canary test that cannot fail proves nothing, so each form and each dump is planted here
and must be found; clean dumps and near-misses must not be.
"""

from __future__ import annotations

import base64
import gzip
import os
import pickle
import shutil
import socket
import sqlite3
import subprocess
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from plainsight.audit.services import audit_record
from plainsight.partners.models import Organization
from plainsight.testing.canary import (
    Artifact,
    assert_no_canaries,
    collect_artifacts,
    dump_database,
    dump_redis,
    dump_sqlite,
    find_canaries,
    needles_for,
    new_canary,
)


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def b32(data: bytes) -> bytes:
    return base64.b32encode(data)


ENCODINGS: dict[str, Callable[[bytes], bytes]] = {
    "plain": lambda b: b,
    "upper": lambda b: b.upper(),
    "utf-16-le": lambda b: b.decode().encode("utf-16-le"),
    "utf-16-be": lambda b: b.decode().encode("utf-16-be"),
    "hex": lambda b: b.hex().encode(),
    "HEX": lambda b: b.hex().upper().encode(),
    "base64": base64.b64encode,
    "base64url": base64.urlsafe_b64encode,
    "base32": b32,
    "zlib": zlib.compress,
    "gzip": gzip.compress,
    "raw deflate": raw_deflate,
    "base64 of zlib": lambda b: base64.urlsafe_b64encode(zlib.compress(b)),
    "hex of zlib (pg bytea)": lambda b: b"\\x" + zlib.compress(b).hex().encode(),
    "pickled, base64 (database cache)": lambda b: base64.b64encode(pickle.dumps(b.decode())),
    "gzip of utf-16": lambda b: gzip.compress(b.decode().encode("utf-16-le")),
}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
@pytest.mark.parametrize("prefix", [0, 1, 2, 3, 4])
def test_finds_canary_in_every_form_and_alignment(encoding: str, prefix: int) -> None:
    canary = new_canary("form")
    # The canary sits at an arbitrary byte offset inside the encoded stream, surrounded
    # by other data, the way a field sits inside a row or a JSON document.
    inner = os.urandom(prefix) + canary.encode() + os.urandom(7)
    if encoding in {"utf-16-le", "utf-16-be", "upper", "pickled, base64 (database cache)"}:
        inner = b"x" * prefix + canary.encode() + b" trailing text"
    if encoding == "gzip of utf-16":
        inner = b"y" * prefix + canary.encode()
    encoded = ENCODINGS[encoding](inner)
    haystack = os.urandom(101) + encoded + b"\x00" * 33 + os.urandom(50)
    for binary in (True, False):
        artifact = Artifact("sample", haystack, binary=binary)
        findings = find_canaries([canary], [artifact])
        if encoding == "raw deflate" and not binary:
            continue  # text dumps escape binary data; raw deflate is searched in binaries
        assert findings, f"{encoding} at offset {prefix} not found (binary={binary})"


@pytest.mark.parametrize("prefix", [0, 1, 2])
def test_finds_bytes_canary_in_every_form(prefix: int) -> None:
    key = os.urandom(32)
    inner = os.urandom(prefix) + key + os.urandom(5)
    for name, encode in (
        ("plain", lambda b: b),
        ("hex", lambda b: b.hex().encode()),
        ("base64", base64.b64encode),
        ("base64url", base64.urlsafe_b64encode),
        ("base32", base64.b32encode),
        ("zlib", zlib.compress),
        ("raw deflate", raw_deflate),
    ):
        haystack = os.urandom(64) + encode(inner) + os.urandom(64)
        assert find_canaries([key], [Artifact("s", haystack, binary=True)]), name


@given(st.binary(min_size=0, max_size=200), st.binary(min_size=0, max_size=200))
def test_base64_anywhere_in_a_stream(before: bytes, after: bytes) -> None:
    canary = b"canary-bytes-0123456789abcdef"
    encoded = base64.b64encode(before + canary + after)
    assert find_canaries([canary], [Artifact("s", b"data:" + encoded + b'"', binary=False)])


def test_clean_data_and_near_misses_are_not_reported() -> None:
    canary = new_canary("near")
    # One character changed in the middle (an edge byte is only partly covered by the
    # base64/base32 forms, as it must be: its last bits depend on what follows it).
    middle = len(canary) // 2
    near_miss = canary[:middle] + "Q" + canary[middle + 1 :]
    haystack = b"\n".join(
        [
            os.urandom(4096),
            near_miss.encode(),
            base64.b64encode(near_miss.encode()),
            zlib.compress(near_miss.encode()),
            near_miss.encode().hex().encode(),
            canary[: len(canary) // 2].encode(),
        ]
    )
    assert find_canaries([canary], [Artifact("s", haystack, binary=True)]) == []


def test_needles_cover_every_alignment() -> None:
    forms = {needle.form for needle in needles_for("canary0123456789abcdef")}
    for label in ("base64", "base64url"):
        for offset in range(3):
            assert f"{label} utf-8 @{offset}" in forms
    for offset in range(5):
        assert f"base32 utf-8 @{offset}" in forms
    assert {"plain utf-16-le", "plain utf-16-be", "hex utf-8"} <= forms


def test_assert_no_canaries_reports_where(tmp_path: Path) -> None:
    canary = new_canary()
    artifact = Artifact("one", b"prefix " + zlib.compress(canary.encode()), binary=True)
    with pytest.raises(AssertionError, match=r"canary #0 found as plain utf-8 in one \(zlib@7\)"):
        assert_no_canaries([canary], artifacts=[artifact])
    assert_no_canaries([canary], artifacts=[Artifact("two", b"nothing here")])


# --- Each dump, planted through real storage -----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_database_dump_catches_plain_and_compressed_rows() -> None:
    plain = new_canary("orgname")
    Organization.objects.create(name=plain, slug="canary-org", kind="other")
    assert_no_canaries([new_canary("absent")])  # the dump itself is fine
    with pytest.raises(AssertionError, match="canary #0"):
        assert_no_canaries([plain])
    compressed = new_canary("blob")
    # A compressed binary column: raw bytes in the SQLite file, hex in pg_dump.
    from plainsight.keys.models import OrganizationKeys

    OrganizationKeys.objects.create(
        organization=Organization.objects.get(slug="canary-org"),
        public_key=os.urandom(32),
        recovery_wrap=zlib.compress(b"header " + compressed.encode() + b" trailer"),
    )
    artifacts = dump_database()
    findings = find_canaries([compressed], artifacts)
    assert findings and any("zlib" in finding.path for finding in findings), findings


@pytest.mark.django_db(transaction=True)
def test_database_dump_includes_audit_and_cache_tables() -> None:
    canary = new_canary("cache")
    cache.set("some-key", {"note": canary})
    with pytest.raises(AssertionError, match="canary #0"):
        assert_no_canaries([canary])
    cache.clear()
    audit_canary = new_canary("audit")
    audit_record(actor=None, action="test.canary", target_type="x", target_id=audit_canary)
    with pytest.raises(AssertionError, match="canary #0"):
        assert_no_canaries([audit_canary])


@pytest.mark.django_db
def test_postgres_dump_refuses_uncommitted_data() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite reads its own uncommitted rows")
    with pytest.raises(RuntimeError, match="transaction=True"):
        dump_database()


@pytest.mark.django_db
def test_sqlite_dump_has_file_bytes_and_iterdump() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    names = [artifact.name for artifact in dump_database()]
    assert "sqlite iterdump" in names
    assert any(name.startswith("sqlite") and name != "sqlite iterdump" for name in names)
    backup = next(a for a in dump_database() if a.binary)
    assert backup.data.startswith(b"SQLite format 3\x00")


def test_sqlite_file_database_dump_reads_wal(tmp_path: Path) -> None:
    path = tmp_path / "file.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("CREATE TABLE t (v TEXT)")
    canary = new_canary("wal")
    raw.execute("INSERT INTO t VALUES (?)", (canary,))
    raw.commit()  # committed to the WAL, not yet checkpointed into the main file
    artifacts = dump_sqlite(raw, name=str(path), in_memory=False)
    names = {artifact.name for artifact in artifacts}
    assert {"sqlite file file.sqlite3", "sqlite file file.sqlite3-wal"} <= names
    wal = [a for a in artifacts if a.name.endswith("-wal")]
    assert find_canaries([canary], wal), "canary in the WAL file not found"
    raw.close()


@pytest.mark.django_db(transaction=True)
def test_media_dump_catches_file_contents_and_names() -> None:
    in_name = new_canary("filename")
    in_body = new_canary("body")
    default_storage.save(f"uploads/{in_name}.txt", ContentFile(b"hello"))
    default_storage.save("uploads/archive.gz", ContentFile(gzip.compress(in_body.encode())))
    artifacts = collect_artifacts()
    findings = find_canaries([in_name, in_body], artifacts)
    assert {finding.canary for finding in findings} == {0, 1}
    assert any(f.artifact == "media file names" for f in findings)


@pytest.mark.django_db(transaction=True)
def test_settings_and_environment_dump(settings, monkeypatch) -> None:
    in_setting = new_canary("setting")
    in_environment = new_canary("env")
    settings.SOME_SECRET_SETTING = {"nested": base64.b64encode(in_setting.encode()).decode()}
    monkeypatch.setenv("SOME_VARIABLE", in_environment)
    findings = find_canaries([in_setting, in_environment], collect_artifacts())
    assert {(f.canary, f.artifact) for f in findings} >= {(0, "settings"), (1, "environment")}


@pytest.mark.django_db(transaction=True)
def test_local_memory_and_file_caches_are_dumped(settings, tmp_path: Path) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "files": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        },
    }
    in_memory, in_files = new_canary("locmem"), new_canary("filecache")
    caches["memory"].set("k", in_memory)
    caches["files"].set("k", in_files)
    findings = find_canaries([in_memory, in_files], collect_artifacts())
    assert {f.canary for f in findings if f.artifact.startswith("cache")} == {0, 1}
    caches["memory"].clear()


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    arguments = ["--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    arguments += ["--appendonly", "no", "--dir", str(tmp_path)]
    process = subprocess.Popen(
        [server, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_redis_dump_catches_values(redis_url: str) -> None:
    from plainsight.testing.canary import _resp_command

    canary = new_canary("redis")
    port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        stream = sock.makefile("rwb")
        _resp_command(stream, b"SET", b":1:plain", pickle.dumps({"v": canary}))
        _resp_command(stream, b"HSET", b"h", b"field", zlib.compress(canary.encode()))
        _resp_command(stream, b"RPUSH", b"l", b"other")
    dump = dump_redis(redis_url)
    findings = find_canaries([canary], [Artifact("redis", dump, binary=True)])
    assert len({f.path for f in findings}) >= 2
    assert b"l=other" in dump
