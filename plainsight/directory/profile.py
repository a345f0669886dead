"""The PlainSight HSDS profile: merge patches on the HSDS schemas, and their rules.

The patches live in ``docs/hsds-profile/schema/`` (one per affected HSDS schema, as
HSDS profiles are published) and are the single source of truth for the profile's
columns: the importer validates against the patched schemas, the API serves them,
and a test checks they agree with ``hsds.PROFILE_FIELDS`` and the models.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from plainsight.directory import hsds, models

PROFILE_URL_PATH = "/api/hsds/profile/"

# Parents of the tables whose rows may hang from several parents at once (HSDS
# tabular format): at least one must be set.
PARENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "phone": (
        "location_id",
        "service_id",
        "organization_id",
        "contact_id",
        "service_at_location_id",
    ),
    "contact": ("organization_id", "service_id", "service_at_location_id", "location_id"),
    "language": ("service_id", "location_id", "phone_id"),
    "schedule": ("service_id", "location_id", "service_at_location_id"),
    "service_area": ("service_id", "service_at_location_id"),
    "url": ("organization_id", "service_id"),
    "funding": ("organization_id", "service_id"),
}

_AREA_CODE = {
    models.AreaType.COUNTRY: re.compile(r"^[A-Z]{2}$"),
    models.AreaType.STATE: re.compile(r"^[A-Z]{2}$"),
    models.AreaType.COUNTY: re.compile(r"^\d{5}$"),
    models.AreaType.CITY: re.compile(r"^\S.{0,99}$"),
    models.AreaType.POSTAL_CODE: re.compile(r"^\d{5}$"),
}


def profile_dir() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "hsds-profile" / "schema"


@cache
def patch_for(schema_file: str) -> dict[str, Any]:
    path = profile_dir() / schema_file
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        patch: dict[str, Any] = json.load(handle)
    return patch


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@cache
def patched_schema(schema_file: str) -> dict[str, Any]:
    """An HSDS schema with the PlainSight profile applied."""
    result: dict[str, Any] = merge_patch(hsds.load_schema(schema_file), patch_for(schema_file))
    return result


def schema_files() -> list[str]:
    return sorted(p.name for p in hsds.SCHEMA_DIR.glob("*.json") if p.name != "openapi.json")


@cache
def registry(profiled: bool = True) -> Registry:
    """Every object schema, keyed by file name, so relative ``$ref``s resolve offline."""
    resources = []
    for name in schema_files():
        contents = patched_schema(name) if profiled else hsds.load_schema(name)
        resources.append(
            (name, Resource.from_contents(contents, default_specification=DRAFT202012))
        )
    return Registry().with_resources(resources)


@cache
def validator_for(table: str, profiled: bool = True) -> Draft202012Validator:
    name = f"{table}.json"
    schema = patched_schema(name) if profiled else hsds.load_schema(name)
    return Draft202012Validator(
        schema, registry=registry(profiled), format_checker=FormatChecker(["uuid", "email"])
    )


def describe_type(json_type: Any) -> str:
    names = {
        "string": _("text"),
        "number": _("a number"),
        "integer": _("a whole number"),
        "boolean": _("true or false"),
        "array": _("a list"),
        "object": _("an object"),
    }
    if isinstance(json_type, list):
        return " / ".join(names.get(t, str(t)) for t in json_type)
    return names.get(str(json_type), str(json_type))


def array_choices(column_name: str) -> list[str]:
    if column_name == "delivery_methods":
        return list(models.DeliveryMethod.values)
    return []


def valid_area_code(area_type: str, code: str) -> bool:
    pattern = (
        _AREA_CODE.get(models.AreaType(area_type)) if area_type in models.AreaType.values else None
    )
    return bool(pattern and pattern.match(code or ""))
