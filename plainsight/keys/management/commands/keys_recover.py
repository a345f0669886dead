"""Use an organization's recovery key to give one person a one-time set-password link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plainsight.keys.conf import grant_link_url
from plainsight.keys.errors import KeysError
from plainsight.keys.management import organization_by_slug, read_secret, user_by_email
from plainsight.keys.services import pending_grant_create, recovery_unwrap


class Command(BaseCommand):
    help = (
        "For a forgotten password with no administrator available: read the organization's "
        "recovery key from the terminal (or standard input, never the command line) and "
        "print a one-time link with which the person sets a new password and gets the keys."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organization", help="The organization's short name (slug).")
        parser.add_argument("email", help="The member who receives the link.")
        parser.add_argument("--actor", metavar="EMAIL", help="Who runs this (for the audit log).")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = organization_by_slug(options["organization"])
        user = user_by_email(options["email"])
        actor = user_by_email(options["actor"]) if options["actor"] else None
        recovery_key = read_secret("Recovery key: ", options.get("stdin"))
        try:
            keyring = recovery_unwrap(
                organization=organization, recovery_key=recovery_key, actor=actor
            )
            token = pending_grant_create(
                keyring=keyring, organization=organization, user=user, actor=actor
            )
        except KeysError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"One-time link for {user.email} (give it to them in person or by phone):\n"
            f"    {grant_link_url(token) or token}\n"
        )
