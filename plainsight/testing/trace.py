"""Tools to prove that a visitor leaves no trace (security.md, goal 2).

A test makes a :class:`VisitorCanary` (unique, made-up addresses and a user agent), sends
it with its requests, collects every place the server could have written it — database
rows, cache entries, uploaded files, log records, error reports, log files — and asks
:func:`find_canaries` whether any of the values appears there, also in encoded forms
(URL-encoded, hex, base64, hashed, compressed-and-signed as in Django sessions).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import logging
import pickle
import re
import secrets
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote, quote_plus

from django.core.cache import caches
from django.db import connections

# The last IPv4 octet of a canary: three digits (100-249), so one canary's address is never
# the prefix of another's ("…100.1" inside "…100.150"). Drawn in turn from a random start
# rather than at random, so that no two canaries of a run share an address (at random,
# two canaries collided once in about 75 runs).
_V4_HOSTS = 150
_v4_turn = count(secrets.randbelow(_V4_HOSTS))


@dataclass(frozen=True)
class VisitorCanary:
    """Made-up identifying values, unique to one test run.

    Addresses come from the ranges reserved for documentation (RFC 5737, RFC 3849), so
    they can never be a real visitor's.
    """

    remote_addr: str
    forwarded_for_v4: str
    forwarded_for_v6: str
    real_ip: str
    forwarded_v6: str
    client_ip: str
    user_agent_token: str
    client_hint_token: str
    query_token: str

    @classmethod
    def new(cls) -> VisitorCanary:
        def v6() -> str:
            groups = [secrets.token_hex(2) for _ in range(5)]
            return str(ipaddress.IPv6Address("2001:db8:" + ":".join(groups) + ":1"))

        def v4(net: str) -> str:
            return f"{net}.{next(_v4_turn) % _V4_HOSTS + 100}"

        return cls(
            remote_addr=v6(),
            forwarded_for_v4=v4("198.51.100"),
            forwarded_for_v6=v6(),
            real_ip=v4("203.0.113"),
            forwarded_v6=v6(),
            client_ip=v6(),
            user_agent_token="CanaryAgent" + secrets.token_hex(8),
            client_hint_token="CanaryHint" + secrets.token_hex(8),
            query_token="canaryquery" + secrets.token_hex(8),
        )

    @property
    def user_agent(self) -> str:
        return f"Mozilla/5.0 (X11; Linux x86_64) {self.user_agent_token}/1.0 Safari/537.36"

    def http_headers(self) -> dict[str, str]:
        """The identifying request headers, as sent over HTTP."""
        return {
            "User-Agent": self.user_agent,
            "X-Forwarded-For": f"{self.forwarded_for_v4}, {self.forwarded_for_v6}",
            "X-Real-IP": self.real_ip,
            "Forwarded": f'for="[{self.forwarded_v6}]";proto=https',
            "Client-IP": self.client_ip,
            "True-Client-IP": self.client_ip,
            "Sec-CH-UA": f'"{self.client_hint_token}";v="1"',
        }

    def wsgi_environ(self) -> dict[str, str]:
        """The same, as WSGI environ keys for Django's test client (plus REMOTE_ADDR)."""
        environ = {
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in self.http_headers().items()
        }
        environ["REMOTE_ADDR"] = self.remote_addr
        return environ

    def values(self) -> dict[str, str]:
        """Label -> the distinctive value to search for."""
        return {
            "REMOTE_ADDR": self.remote_addr,
            "X-Forwarded-For (IPv4)": self.forwarded_for_v4,
            "X-Forwarded-For (IPv6)": self.forwarded_for_v6,
            "X-Real-IP": self.real_ip,
            "Forwarded": self.forwarded_v6,
            "Client-IP": self.client_ip,
            "User-Agent": self.user_agent_token,
            "Sec-CH-UA": self.client_hint_token,
            "query string": self.query_token,
        }


def _forms(value: str) -> set[bytes]:
    """The value as plain text and in the encodings a careless program might store it."""
    raw = value.encode()
    forms = {
        raw,
        raw.lower(),
        raw.upper(),
        quote(value, safe="").encode(),
        quote_plus(value).encode(),
        binascii.hexlify(raw),
        binascii.hexlify(raw).upper(),
    }
    for digest in ("md5", "sha1", "sha256"):
        forms.add(hashlib.new(digest, raw).hexdigest().encode())
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        pass
    else:
        forms.add(address.exploded.encode())
        forms.add(binascii.hexlify(address.packed))
        forms.add(address.packed)
    # base64 of the value at each of the three byte alignments inside a longer text.
    # The first group of four characters mixes in the bytes before the value, the last
    # group the bytes after it: keep what depends on the value alone.
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        for shift in range(3):
            encoded = encode(b"\0" * shift + raw)
            start = 0 if shift == 0 else 4
            end = len(encoded) - 4
            if end - start >= 8:
                forms.add(encoded[start:end])
    return {form for form in forms if len(form) >= 8}


_B64_RUN = re.compile(rb"[A-Za-z0-9+/_\-]{16,}={0,2}")


def _unwrap(blob: bytes, depth: int = 0) -> Iterator[bytes]:
    """The blob, and what is inside base64 runs and zlib streams it contains."""
    yield blob
    if depth >= 3:
        return
    for match in _B64_RUN.finditer(blob):
        run = match.group(0)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                decoded = decode(run + b"=" * (-len(run) % 4))
            except (binascii.Error, ValueError):
                continue
            yield from _unwrap(decoded, depth + 1)
            try:
                inflated = zlib.decompress(decoded)
            except zlib.error:
                continue
            yield from _unwrap(inflated, depth + 1)


@dataclass
class Finding:
    label: str
    value: str
    where: str
    excerpt: str


@dataclass
class Haystack:
    """Named texts (or bytes) collected from the places a trace could be written."""

    parts: list[tuple[str, bytes]] = field(default_factory=list)

    def add(self, where: str, content: str | bytes) -> None:
        data = content.encode("utf-8", "backslashreplace") if isinstance(content, str) else content
        self.parts.append((where, data))

    def extend(self, items: Iterable[tuple[str, str | bytes]]) -> None:
        for where, content in items:
            self.add(where, content)


def find_canaries(canary: VisitorCanary, haystack: Haystack) -> list[Finding]:
    findings = []
    forms = {label: _forms(value) for label, value in canary.values().items()}
    for where, data in haystack.parts:
        for blob in _unwrap(data):
            for label, variants in forms.items():
                for form in variants:
                    index = blob.find(form)
                    if index >= 0:
                        excerpt = blob[max(0, index - 60) : index + len(form) + 60]
                        findings.append(
                            Finding(
                                label,
                                canary.values()[label],
                                where,
                                excerpt.decode("utf-8", "backslashreplace"),
                            )
                        )
                        break
    return findings


def describe(findings: list[Finding]) -> str:
    return "\n".join(
        f"  - {f.label} ({f.value}) found in {f.where}: …{f.excerpt}…" for f in findings
    )


# --- Where a trace could be written -------------------------------------------------


def _cell(value: Any) -> bytes:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value
    return repr(value).encode("utf-8", "backslashreplace")


def database_rows(using: str = "default") -> Iterator[tuple[str, bytes]]:
    """Every row of every table of the database, one part per table."""
    connection = connections[using]
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = cursor.fetchall()
            yield (
                f"database table {table}",
                b"\n".join(b"\t".join(_cell(value) for value in row) for row in rows),
            )


def cache_entries() -> Iterator[tuple[str, bytes]]:
    """Every entry of every configured cache, unpickled."""
    for alias in caches:
        cache = caches[alias]
        backend = type(cache).__name__
        if backend == "DatabaseCache":
            connection = connections["default"]
            table = connection.ops.quote_name(cache._table)  # type: ignore[attr-defined]
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT cache_key, value FROM {table}")  # noqa: S608
                for key, value in cursor.fetchall():
                    payload = base64.b64decode(value)
                    yield f"cache {alias} {key}", _cell(key) + b" " + payload
                    yield (
                        f"cache {alias} {key} (unpickled)",
                        _cell(pickle.loads(payload)),  # noqa: S301 — our own test data
                    )
        elif backend == "LocMemCache":
            for key, value in list(cache._cache.items()):  # type: ignore[attr-defined]
                yield f"cache {alias} {key}", _cell(key) + b" " + _cell(pickle.loads(value))  # noqa: S301
        elif backend == "DummyCache":
            continue
        else:
            raise AssertionError(f"cannot inspect cache backend {backend} in tests")


def files_under(root: Path) -> Iterator[tuple[str, bytes]]:
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield f"file {path}", str(path).encode() + b"\n" + path.read_bytes()


class LogCapture(logging.Handler):
    """Capture every log record of every logger at DEBUG while active.

    Used as a context manager: lowers every logger to DEBUG (restoring the levels
    afterwards) and keeps each record's message, arguments, extra attributes and, for
    records that carry a request (django.request), the request's META.
    """

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        self._saved: list[tuple[logging.Logger, int, bool]] = []
        self._disabled = logging.root.manager.disable

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> LogCapture:
        logging.disable(logging.NOTSET)
        loggers = [logging.getLogger()] + [
            logger
            for logger in logging.root.manager.loggerDict.values()
            if isinstance(logger, logging.Logger)
        ]
        for logger in loggers:
            self._saved.append((logger, logger.level, logger.disabled))
            logger.setLevel(logging.DEBUG)
            logger.disabled = False
            if logger is logging.getLogger() or not logger.propagate:
                logger.addHandler(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for logger, level, disabled in self._saved:
            logger.setLevel(level)
            logger.disabled = disabled
            logger.removeHandler(self)
        logging.disable(self._disabled)

    def parts(self) -> Iterator[tuple[str, str]]:
        for number, record in enumerate(self.records):
            text = [self.format(record), repr(record.args), repr(vars(record))]
            request = getattr(record, "request", None)
            if request is not None and hasattr(request, "META"):
                text.append(repr(request.META))
            yield f"log record {number} ({record.name})", "\n".join(text)
