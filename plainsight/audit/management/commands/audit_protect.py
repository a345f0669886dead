"""Re-create the audit log's protection triggers (after an incident, or a lost trigger).

The statements are those of migration 0003, imported from it so that there is one
source of truth. Drops and re-creates every trigger in one transaction; on PostgreSQL
run it as the role that owns the tables.
"""

from __future__ import annotations

from argparse import ArgumentParser
from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from plainsight.audit.protection import protection_problems

_MIGRATION = "plainsight.audit.migrations.0003_append_only_triggers"


class Command(BaseCommand):
    help = "Re-create the triggers that make the audit log append-only, then check them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--database", default="default", help="Database alias (default: default)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        connection = connections[using]
        migration = import_module(_MIGRATION)
        statements = {
            "postgresql": migration.POSTGRES_DROP + migration.POSTGRES_CREATE,
            "sqlite": migration.SQLITE_DROP + migration.SQLITE_CREATE,
        }.get(connection.vendor)
        if statements is None:
            raise CommandError(f"No audit protection exists for {connection.vendor}.")
        with transaction.atomic(using=using), connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        problems = protection_problems(using=using)
        if problems:
            raise CommandError("Protection still incomplete: " + " ".join(problems))
        self.stdout.write(self.style.SUCCESS("Audit log protection is in place."))
