"""Canary-dump tests: plant unique strings through real code paths, then prove that no
copy of the server's data (database, media, settings, environment, cache) holds them.

Usage in a test::

    canary = new_canary()
    tip_submit(text=canary, ...)                     # the real code path
    assert_no_canaries([canary, raw_key_bytes])      # dumps everything and searches

The dumps are what an attacker who copies the server gets:

1. the database: the SQLite file with its ``-wal``/``-shm`` files (or, for the in-memory
   test database, its serialized image plus ``iterdump()``), or ``pg_dump`` of the
   PostgreSQL test database — which only sees committed rows, so PostgreSQL tests must use
   ``@pytest.mark.django_db(transaction=True)`` (the helper refuses otherwise);
2. the media folder (file names and contents);
3. every setting and the process environment;
4. every configured cache: the database cache is in the database dump (and is also
   read directly), local-memory and file caches are read, a Redis cache is dumped key by
   key over its own protocol.

Each canary (``str`` or ``bytes``) is searched plain (UTF-8, UTF-16-LE/BE, any letter
case), as hex (any case), base64 (standard and URL-safe, at all 3 alignments), base32
(all 5 alignments), and inside every zlib, gzip and raw-deflate stream found, and inside
every run of base64 or hex text (decoded, then searched again, recursively), so that
"compressed, then base64" (Django's signing, the database cache) or "compressed, stored
as bytea and dumped as hex" (PostgreSQL) are caught too.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import warnings
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

MAX_DEPTH = 3  # nesting of decodings followed (e.g. hex → zlib → base64)
MAX_INFLATE = 16 * 1024 * 1024  # bytes inflated from one stream
MIN_DECODED = 8  # ignore decoded fragments shorter than this
MIN_NEEDLE = 8  # shortest encoded form searched (shorter ones would match by chance)

_B64_RUN = re.compile(rb"[A-Za-z0-9+/]{16,}={0,2}")
_B64URL_RUN = re.compile(rb"[A-Za-z0-9_-]{16,}={0,2}")
_HEX_RUN = re.compile(rb"[0-9A-Fa-f]{16,}")
_ZLIB_HEADER = re.compile(rb"\x78[\x01\x5e\x9c\xda]")
_GZIP_HEADER = re.compile(rb"\x1f\x8b\x08")


def new_canary(label: str = "") -> str:
    """A unique, unguessable ASCII string to plant (letters and digits only)."""
    return f"canary{''.join(ch for ch in label if ch.isalnum())}{secrets.token_hex(12)}"


# --- Encoded forms of a canary --------------------------------------------------------


@dataclass(frozen=True)
class Needle:
    form: str
    value: bytes
    any_case: bool  # searched in the lower-cased haystack


def _aligned_core(data: bytes, offset: int, bits: int, encode: Any) -> bytes:
    """The characters of ``encode(prefix + data)`` that depend on ``data`` alone.

    A value embedded in a longer encoded stream starts at some byte offset; only the
    characters that cover its bytes entirely are the same whatever surrounds it.
    """
    encoded = encode(bytes(offset) + data)
    start = -(-offset * 8 // bits)
    end = (offset + len(data)) * 8 // bits
    return bytes(encoded[start:end])


def needles_for(canary: str | bytes) -> list[Needle]:
    variants: list[tuple[str, bytes]]
    if isinstance(canary, str):
        variants = [
            ("utf-8", canary.encode("utf-8")),
            ("utf-16-le", canary.encode("utf-16-le")),
            ("utf-16-be", canary.encode("utf-16-be")),
        ]
    else:
        variants = [("bytes", bytes(canary))]
    found: list[Needle] = []
    for name, raw in variants:
        found.append(Needle(f"plain {name}", raw.lower(), True))
        found.append(Needle(f"hex {name}", raw.hex().encode(), True))
        for offset in range(3):
            for label, encode in (
                ("base64", base64.b64encode),
                ("base64url", base64.urlsafe_b64encode),
            ):
                core = _aligned_core(raw, offset, 6, encode)
                found.append(Needle(f"{label} {name} @{offset}", core, False))
        for offset in range(5):
            core = _aligned_core(raw, offset, 5, base64.b32encode)
            found.append(Needle(f"base32 {name} @{offset}", core.lower(), True))
    return [needle for needle in found if len(needle.value) >= MIN_NEEDLE]


# --- Artifacts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Artifact:
    """One thing an attacker could copy. ``binary`` artifacts are also brute-forced for
    raw-deflate streams (text dumps escape binary as hex, which is decoded instead)."""

    name: str
    data: bytes
    binary: bool = False


@dataclass(frozen=True)
class Finding:
    canary: int  # index in the list of canaries
    artifact: str
    form: str
    path: str  # the decodings that led to it, e.g. "hex@120 > zlib@0"

    def __str__(self) -> str:
        where = f"{self.artifact} ({self.path})" if self.path else self.artifact
        return f"canary #{self.canary} found as {self.form} in {where}"


def _inflate(data: bytes | memoryview, wbits: int) -> bytes | None:
    try:
        out = zlib.decompressobj(wbits).decompress(data, MAX_INFLATE)
    except zlib.error:
        return None
    return out if len(out) >= MIN_DECODED else None


def _stored_block_invalid(data: bytes, offset: int) -> bool:
    """A raw-deflate stream starting with a stored block needs LEN == ~NLEN."""
    if len(data) < offset + 5:
        return True
    length = data[offset + 1] | data[offset + 2] << 8
    nlength = data[offset + 3] | data[offset + 4] << 8
    return length ^ nlength != 0xFFFF


def _decoded_streams(data: bytes, *, binary: bool) -> Iterator[tuple[str, bytes]]:
    """Every compressed stream inflated, and every base64/hex run decoded."""
    view = memoryview(data)
    for match in _ZLIB_HEADER.finditer(data):
        if (data[match.start()] << 8 | data[match.start() + 1]) % 31 == 0:
            out = _inflate(view[match.start() :], zlib.MAX_WBITS)
            if out is not None:
                yield f"zlib@{match.start()}", out
    for match in _GZIP_HEADER.finditer(data):
        out = _inflate(view[match.start() :], 16 + zlib.MAX_WBITS)
        if out is not None:
            yield f"gzip@{match.start()}", out
    if binary:
        for offset in range(len(data)):
            block_type = (data[offset] >> 1) & 3
            if block_type == 3 or (block_type == 0 and _stored_block_invalid(data, offset)):
                continue
            out = _inflate(view[offset : offset + 65536], -zlib.MAX_WBITS)
            if out is not None:
                yield f"deflate@{offset}", out
    for pattern, decode, label in (
        (_B64_RUN, base64.b64decode, "base64"),
        (_B64URL_RUN, base64.urlsafe_b64decode, "base64url"),
    ):
        for match in pattern.finditer(data):
            run = match.group().rstrip(b"=")
            for shift in range(4):
                part = run[shift:]
                part = part[: len(part) - len(part) % 4] if len(part) % 4 == 1 else part
                try:
                    out = decode(part + b"=" * (-len(part) % 4))
                except (binascii.Error, ValueError):
                    continue
                if len(out) >= MIN_DECODED:
                    yield f"{label}@{match.start() + shift}", out
    for match in _HEX_RUN.finditer(data):
        run = match.group()
        for shift in range(2):
            part = run[shift:]
            part = part[: len(part) - len(part) % 2]
            yield f"hex@{match.start() + shift}", bytes.fromhex(part.decode())


def _scan(
    data: bytes,
    needles: list[list[Needle]],
    *,
    artifact: str,
    binary: bool,
    path: str,
    depth: int,
    findings: list[Finding],
    seen: set[bytes],
) -> None:
    lowered = data.lower()
    for index, forms in enumerate(needles):
        for needle in forms:
            if needle.value in (lowered if needle.any_case else data):
                findings.append(Finding(index, artifact, needle.form, path))
                break
    if depth >= MAX_DEPTH:
        return
    for step, decoded in _decoded_streams(data, binary=binary):
        key = decoded[:4096]
        if key in seen:
            continue
        seen.add(key)
        _scan(
            decoded,
            needles,
            artifact=artifact,
            binary=True,
            path=f"{path} > {step}" if path else step,
            depth=depth + 1,
            findings=findings,
            seen=seen,
        )


def find_canaries(canaries: Iterable[str | bytes], artifacts: Iterable[Artifact]) -> list[Finding]:
    """Every place where a canary appears, in any of the forms listed in the module doc."""
    needles = [needles_for(canary) for canary in canaries]
    findings: list[Finding] = []
    for artifact in artifacts:
        _scan(
            artifact.data,
            needles,
            artifact=artifact.name,
            binary=artifact.binary,
            path="",
            depth=0,
            findings=findings,
            seen=set(),
        )
    unique = {(f.canary, f.artifact, f.form, f.path): f for f in findings}
    return list(unique.values())


# --- Dumps ----------------------------------------------------------------------------


def dump_database(using: str = "default") -> list[Artifact]:
    from django.db import connections

    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return dump_sqlite(
            connection.connection,
            name=str(connection.settings_dict["NAME"]),
            in_memory=connection.is_in_memory_db(),  # type: ignore[attr-defined]
        )
    if connection.vendor == "postgresql":
        return _dump_postgresql(connection)
    raise NotImplementedError(f"No canary dump for {connection.vendor}.")


def dump_sqlite(raw: sqlite3.Connection, *, name: str, in_memory: bool) -> list[Artifact]:
    """The database file with its -wal/-shm/-journal files, plus ``iterdump()``; for an
    in-memory database its serialized image (what a backup to a file would write)."""
    artifacts = [
        Artifact("sqlite iterdump", "\n".join(raw.iterdump()).encode("utf-8", "surrogatepass"))
    ]
    if in_memory:
        # The database image, page for page (free pages included), as a file would hold it.
        artifacts.append(Artifact("sqlite in-memory database image", raw.serialize(), binary=True))
    else:
        base = Path(name)
        for suffix in ("", "-wal", "-shm", "-journal"):
            path = base.with_name(base.name + suffix)
            if path.exists():
                artifacts.append(Artifact(f"sqlite file {path.name}", path.read_bytes(), True))
    return artifacts


def _dump_postgresql(connection: Any) -> list[Artifact]:
    if connection.in_atomic_block:
        raise RuntimeError(
            "pg_dump sees committed data only: mark this test "
            "@pytest.mark.django_db(transaction=True)."
        )
    settings_dict = connection.settings_dict
    command = [
        shutil.which("pg_dump") or "/usr/bin/pg_dump",
        "--no-owner",
        "--no-privileges",
        "--dbname",
        str(settings_dict["NAME"]),
    ]
    if settings_dict.get("HOST"):
        command += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        command += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        command += ["--username", str(settings_dict["USER"])]
    environment = {**os.environ, "PGPASSWORD": str(settings_dict.get("PASSWORD") or "")}
    result = subprocess.run(  # noqa: S603 — fixed program, arguments from test settings
        command, capture_output=True, env=environment, timeout=300, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"pg_dump failed: {result.stderr.decode(errors='replace')}")
    return [Artifact("pg_dump", result.stdout)]


def dump_media() -> list[Artifact]:
    from django.conf import settings

    storage: Any = settings.STORAGES["default"]
    options: Any = storage.get("OPTIONS") or {}
    location = options.get("location")
    root = Path(str(location or settings.MEDIA_ROOT or ""))
    if not str(root) or not root.exists():
        return []
    files = sorted(path for path in root.rglob("*") if path.is_file())
    artifacts = [
        Artifact(
            "media file names",
            "\n".join(str(path.relative_to(root)) for path in files).encode("utf-8", "replace"),
        )
    ]
    for path in files:
        artifacts.append(Artifact(f"media {path.relative_to(root)}", path.read_bytes(), True))
    return artifacts


def dump_settings_and_environment() -> list[Artifact]:
    from django.conf import settings

    lines: list[bytes] = []
    for name in sorted(dir(settings)):
        if not name.isupper():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecated settings still count
            value = getattr(settings, name)
        lines.append(f"{name}={value!r}".encode("utf-8", "replace"))
        if isinstance(value, str):
            lines.append(value.encode("utf-8", "replace"))
        elif isinstance(value, bytes):
            lines.append(value)
    environment = [
        f"{key}={value}".encode("utf-8", "surrogateescape") for key, value in os.environ.items()
    ]
    return [
        Artifact("settings", b"\n".join(lines), binary=True),
        Artifact("environment", b"\n".join(environment)),
    ]


def dump_caches() -> list[Artifact]:
    from django.conf import settings
    from django.core.cache import caches

    artifacts: list[Artifact] = []
    for alias, config in settings.CACHES.items():
        backend = str(config.get("BACKEND", ""))
        cache = caches[alias]
        if backend.endswith("DatabaseCache"):
            from django.db import connections, router

            table = cache._table  # type: ignore[attr-defined]
            connection = connections[router.db_for_read(cache.cache_model_class)]  # type: ignore[attr-defined]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT cache_key, value FROM {connection.ops.quote_name(table)}"  # noqa: S608
                )
                rows = cursor.fetchall()
            data = b"\n".join(f"{key}={value}".encode() for key, value in rows)
            artifacts.append(Artifact(f"cache {alias} (database table)", data))
        elif backend.endswith("LocMemCache"):
            items = list(cache._cache.items())  # type: ignore[attr-defined]
            data = b"\n".join(str(key).encode() + b"=" + bytes(value) for key, value in items)
            artifacts.append(Artifact(f"cache {alias} (local memory)", data, binary=True))
        elif backend.endswith("FileBasedCache"):
            directory = Path(cache._dir)  # type: ignore[attr-defined]
            for path in sorted(directory.rglob("*")) if directory.exists() else []:
                if path.is_file():
                    artifacts.append(
                        Artifact(f"cache {alias} {path.name}", path.read_bytes(), True)
                    )
        elif backend.endswith("RedisCache"):
            locations = config.get("LOCATION", "")
            for url in [locations] if isinstance(locations, str) else list(locations):
                artifacts.append(Artifact(f"cache {alias} (redis)", dump_redis(url), binary=True))
    return artifacts


def collect_artifacts(
    *, using: str = "default", extra: Mapping[str, str | bytes] | None = None
) -> list[Artifact]:
    """Everything an attacker with a copy of the server gets, plus ``extra`` (for example
    captured log output or response bodies)."""
    artifacts = [
        *dump_database(using),
        *dump_media(),
        *dump_settings_and_environment(),
        *dump_caches(),
    ]
    for name, value in (extra or {}).items():
        data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
        artifacts.append(Artifact(name, data, binary=isinstance(value, bytes)))
    return artifacts


def assert_no_canaries(
    canaries: Iterable[str | bytes],
    *,
    using: str = "default",
    extra: Mapping[str, str | bytes] | None = None,
    artifacts: list[Artifact] | None = None,
) -> list[Artifact]:
    """Dump everything (or search ``artifacts``) and fail if any canary appears.

    Returns the artifacts searched, so a test can also check the dump is not empty.
    """
    canaries = list(canaries)
    assert canaries, "no canaries given"
    for canary in canaries:
        assert len(needles_for(canary)) >= 10, "canary too short to search reliably"
    if artifacts is None:
        artifacts = collect_artifacts(using=using, extra=extra)
    findings = find_canaries(canaries, artifacts)
    assert not findings, "canaries leaked:\n" + "\n".join(str(f) for f in findings)
    return artifacts


# --- Redis, over its own protocol (no client library needed) --------------------------


def _resp_command(stream: Any, *parts: bytes) -> Any:
    request = b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)
    stream.write(request)
    stream.flush()
    return _resp_read(stream)


def _resp_read(stream: Any) -> Any:
    line = stream.readline()
    if not line:
        raise ConnectionError("Redis closed the connection.")
    kind, rest = line[:1], line[1:].rstrip(b"\r\n")
    if kind == b"+":
        return rest
    if kind == b"-":
        raise RuntimeError(f"Redis error: {rest.decode(errors='replace')}")
    if kind == b":":
        return int(rest)
    if kind == b"$":
        size = int(rest)
        if size < 0:
            return None
        data = stream.read(size + 2)
        return data[:-2]
    if kind == b"*":
        size = int(rest)
        return None if size < 0 else [_resp_read(stream) for _ in range(size)]
    raise RuntimeError("Unexpected Redis reply.")


def _flatten(value: Any) -> Iterator[bytes]:
    if isinstance(value, bytes):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    elif value is not None:
        yield str(value).encode()


def dump_redis(url: str) -> bytes:
    """Every key and value of the Redis database named by ``url`` (redis://[:pw@]host:port/db)."""
    parsed = urlparse(url)
    database = (parsed.path or "/0").lstrip("/") or "0"
    with socket.create_connection(
        (parsed.hostname or "127.0.0.1", parsed.port or 6379), 10
    ) as sock:
        stream = sock.makefile("rwb")
        if parsed.password:
            auth = [unquote(parsed.password).encode()]
            if parsed.username:
                auth.insert(0, unquote(parsed.username).encode())
            _resp_command(stream, b"AUTH", *auth)
        _resp_command(stream, b"SELECT", database.encode())
        out: list[bytes] = []
        cursor = b"0"
        while True:
            cursor, keys = _resp_command(stream, b"SCAN", cursor, b"COUNT", b"1000")
            for key in keys:
                kind = _resp_command(stream, b"TYPE", key)
                reads = {
                    b"string": (b"GET", key),
                    b"list": (b"LRANGE", key, b"0", b"-1"),
                    b"set": (b"SMEMBERS", key),
                    b"zset": (b"ZRANGE", key, b"0", b"-1"),
                    b"hash": (b"HGETALL", key),
                    b"stream": (b"XRANGE", key, b"-", b"+"),
                }
                value = _resp_command(stream, *reads[kind]) if kind in reads else None
                out.append(key + b"=" + b"\x00".join(_flatten(value)))
            if cursor == b"0":
                break
        return b"\n".join(out)
