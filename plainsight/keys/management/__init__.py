"""Shared helpers of the key-custody management commands."""

from __future__ import annotations

import getpass
import sys
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from plainsight.partners.models import Organization


def organization_by_slug(slug: str) -> Organization:
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        raise CommandError(f"No organization with short name {slug!r}.") from None


def user_by_email(email: str) -> Any:
    user_model = get_user_model()
    try:
        return user_model.objects.get(email__iexact=email.strip())
    except user_model.DoesNotExist:
        raise CommandError("No person with that e-mail address.") from None


def read_secret(prompt: str, stream: TextIO | None) -> str:
    """Read a secret from the terminal without echo, or one line of standard input.

    Secrets are never taken as command-line arguments: those end up in shell history
    and in every process listing.
    """
    stream = stream or sys.stdin
    if stream is sys.stdin and stream.isatty():
        return getpass.getpass(prompt)
    line = stream.readline()
    if not line:
        raise CommandError("Nothing on standard input.")
    return line.strip()
