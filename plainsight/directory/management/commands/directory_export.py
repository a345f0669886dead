"""Export the directory as HSDS 3.1: ``manage.py directory_export PATH``.

PATH ending in .json writes a JSON array of fully nested services (``--kind
organization`` for organizations with their services); a .zip or a folder gets the
CSV package. Confidential locations keep their address and coordinates out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from plainsight.directory.models import ImportFormat
from plainsight.directory.services import directory_export


class Command(BaseCommand):
    help = "Export the directory as HSDS JSON or as the HSDS CSV package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--format", choices=ImportFormat.values, help="default: by extension")
        parser.add_argument("--kind", choices=["service", "organization"], default="service")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        file_format = options["format"] or (
            ImportFormat.JSON if path.suffix.lower() == ".json" else ImportFormat.CSV
        )

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done}/{total}")

        count = directory_export(
            actor=None,
            target=path,
            file_format=file_format,
            kind=options["kind"],
            progress=progress,
        )
        what = "documents" if file_format == ImportFormat.JSON else "files"
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} {what} to {path}."))
