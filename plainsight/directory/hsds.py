"""The map between HSDS 3.1 documents and the directory models.

One table spec per HSDS table says which model holds it, which columns it has (the
vendored schema's one-to-one properties, in schema order, then the PlainSight profile
columns), which arrays and objects nest under it in the JSON shape, and how each value
is converted. The API, the JSON and CSV exports and the importer all read this map,
so a field added here appears everywhere at once.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models as dj_models
from django.db.backends.base.operations import BaseDatabaseOperations

from plainsight.directory import models

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema" / "schema"
EXAMPLES_DIR = Path(__file__).resolve().parent / "hsds_schema" / "examples"
HSDS_VERSION = "3.1"

# Relations that carry no information of their own for a consumer and are never
# followed when nesting (a location does not list its services-at-location, etc.).
POLYMORPHIC = {"attributes": ("attribute", "link_id"), "metadata": ("metadata", "resource_id")}

# Profile columns per table, with their JSON type (see docs/hsds-profile/).
PROFILE_FIELDS: dict[str, dict[str, str]] = {
    "organization": {"demo_data": "boolean", "translations": "object"},
    "service": {
        "police_report_required": "boolean",
        "serves_minors_without_guardian": "boolean",
        "tribal_eligibility": "string",
        "tribal_affiliation": "string",
        "immigration_status_neutral": "boolean",
        "t_u_visa_assistance": "boolean",
        "interpretation_available": "boolean",
        "open_24_7": "boolean",
        "free_of_charge": "boolean",
        "delivery_methods": "array",
        "verification_method": "string",
        "demo_data": "boolean",
        "translations": "object",
    },
    "location": {
        "confidential": "boolean",
        "confidential_access_note": "string",
        "iana_timezone": "string",
        "translations": "object",
    },
    "phone": {
        "call_outcome": "string",
        "available_24_7": "boolean",
        "translations": "object",
    },
    "language": {"provided_by": "string"},
    "schedule": {"iana_timezone": "string"},
    "service_area": {"area_type": "string", "area_code": "string"},
    "taxonomy": {"translations": "object"},
    "taxonomy_term": {"translations": "object"},
}

# Model attribute names that differ from the HSDS column name.
ATTNAME_OVERRIDES = {("taxonomy_term", "taxonomy_id"): "taxonomy_detail_id"}

# Arrays that appear in HSDS documents but are not in the table's schema file
# (organization.services in organization_full; service_at_location.service).
EXTRA_ARRAYS = {"organization": {"services": ("service", "organization_id")}}
EXTRA_OBJECTS = {"service_at_location": {"service": ("service", "service_id")}}

TABLE_MODELS: dict[str, type[dj_models.Model]] = {
    "organization": models.Organization,
    "organization_identifier": models.OrganizationIdentifier,
    "program": models.Program,
    "service": models.Service,
    "location": models.Location,
    "service_at_location": models.ServiceAtLocation,
    "address": models.Address,
    "accessibility": models.Accessibility,
    "contact": models.Contact,
    "phone": models.Phone,
    "language": models.Language,
    "url": models.Url,
    "schedule": models.Schedule,
    "service_area": models.ServiceArea,
    "cost_option": models.CostOption,
    "funding": models.Funding,
    "required_document": models.RequiredDocument,
    "unit": models.Unit,
    "service_capacity": models.ServiceCapacity,
    "taxonomy": models.Taxonomy,
    "taxonomy_term": models.TaxonomyTerm,
    "attribute": models.Attribute,
    "metadata": models.Metadata,
    "meta_table_description": models.MetaTableDescription,
}

# Parents before children: the order rows are written in (and read for export).
TABLE_ORDER = [
    "organization",
    "taxonomy",
    "taxonomy_term",
    "unit",
    "program",
    "service",
    "location",
    "service_at_location",
    "organization_identifier",
    "address",
    "accessibility",
    "contact",
    "phone",
    "language",
    "url",
    "schedule",
    "service_area",
    "cost_option",
    "funding",
    "required_document",
    "service_capacity",
    "attribute",
    "metadata",
    "meta_table_description",
]

# Tables whose rows only exist as part of a parent: a row that a parent in an import
# no longer lists is removed. Organizations, services, locations, taxonomies, terms
# and units are never removed by an import (mark a service defunct instead).
DEPENDENT_TABLES = {
    "service_at_location",
    "organization_identifier",
    "program",
    "address",
    "accessibility",
    "contact",
    "phone",
    "language",
    "url",
    "schedule",
    "service_area",
    "cost_option",
    "funding",
    "required_document",
    "service_capacity",
    "attribute",
    "metadata",
}

# Links an import refuses when the record they name is neither in the file nor in the
# directory. HSDS's schemas require none of the link columns in the JSON form (nesting
# implies them), so every other link may name a record we do not hold: the import
# warns, keeps the row, and the id waits in the row's ``unresolved_links`` until that
# record arrives (docs/decisions/unresolved-hsds-links.md). These are the links a row
# is nothing without in PlainSight:
REQUIRED_REFERENCES = {
    # Every listing names who provides it; programs and identifiers are an organization's.
    ("service", "organization_id"),
    ("program", "organization_id"),
    ("organization_identifier", "organization_id"),
    # The row *is* the pair, or the term applied.
    ("service_at_location", "service_id"),
    ("service_at_location", "location_id"),
    ("attribute", "taxonomy_term_id"),
    # Whether an address may be shown is decided on its location (confidential
    # locations): an address of a location we do not know could not be held to it.
    ("address", "location_id"),
    ("accessibility", "location_id"),
}

# Links that say where a record sits in a hierarchy rather than what it belongs to:
# JSON documents carry them even when nesting says the rest.
HIERARCHY_LINKS = {
    ("organization", "parent_organization_id"),
    ("taxonomy_term", "parent_id"),
}


# Required text columns that may be empty. HSDS requires metadata's previous and
# replacement values, and a field filled for the first time had nothing before (one
# cleared has nothing after): the empty text is the value. Every other required text
# must say something (a service with an empty name would be listed without one).
REQUIRED_MAY_BE_EMPTY = {
    ("metadata", "previous_value"),
    ("metadata", "replacement_value"),
}


def link_required(table: str, column: str) -> bool:
    """Whether a link to a record that exists nowhere is refused (else: a warning)."""
    return (table, column) in REQUIRED_REFERENCES


# A capacity's unit. HSDS requires it: the ``unit`` object (an id and a name) in JSON,
# ``unit_id`` in CSV. An import may bring a capacity whose unit_id names a unit that
# neither the file nor the directory holds (HSDS 3.1's own CSV example does); like any
# other such link, the capacity is kept and the id waits in ``unresolved_links``. The
# database holds no capacity that names no unit at all (``dir_capacity_names_unit``).
#
# Every output writes every capacity: an export that claims to be complete must not
# lose one, and a JSON file that lists a service's capacities is its full list (an
# import of one that left a capacity out would remove it). CSV writes the id as given,
# as for any link kept so. JSON cannot leave the object out, and only the id is known,
# so it writes the unit that ``unknown_unit`` gives: that id, and a name, scheme and
# identifier saying the unit is unknown here. These are data, the same in every
# language, so not translated. The importer reads exactly this object back as a link to
# that unit, never as a unit (``is_unknown_unit``): a round trip changes nothing, and a
# directory that does hold the unit links to it and keeps its real name.
UNKNOWN_UNIT_NAME = "unknown unit"
UNKNOWN_UNIT_SCHEME = "PlainSight"  # the scheme of the directory's own units ("bed")
UNKNOWN_UNIT_IDENTIFIER = "unknown"


def unknown_unit(unit_id: str) -> dict[str, str]:
    """The HSDS ``unit`` of a capacity whose unit the directory does not hold."""
    return {
        "id": unit_id,
        "name": UNKNOWN_UNIT_NAME,
        "scheme": UNKNOWN_UNIT_SCHEME,
        "identifier": UNKNOWN_UNIT_IDENTIFIER,
    }


def unit_not_held(capacity: models.ServiceCapacity) -> dict[str, str] | None:
    """``unknown_unit`` for a capacity whose unit is not in the directory, else None."""
    if capacity.unit_id is not None:
        return None
    return unknown_unit(str((capacity.unresolved_links or {})["unit_id"]))


def is_unknown_unit(document: Any) -> bool:
    """Whether a ``unit`` object is what ``unknown_unit`` writes (absent and empty
    values alike, as HSDS reads them): it then names a unit, and says nothing of it."""
    if not isinstance(document, dict) or uuid_or_none(document.get("id")) is None:
        return False
    given = {key: value for key, value in document.items() if value not in (None, "", [], {})}
    return given == unknown_unit(document["id"])


class Kind:
    UUID = "uuid"
    STR = "str"
    INT = "int"
    FLOAT = "float"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"
    BOOL = "bool"
    JSON = "json"


@dataclass(frozen=True)
class Column:
    """One one-to-one column of a table."""

    name: str  # HSDS / CSV / JSON name
    attname: str  # model attribute
    kind: str
    json_type: str  # the schema's type ("string", "number", "boolean", "object", "array")
    profile: bool = False
    references: str | None = None  # table name, for foreign keys
    nullable: bool = True
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    # Numbers: the largest the column holds, and the decimals it keeps.
    max_value: decimal.Decimal | None = None
    decimal_places: int | None = None


@dataclass(frozen=True)
class Nested:
    """An array or object of another table nested in this one's JSON shape."""

    key: str
    table: str
    # For arrays: the child's column pointing at this row. For objects: this row's
    # column pointing at the child.
    column: str
    many: bool


@dataclass
class TableSpec:
    name: str
    model: type[dj_models.Model]
    schema_file: str
    csv_name: str
    required: tuple[str, ...]
    tabular_required: tuple[str, ...]
    columns: list[Column] = field(default_factory=list)
    nested: list[Nested] = field(default_factory=list)

    @property
    def by_name(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns}

    @property
    def foreign_keys(self) -> list[Column]:
        return [column for column in self.columns if column.references]

    def nested_by_key(self) -> dict[str, Nested]:
        return {n.key: n for n in self.nested}


def _kind_for(model_field: dj_models.Field[Any, Any]) -> str:
    if isinstance(model_field, dj_models.ForeignKey | dj_models.UUIDField):
        return Kind.UUID
    if isinstance(model_field, dj_models.DateTimeField):
        return Kind.DATETIME
    if isinstance(model_field, dj_models.DateField):
        return Kind.DATE
    if isinstance(model_field, dj_models.TimeField):
        return Kind.TIME
    if isinstance(model_field, dj_models.DecimalField):
        return Kind.DECIMAL
    if isinstance(model_field, dj_models.FloatField):
        return Kind.FLOAT
    if isinstance(model_field, dj_models.IntegerField):
        return Kind.INT
    if isinstance(model_field, dj_models.BooleanField):
        return Kind.BOOL
    if isinstance(model_field, dj_models.JSONField):
        return Kind.JSON
    return Kind.STR


@cache
def load_schema(file_name: str) -> dict[str, Any]:
    with (SCHEMA_DIR / file_name).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def _ref_table(ref: str) -> str:
    return ref.removesuffix(".json")


@cache
def table_specs() -> dict[str, TableSpec]:
    """Every HSDS table, built from the vendored schema files and the models."""
    specs: dict[str, TableSpec] = {}
    for table, model in TABLE_MODELS.items():
        schema = load_schema(f"{table}.json")
        spec = TableSpec(
            name=table,
            model=model,
            schema_file=f"{table}.json",
            csv_name=schema["path"],
            required=tuple(schema.get("required", ())),
            tabular_required=tuple(schema.get("tabular_required", ())),
        )
        for name, prop in schema["properties"].items():
            json_type = prop.get("type")
            ref = prop.get("$ref") or (prop.get("items") or {}).get("$ref")
            if json_type == "array" and ref:
                child = _ref_table(ref)
                if name in POLYMORPHIC:
                    spec.nested.append(Nested(name, child, POLYMORPHIC[name][1], many=True))
                else:
                    spec.nested.append(Nested(name, child, f"{table}_id", many=True))
                continue
            if ref:
                child = _ref_table(ref)
                column = {"taxonomy_detail": "taxonomy_id"}.get(name, f"{name}_id")
                spec.nested.append(Nested(name, child, column, many=False))
                continue
            spec.columns.append(_column(table, model, name, json_type or "string", False))
        for name, json_type in PROFILE_FIELDS.get(table, {}).items():
            spec.columns.append(_column(table, model, name, json_type, True))
        for key, (child, column) in EXTRA_ARRAYS.get(table, {}).items():
            spec.nested.append(Nested(key, child, column, many=True))
        for key, (child, column) in EXTRA_OBJECTS.get(table, {}).items():
            spec.nested.append(Nested(key, child, column, many=False))
        specs[table] = spec
    return specs


def _column(
    table: str, model: type[dj_models.Model], name: str, json_type: str, profile: bool
) -> Column:
    attname = ATTNAME_OVERRIDES.get((table, name), name)
    field_name = attname.removesuffix("_id") if attname.endswith("_id") else attname
    try:
        model_field = model._meta.get_field(field_name)
    except FieldDoesNotExist:  # a plain column that ends in "_id" (link_id, resource_id)
        model_field = model._meta.get_field(attname)
    assert isinstance(model_field, dj_models.Field)
    references = None
    if isinstance(model_field, dj_models.ForeignKey):
        related = model_field.related_model
        references = next(
            (name for name, candidate in TABLE_MODELS.items() if candidate is related), None
        )
    choices = tuple(str(value) for value, _label in (model_field.choices or ()))
    max_value, decimal_places = _number_range(model_field)
    return Column(
        name=name,
        attname=attname,
        kind=_kind_for(model_field),
        json_type=json_type,
        profile=profile,
        references=references,
        nullable=bool(model_field.null),
        max_length=getattr(model_field, "max_length", None),
        choices=choices,
        max_value=max_value,
        decimal_places=decimal_places,
    )


def _number_range(
    model_field: dj_models.Field[Any, Any],
) -> tuple[decimal.Decimal | None, int | None]:
    """The largest value a number column holds in every database (PostgreSQL refuses a
    larger one, SQLite would store it), and its decimal places."""
    if isinstance(model_field, dj_models.DecimalField):
        places = model_field.decimal_places or 0
        digits = model_field.max_digits or 0
        largest = decimal.Decimal(10) ** (digits - places) - decimal.Decimal(10) ** -places
        return largest, places
    if isinstance(model_field, dj_models.IntegerField):
        ranges = BaseDatabaseOperations.integer_field_ranges
        _smallest, largest_int = ranges.get(model_field.get_internal_type(), (None, None))
        return (decimal.Decimal(largest_int) if largest_int is not None else None), 0
    return None, None


def spec(table: str) -> TableSpec:
    return table_specs()[table]


def csv_table_names() -> dict[str, str]:
    """CSV file name → table, e.g. "services.csv" → "service"."""
    return {s.csv_name: s.name for s in table_specs().values()}


# --- Values -----------------------------------------------------------------------------


def format_datetime(value: dt.datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as HSDS recommends ("…T10:30:45.123Z")."""
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def to_json_value(column: Column, value: Any) -> Any:
    """A model value as HSDS JSON, or None when the column is empty (then omitted)."""
    if value is None or value == "":
        return None
    kind = column.kind
    if kind == Kind.UUID:
        return str(value)
    if kind == Kind.DATETIME:
        return format_datetime(value)
    if kind == Kind.DATE:
        return value.isoformat()
    if kind == Kind.TIME:
        return value.strftime("%H:%M") if not value.second else value.strftime("%H:%M:%S")
    if kind == Kind.DECIMAL:
        number = decimal.Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == Kind.FLOAT:
        return int(value) if float(value).is_integer() else float(value)
    if kind == Kind.BOOL:
        # Non-null booleans default to False: only the informative True is written.
        if value is False and not column.nullable:
            return None
        return bool(value)
    if kind == Kind.JSON:
        return value or None
    return value


def to_csv_value(column: Column, value: Any) -> str:
    json_value = to_json_value(column, value)
    if json_value is None:
        return ""
    if column.kind == Kind.BOOL:
        return "true" if json_value else "false"
    if column.kind == Kind.JSON:
        if isinstance(json_value, list):
            return ",".join(str(item) for item in json_value)
        return json.dumps(json_value, ensure_ascii=False, sort_keys=True)
    if column.kind == Kind.STR:
        return spreadsheet_safe(json_value)
    return str(json_value)


# A spreadsheet opening a CSV file runs a cell that starts with = + - @, a tab or a
# carriage return as a formula (OWASP, "CSV Injection"): =HYPERLINK(…&A2) sends other
# cells away when clicked, =cmd|… started programs. Such a text cell gets an apostrophe
# in front, which spreadsheets take as "this is text"; so does one that already starts
# with apostrophes before such a sign, so that every text reads back exactly. Cells
# that start with the sign but cannot call or reference anything are left as they are:
# numbers, phone numbers ("+1 (661) 555-0199") and RFC 5545 days ("-1FR"). See
# docs/hsds-profile/README.md.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED_FORMULA = re.compile(r"'+[=+\-@\t\r]")
_DAY = r"[+-]?[0-9]{0,2}(?:MO|TU|WE|TH|FR|SA|SU)"
_INERT = re.compile(rf"[+-]?[0-9][0-9 ().,/+-]*|{_DAY}(?:, ?{_DAY})*")


def spreadsheet_safe(text: str) -> str:
    """A text as the package's CSV cell: escaped if a spreadsheet would run it."""
    if _FORMULA_START.match(text) and not _INERT.fullmatch(text):
        return "'" + text
    return text


def from_spreadsheet_safe(cell: str) -> str:
    """The text a CSV cell holds: ``spreadsheet_safe`` undone (one apostrophe less)."""
    return cell[1:] if _ESCAPED_FORMULA.match(cell) else cell


def uuid_or_none(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def chunked(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
