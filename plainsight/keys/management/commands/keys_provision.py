"""Provision an organization's keys and print its recovery key, once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from plainsight.keys.errors import AlreadyProvisioned
from plainsight.keys.management import (
    access_reset_with_keys,
    organization_by_slug,
    user_by_email,
    write_link,
    write_recovery_key,
)
from plainsight.keys.services import organization_keys_provision
from plainsight.partners.models import Membership


class Command(BaseCommand):
    help = (
        "Create the keys of an organization that has none (one created before key "
        "custody): key pair, data key and offline recovery key. The recovery key is "
        "printed once: write it down and keep it offline. With --invite, also reset those "
        "members' access with one-time links that carry the new keys (their password and "
        "second factor stop working; meant for the organization's first admin)."
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
        parser.add_argument(
            "--base-url",
            default="",
            help="where staff open PlainSight (default: PLAINSIGHT_BASE_URL)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = organization_by_slug(options["organization"])
        actor = user_by_email(options["actor"]) if options["actor"] else None
        invitees = [user_by_email(email) for email in options["invite"]]
        for user in invitees:
            if not Membership.objects.filter(user=user, organization=organization).exists():
                raise CommandError(f"{user.email} is not a member of this organization.")
        base_url = options["base_url"] or settings.PLAINSIGHT_BASE_URL
        try:
            with transaction.atomic():
                provisioned = organization_keys_provision(organization=organization, actor=actor)
                links = [
                    access_reset_with_keys(
                        organization=organization, user=user, keyring=provisioned.keyring
                    )
                    for user in invitees
                ]
        except AlreadyProvisioned:
            raise CommandError(
                "This organization already has keys. Use keys_recover to give someone access."
            ) from None
        out = self.stdout
        out.write(f"Keys created for {organization.slug}.\n")
        write_recovery_key(out, provisioned.recovery_key)
        for issued in links:
            write_link(out, issued, base_url)
