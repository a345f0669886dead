"""Invite a person from the command line: how a new deployment gets its first admin.

    manage.py staff_invite --organization "Kern Coalition Against Human Trafficking" \\
        --kind coalition --email admin@example.org --first-name Ana --last-name Ruiz \\
        --role org_admin --role platform_admin --base-url https://plainsight.example.org

Creates the organization if it does not exist yet, then prints the one-time link
(nothing is stored but its digest). Works under production settings: it is the only
way in before any admin exists.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse

from plainsight.accounts.services import account_invite
from plainsight.partners.models import Organization, OrganizationKind, Role
from plainsight.partners.services import organization_create


class Command(BaseCommand):
    help = "Invite a person (and create their organization if needed); prints a one-time link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", required=True, help="organization name")
        parser.add_argument(
            "--kind", default=OrganizationKind.COALITION, choices=OrganizationKind.values
        )
        parser.add_argument("--county", action="append", default=[], help="county served (repeat)")
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--role", action="append", choices=Role.values, required=True)
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="where staff open PlainSight"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                organization = Organization.objects.filter(name=options["organization"]).first()
                if organization is None:
                    organization = organization_create(
                        actor=None,
                        name=options["organization"],
                        kind=options["kind"],
                        service_counties=options["county"],
                    )
                issued = account_invite(
                    actor=None,
                    organization=organization,
                    email=options["email"],
                    first_name=options["first_name"],
                    last_name=options["last_name"] or options["email"],
                    roles=options["role"],
                )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        link = (
            options["base_url"].rstrip("/")
            + reverse("accounts:set_password")
            + "?"
            + urlencode({"token": issued.token})
        )
        self.stdout.write(f"One-time link (expires {issued.expires_at:%Y-%m-%d %H:%M %Z}):")
        self.stdout.write(link)
