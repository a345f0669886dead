"""Fixtures shared by every test module."""

from __future__ import annotations

import nacl.pwhash
import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Each test writes uploaded files under its own temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture(autouse=True)
def _fast_key_wrapping(settings):
    """Every sign-in now unwraps organization keys with Argon2id (64 MiB, ~0.2 s at the
    production limits). Tests use libsodium's minimum limits; the real limits are
    exercised by ``plainsight/keys/tests/test_services.py::test_real_argon2_limits_*``
    and by the embedded-run test (a subprocess with the default settings)."""
    settings.KEYS_ARGON2_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_MIN
    settings.KEYS_ARGON2_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_MIN


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Spanish leaves Spanish active in the test's thread (the locale
    middleware activates it and nothing deactivates it): the next test would read
    Spanish messages. Every test ends back in the default language."""
    yield
    translation.deactivate()
