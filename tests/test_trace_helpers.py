"""The trace search finds a canary however it was stored (plainsight/testing/trace.py)."""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os

import pytest
from django.core import signing

from plainsight.testing.trace import Haystack, VisitorCanary, find_canaries


def _found(canary: VisitorCanary, content: str | bytes) -> set[str]:
    haystack = Haystack()
    haystack.add("sample", content)
    return {finding.label for finding in find_canaries(canary, haystack)}


def test_canaries_are_unique_and_documentation_addresses() -> None:
    first, second = VisitorCanary.new(), VisitorCanary.new()
    assert set(first.values().values()).isdisjoint(second.values().values())
    for value in (first.remote_addr, first.forwarded_for_v4, first.real_ip):
        address = ipaddress.ip_address(value)
        assert any(
            address in ipaddress.ip_network(net)
            for net in ("2001:db8::/32", "198.51.100.0/24", "203.0.113.0/24")
        )


def test_canaries_of_one_run_never_share_an_address() -> None:
    # Each canary takes two IPv4 addresses of 150; drawn at random, 70 canaries would
    # almost surely repeat one (and two canaries did, once, in CI).
    canaries = [VisitorCanary.new() for _ in range(70)]
    v4 = [value for c in canaries for value in (c.forwarded_for_v4, c.real_ip)]
    assert len(set(v4)) == len(v4)


@pytest.mark.parametrize("before", range(4))
def test_finds_base64_at_every_alignment(before: int) -> None:
    canary = VisitorCanary.new()
    blob = os.urandom(before) + canary.user_agent.encode() + os.urandom(5)
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        assert "User-Agent" in _found(canary, b"x " + encode(blob) + b" y")


def test_finds_plain_hex_hashed_and_expanded_forms() -> None:
    canary = VisitorCanary.new()
    assert "REMOTE_ADDR" in _found(canary, f"ip={canary.remote_addr}")
    assert "REMOTE_ADDR" in _found(canary, ipaddress.ip_address(canary.remote_addr).exploded)
    assert "X-Real-IP" in _found(canary, canary.real_ip.encode().hex())
    assert "X-Real-IP" in _found(canary, hashlib.sha256(canary.real_ip.encode()).hexdigest())
    assert "User-Agent" in _found(canary, canary.user_agent.upper())


def test_finds_compressed_signed_values_like_sessions() -> None:
    canary = VisitorCanary.new()
    signed = signing.dumps({"agent": canary.user_agent * 3}, compress=True)
    assert signed.startswith(".")  # really compressed
    assert "User-Agent" in _found(canary, signed)


def test_does_not_cry_wolf() -> None:
    canary = VisitorCanary.new()
    unrelated = VisitorCanary.new()
    assert _found(canary, repr(unrelated.values()) + " 0.0.0.0 127.0.0.1 Mozilla/5.0") == set()
