"""Add a synthetic directory: ``manage.py directory_synthetic --services 100000``."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from plainsight.directory import synthetic


class Command(BaseCommand):
    help = "Generate a realistic synthetic California directory (for tests and benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--services", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Synthetic data is never generated under production settings.")
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done}/{total} services")

        summary = synthetic.generate(
            services=options["services"], seed=options["seed"], progress=progress
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.services} services, {summary.organizations} organizations, "
                f"{summary.locations} locations in {time.monotonic() - started:.1f} s."
            )
        )
