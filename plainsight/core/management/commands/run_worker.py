"""The task worker of the embedded tier (django-tasks-db's db_worker)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the database-backed task worker."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("db_worker")
