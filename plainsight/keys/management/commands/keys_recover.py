"""Use an organization's recovery key to give one member a new one-time link with its keys."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from plainsight.keys.errors import KeysError
from plainsight.keys.management import (
    access_reset_with_keys,
    organization_by_slug,
    read_secret,
    user_by_email,
    write_link,
)
from plainsight.keys.services import recovery_unwrap


class Command(BaseCommand):
    help = (
        "For a forgotten password (or a lost link) with no administrator available: read the "
        "organization's recovery key from the terminal (or standard input, never the command "
        "line), reset the member's access and print a one-time link with which they choose a "
        "new password and receive the organization's keys."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organization", help="The organization's short name (slug).")
        parser.add_argument("email", help="The member who receives the link.")
        parser.add_argument("--actor", metavar="EMAIL", help="Who runs this (for the audit log).")
        parser.add_argument(
            "--base-url",
            default="",
            help="where staff open PlainSight (default: PLAINSIGHT_BASE_URL)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = organization_by_slug(options["organization"])
        user = user_by_email(options["email"])
        actor = user_by_email(options["actor"]) if options["actor"] else None
        recovery_key = read_secret("Recovery key: ", options.get("stdin"))
        try:
            keyring = recovery_unwrap(
                organization=organization, recovery_key=recovery_key, actor=actor
            )
        except KeysError as error:
            raise CommandError(str(error)) from None
        issued = access_reset_with_keys(organization=organization, user=user, keyring=keyring)
        self.stdout.write("Give the link to the person in person or by phone.\n")
        write_link(self.stdout, issued, options["base_url"] or settings.PLAINSIGHT_BASE_URL)
