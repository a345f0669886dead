"""Replace an organization's recovery key; the old one stops opening anything."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plainsight.keys.errors import KeysError
from plainsight.keys.management import organization_by_slug, read_secret, user_by_email
from plainsight.keys.services import organization_recovery_key_replace, recovery_unwrap


class Command(BaseCommand):
    help = (
        "Read the current recovery key from the terminal (or standard input) and print a "
        "new one, once. Use it when a custodian leaves or a printed key may have been seen."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organization", help="The organization's short name (slug).")
        parser.add_argument("--actor", metavar="EMAIL", help="Who runs this (for the audit log).")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = organization_by_slug(options["organization"])
        actor = user_by_email(options["actor"]) if options["actor"] else None
        old_key = read_secret("Current recovery key: ", options.get("stdin"))
        try:
            keyring = recovery_unwrap(organization=organization, recovery_key=old_key, actor=actor)
            new_key = organization_recovery_key_replace(
                keyring=keyring, organization=organization, actor=actor
            )
        except KeysError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            "NEW RECOVERY KEY (shown once; the old key no longer works):\n\n"
            f"    {new_key.formatted}\n"
        )
