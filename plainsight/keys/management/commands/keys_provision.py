"""Provision an organization's keys and print its recovery key, once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plainsight.keys.conf import grant_link_url
from plainsight.keys.errors import AlreadyProvisioned, KeysError
from plainsight.keys.management import organization_by_slug, user_by_email
from plainsight.keys.services import organization_keys_provision, pending_grant_create


class Command(BaseCommand):
    help = (
        "Create an organization's key pair, data key and offline recovery key. The "
        "recovery key is printed once: write it down and keep it offline. With --invite, "
        "also print one-time set-password links that give those people the keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organization", help="The organization's short name (slug).")
        parser.add_argument(
            "--invite",
            action="append",
            default=[],
            metavar="EMAIL",
            help="A member who receives a one-time link for the keys (repeatable).",
        )
        parser.add_argument("--actor", metavar="EMAIL", help="Who runs this (for the audit log).")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = organization_by_slug(options["organization"])
        actor = user_by_email(options["actor"]) if options["actor"] else None
        invitees = [user_by_email(email) for email in options["invite"]]
        try:
            provisioned = organization_keys_provision(organization=organization, actor=actor)
        except AlreadyProvisioned:
            raise CommandError(
                "This organization already has keys. Use keys_recover to give someone access."
            ) from None
        out = self.stdout
        out.write(f"Keys created for {organization.slug}.\n")
        out.write("\nRECOVERY KEY (shown once; write it down, keep it offline):\n\n")
        out.write(f"    {provisioned.recovery_key.formatted}\n\n")
        out.write(
            "Anyone with this key and a copy of the database can read this organization's\n"
            "records. Store it on paper in a locked place; see docs/runbooks/keys.md.\n"
        )
        for user in invitees:
            try:
                token = pending_grant_create(
                    keyring=provisioned.keyring, organization=organization, user=user, actor=actor
                )
            except KeysError as error:
                raise CommandError(f"Could not create a link for {user.email}: {error}") from None
            out.write(f"\nOne-time link for {user.email}:\n    {grant_link_url(token) or token}\n")
