"""Export the directory as HSDS 3.1: JSON (the API's full documents) or the CSV package.

Exports stream in chunks, so a directory of 100,000 services is written with flat
memory. What a confidential location must never reveal is withheld exactly as in the
API (``serializers.CONFIDENTIAL_LOCATION_COLUMNS``): addresses, accessibility and
metadata rows of confidential locations are left out (so are the attributes of those
addresses and accessibility rows, and the metadata of all of these), and their
location rows keep only the whitelisted columns.
"""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from django.db.models import Model, QuerySet

from plainsight.directory import hsds, models, serializers

CHUNK = 200


def _chunks(queryset: QuerySet[Any], size: int) -> Iterator[list[Any]]:
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def export_json(
    stream: IO[str],
    *,
    kind: str = "service",
    queryset: QuerySet[Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write a JSON array of fully nested services (or organizations with services).

    Returns the number of top-level documents written.
    """
    if kind == "service":
        queryset = queryset if queryset is not None else models.Service.objects.all()
    else:
        queryset = queryset if queryset is not None else models.Organization.objects.all()
    total = queryset.count()
    written = 0
    stream.write("[")
    for ids in _chunks(queryset, CHUNK):
        if kind == "service":
            graph = serializers.load_graph(service_ids=ids)
            rows = sorted((graph.rows["service"][i] for i in ids), key=lambda r: str(r.pk))
            documents = serializers.render_rows("service", rows, graph, full=True)
        else:
            graph = serializers.load_graph(
                organization_ids=ids, services_of_organizations=models.Service.objects.all()
            )
            rows = sorted((graph.rows["organization"][i] for i in ids), key=lambda r: str(r.pk))
            documents = serializers.render_rows("organization", rows, graph, full=True)
        for document in documents:
            stream.write("\n" if written == 0 else ",\n")
            stream.write(json.dumps(document, ensure_ascii=False, sort_keys=False))
            written += 1
        if progress:
            progress(written, total)
    stream.write("\n]\n" if written else "]\n")
    return written


def _confidential_location_ids() -> set[Any]:
    return set(models.Location.objects.filter(confidential=True).values_list("pk", flat=True))


def iter_table_rows(table: str, hidden: dict[str, set[Any]]) -> Iterator[list[str]]:
    """CSV rows (header first) of one table, withholding confidential data."""
    spec = hsds.spec(table)
    yield [column.name for column in spec.columns]
    queryset = spec.model._default_manager.order_by("pk")
    confidential = hidden["location"]
    zones: dict[Any, str] = (
        dict(models.Location.objects.exclude(iana_timezone="").values_list("pk", "iana_timezone"))
        if table == "schedule"
        else {}
    )
    for instance in queryset.iterator(chunk_size=2000):
        if withheld(table, instance, hidden):
            continue
        redact = table == "location" and instance.pk in confidential
        waiting = instance.unresolved_links or {}  # type: ignore[attr-defined]
        row = []
        for column in spec.columns:
            if redact and column.name not in serializers.CONFIDENTIAL_LOCATION_COLUMNS:
                row.append("")
            elif table == "schedule" and column.name == "timezone" and instance.timezone is None:  # type: ignore[attr-defined]
                # As in the API: HSDS readers need an offset; the zone name is authoritative.
                zone = getattr(instance, "iana_timezone", "") or zones.get(
                    getattr(instance, "location_id", None), ""
                )
                offset = serializers.utc_offset_now(zone)
                row.append("" if offset is None else str(offset))
            else:
                value = getattr(instance, column.attname)
                if value is None and column.references:
                    # A link to a record the directory does not hold: the id as given.
                    value = waiting.get(column.name)
                row.append(hsds.to_csv_value(column, value))
        yield row


def withheld(table: str, instance: Model, hidden: dict[str, set[Any]]) -> bool:
    """Whether exports leave this row out (``hidden``: from ``withheld_ids``): it would
    tell where a confidential location is. The import reads its absence from a file
    as saying nothing."""
    if instance.pk in hidden["any"]:
        return True
    if table in {"address", "accessibility"}:
        return instance.location_id in hidden["location"]  # type: ignore[attr-defined]
    if table == "metadata":
        resource = instance.resource_id  # type: ignore[attr-defined]
        return resource in hidden["any"] or resource in hidden["location"]
    if table == "attribute":
        return instance.link_id in hidden["any"]  # type: ignore[attr-defined]
    return False


def withheld_ids() -> dict[str, set[Any]]:
    """Confidential locations (``location``), and the rows that describe them
    (``any``: their addresses and accessibility, and the terms applied to those)."""
    confidential = _confidential_location_ids()
    hidden_addresses = set(
        models.Address.objects.filter(location_id__in=confidential).values_list("pk", flat=True)
    )
    hidden_access = set(
        models.Accessibility.objects.filter(location_id__in=confidential).values_list(
            "pk", flat=True
        )
    )
    hidden = hidden_addresses | hidden_access
    # Terms applied to those rows go with them, and so does the metadata of those terms
    # (its old and new values are the term's value): the JSON never reaches either.
    hidden |= {
        pk
        for ids in hsds.chunked(sorted(hidden), serializers.IN_CHUNK)
        for pk in models.Attribute.objects.filter(link_id__in=ids).values_list("pk", flat=True)
    }
    return {"location": confidential, "any": hidden}


def export_csv_package(
    target: Path, *, progress: Callable[[int, int], None] | None = None
) -> list[str]:
    """Write one CSV per HSDS table into ``target`` (a directory, or a ``.zip`` file).

    Returns the file names written. Empty tables get a header-only file, so the package
    always has the full set of HSDS files.
    """
    hidden = withheld_ids()
    names: list[str] = []
    tables = [t for t in hsds.TABLE_ORDER]
    if target.suffix.lower() == ".zip":
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for index, table in enumerate(tables, start=1):
                name = hsds.spec(table).csv_name
                # Row by row into the archive: a table is never held whole in memory.
                # (Dated now, as writestr did; open() alone dates a member 1980.)
                member_info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
                member_info.compress_type = archive.compression
                with (
                    archive.open(member_info, "w") as member,
                    io.TextIOWrapper(member, encoding="utf-8", newline="") as handle,
                ):
                    csv.writer(handle, lineterminator="\n").writerows(
                        iter_table_rows(table, hidden)
                    )
                names.append(name)
                if progress:
                    progress(index, len(tables))
        return names
    target.mkdir(parents=True, exist_ok=True)
    for index, table in enumerate(tables, start=1):
        name = hsds.spec(table).csv_name
        with (target / name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(iter_table_rows(table, hidden))
        names.append(name)
        if progress:
            progress(index, len(tables))
    return names
