"""System checks: production must not run with weak password-stretching limits."""

from __future__ import annotations

from typing import Any

import nacl.pwhash
from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=False)
def check_argon2_limits(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from plainsight.keys.conf import argon2_limits

    errors: list[Error] = []
    opslimit, memlimit = argon2_limits()
    if opslimit < nacl.pwhash.argon2id.OPSLIMIT_MIN or memlimit < nacl.pwhash.argon2id.MEMLIMIT_MIN:
        errors.append(Error("KEYS_ARGON2_* below libsodium's minimum.", id="keys.E001"))
    if getattr(settings, "PRODUCTION", False) and (
        opslimit < nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE
        or memlimit < nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE
    ):
        errors.append(
            Error(
                "KEYS_ARGON2_OPSLIMIT/MEMLIMIT are below libsodium's interactive limits; "
                "production must not use test limits.",
                id="keys.E002",
            )
        )
    return errors
