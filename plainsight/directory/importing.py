"""Import HSDS 3.1 data: JSON documents (the API shape) and the CSV tabular package.

The run has two phases:

1. **Check** everything first — JSON Schema (the vendored HSDS schemas with the
   PlainSight profile applied), value formats, references between rows (inside the
   file or already in the directory) and the profile's own rules. Every problem is
   reported with file, row, field and a translated message.
2. **Write**, only if nothing was wrong, in one transaction: rows are created or
   updated by their HSDS ``id`` (re-importing the same file changes nothing, and never
   duplicates), and the rows a parent in the file no longer lists are removed; the
   search index follows in the same transaction. A dry run does all of it (but the
   index) and then rolls back.

Two rules protect people who depend on the data:

* PlainSight profile columns that a file does not mention keep their current value.
  A feed from a system that knows nothing of the profile can never turn a
  confidential shelter into a public address.
* Services, organizations, locations and taxonomies are never deleted by an import;
  a source removes a service by marking it ``defunct``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import decimal
import io
import json
import math
import re
import uuid
import zipfile
import zlib
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from plainsight.directory import exporting, hsds, models, profile
from plainsight.directory.serializers import CONFIDENTIAL_LOCATION_COLUMNS

ProgressCallback = Callable[[str, int, int], None]

MAX_ERRORS = 1000
MAX_ARCHIVE_MEMBERS = 200
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024  # a CSV package larger than 1 GiB is refused
WRITE_BATCH = 500

# What reading a file out of a zip raises when it is encrypted (RuntimeError), damaged
# (BadZipFile for a wrong checksum, zlib.error, EOFError, ValueError) or compressed in
# a way Python cannot read (NotImplementedError).
UNREADABLE_MEMBER = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
_BYDAY = re.compile(r"^[+-]?(?:[1-9]|[1-4][0-9]|5[0-3])?(MO|TU|WE|TH|FR|SA|SU)$", re.IGNORECASE)
_SPREADSHEET_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?\s*[Mm]\.?)?$")
_LINE_END = re.compile(r"[\r\n]")  # "\r" alone ends lines in Excel's "CSV (Macintosh)"
_ESCAPED_UNSTORABLE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")  # NUL, surrogates
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


# --- Problems and the report -------------------------------------------------------------


def problem_message(code: str, params: dict[str, Any]) -> str:
    """The translated sentence for a problem code (also used to re-render stored ones)."""
    templates: dict[str, str] = {
        "invalid_json": _("The file is not valid JSON (line %(line)s, column %(column)s)."),
        "invalid_csv": _("The file is not a valid CSV file: %(detail)s."),
        "invalid_encoding": _("The file is not UTF-8 text."),
        "broken_text": _(
            "This text holds a character that no text can: a NUL (code 0), or half of a "
            "UTF-16 surrogate pair, as is left where a text was cut in the middle of an "
            "emoji. Correct it at its source."
        ),
        "bad_zip": _("The file is not a valid zip archive of HSDS CSV files."),
        "unreadable_member": _(
            "%(name)s cannot be read from the archive: it is damaged, protected by a "
            "password or compressed in a way that is not supported. Make the zip file "
            "again, without a password."
        ),
        "archive_too_large": _("The archive is too large to import safely."),
        "empty": _("The file contains no HSDS records."),
        "not_an_object": _("Each record must be a JSON object."),
        "unknown_entity": _(
            "Cannot tell which HSDS record type this is; choose the record type "
            "(service, organization, …) when importing."
        ),
        "required": _("%(field)s is required."),
        "wrong_type": _("This must be %(expected)s."),
        "not_in_choices": _("“%(value)s” is not allowed here. Use one of: %(choices)s."),
        "invalid_uuid": _("“%(value)s” is not a valid identifier (a UUID is expected)."),
        "too_long": _("This is too long: %(length)s characters, at most %(max)s."),
        "invalid_email": _("“%(value)s” is not a valid email address."),
        "invalid_url": _("“%(value)s” is not a valid web address (it needs http:// or https://)."),
        "invalid_date": _("“%(value)s” is not a date in the form YYYY-MM-DD."),
        "invalid_datetime": _(
            "“%(value)s” is not a date and time in ISO 8601 form (2026-01-31T09:00:00Z)."
        ),
        "invalid_time": _("“%(value)s” is not a time in the form HH:MM."),
        "time_24": _(
            "“%(value)s” is not a time of day: a day ends at 23:59. Write 23:59 for a "
            "closing at midnight."
        ),
        "not_integer": _("“%(value)s” is not a whole number."),
        "not_number": _(
            "“%(value)s” is not a number as HSDS writes them: digits, a point before any "
            "decimals, without thousands separators (1200 or 35.37)."
        ),
        "negative": _("This cannot be negative."),
        "too_large": _("“%(value)s” is too large: at most %(max)s."),
        "not_boolean": _("“%(value)s” is not true or false."),
        "invalid_translations": _(
            'Translations must map a language code to texts, for example {"es": {"name": "…"}}.'
        ),
        "invalid_timezone": _(
            "“%(value)s” is not a time zone name (for example America/Los_Angeles)."
        ),
        "invalid_byday": _("“%(value)s” is not a list of days such as MO,TU or 2MO,-1FR."),
        "invalid_day_numbers": _("“%(value)s” must be comma-separated numbers."),
        "invalid_area_code": _("“%(value)s” is not a valid code for an area of type %(type)s."),
        "duplicate_conflict": _(
            "This %(table)s (%(id)s) appears more than once with different values for %(field)s."
        ),
        "missing_reference": _(
            "No %(table)s with id %(id)s exists in this file or in the directory."
        ),
        "soft_missing_reference": _(
            "No %(table)s with id %(id)s is in this file or in the directory. The row is "
            "imported and keeps the id; the link is made when that %(table)s is imported."
        ),
        "no_parent": _(
            "This %(table)s is not attached to anything (%(fields)s): it is kept as given "
            "but shown nowhere."
        ),
        "confidential_needs_note": _(
            "A confidential location must say how people can reach it "
            "(confidential_access_note), for example “Call the 24-hour line”."
        ),
        "coordinates_pair": _("Give both latitude and longitude, or neither."),
        "coordinates_range": _(
            "The coordinates %(latitude)s, %(longitude)s are outside the valid range; this "
            "location will not be found by distance."
        ),
        "age_range": _("The minimum age is above the maximum age."),
        "valid_range": _("valid_from is after valid_to."),
        "unknown_column": _(
            "Column %(column)s is not part of HSDS or the PlainSight profile; it was ignored."
        ),
        "unknown_key": _(
            "“%(column)s” is not part of HSDS or the PlainSight profile; it was ignored."
        ),
        "unknown_file": _("%(name)s is not an HSDS table file; it was ignored."),
        "legacy_table": _(
            "%(name)s is a table of HSDS before version 3: HSDS 3.1 has %(replacement)s "
            "instead. Convert the file to HSDS 3.1."
        ),
        "duplicate_file": _(
            "The archive also holds %(other)s, the same table: keep only the one to import."
        ),
        "missing_column": _("The required column %(column)s is missing from this file."),
        "duplicate_column": _("The column %(column)s appears more than once in this file."),
        "extra_cells": _(
            "This row has more values than the file has column names: “%(value)s” is under "
            "none of them. A value that contains a comma must be in double quotes."
        ),
        "term_code_duplicate": _("Two terms of one taxonomy share the code “%(code)s”."),
        "link_entity_unknown": _(
            "link_entity “%(value)s” is not an HSDS table name; it was kept as given."
        ),
        "phone_number": _("“%(value)s” does not look like a phone number."),
        "schema": _("This value is not valid: %(detail)s"),
        "database": _("The directory refused the data: %(detail)s"),
    }
    template = templates.get(code, _("This value is not valid."))
    try:
        return template % params
    except (KeyError, TypeError, ValueError):
        return template


@dataclass
class Problem:
    code: str
    file: str = ""
    row: int | None = None
    field: str = ""
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def message(self) -> str:
        return problem_message(self.code, self.params)

    def as_dict(self) -> dict[str, Any]:
        """The problem as a job keeps it (JSON that every database can store)."""
        return {
            "file": _printable(self.file),
            "row": self.row,
            "field": _printable(self.field),
            "code": self.code,
            "params": {k: _printable(str(v)) for k, v in self.params.items()},
            "message": _printable(self.message),
        }

    def __str__(self) -> str:
        where = self.file + (f":{self.row}" if self.row is not None else "")
        if self.field:
            where += f" [{self.field}]"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    dry_run: bool = False
    errors: list[Problem] = dataclasses.field(default_factory=list)
    warnings: list[Problem] = dataclasses.field(default_factory=list)
    error_count: int = 0
    created: Counter[str] = dataclasses.field(default_factory=Counter)
    updated: Counter[str] = dataclasses.field(default_factory=Counter)
    unchanged: Counter[str] = dataclasses.field(default_factory=Counter)
    removed: Counter[str] = dataclasses.field(default_factory=Counter)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def error(self, problem: Problem) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(problem)

    def warn(self, problem: Problem) -> None:
        if len(self.warnings) < MAX_ERRORS:
            self.warnings.append(problem)

    def summary(self) -> dict[str, Any]:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "removed": dict(self.removed),
            "error_count": self.error_count,
            "warning_count": len(self.warnings),
            "dry_run": self.dry_run,
            "applied": self.applied,
        }


class ImportError_(Exception):
    """Raised for a problem that stops reading a file at all (not a bad row)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


# --- Records collected from the file ----------------------------------------------------


@dataclass
class Source:
    file: str
    row: int | None
    path: str = ""

    def problem(self, code: str, column: str = "", /, **params: Any) -> Problem:
        where = ".".join(part for part in (self.path, column) if part)
        return Problem(code=code, file=self.file, row=self.row, field=where, params=params)


@dataclass
class Record:
    table: str
    id: uuid.UUID
    source: Source
    values: dict[str, Any] = dataclasses.field(default_factory=dict)  # attname → value
    # Columns whose absence means "empty" (HSDS columns of a JSON document); others
    # that are absent keep their current value.
    clears: set[str] = dataclasses.field(default_factory=set)
    # Foreign-key attnames the file states (from nesting, or a CSV column).
    stated_fks: set[str] = dataclasses.field(default_factory=set)
    # Links to records that exist nowhere (HSDS column name → id), kept with the row.
    unresolved: dict[str, str] = dataclasses.field(default_factory=dict)


class Collector:
    """Rows found in the file, merged by (table, id), and what the file says about them."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.records: dict[str, dict[uuid.UUID, Record]] = defaultdict(dict)
        # (child table, column) → parent ids whose list of children the file states.
        self.stated: dict[tuple[str, str], set[uuid.UUID]] = defaultdict(set)
        self.warned_keys: set[tuple[str, str]] = set()

    def merge(self, record: Record) -> None:
        existing = self.records[record.table].get(record.id)
        if existing is None:
            self.records[record.table][record.id] = record
            return
        for attname, value in record.values.items():
            if attname in existing.values and existing.values[attname] != value:
                if attname in {"link_entity", "resource_type"}:
                    continue
                self.report.error(
                    record.source.problem(
                        "duplicate_conflict",
                        attname.removesuffix("_detail_id"),
                        table=record.table,
                        id=record.id,
                        field=attname,
                    )
                )
                continue
            existing.values[attname] = value
        existing.clears = (existing.clears | record.clears) - set(existing.values)
        existing.stated_fks |= record.stated_fks

    def all_records(self) -> Iterator[Record]:
        for table in hsds.TABLE_ORDER:
            yield from self.records.get(table, {}).values()

    def count(self) -> int:
        return sum(len(rows) for rows in self.records.values())


# --- Values --------------------------------------------------------------------------------


class BadValue(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _empty_value(column: hsds.Column) -> Any:
    if column.kind == hsds.Kind.STR:
        return ""
    if column.kind == hsds.Kind.BOOL and not column.nullable:
        return False
    if column.kind == hsds.Kind.JSON:
        return [] if column.json_type == "array" else {}
    return None


def _parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "1", "yes", "y", "t"}:
        return True
    if text in {"false", "0", "no", "n", "f"}:
        return False
    raise BadValue("not_boolean", value=raw)


def _parse_number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise BadValue("not_number", value=raw)
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise BadValue("not_number", value=raw) from None
    if not math.isfinite(number):
        raise BadValue("not_number", value=raw)
    return number


def parse_time(raw: str) -> tuple[dt.time, float | None]:
    """'09:00', '09:00:00', '09:00Z', '09:00-05:00' → (local time, UTC offset hours);
    also '9:00' and '5:30 PM', as Excel saves a time cell."""
    try:
        parsed = dt.time.fromisoformat(str(raw).strip())
    except ValueError:
        return _spreadsheet_time(raw), None
    offset = parsed.utcoffset()
    hours = offset.total_seconds() / 3600 if offset is not None else None
    return parsed.replace(tzinfo=None), hours


def _spreadsheet_time(raw: Any) -> dt.time:
    match = _SPREADSHEET_TIME.match(str(raw).strip())
    if match is None:
        raise BadValue("invalid_time", value=raw)
    hour, minute, second, half = match.groups()
    hours = int(hour)
    if hours == 24 and not half and int(minute) == int(second or 0) == 0:
        # ISO 8601's end of the day, written by some systems for a midnight closing;
        # HSDS times (RFC 3339) stop at 23:59:59.
        raise BadValue("time_24", value=raw)
    if half:
        if not 1 <= hours <= 12:
            raise BadValue("invalid_time", value=raw)
        hours = hours % 12 + (12 if half.lower() == "p" else 0)
    try:
        return dt.time(hours, int(minute), int(second or 0))
    except ValueError:
        raise BadValue("invalid_time", value=raw) from None


def _choice(text: str, choices: Sequence[str]) -> str:
    """The choice a spreadsheet's spelling of it stands for ("Active", "active "), or
    BadValue. Spreadsheets capitalise a cell's first letter as it is typed; the
    meaning is not in doubt, so the file is not refused for it."""
    folded = text.strip().casefold()
    matches = [choice for choice in choices if choice.casefold() == folded]
    if len(matches) != 1:
        raise BadValue("not_in_choices", value=text, choices=", ".join(choices))
    return matches[0]


def coerce(column: hsds.Column, raw: Any) -> Any:
    """A JSON value or CSV text as the model value, or BadValue."""
    if raw is None or (isinstance(raw, str) and raw == "" and column.kind != hsds.Kind.STR):
        return _empty_value(column)
    kind = column.kind
    if kind == hsds.Kind.UUID:
        value = _uuid(raw)
        if value is None:
            raise BadValue("invalid_uuid", value=raw)
        return value
    if kind == hsds.Kind.STR:
        if isinstance(raw, dict | list):
            raise BadValue("wrong_type", expected=_("text"))
        text = raw if isinstance(raw, str) else _number_text(raw)
        if column.max_length and len(text) > column.max_length:
            raise BadValue("too_long", length=len(text), max=column.max_length)
        if column.choices and text and text not in column.choices:
            return _choice(text, column.choices)
        return text
    if kind == hsds.Kind.INT:
        number = _parse_number(raw)
        if not number.is_integer():
            raise BadValue("not_integer", value=raw)
        if number < 0:
            raise BadValue("negative")
        if column.max_value is not None and number > column.max_value:
            raise BadValue("too_large", value=raw, max=column.max_value)
        return int(number)
    if kind == hsds.Kind.FLOAT:
        return _parse_number(raw)
    if kind == hsds.Kind.DECIMAL:
        number = _parse_number(raw)
        if number < 0:
            raise BadValue("negative")
        if column.max_value is not None and number > column.max_value + 1:
            # Far too large to round to the column's decimals.
            raise BadValue("too_large", value=raw, max=column.max_value)
        # Kept to the decimals the column stores: compared unrounded with what is
        # stored, the same file would change the row at every import.
        places = decimal.Decimal(1).scaleb(-(column.decimal_places or 0))
        amount = decimal.Decimal(str(raw).strip()).quantize(places)
        if column.max_value is not None and amount > column.max_value:
            raise BadValue("too_large", value=raw, max=column.max_value)
        return amount
    if kind == hsds.Kind.DATE:
        return _parse_date(raw)
    if kind == hsds.Kind.DATETIME:
        try:
            moment = dt.datetime.fromisoformat(str(raw).strip())
        except ValueError:
            raise BadValue("invalid_datetime", value=raw) from None
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=dt.UTC)
        return moment
    if kind == hsds.Kind.TIME:
        return parse_time(raw)[0]
    if kind == hsds.Kind.BOOL:
        return _parse_bool(raw)
    if kind == hsds.Kind.JSON:
        return _coerce_json(column, raw)
    return raw


def _uuid(raw: Any) -> uuid.UUID | None:
    """An id, with the spaces a spreadsheet may leave around it ("…4b ")."""
    return hsds.uuid_or_none(raw.strip() if isinstance(raw, str) else raw)


def _parse_date(raw: Any) -> dt.date:
    """YYYY-MM-DD, or the date of an ISO 8601 date and time (RFC 5545 allows one for
    ``until``). Nothing may follow: "2024-01-151" is no date, not 15 January."""
    text = str(raw).strip()
    try:
        if _ISO_DATE.match(text):
            return dt.date.fromisoformat(text)
        if _ISO_DATE.match(text[:10]) and text[10:11] in ("T", " "):
            return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    raise BadValue("invalid_date", value=raw)


def _number_text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _coerce_json(column: hsds.Column, raw: Any) -> Any:
    if column.json_type == "array":
        if isinstance(raw, str):
            items = [item.strip() for item in raw.split(",") if item.strip()]
        elif isinstance(raw, list) and all(isinstance(item, str) for item in raw):
            items = list(raw)
        else:
            raise BadValue("wrong_type", expected=_("a list"))
        allowed = profile.array_choices(column.name)
        for item in items:
            if allowed and item not in allowed:
                raise BadValue("not_in_choices", value=item, choices=", ".join(allowed))
        return items
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise BadValue("invalid_translations") from None
    if not isinstance(raw, dict):
        raise BadValue("invalid_translations")
    for language, texts in raw.items():
        if not _LANGUAGE_TAG.match(str(language)) or not isinstance(texts, dict):
            raise BadValue("invalid_translations")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in texts.items()):
            raise BadValue("invalid_translations")
    return raw


# --- Reading files -----------------------------------------------------------------------


def detect_entity(document: dict[str, Any]) -> str | None:
    """Which HSDS object a JSON document is, from its keys (None if unclear)."""
    keys = set(document)
    if "status" in keys and "name" in keys:
        return "service"
    if "location_type" in keys:
        return "location"
    if keys & _ORGANIZATION_KEYS:
        return "organization"
    if keys & {"location", "location_id", "service_id", "service"} and "name" not in keys:
        return "service_at_location"
    if keys & {"taxonomy_detail", "taxonomy_id", "parent_id", "code", "term_uri"}:
        return "taxonomy_term"
    # An organization may give no more than a taxonomy ({id, name, description}, a uri):
    # only the version is a taxonomy's own.
    if "version" in keys and keys <= _TAXONOMY_KEYS:
        return "taxonomy" if {"id", "name", "description"} <= keys else None
    return None


# Keys of an organization document that no other HSDS document has (a service is told
# by its status first).
_ORGANIZATION_KEYS = {
    "services",
    "locations",
    "programs",
    "organization_identifiers",
    "website",
    "additional_websites",
    "parent_organization_id",
    "year_incorporated",
    "tax_status",
    "tax_id",
    "legal_status",
    "logo",
}
_TAXONOMY_KEYS = {"id", "name", "description", "uri", "version", "metadata", "translations"}


def read_json(
    data: bytes, file_name: str, entity: str | None, report: ImportReport
) -> list[tuple[str, dict[str, Any], int]] | dict[str, list[dict[str, Any]]]:
    """JSON documents as (table, document, row number), or tabular JSON by CSV name."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_(Problem("invalid_encoding", file=file_name)) from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportError_(
            Problem(
                "invalid_json",
                file=file_name,
                params={"line": error.lineno, "column": error.colno},
            )
        ) from None
    if isinstance(payload, dict) and payload and all(str(k).endswith(".csv") for k in payload):
        return {str(k): v if isinstance(v, list) else [] for k, v in payload.items()}
    if isinstance(payload, dict) and isinstance(payload.get("contents"), list):
        payload = payload["contents"]
    documents = payload if isinstance(payload, list) else [payload]
    detected = [
        entity or detect_entity(document) if isinstance(document, dict) else None
        for document in documents
    ]
    # An API page, or a list, holds one record type: a document that alone could be
    # several (an organization with only its required fields) is of the others' type.
    types = set(detected) - {None}
    common = types.pop() if len(types) == 1 else None
    # Only an escape can spell such a character in JSON: most files need no search.
    unstorable = _ESCAPED_UNSTORABLE.search(text) is not None
    result: list[tuple[str, dict[str, Any], int]] = []
    for index, (document, table) in enumerate(zip(documents, detected, strict=True), start=1):
        if not isinstance(document, dict):
            report.error(Problem("not_an_object", file=file_name, row=index))
            continue
        broken = _broken_text_path(document) if unstorable else None
        if broken is not None:
            report.error(Problem("broken_text", file=file_name, row=index, field=broken))
            continue
        table = table or common
        if table is None:
            report.error(Problem("unknown_entity", file=file_name, row=index))
            continue
        result.append((table, document, index))
    return result


def _broken_text_path(value: Any, path: str = "") -> str | None:
    """Where a text or key holds a character no text can be stored with, or None: half
    of a character (a lone UTF-16 surrogate), or a NUL, both of which JSON's \\u escapes
    can spell."""
    if isinstance(value, str):
        return path if _unstorable(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = _join(path, _printable(key))
            if _unstorable(key):
                return where
            found = _broken_text_path(item, where)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _broken_text_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _unstorable(text: str) -> bool:
    if "\x00" in text:  # PostgreSQL's texts cannot hold it
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _printable(text: str) -> str:
    """A text that can be stored and shown: broken characters as escapes (\\ud83d)."""
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def read_csv_package(path_or_bytes: Path | bytes, report: ImportReport) -> dict[str, bytes]:
    """CSV file path → bytes, from a directory or a zip archive (read in memory)."""
    files: dict[str, bytes] = {}
    if isinstance(path_or_bytes, Path) and path_or_bytes.is_dir():
        for child in sorted(path_or_bytes.iterdir()):
            if child.suffix.lower() == ".csv":
                files[child.name] = child.read_bytes()
        return files
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, NotImplementedError, ValueError):
        raise ImportError_(Problem("bad_zip")) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        total = sum(m.file_size for m in members)
        if len(members) > MAX_ARCHIVE_MEMBERS or total > MAX_UNCOMPRESSED_BYTES:
            raise ImportError_(Problem("archive_too_large"))
        for member in members:
            # Windows PowerShell's zip files write their folders with backslashes.
            path = member.filename.replace("\\", "/")
            name = path.rsplit("/", 1)[-1]
            if not name.lower().endswith(".csv") or name.startswith("."):
                continue
            try:
                with archive.open(member) as handle:
                    content = handle.read(MAX_UNCOMPRESSED_BYTES + 1)
            except UNREADABLE_MEMBER:
                problem = Problem("unreadable_member", file=path, params={"name": path})
                raise ImportError_(problem) from None
            if len(content) > member.file_size:
                raise ImportError_(Problem("archive_too_large"))
            files[path] = content
    return files


# Tables of HSDS 1.x and 2.0 (and of Open Referral UK 1.0, built on them) that HSDS 3
# renamed, merged or removed → what HSDS 3.1 has instead. Names are HSDS's own, so not
# translated. Ignored like a column of the publisher's own, such a table left every
# location without its address or every service without its hours, in a run that
# succeeded: it is refused, saying what to change. (HSDS 3.0 to 3.1 renamed nothing.)
LEGACY_FILES = {
    "physical_addresses.csv": "addresses.csv (address_type physical)",
    "postal_addresses.csv": "addresses.csv (address_type postal)",
    "accessibility_for_disabilities.csv": "accessibility.csv",
    "regular_schedules.csv": "schedules.csv (freq, byday, opens_at, closes_at)",
    "holiday_schedules.csv": "schedules.csv (valid_from, valid_to, opens_at, closes_at)",
    "services_at_location.csv": "service_at_location.csv",
    "service_attributes.csv": "attributes.csv",
    "other_attributes.csv": "attributes.csv",
    "service_taxonomy.csv": "attributes.csv",
    "services_taxonomy.csv": "attributes.csv",
    "eligibility.csv": "eligibility_description, minimum_age and maximum_age in services.csv",
    "payments_accepted.csv": "fees_description in services.csv, and cost_options.csv",
}
LEGACY_KEYS = {
    "physical_addresses": "addresses (address_type physical)",
    "postal_addresses": "addresses (address_type postal)",
    "accessibility_for_disabilities": "accessibility",
    "regular_schedules": "schedules",
    "holiday_schedules": "schedules",
    "service_attributes": "attributes",
    "other_attributes": "attributes",
    "service_taxonomys": "attributes",
    "eligibilitys": "eligibility_description, minimum_age and maximum_age",
    "fundings": "funding",
}


# --- JSON documents → records ------------------------------------------------------------


def _error_path(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _schema_problems(table: str, document: dict[str, Any], source: Source) -> list[Problem]:
    validator = profile.validator_for(table)
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        path = _error_path(error.absolute_path)
        kind = error.validator
        if kind == "required":
            missing = [
                name
                for name in error.validator_value
                if isinstance(error.instance, dict) and name not in error.instance
            ]
            for name in missing:
                problems.append(source.problem("required", _join(path, name), field=name))
            continue
        if kind == "type":
            expected = profile.describe_type(error.validator_value)
            problems.append(source.problem("wrong_type", path, expected=expected))
        elif kind == "enum":
            problems.append(
                source.problem(
                    "not_in_choices",
                    path,
                    value=error.instance,
                    choices=", ".join(str(v) for v in error.validator_value),
                )
            )
        elif kind == "format" and error.validator_value == "uuid":
            problems.append(source.problem("invalid_uuid", path, value=error.instance))
        elif kind == "format" and error.validator_value == "email":
            problems.append(source.problem("invalid_email", path, value=error.instance))
        else:
            problems.append(source.problem("schema", path, detail=error.message))
    problems.extend(_unreached_problems(table, document, source))
    # A schema that reaches a record two ways (HSDS's attribute → taxonomy_term does)
    # reports its problems twice; each is said once.
    unique: dict[tuple[str, str, str], Problem] = {}
    for problem in problems:
        unique.setdefault((problem.code, problem.field, repr(problem.params)), problem)
    return list(unique.values())


def _unreached_problems(table: str, document: dict[str, Any], source: Source) -> list[Problem]:
    """Problems of the records HSDS documents nest where their schema has no key (a
    service-at-location's service, an organization's services): each is checked
    against its own schema, as it would be on its own."""
    problems: list[Problem] = []
    for key, (child_table, _column) in hsds.EXTRA_OBJECTS.get(table, {}).items():
        child = document.get(key)
        if child is not None:
            where = Source(source.file, source.row, _join(source.path, key))
            problems.extend(_nested_record_problems(child_table, child, where))
    for key, (child_table, _column) in hsds.EXTRA_ARRAYS.get(table, {}).items():
        children = document.get(key)
        if children is None:
            continue
        if not isinstance(children, list):
            expected = profile.describe_type("array")
            problems.append(source.problem("wrong_type", key, expected=expected))
            continue
        for index, child in enumerate(children):
            where = Source(source.file, source.row, f"{_join(source.path, key)}[{index}]")
            problems.extend(_nested_record_problems(child_table, child, where))
    return problems


def _nested_record_problems(table: str, child: Any, where: Source) -> list[Problem]:
    if not isinstance(child, dict):
        return [where.problem("wrong_type", expected=profile.describe_type("object"))]
    return _schema_problems(table, child, where)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _strip_nulls(value: Any) -> Any:
    """Treat ``null`` as "not given" (HSDS types do not allow null; many feeds send it)."""
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value if v is not None]
    return value


def collect_document(
    table: str, document: dict[str, Any], source: Source, collector: Collector
) -> None:
    document = _strip_nulls(document)
    problems = _schema_problems(table, document, source)
    if problems:
        for problem in problems:
            collector.report.error(problem)
        # Look for the other problems of the record too (formats the schema does not
        # check), without keeping any of its rows.
        scratch = Collector(ImportReport())
        _flatten(table, document, source, scratch, parent=None)
        reported = {p.field for p in problems}
        for problem in scratch.report.errors:
            if problem.field not in reported:
                collector.report.error(problem)
        return
    _flatten(table, document, source, collector, parent=None)


def _flatten(
    table: str,
    document: dict[str, Any],
    source: Source,
    collector: Collector,
    parent: tuple[str, uuid.UUID, str] | None,
) -> uuid.UUID | None:
    spec = hsds.spec(table)
    record_id = hsds.uuid_or_none(document.get("id"))
    if record_id is None:
        collector.report.error(source.problem("invalid_uuid", "id", value=document.get("id")))
        return None
    record = Record(table=table, id=record_id, source=source)
    columns = spec.by_name
    nested = spec.nested_by_key()
    for column in spec.columns:
        # last_modified absent: the directory keeps its own change time.
        if column.profile or column.references or column.name in {"id", "last_modified"}:
            continue
        record.clears.add(column.attname)
    for key, raw in document.items():
        if key in columns:
            column = columns[key]
            if _blank_but_required(spec, column, raw):
                collector.report.error(source.problem("required", key, field=key))
                continue
            try:
                value = coerce(column, raw)
            except BadValue as bad:
                collector.report.error(source.problem(bad.code, key, **bad.params))
                continue
            if column.references and record.values.get(column.attname, value) != value:
                # The nested record (read first) is another one: which is meant?
                collector.report.error(
                    source.problem("duplicate_conflict", key, table=table, id=record_id, field=key)
                )
                continue
            record.values[column.attname] = value
            if column.references or column.name in {"link_id", "resource_id"}:
                record.stated_fks.add(column.attname)
            if table == "schedule" and key in {"opens_at", "closes_at"} and value is not None:
                offset = parse_time(raw)[1]
                if offset is not None and "timezone" not in document:
                    record.values["timezone"] = offset
        elif key in nested:
            _flatten_nested(spec, nested[key], raw, record, source, collector)
        elif key in LEGACY_KEYS:
            collector.report.error(
                source.problem("legacy_table", key, name=key, replacement=LEGACY_KEYS[key])
            )
        elif (table, key) not in collector.warned_keys:
            collector.warned_keys.add((table, key))
            collector.report.warn(source.problem("unknown_key", key, column=key))
    if parent is not None:
        parent_table, parent_id, column_name = parent
        if column_name in ("link_id", "resource_id"):
            record.values[column_name] = parent_id
            record.stated_fks.add(column_name)
            entity_column = "link_entity" if column_name == "link_id" else "resource_type"
            record.values.setdefault(entity_column, parent_table)
        else:
            attname = hsds.ATTNAME_OVERRIDES.get((table, column_name), column_name)
            if record.values.get(attname, parent_id) != parent_id:
                collector.report.error(
                    source.problem(
                        "duplicate_conflict",
                        column_name,
                        table=table,
                        id=record_id,
                        field=column_name,
                    )
                )
            record.values[attname] = parent_id
            record.stated_fks.add(attname)
    collector.merge(record)
    return record_id


def _flatten_nested(
    spec: hsds.TableSpec,
    nested: hsds.Nested,
    raw: Any,
    record: Record,
    source: Source,
    collector: Collector,
) -> None:
    # A record given by its id alone, or a list that is none, is no nested record: the
    # schema has said so; the search for the document's other problems passes it by.
    if nested.many:
        if not isinstance(raw, list):
            return
        collector.stated[(nested.table, nested.column)].add(record.id)
        for index, child in enumerate(raw):
            if not isinstance(child, dict):
                continue
            child_source = Source(
                source.file, source.row, _join(source.path, f"{nested.key}[{index}]")
            )
            _flatten(
                nested.table, child, child_source, collector, (spec.name, record.id, nested.column)
            )
        return
    if not isinstance(raw, dict):
        return
    if spec.name == "service_capacity" and nested.key == "unit" and hsds.is_unknown_unit(raw):
        # How exports write a unit they do not hold (hsds.unknown_unit): a link to the
        # unit, made or kept waiting like any other, never a unit named "unknown unit".
        child_id = hsds.uuid_or_none(raw["id"])
    else:
        child_source = Source(source.file, source.row, _join(source.path, nested.key))
        child_id = _flatten(nested.table, raw, child_source, collector, parent=None)
    if child_id is None:
        return
    attname = hsds.ATTNAME_OVERRIDES.get((spec.name, nested.column), nested.column)
    if record.values.get(attname, child_id) != child_id:
        collector.report.error(
            source.problem(
                "duplicate_conflict",
                nested.column,
                table=spec.name,
                id=record.id,
                field=nested.column,
            )
        )
        return
    record.values[attname] = child_id
    record.stated_fks.add(attname)


# --- CSV rows → records -------------------------------------------------------------------


def collect_table_rows(
    file_name: str,
    table: str,
    rows: Iterable[tuple[int, dict[str, Any]]],
    header: list[str],
    collector: Collector,
) -> None:
    """Rows of one tabular file (CSV, or tabular JSON): each states its own columns."""
    spec = hsds.spec(table)
    columns = spec.by_name
    counts = Counter(header)
    for name in counts:
        if name not in columns:
            collector.report.warn(
                Problem("unknown_column", file=file_name, params={"column": name})
            )
    duplicated = [name for name, count in counts.items() if count > 1 and name in columns]
    for name in duplicated:
        # Which of the two is meant cannot be told (one may be typed "Name").
        collector.report.error(
            Problem("duplicate_column", file=file_name, field=name, params={"column": name})
        )
    if duplicated:
        return
    for name in ("id", *spec.required, *spec.tabular_required):
        if name not in header and name in columns:
            collector.report.error(
                Problem("missing_column", file=file_name, field=name, params={"column": name})
            )
            return
    present = [columns[name] for name in header if name in columns]
    for line, row in rows:
        source = Source(file_name, line)
        record_id = _uuid(row.get("id"))
        if record_id is None:
            collector.report.error(source.problem("invalid_uuid", "id", value=row.get("id", "")))
            continue
        record = Record(table=table, id=record_id, source=source)
        ok = True
        for column in present:
            raw = row.get(column.name)
            blank = raw is None or (isinstance(raw, str) and not raw.strip())
            if blank and column.kind == hsds.Kind.BOOL and not column.nullable:
                # An empty cell is CSV's null, which says nothing (as in JSON): reading
                # "no" would be a guess, and a blank must never make a shelter public.
                continue
            if _blank_but_required(spec, column, raw):
                collector.report.error(source.problem("required", column.name, field=column.name))
                ok = False
                continue
            try:
                value = coerce(column, raw)
            except BadValue as bad:
                collector.report.error(source.problem(bad.code, column.name, **bad.params))
                ok = False
                continue
            record.values[column.attname] = value
            if column.references or column.name in {"link_id", "resource_id"}:
                record.stated_fks.add(column.attname)
            if table == "schedule" and column.name in {"opens_at", "closes_at"} and raw:
                offset = parse_time(raw)[1]
                if offset is not None and not row.get("timezone"):
                    record.values["timezone"] = offset
        if ok:
            collector.merge(record)
    # A table file states, for each parent in the import, the full list of its children.
    for column in present:
        if column.references or column.name in {"link_id", "resource_id"}:
            collector.stated[(table, column.name)].add(_ALL_PARENTS)


def _blank_but_required(spec: hsds.TableSpec, column: hsds.Column, raw: Any) -> bool:
    """Whether a required value is missing: no value, or a text of nothing but spaces
    (a JSON "" passes HSDS's schemas, which set no minimum length)."""
    if column.name not in spec.required and column.name not in spec.tabular_required:
        return False
    if (spec.name, column.name) in hsds.REQUIRED_MAY_BE_EMPTY:
        return raw is None
    return raw is None or (isinstance(raw, str) and not raw.strip())


# Marker: "every parent present in this import" (resolved once all files are read).
_ALL_PARENTS = uuid.UUID(int=0)


def _csv_rows(
    file_name: str, data: bytes, report: ImportReport
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.error(Problem("invalid_encoding", file=file_name))
        return [], []
    if "\x00" in text:
        # No text file holds NUL characters; one saved as UTF-16 without a byte order
        # mark ("Unicode text") has one after every letter, and reads as UTF-8.
        report.error(Problem("invalid_encoding", file=file_name))
        return [], []
    # Spreadsheets set to a language that writes decimals with a comma (Spanish among
    # them) separate values with semicolons. HSDS column names hold neither sign, so a
    # header row with semicolons and no comma cannot be read any other way.
    line_end = _LINE_END.search(text)
    first_line = text[: line_end.start()] if line_end else text
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        # Rows are numbered as the spreadsheet shows them (the header is row 1): a cell
        # with line breaks spans several lines of the file but is one row.
        for number, cells in enumerate(reader, start=1):
            if number == 1:
                # HSDS names are lower case: "ID" or " Name " typed in a spreadsheet
                # can only mean them. Unnamed columns are those a spreadsheet adds.
                header = [name.strip().lower() for name in cells]
                continue
            if not any(cell.strip() for cell in cells):
                continue  # spreadsheets save rows once formatted as empty cells (",,")
            row: dict[str, str] = {}
            unnamed = ""
            for index, cell in enumerate(cells):
                name = header[index] if index < len(header) else ""
                if name:
                    # The export's escape of a cell a spreadsheet would run, undone.
                    row[name] = hsds.from_spreadsheet_safe(cell)
                elif cell.strip() and not unnamed:
                    unnamed = cell.strip()
            if unnamed:
                # Most often a comma typed in a value without quotes: the row has
                # shifted, and what fell beyond the last column would be lost.
                report.error(
                    Problem("extra_cells", file=file_name, row=number, params={"value": unnamed})
                )
            rows.append((number, row))
    except csv.Error as error:
        report.error(Problem("invalid_csv", file=file_name, params={"detail": str(error)}))
        return [], []
    return [name for name in header if name], rows


# --- Checks across records ---------------------------------------------------------------


def _existing_ids(table: str, ids: set[uuid.UUID]) -> set[uuid.UUID]:
    model = hsds.TABLE_MODELS[table]
    found: set[uuid.UUID] = set()
    for batch in hsds.chunked(sorted(ids), 900):
        found.update(model._default_manager.filter(pk__in=batch).values_list("pk", flat=True))
    return found


def _resolve_all_parents(collector: Collector) -> None:
    for (table, column_name), parents in list(collector.stated.items()):
        if _ALL_PARENTS not in parents:
            continue
        parents.discard(_ALL_PARENTS)
        if column_name in {"link_id", "resource_id"}:
            for rows in collector.records.values():
                parents.update(rows)
            continue
        column = hsds.spec(table).by_name[column_name]
        if column.references:
            parents.update(collector.records.get(column.references, {}))


def check_references(collector: Collector) -> None:
    report = collector.report
    wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
    for record in collector.all_records():
        for column in hsds.spec(record.table).foreign_keys:
            value = record.values.get(column.attname)
            if value is not None and value not in collector.records.get(
                column.references or "", {}
            ):
                wanted[column.references or ""].add(value)
    existing = {table: _existing_ids(table, ids) for table, ids in wanted.items() if ids}
    for record in collector.all_records():
        for column in hsds.spec(record.table).foreign_keys:
            value = record.values.get(column.attname)
            target = column.references or ""
            if value is None or value in collector.records.get(target, {}):
                continue
            if value in existing.get(target, set()):
                continue
            if hsds.link_required(record.table, column.name):
                report.error(
                    record.source.problem("missing_reference", column.name, table=target, id=value)
                )
                continue
            report.warn(
                record.source.problem("soft_missing_reference", column.name, table=target, id=value)
            )
            # The foreign key stays empty (nothing may follow a broken link); the id is
            # kept with the row, for exports and for the import that brings the record.
            record.values[column.attname] = None
            record.unresolved[column.name] = str(value)
    _check_polymorphic_links(collector)


def _check_polymorphic_links(collector: Collector) -> None:
    in_file: set[uuid.UUID] = set()
    for rows in collector.records.values():
        in_file.update(rows)
    missing_links = {
        r.values["link_id"]
        for r in collector.records.get("attribute", {}).values()
        if r.values.get("link_id") is not None and r.values["link_id"] not in in_file
    }
    found: set[uuid.UUID] = set()
    if missing_links:
        for table in hsds.TABLE_MODELS:
            found |= _existing_ids(table, missing_links - found)
    for record in collector.records.get("attribute", {}).values():
        link_id = record.values.get("link_id")
        if link_id is not None and link_id not in in_file and link_id not in found:
            # Not a foreign key: the attribute keeps the id and applies to the record
            # once it is imported. Until then nothing reaches it (readers go by link_id).
            collector.report.warn(
                record.source.problem(
                    "soft_missing_reference", "link_id", table="record", id=link_id
                )
            )
        entity = record.values.get("link_entity", "")
        if entity and entity not in models.LinkEntity.values:
            collector.report.warn(
                record.source.problem("link_entity_unknown", "link_entity", value=entity)
            )
    for record in collector.records.get("metadata", {}).values():
        resource_id = record.values.get("resource_id")
        if (
            resource_id is not None
            and resource_id not in in_file
            and not any(
                _existing_ids(t, {resource_id}) for t in ("service", "organization", "location")
            )
        ):
            collector.report.warn(
                record.source.problem(
                    "soft_missing_reference", "resource_id", table="record", id=resource_id
                )
            )


def check_profile_rules(instance: Model, record: Record, report: ImportReport) -> None:
    """Rules on the final row (file values merged with what the directory holds)."""
    table = record.table
    source = record.source
    if table in {"location", "schedule"}:
        zone = getattr(instance, "iana_timezone", "")
        if zone and not _valid_zone(zone):
            report.error(source.problem("invalid_timezone", "iana_timezone", value=zone))
    if table == "location":
        lat, lon = instance.latitude, instance.longitude  # type: ignore[attr-defined]
        if (lat is None) != (lon is None):
            report.error(source.problem("coordinates_pair", "latitude"))
        elif lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            report.warn(
                source.problem("coordinates_range", "latitude", latitude=lat, longitude=lon)
            )
        if instance.confidential and not instance.confidential_access_note.strip():  # type: ignore[attr-defined]
            report.error(source.problem("confidential_needs_note", "confidential_access_note"))
    if table == "service":
        low, high = instance.minimum_age, instance.maximum_age  # type: ignore[attr-defined]
        if low is not None and high is not None and low > high:
            report.error(source.problem("age_range", "minimum_age"))
    if table in {"schedule", "cost_option"}:
        start, end = instance.valid_from, instance.valid_to  # type: ignore[attr-defined]
        if start and end and start > end:
            report.error(source.problem("valid_range", "valid_from"))
    if table == "schedule":
        byday = instance.byday  # type: ignore[attr-defined]
        if byday and not all(_BYDAY.match(p.strip()) for p in byday.split(",")):
            report.error(source.problem("invalid_byday", "byday", value=byday))
        for name, limit in (("bymonthday", 31), ("byweekno", 53), ("byyearday", 366)):
            value = getattr(instance, name)
            if value and not _valid_numbers(value, limit):
                report.error(source.problem("invalid_day_numbers", name, value=value))
    if table == "service_area":
        area_type, code = instance.area_type, instance.area_code  # type: ignore[attr-defined]
        if area_type and not profile.valid_area_code(area_type, code):
            report.error(
                source.problem("invalid_area_code", "area_code", value=code, type=area_type)
            )
    if table == "phone":
        number = instance.number  # type: ignore[attr-defined]
        if not any(ch.isdigit() for ch in number):
            report.error(source.problem("phone_number", "number", value=number))
    if table in {"organization", "service", "contact"}:
        email = getattr(instance, "email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                report.error(source.problem("invalid_email", "email", value=email))
    spec = hsds.spec(table)
    model_fields = {f.attname: f for f in instance._meta.concrete_fields}
    for column in spec.columns:
        model_field = model_fields.get(column.attname)
        value = getattr(instance, column.attname)
        is_url = model_field is not None and model_field.get_internal_type() == "URLField"
        if is_url and value and not _URI.match(value):
            report.error(source.problem("invalid_url", column.name, value=value))
    parents = _BELONGS_TO.get(table)
    waiting = set(getattr(instance, "unresolved_links", None) or {})
    if parents and not any(
        getattr(instance, name) is not None or name in waiting for name in parents
    ):
        # HSDS allows it (no link column is required): kept for the round trip.
        report.warn(
            source.problem(
                "no_parent", table=table, fields=", ".join(n.removesuffix("_id") for n in parents)
            )
        )
    for column in spec.foreign_keys:
        if not column.nullable and getattr(instance, column.attname) is None:
            report.error(source.problem("required", column.name, field=column.name))


# What a row of these tables belongs to (any one of the columns).
_BELONGS_TO: dict[str, tuple[str, ...]] = {
    **profile.PARENT_COLUMNS,
    "cost_option": ("service_id",),
    "required_document": ("service_id",),
    "service_capacity": ("service_id",),
}


def _valid_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _valid_numbers(value: str, limit: int) -> bool:
    for part in value.split(","):
        part = part.strip()
        try:
            number = int(part)
        except ValueError:
            return False
        if number == 0 or abs(number) > limit:
            return False
    return True


# --- The run --------------------------------------------------------------------------------


@dataclass
class Plan:
    creates: dict[str, list[Model]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    updates: dict[str, list[Model]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    touched_services: set[uuid.UUID] = dataclasses.field(default_factory=set)
    stated_last_modified: set[uuid.UUID] = dataclasses.field(default_factory=set)


def _location_zones(
    records: dict[Any, Record], existing: dict[Any, Model], collector: Collector
) -> dict[Any, str]:
    """Location id → its IANA zone, for the locations of these schedule records (the
    file's value over the directory's)."""
    ids = {
        record.values.get("location_id", getattr(existing.get(record.id), "location_id", None))
        for record in records.values()
    } - {None}
    zones: dict[Any, str] = {}
    for batch in hsds.chunked(sorted(ids), 900):
        zones.update(
            models.Location.objects.filter(pk__in=batch).values_list("pk", "iana_timezone")
        )
    in_file = collector.records.get("location", {})
    for pk in ids:
        if pk in in_file and "iana_timezone" in in_file[pk].values:
            zones[pk] = in_file[pk].values["iana_timezone"]
    return zones


def _plan(collector: Collector, progress: ProgressCallback | None) -> Plan:
    """Build the final rows (file merged over the directory) and check them."""
    report = collector.report
    plan = Plan()
    now = timezone.now()
    total = collector.count()
    done = 0
    for table in hsds.TABLE_ORDER:
        records = collector.records.get(table, {})
        if not records:
            continue
        spec = hsds.spec(table)
        model = spec.model
        existing: dict[Any, Model] = {}
        for batch in hsds.chunked(list(records), 900):
            existing.update(model._default_manager.in_bulk(batch))
        zones = _location_zones(records, existing, collector) if table == "schedule" else {}
        for record in records.values():
            instance = existing.get(record.id)
            is_new = instance is None
            if instance is None:
                instance = model(pk=record.id)
                before: dict[str, Any] = {}
            else:
                before = {
                    f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields
                }
            confidential = table == "location" and (
                record.values.get("confidential") or (not is_new and instance.confidential)  # type: ignore[attr-defined]
            )
            for column in spec.columns:
                if column.name == "id":
                    continue
                incoming = record.values.get(column.attname, _empty_value(column))
                if (
                    confidential
                    and column.name not in CONFIDENTIAL_LOCATION_COLUMNS
                    and incoming in (None, "", {}, [])
                ):
                    # Exports leave these blank on purpose: a blank never erases them.
                    continue
                if column.attname in record.values:
                    setattr(instance, column.attname, record.values[column.attname])
                elif column.attname in record.clears:
                    setattr(instance, column.attname, _empty_value(column))
            _keep_unresolved_links(instance, record, spec, is_new)
            if table == "schedule" and (
                instance.iana_timezone or zones.get(instance.location_id)  # type: ignore[attr-defined]
            ):
                # The numeric offset is derived on export from the schedule's zone, or
                # its location's (it changes with daylight saving); the zone name is
                # what counts. Kept, today's offset would be served all year.
                instance.timezone = None  # type: ignore[attr-defined]
            if table == "program" and getattr(instance, "organization_id", None) is None:
                _infer_program_organization(instance, collector)
            check_profile_rules(instance, record, report)
            if table == "service" and "last_modified" in record.values:
                plan.stated_last_modified.add(record.id)
            if is_new:
                plan.creates[table].append(instance)
                report.created[table] += 1
            else:
                after = {
                    f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields
                }
                changed = [
                    k for k, v in after.items() if k != "updated_at" and not _same(before.get(k), v)
                ]
                if changed:
                    instance.updated_at = now  # type: ignore[attr-defined]
                    plan.updates[table].append(instance)
                    report.updated[table] += 1
                else:
                    report.unchanged[table] += 1
                    continue
            plan.touched_services |= _services_touched(table, instance)
            done += 1
            if progress and done % 500 == 0:
                progress("checking", done, total)
    _check_term_codes(collector, plan, report)
    return plan


def _keep_unresolved_links(
    instance: Model, record: Record, spec: hsds.TableSpec, is_new: bool
) -> None:
    """The row's waiting links: what the file states replaces what was kept before."""
    links: dict[str, str] = {} if is_new else dict(instance.unresolved_links or {})  # type: ignore[attr-defined]
    for column in spec.foreign_keys:
        if column.attname in record.values or getattr(instance, column.attname) is not None:
            links.pop(column.name, None)
    links.update(record.unresolved)
    instance.unresolved_links = links or None  # type: ignore[attr-defined]


def _same(old: Any, new: Any) -> bool:
    """Equal as HSDS carries them (date-times to the millisecond)."""
    if isinstance(old, dt.datetime) and isinstance(new, dt.datetime):
        return abs(old - new) < dt.timedelta(milliseconds=1) and (
            old.microsecond // 1000 == new.microsecond // 1000
        )
    return bool(old == new)


def _infer_program_organization(instance: Model, collector: Collector) -> None:
    """A program nested only under a service belongs to that service's organization."""
    for service in collector.records.get("service", {}).values():
        if service.values.get("program_id") == instance.pk and service.values.get(
            "organization_id"
        ):
            instance.organization_id = service.values["organization_id"]  # type: ignore[attr-defined]
            return


def _services_touched(table: str, instance: Model) -> set[uuid.UUID]:
    if table == "service":
        return {instance.pk}
    ids = {getattr(instance, "service_id", None)}
    if table == "service_at_location":
        ids.add(instance.service_id)  # type: ignore[attr-defined]
    return {i for i in ids if i is not None}


def _check_term_codes(collector: Collector, plan: Plan, report: ImportReport) -> None:
    seen: dict[tuple[Any, str], uuid.UUID] = {}
    terms = plan.creates.get("taxonomy_term", []) + plan.updates.get("taxonomy_term", [])
    for term in terms:
        code = term.code  # type: ignore[attr-defined]
        if not code:
            continue
        key = (term.taxonomy_detail_id, code)  # type: ignore[attr-defined]
        if key in seen and seen[key] != term.pk:
            record = collector.records["taxonomy_term"][term.pk]
            report.error(record.source.problem("term_code_duplicate", "code", code=code))
        seen[key] = term.pk


def _write(plan: Plan, collector: Collector, progress: ProgressCallback | None) -> None:
    now = timezone.now()
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # HSDS: milliseconds
    for table in hsds.TABLE_ORDER:
        model = hsds.TABLE_MODELS[table]
        creates = plan.creates.get(table, [])
        for instance in creates:
            instance.updated_at = now  # type: ignore[attr-defined]
        if creates:
            model._default_manager.bulk_create(creates, batch_size=WRITE_BATCH)
        updates = plan.updates.get(table, [])
        if updates:
            fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
            model._default_manager.bulk_update(updates, fields, batch_size=WRITE_BATCH)
        if progress:
            progress("writing", hsds.TABLE_ORDER.index(table) + 1, len(hsds.TABLE_ORDER))
    _remove_unlisted(collector, plan)
    _make_waiting_links(collector, plan, now)
    touched = plan.touched_services
    if touched:
        for batch in hsds.chunked(sorted(touched), 900):
            models.Service.objects.filter(pk__in=batch).update(updated_at=now)
            models.Service.objects.filter(pk__in=batch).exclude(
                pk__in=plan.stated_last_modified
            ).update(last_modified=now)


def _make_waiting_links(collector: Collector, plan: Plan, now: dt.datetime) -> None:
    """Rows of earlier imports that wait for a record this import brings get their link."""
    brought = {table: {row.pk for row in rows} for table, rows in plan.creates.items() if rows}
    if not brought:
        return
    report = collector.report
    for table in hsds.TABLE_ORDER:
        spec = hsds.spec(table)
        columns = [c for c in spec.foreign_keys if c.references in brought]
        if not columns:
            continue
        in_file = collector.records.get(table, {})
        # Few rows wait (an import warns about each), so this reads little.
        waiting = spec.model._default_manager.filter(unresolved_links__isnull=False)
        for row in waiting.order_by("pk").iterator():
            if row.pk in in_file:
                continue  # planned with the file's own values
            links = dict(row.unresolved_links or {})  # type: ignore[attr-defined]
            made: dict[str, Any] = {}
            for column in columns:
                target = hsds.uuid_or_none(links.get(column.name))
                if target is not None and target in brought[column.references or ""]:
                    made[column.attname] = target
                    del links[column.name]
            if not made:
                continue
            for attname, target in made.items():
                setattr(row, attname, target)
            spec.model._default_manager.filter(pk=row.pk).update(
                **made, unresolved_links=links or None, updated_at=now
            )
            report.updated[table] += 1
            plan.touched_services |= _services_touched(table, row)


def _remove_unlisted(collector: Collector, plan: Plan) -> None:
    """Rows that a parent in the file no longer lists: detach, and delete orphans."""
    report = collector.report
    hidden: dict[str, set[Any]] | None = None  # read once, when first needed
    for (table, column_name), parents in collector.stated.items():
        if not parents or table not in hsds.DEPENDENT_TABLES | {"location"}:
            continue
        spec = hsds.spec(table)
        attname = hsds.ATTNAME_OVERRIDES.get((table, column_name), column_name)
        in_file = collector.records.get(table, {})
        model = spec.model
        parent_columns = profile.PARENT_COLUMNS.get(table, ())
        candidates: list[Model] = []
        for batch in hsds.chunked(sorted(parents), 900):
            candidates.extend(model._default_manager.filter(**{f"{attname}__in": batch}))
        to_delete: list[uuid.UUID] = []
        # Exports withhold what describes a confidential location: its absence from a
        # file says nothing.
        if hidden is None:
            hidden = exporting.withheld_ids()
        candidates = [row for row in candidates if not exporting.withheld(table, row, hidden)]
        for row in candidates:
            parent_id = getattr(row, attname)
            listed = in_file.get(row.pk)
            if listed is not None and listed.values.get(attname) == parent_id:
                continue
            if table == "location":
                model._default_manager.filter(pk=row.pk).update(**{attname: None})
                continue
            waiting = set(row.unresolved_links or {})  # type: ignore[attr-defined]
            remaining = [
                name
                for name in parent_columns
                if name != attname and (getattr(row, name) is not None or name in waiting)
            ]
            if table in {"attribute", "metadata"} or not remaining or attname not in parent_columns:
                to_delete.append(row.pk)
            else:
                model._default_manager.filter(pk=row.pk).update(**{attname: None})
                plan.touched_services |= _services_touched(table, row)
        if to_delete:
            _delete_rows(table, to_delete, report, plan)


def _delete_rows(table: str, ids: list[uuid.UUID], report: ImportReport, plan: Plan) -> None:
    """Delete rows, first detaching shared children that still have another parent."""
    for other_table, columns in profile.PARENT_COLUMNS.items():
        other = hsds.TABLE_MODELS[other_table]
        for column in columns:
            field = other._meta.get_field(column.removesuffix("_id"))
            if getattr(field, "related_model", None) is not hsds.TABLE_MODELS[table]:
                continue
            for row in other._default_manager.filter(**{f"{column}__in": ids}):
                waiting = set(row.unresolved_links or {})  # type: ignore[attr-defined]
                if any(getattr(row, c) is not None or c in waiting for c in columns if c != column):
                    other._default_manager.filter(pk=row.pk).update(**{column: None})
    for row in hsds.TABLE_MODELS[table]._default_manager.filter(pk__in=ids):
        plan.touched_services |= _services_touched(table, row)
    models.Attribute.objects.filter(link_id__in=ids).delete()
    if table != "metadata":
        models.Metadata.objects.filter(resource_id__in=ids).delete()
    hsds.TABLE_MODELS[table]._default_manager.filter(pk__in=ids).delete()
    report.removed[table] += len(ids)


def collect_file(
    source: Path | bytes,
    *,
    file_name: str,
    file_format: str,
    entity: str | None,
    collector: Collector,
    progress: ProgressCallback | None = None,
) -> None:
    """Read one JSON file or CSV package into the collector (reporting bad rows)."""
    report = collector.report
    if file_format == models.ImportFormat.JSON:
        data = source.read_bytes() if isinstance(source, Path) else source
        documents = read_json(data, file_name, entity, report)
        if isinstance(documents, dict):
            _collect_tabular(documents, collector)
            return
        if not documents and report.ok:
            report.error(Problem("empty", file=file_name))
        for table, document, index in documents:
            collect_document(table, document, Source(file_name, index), collector)
            if progress and index % 200 == 0:
                progress("reading", index, len(documents))
        return
    files = _single_csv_file(source, file_name) or read_csv_package(source, report)
    names = hsds.csv_table_names()
    # HSDS name → (path in the package, content). Windows does not tell Services.csv
    # from services.csv, so neither does the import.
    known: dict[str, tuple[str, bytes]] = {}
    for path in sorted(files):
        csv_name = path.rsplit("/", 1)[-1].lower()
        if csv_name in LEGACY_FILES:
            params = {"name": path, "replacement": LEGACY_FILES[csv_name]}
            report.error(Problem("legacy_table", file=path, params=params))
        elif csv_name not in names:
            report.warn(Problem("unknown_file", file=path, params={"name": path}))
        elif csv_name in known:
            # One table twice (in two folders): which one is meant cannot be told.
            other = known[csv_name][0]
            report.error(Problem("duplicate_file", file=path, params={"other": other}))
        else:
            known[csv_name] = (path, files[path])
    if not known:
        report.error(Problem("empty", file=file_name))
    for table in hsds.TABLE_ORDER:
        csv_name = hsds.spec(table).csv_name
        if csv_name not in known:
            continue
        path, data = known[csv_name]
        name = path.rsplit("/", 1)[-1]
        header, rows = _csv_rows(name, data, report)
        if header:
            collect_table_rows(name, table, rows, header, collector)


def _single_csv_file(source: Path | bytes, file_name: str) -> dict[str, bytes]:
    """One table of a package given alone (organizations.csv), as a package of it."""
    if not file_name.lower().endswith(".csv") or (isinstance(source, Path) and source.is_dir()):
        return {}
    data = source.read_bytes() if isinstance(source, Path) else source
    return {} if zipfile.is_zipfile(io.BytesIO(data)) else {file_name: data}


def _collect_tabular(tables: dict[str, list[dict[str, Any]]], collector: Collector) -> None:
    names = hsds.csv_table_names()
    for csv_name, rows in tables.items():
        if csv_name in LEGACY_FILES:
            params = {"name": csv_name, "replacement": LEGACY_FILES[csv_name]}
            collector.report.error(Problem("legacy_table", file=csv_name, params=params))
            continue
        if csv_name not in names:
            collector.report.warn(Problem("unknown_file", file=csv_name, params={"name": csv_name}))
            continue
        readable: list[tuple[int, dict[str, Any]]] = []
        for index, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                collector.report.error(Problem("not_an_object", file=csv_name, row=index))
                continue
            broken = _broken_text_path(row)
            if broken is not None:
                problem = Problem("broken_text", file=csv_name, row=index, field=broken)
                collector.report.error(problem)
                continue
            readable.append((index, row))
        header: list[str] = []
        for _index, row in readable:
            for key in row:
                if key not in header:
                    header.append(key)
        if not readable:
            continue  # an empty table (or one of rows refused above) has no columns
        numbered = [(index, _strip_nulls(row)) for index, row in readable]
        collect_table_rows(csv_name, names[csv_name], numbered, header, collector)


def run_import(
    sources: list[tuple[Path | bytes, str]],
    *,
    file_format: str,
    entity: str | None = None,
    dry_run: bool = False,
    actor: Any = None,
    audit_target_id: object = "",
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Check, then (unless anything is wrong) write, all files as one all-or-nothing run.

    ``sources`` are (path or bytes, name shown in messages). Returns the report;
    ``report.applied`` is True only if rows were written and committed.
    """
    report = ImportReport(dry_run=dry_run)
    collector = Collector(report)
    try:
        for source, name in sources:
            collect_file(
                source,
                file_name=name,
                file_format=file_format,
                entity=entity,
                collector=collector,
                progress=progress,
            )
    except ImportError_ as stop:
        report.error(stop.problem)
        return report
    if progress:
        progress("reading", collector.count(), collector.count())
    _resolve_all_parents(collector)
    check_references(collector)
    if not report.ok:
        return report
    if progress:
        # Checking against the directory and writing run in one transaction, minutes
        # long for a large file: said before it starts, the count beginning again at 0.
        progress("checking", 0, collector.count())
    try:
        with transaction.atomic():
            plan = _plan(collector, progress)
            if not report.ok:
                transaction.set_rollback(True)
                return report
            _write(plan, collector, progress)
            changed = sum(report.created.values()) + sum(report.updated.values())
            changed += sum(report.removed.values())
            if dry_run:
                transaction.set_rollback(True)
            elif not changed:
                report.applied = True
            else:
                from plainsight.audit.services import audit_record
                from plainsight.directory.search.services import search_index_refresh

                # In the same transaction: the public search shows the new listings the
                # moment they are committed, and a failed run leaves the index as it was.
                search_index_refresh()
                audit_record(
                    actor=actor,
                    action="directory.import",
                    target_type="import_job",
                    target_id=audit_target_id,
                )
                report.applied = True
    except (IntegrityError, DatabaseError) as error:
        report.applied = False
        report.error(Problem("database", params={"detail": str(error).splitlines()[0][:300]}))
    return report
