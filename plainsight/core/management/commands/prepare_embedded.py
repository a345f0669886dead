"""Bring the embedded tier up to date in one process: `make run` calls it before serving.

Migrates the SQLite database, creates the cache table, collects static files, loads
the demo data and brings the directory's search index up to date (built the first
time and after an upgrade that changed its format) — each step idempotent, so a
second `make run` only checks and goes on.
One process instead of four keeps a second start to a few seconds.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Migrate, create the cache table, collect static files, load demo data and"
        " bring the search index up to date."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("demo_load", stdout=self.stdout, stderr=self.stderr)
        call_command("search_index", stdout=self.stdout, stderr=self.stderr)
