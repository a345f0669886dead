"""Invite a person from the command line: how a new deployment gets its first admin.

    manage.py staff_invite --organization "Kern Coalition Against Human Trafficking" \\
        --kind coalition --email admin@example.org --first-name Ana --last-name Ruiz \\
        --role org_admin --role platform_admin --base-url https://plainsight.example.org

Creates the organization with its keys if it does not exist yet (printing its recovery
key, once), then prints the one-time link, which carries the organization's keys, and
its access code (nothing is stored but digests and wrapped keys). Works under
production settings: it is the only way in before any admin exists. An organization
that already has keys is refused: its admins invite people from the staff app, and
``keys_recover`` helps when none is left.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from plainsight.accounts.services import account_invite
from plainsight.keys.keyring import RecoveryKey
from plainsight.keys.management import write_link, write_recovery_key
from plainsight.keys.selectors import organization_keys_exist
from plainsight.keys.services import organization_keys_provision
from plainsight.partners.models import Organization, OrganizationKind, Role
from plainsight.partners.services import organization_set_up


class Command(BaseCommand):
    help = (
        "Invite a person (and create their organization with its keys if needed); prints "
        "the recovery key of a new organization once, and a one-time link."
    )

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
            "--base-url",
            default="",
            help="where staff open PlainSight (default: PLAINSIGHT_BASE_URL)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base_url = options["base_url"] or settings.PLAINSIGHT_BASE_URL
        recovery_key: RecoveryKey | None = None
        created = False
        try:
            with transaction.atomic():
                organization = Organization.objects.filter(name=options["organization"]).first()
                if organization is None:
                    set_up = organization_set_up(
                        actor=None,
                        name=options["organization"],
                        kind=options["kind"],
                        service_counties=options["county"],
                        admin_email=options["email"],
                        admin_first_name=options["first_name"],
                        admin_last_name=options["last_name"] or options["email"],
                        admin_roles=options["role"],
                    )
                    recovery_key, issued = set_up.recovery_key, set_up.first_admin
                    created = True
                elif organization_keys_exist(organization=organization):
                    raise CommandError(
                        "This organization already has keys: its admins invite people from"
                        " the staff app (Admin → People). If none is left, see"
                        " docs/runbooks/keys.md §3 (keys_recover)."
                    )
                else:
                    # An organization from before key custody: give it keys now.
                    provisioned = organization_keys_provision(organization=organization)
                    recovery_key = provisioned.recovery_key
                    issued = account_invite(
                        actor=None,
                        organization=organization,
                        email=options["email"],
                        first_name=options["first_name"],
                        last_name=options["last_name"] or options["email"],
                        roles=options["role"],
                        keyring=provisioned.keyring,
                    )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        # Printed only once everything is saved: a key for a rolled-back organization
        # would be worse than useless.
        if recovery_key is not None:
            self.stdout.write(
                ("Organization created with its keys: " if created else "Keys created for: ")
                + options["organization"]
            )
            write_recovery_key(self.stdout, recovery_key)
        write_link(self.stdout, issued, base_url)
