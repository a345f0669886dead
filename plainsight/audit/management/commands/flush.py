"""Django's ``flush``, made to respect the append-only audit log.

The audit tables refuse DELETE and TRUNCATE (migration 0003), so Django's own flush
would fail. The test suite flushes the database after every test that commits
(pytest's ``transactional_db``), and developers reset their embedded database with
it; under those settings the audit triggers are lifted for the flush, inside its
transaction. Under production settings the flush is refused: emptying the audit log
of a real deployment is a decision for a database administrator, by hand.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import transaction

from plainsight.audit.protection import protection_suspended


class Command(flush.Command):
    help = (
        flush.Command.help
        + " The append-only audit log is emptied too, except under production settings"
        " where the command is refused."
    )

    def handle(self, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "flush is refused under production settings: the audit log is append-only."
            )
        database = options["database"]
        with (
            transaction.atomic(using=database),
            protection_suspended(reason="manage.py flush", using=database),
        ):
            super().handle(**options)
