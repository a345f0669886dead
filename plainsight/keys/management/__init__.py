"""Shared helpers of the key-custody management commands."""

from __future__ import annotations

import getpass
import sys
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from plainsight.accounts.links import access_link
from plainsight.accounts.services import IssuedLink, account_access_reset
from plainsight.keys.keyring import Keyring, RecoveryKey
from plainsight.partners.models import Membership, Organization


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


def write_recovery_key(out: Any, recovery_key: RecoveryKey) -> None:
    """Print a recovery key once, with what to do with it."""
    out.write("\nRECOVERY KEY (shown once; write it down now and keep it offline):\n")
    out.write(f"\n    {recovery_key.formatted}\n\n")
    out.write(
        "If every person of the organization forgets their password, this key is the only\n"
        "way to open its records again; with a copy of the database it opens all of them.\n"
        "Write it on paper (two copies, two locked places); never in e-mail, photos or\n"
        "files. See docs/runbooks/keys.md.\n\n"
    )


def write_link(out: Any, issued: IssuedLink, base_url: str) -> None:
    """Print a one-time link and its access code (for a browser without JavaScript)."""
    out.write(
        f"One-time link for {issued.user.email} "
        f"(expires {issued.expires_at:%Y-%m-%d %H:%M %Z}; give it to them in person or by a "
        "channel you trust):\n"
    )
    out.write(f"    {access_link(base_url=base_url, code=issued.code)}\n")
    out.write("Access code (if the page asks for it):\n")
    out.write(f"    {issued.code}\n")


def access_reset_with_keys(
    *, organization: Organization, user: Any, keyring: Keyring
) -> IssuedLink:
    """A new one-time link for a member that carries the keyring's keys (an access reset:
    their password and second factor stop working)."""
    if not Membership.objects.filter(user=user, organization=organization).exists():
        raise CommandError("That person is not a member of this organization.")
    try:
        return account_access_reset(
            actor=None, user=user, organization=organization, keyring=keyring
        )
    except ValidationError as error:
        raise CommandError("; ".join(error.messages)) from None
