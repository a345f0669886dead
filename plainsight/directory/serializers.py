"""Directory rows as HSDS 3.1 documents (API responses and JSON/CSV exports).

A page of services is turned into HSDS JSON in two steps: ``load_graph`` fetches
every related row with one query per table (about twenty queries, whatever the page
size), then ``render`` walks the HSDS nesting in memory. Both steps withhold what a
confidential location must never reveal: its addresses, coordinates, directions,
accessibility notes and the metadata that could spell them out.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet

from plainsight.directory import hsds, models

# The only location columns a confidential location shows (a whitelist, so that a
# column added later is withheld until someone decides it is safe).
CONFIDENTIAL_LOCATION_COLUMNS = {
    "id",
    "location_type",
    "organization_id",
    "name",
    "alternate_name",
    "confidential",
    "confidential_access_note",
    "iana_timezone",
}
CONFIDENTIAL_LOCATION_NESTED = {"languages", "contacts", "phones", "schedules", "attributes"}

IN_CHUNK = 5000  # well below SQLite's and PostgreSQL's bound-parameter limits


class Graph:
    """Rows of every table needed to render some roots, indexed by parent column."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[uuid.UUID, Model]] = defaultdict(dict)
        self._index: dict[tuple[str, str], dict[uuid.UUID, list[Model]]] = {}
        self.confidential_locations: set[uuid.UUID] = set()

    def add(self, table: str, instances: Iterable[Model]) -> None:
        bucket = self.rows[table]
        for instance in instances:
            bucket[instance.pk] = instance
        self._index = {}

    def ids(self, table: str) -> set[uuid.UUID]:
        return set(self.rows.get(table, {}))

    def all_ids(self) -> set[uuid.UUID]:
        result: set[uuid.UUID] = set()
        for bucket in self.rows.values():
            result.update(bucket)
        return result

    def children(self, table: str, column: str, parent_id: uuid.UUID) -> list[Model]:
        key = (table, column)
        if key not in self._index:
            index: dict[uuid.UUID, list[Model]] = defaultdict(list)
            attname = hsds.ATTNAME_OVERRIDES.get((table, column), column)
            for instance in self.rows.get(table, {}).values():
                value = getattr(instance, attname)
                if value is not None:
                    index[value].append(instance)
            for rows in index.values():
                rows.sort(key=_sort_key)
            self._index[key] = index
        return self._index[key].get(parent_id, [])

    def get(self, table: str, pk: uuid.UUID | None) -> Model | None:
        if pk is None:
            return None
        return self.rows.get(table, {}).get(pk)


def _sort_key(instance: Model) -> tuple[str, str]:
    return (str(getattr(instance, "name", "") or ""), str(instance.pk))


def _fetch(queryset: QuerySet[Any], field: str, ids: set[uuid.UUID]) -> list[Model]:
    if not ids:
        return []
    # Unordered: the graph sorts what it nests. A model's default ordering would let
    # the database walk a whole table in that order rather than use the index on
    # ``field`` (80,000 service areas read for 40).
    queryset = queryset.order_by()
    ordered = sorted(ids)
    result: list[Model] = []
    for start in range(0, len(ordered), IN_CHUNK):
        result.extend(queryset.filter(**{f"{field}__in": ordered[start : start + IN_CHUNK]}))
    return result


def _fetch_any(queryset: QuerySet[Any], conditions: dict[str, set[uuid.UUID]]) -> list[Model]:
    """Rows matching any of ``field__in=ids`` (one query unless the sets are huge).

    A UNION ALL of one lookup per column rather than one WHERE with OR: each part uses
    its column's index, whereas SQLite, whose statistics count the NULLs of these
    mostly-empty link columns as one big value, reads the whole table for the OR. A
    row found twice is kept once (by primary key).
    """
    conditions = {name: ids for name, ids in conditions.items() if ids}
    if not conditions:
        return []
    queryset = queryset.order_by()  # as in _fetch
    if sum(len(ids) for ids in conditions.values()) <= IN_CHUNK:
        parts = [
            queryset.filter(**{f"{name}__in": sorted(ids)}) for name, ids in conditions.items()
        ]
        # (Unordered too: a compound query otherwise gets the model's ordering back.)
        found = parts[0].union(*parts[1:], all=True).order_by() if len(parts) > 1 else parts[0]
        return list({instance.pk: instance for instance in found}.values())
    seen: dict[Any, Model] = {}
    for name, ids in conditions.items():
        for instance in _fetch(queryset, name, ids):
            seen[instance.pk] = instance
    return list(seen.values())


def load_graph(
    *,
    service_ids: Iterable[uuid.UUID] = (),
    organization_ids: Iterable[uuid.UUID] = (),
    service_at_location_ids: Iterable[uuid.UUID] = (),
    location_ids: Iterable[uuid.UUID] = (),
    services_of_organizations: QuerySet[models.Service] | None = None,
    service_queryset: QuerySet[models.Service] | None = None,
) -> Graph:
    """Fetch the roots and everything HSDS nests under them.

    ``services_of_organizations``, when given, adds the organizations' services
    (already restricted by the caller, e.g. to public ones) for ``full_service``.
    """
    graph = Graph()
    services_qs = service_queryset if service_queryset is not None else models.Service.objects
    sal_ids = set(service_at_location_ids)
    sals: list[Model] = []
    if sal_ids:
        sals = _fetch(models.ServiceAtLocation.objects.all(), "id", sal_ids)
    wanted_services = set(service_ids) | {s.service_id for s in sals}  # type: ignore[attr-defined]
    services = _fetch(services_qs.all(), "id", wanted_services)
    organization_set = set(organization_ids) | {s.organization_id for s in services}  # type: ignore[attr-defined]
    if services_of_organizations is not None and organization_set:
        services += _fetch(services_of_organizations, "organization_id", set(organization_set))
    graph.add("service", services)
    s_ids = graph.ids("service")
    graph.add("organization", _fetch(models.Organization.objects.all(), "id", organization_set))
    o_ids = graph.ids("organization")
    program_ids = {s.program_id for s in services if s.program_id}  # type: ignore[attr-defined]
    graph.add(
        "program",
        _fetch_any(models.Program.objects.all(), {"id": program_ids, "organization_id": o_ids}),
    )
    graph.add(
        "service_at_location",
        sals + _fetch(models.ServiceAtLocation.objects.all(), "service_id", s_ids),
    )
    sal_ids = graph.ids("service_at_location")
    location_wanted = set(location_ids) | {
        s.location_id  # type: ignore[attr-defined]
        for s in graph.rows["service_at_location"].values()
    }
    locations = _fetch_any(
        models.Location.objects.all(), {"id": location_wanted, "organization_id": o_ids}
    )
    graph.add("location", locations)
    graph.confidential_locations = {
        loc.pk
        for loc in locations
        if loc.confidential  # type: ignore[attr-defined]
    }
    l_ids = graph.ids("location")
    open_l_ids = l_ids - graph.confidential_locations
    graph.add(
        "contact",
        _fetch_any(
            models.Contact.objects.all(),
            {
                "organization_id": o_ids,
                "service_id": s_ids,
                "service_at_location_id": sal_ids,
                "location_id": l_ids,
            },
        ),
    )
    c_ids = graph.ids("contact")
    graph.add(
        "phone",
        _fetch_any(
            models.Phone.objects.all(),
            {
                "organization_id": o_ids,
                "service_id": s_ids,
                "service_at_location_id": sal_ids,
                "location_id": l_ids,
                "contact_id": c_ids,
            },
        ),
    )
    graph.add(
        "language",
        _fetch_any(
            models.Language.objects.all(),
            {"service_id": s_ids, "location_id": l_ids, "phone_id": graph.ids("phone")},
        ),
    )
    graph.add("address", _fetch(models.Address.objects.all(), "location_id", open_l_ids))
    graph.add(
        "accessibility", _fetch(models.Accessibility.objects.all(), "location_id", open_l_ids)
    )
    graph.add(
        "schedule",
        _fetch_any(
            models.Schedule.objects.all(),
            {"service_id": s_ids, "location_id": l_ids, "service_at_location_id": sal_ids},
        ),
    )
    graph.add(
        "service_area",
        _fetch_any(
            models.ServiceArea.objects.all(),
            {"service_id": s_ids, "service_at_location_id": sal_ids},
        ),
    )
    graph.add(
        "url",
        _fetch_any(models.Url.objects.all(), {"service_id": s_ids, "organization_id": o_ids}),
    )
    graph.add(
        "funding",
        _fetch_any(models.Funding.objects.all(), {"service_id": s_ids, "organization_id": o_ids}),
    )
    graph.add("cost_option", _fetch(models.CostOption.objects.all(), "service_id", s_ids))
    graph.add(
        "required_document", _fetch(models.RequiredDocument.objects.all(), "service_id", s_ids)
    )
    # Every capacity, whether or not its unit is in the directory (see
    # hsds.unknown_unit for how one that is not is written).
    capacities = _fetch(models.ServiceCapacity.objects.select_related("unit"), "service_id", s_ids)
    graph.add("service_capacity", capacities)
    graph.add("unit", [c.unit for c in capacities if c.unit is not None])  # type: ignore[attr-defined]
    graph.add(
        "organization_identifier",
        _fetch(models.OrganizationIdentifier.objects.all(), "organization_id", o_ids),
    )
    _add_attributes_and_metadata(graph)
    return graph


def _add_attributes_and_metadata(graph: Graph) -> None:
    ids = graph.all_ids()
    attributes = _fetch(
        models.Attribute.objects.select_related("taxonomy_term__taxonomy_detail"), "link_id", ids
    )
    graph.add("attribute", attributes)
    terms = [a.taxonomy_term for a in attributes]  # type: ignore[attr-defined]
    graph.add("taxonomy_term", terms)
    graph.add("taxonomy", [t.taxonomy_detail for t in terms if t.taxonomy_detail_id])
    # Provenance of a confidential location would spell out its old address.
    graph.add(
        "metadata",
        _fetch(
            models.Metadata.objects.all(),
            "resource_id",
            graph.all_ids() - graph.confidential_locations,
        ),
    )


def load_taxonomy_graph(*, term_ids: Iterable[uuid.UUID]) -> Graph:
    graph = Graph()
    terms = _fetch(
        models.TaxonomyTerm.objects.select_related("taxonomy_detail"), "id", set(term_ids)
    )
    graph.add("taxonomy_term", terms)
    graph.add("taxonomy", [t.taxonomy_detail for t in terms if t.taxonomy_detail_id])  # type: ignore[attr-defined]
    graph.add("metadata", _fetch(models.Metadata.objects.all(), "resource_id", graph.all_ids()))
    return graph


# --- Rendering -----------------------------------------------------------------------


def render(
    table: str,
    instance: Model,
    graph: Graph,
    *,
    full: bool = True,
    ancestors: tuple[str, ...] = (),
    skip: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """One row as an HSDS object, with its nested arrays and objects when ``full``.

    Nested tables that already appear on the path from the root are not repeated
    (a service's organization does not list the services again). Without ``full``
    only one-to-one columns are given, plus the basic objects the HSDS list
    examples show (a service's organization and program; a service-at-location's
    location and service).
    """
    spec = hsds.spec(table)
    confidential = table == "location" and instance.pk in graph.confidential_locations
    document: dict[str, Any] = {}
    for column in _shown_columns(table, confidential):
        value = hsds.to_json_value(column, getattr(instance, column.attname))
        if value is not None:
            document[column.name] = value
        elif (table, column.name) in hsds.REQUIRED_MAY_BE_EMPTY:
            document[column.name] = ""  # HSDS requires the key; empty is the value
    waiting = getattr(instance, "unresolved_links", None)
    if waiting:
        # Ids of records the directory does not hold: given back as the source gave them
        # (nesting cannot say what they link to).
        for column in _link_columns(table, confidential):
            if column.name in waiting and column.name not in document:
                document[column.name] = waiting[column.name]
    if table == "schedule" and "timezone" not in document:
        offset = _current_utc_offset(instance, graph)
        if offset is not None:
            document["timezone"] = offset
    path = (*ancestors, table)
    for nested in spec.nested:
        if nested.key in skip:
            continue
        if confidential and nested.key not in CONFIDENTIAL_LOCATION_NESTED:
            continue
        if nested.table in path and nested.table not in ("attribute", "metadata"):
            continue
        if not full and not _in_basic_shape(table, nested):
            continue
        if nested.many:
            column_name = nested.column
            document[nested.key] = [
                render(nested.table, child, graph, full=full, ancestors=path)
                for child in graph.children(nested.table, column_name, instance.pk)
            ]
        else:
            attname = hsds.ATTNAME_OVERRIDES.get((table, nested.column), nested.column)
            child = graph.get(nested.table, getattr(instance, attname))
            if child is not None:
                document[nested.key] = render(nested.table, child, graph, full=full, ancestors=path)
            elif isinstance(instance, models.ServiceCapacity) and nested.key == "unit":
                # The one object HSDS requires; this capacity's unit is not held.
                unit = hsds.unit_not_held(instance)
                if unit is not None:
                    document[nested.key] = unit
    return document


@functools.cache
def _shown_columns(table: str, confidential: bool) -> tuple[hsds.Column, ...]:
    """The one-to-one columns a document of ``table`` shows (worked out once: a page of
    full services renders thousands of rows)."""
    return tuple(
        column
        for column in hsds.spec(table).columns
        if not (confidential and column.name not in CONFIDENTIAL_LOCATION_COLUMNS)
        and not _implied_by_nesting(table, column)
    )


@functools.cache
def _link_columns(table: str, confidential: bool) -> tuple[hsds.Column, ...]:
    return tuple(
        column
        for column in hsds.spec(table).foreign_keys
        if not (confidential and column.name not in CONFIDENTIAL_LOCATION_COLUMNS)
    )


def _current_utc_offset(schedule: Model, graph: Graph) -> float | int | None:
    """HSDS's numeric ``timezone`` for a schedule that only has an IANA zone.

    HSDS readers without the profile take times without an offset as UTC, which would
    put Kern's 8 am at midnight; giving the offset in force today is right until the
    next daylight-saving change, and ``iana_timezone`` stays authoritative (the
    importer ignores this number when a zone name is present).
    """
    zone_name = schedule.iana_timezone  # type: ignore[attr-defined]
    if not zone_name:
        location = graph.get("location", schedule.location_id)  # type: ignore[attr-defined]
        zone_name = getattr(location, "iana_timezone", "") if location is not None else ""
    return utc_offset_now(zone_name)


def utc_offset_now(zone_name: str) -> float | int | None:
    """The UTC offset in hours in force now in an IANA zone (None if unknown)."""
    if not zone_name:
        return None
    try:
        offset = dt.datetime.now(zoneinfo.ZoneInfo(zone_name)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    if offset is None:
        return None
    hours = offset.total_seconds() / 3600
    return int(hours) if hours.is_integer() else hours


def _implied_by_nesting(table: str, column: hsds.Column) -> bool:
    """Link columns are left out of JSON documents, as in the HSDS examples: nesting
    says what a row belongs to. Hierarchy links (a parent organization or term) stay."""
    if (table, column.name) in hsds.HIERARCHY_LINKS:
        return False
    return column.references is not None or column.name in {"link_id", "resource_id"}


def _in_basic_shape(table: str, nested: hsds.Nested) -> bool:
    if nested.many:
        return False
    return (table, nested.key) in {
        ("service", "organization"),
        ("service", "program"),
        ("service_at_location", "location"),
        ("service_at_location", "service"),
        ("taxonomy_term", "taxonomy_detail"),
        ("attribute", "taxonomy_term"),
        ("service_capacity", "unit"),
    }


def render_services(
    services: Iterable[models.Service], graph: Graph, *, full: bool
) -> list[dict[str, Any]]:
    return [render("service", s, graph, full=full) for s in services]


def render_rows(
    table: str, rows: Iterable[Model], graph: Graph, *, full: bool
) -> list[dict[str, Any]]:
    return [render(table, row, graph, full=full) for row in rows]


def basic_graph_for_services(services: list[models.Service]) -> Graph:
    """Enough rows for the one-to-one service list (organization and program)."""
    graph = Graph()
    graph.add("service", services)
    graph.add("organization", [s.organization for s in services])
    graph.add("program", [s.program for s in services if s.program is not None])
    return graph


def basic_graph_for_service_at_locations(sals: list[models.ServiceAtLocation]) -> Graph:
    graph = Graph()
    graph.add("service_at_location", sals)
    graph.add("service", [s.service for s in sals])
    locations = [s.location for s in sals]
    graph.add("location", locations)
    graph.confidential_locations = {loc.pk for loc in locations if loc.confidential}
    return graph
