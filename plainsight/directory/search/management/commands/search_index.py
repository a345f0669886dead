"""Build or refresh the directory search index.

manage.py search_index --rebuild    everything from scratch (after a large import)
manage.py search_index              only services changed since the last refresh
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from plainsight.directory.search.services import search_index_rebuild, search_index_refresh


class Command(BaseCommand):
    help = "Rebuild (--rebuild) or refresh the directory search index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Rebuild every document.")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["rebuild"]:

            def progress(done: int, total: int) -> None:
                if options["verbosity"] > 1 or done == total:
                    self.stdout.write(f"  {done}/{total} services")

            count = search_index_rebuild(batch_size=options["batch_size"], progress=progress)
            self.stdout.write(
                f"Search index rebuilt: {count} documents in {time.perf_counter() - started:.1f} s."
            )
        else:
            count = search_index_refresh(batch_size=options["batch_size"])
            self.stdout.write(f"Search index refreshed: {count} services reindexed.")
