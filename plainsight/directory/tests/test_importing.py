"""Importing HSDS JSON and CSV: checks first, then all or nothing; idempotent; the
spec's own examples import and round-trip; profile rules protect confidential data."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from plainsight.audit.models import AuditEvent
from plainsight.directory import exporting, hsds, importing, models, serializers
from plainsight.directory.tests import factories
from plainsight.directory.tests.files import zipped

pytestmark = pytest.mark.django_db

SERVICE_ID = uuid.UUID("ac148810-d857-441c-9679-408f346de14b")
EXAMPLES = hsds.EXAMPLES_DIR


def run_json(payload: Any, *, name: str = "data.json", **kwargs: Any) -> importing.ImportReport:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return importing.run_import([(data, name)], file_format=models.ImportFormat.JSON, **kwargs)


def example(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / name).read_text())
    return document


def table_counts() -> dict[str, int]:
    return {t: m._default_manager.count() for t, m in hsds.TABLE_MODELS.items()}


# --- Normalised comparison for round trips ---------------------------------------------------


def normalise(value: Any, key: str = "") -> Any:
    """HSDS documents compared by meaning: empty values dropped, list order ignored,
    numbers as floats, times and date-times parsed."""
    if isinstance(value, dict):
        items = {k: normalise(v, k) for k, v in value.items()}
        return {k: v for k, v in items.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return sorted((normalise(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and key in {"opens_at", "closes_at"}:
        return dt.time.fromisoformat(value).isoformat()
    if isinstance(value, str) and key in {"last_modified", "updated"}:
        return dt.datetime.fromisoformat(value).astimezone(dt.UTC).isoformat()
    return value


def render(table: str, pk: Any) -> dict[str, Any]:
    if table == "service":
        graph = serializers.load_graph(service_ids=[pk])
    elif table == "organization":
        graph = serializers.load_graph(
            organization_ids=[pk], services_of_organizations=models.Service.objects.all()
        )
    elif table == "service_at_location":
        graph = serializers.load_graph(service_at_location_ids=[pk])
    elif table == "location":
        graph = serializers.load_graph(location_ids=[pk])
    else:
        graph = serializers.load_taxonomy_graph(term_ids=[pk])
    return serializers.render(table, graph.rows[table][pk], graph)


# --- The spec's own examples ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "table"),
    [
        ("service_full.json", "service"),
        ("organization_full.json", "organization"),
        ("service_at_location_full.json", "service_at_location"),
        ("location.json", "location"),
        ("taxonomy_term.json", "taxonomy_term"),
    ],
)
def test_spec_examples_import_and_round_trip(file_name, table):
    original = example(file_name)
    report = importing.run_import(
        [(EXAMPLES / file_name, file_name)], file_format=models.ImportFormat.JSON
    )
    assert report.ok, [str(p) for p in report.errors]
    assert report.applied
    exported = render(table, uuid.UUID(original["id"]))
    assert normalise(exported) == normalise(original)


@pytest.mark.parametrize(
    "file_name",
    [
        "service_list.json",
        "organization_list.json",
        "service_at_location_list.json",
        "taxonomy_list.json",
        "taxonomy_term_list.json",
        "taxonomy.json",
    ],
)
def test_other_spec_examples_import(file_name):
    report = importing.run_import(
        [(EXAMPLES / file_name, file_name)], file_format=models.ImportFormat.JSON
    )
    assert report.ok, [str(p) for p in report.errors]


def test_spec_examples_warn_about_what_they_leave_dangling():
    report = importing.run_import(
        [(EXAMPLES / "service_full.json", "service_full.json")],
        file_format=models.ImportFormat.JSON,
    )
    codes = {(p.code, p.field) for p in report.warnings}
    assert ("soft_missing_reference", "organization.parent_organization_id") in codes
    assert ("coordinates_range", "service_at_locations[0].location.latitude") in codes


# The links HSDS 3.1's CSV example makes to records that exist nowhere (fixed upstream
# in 3.1.1). HSDS requires none of these columns: each is a warning, the row is kept.
DANGLING_IN_CSV_EXAMPLE = {
    ("organizations.csv", 2, "parent_organization_id", "cd09a387-91f4-4555-94ec-e799c35344cd"),
    ("taxonomy_terms.csv", 2, "parent_id", "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2"),
    ("taxonomy_terms.csv", 2, "taxonomy_id", "07ff6aee-a219-438c-b694-d2fcb6c5373b"),
    ("locations.csv", 2, "organization_id", "985e4a42-bd9f-4edc-911d-0243a4640aca"),
    ("contacts.csv", 2, "organization_id", "ae67a707-5893-4225-b0b1-320ab9cb596b"),
    ("contacts.csv", 2, "service_at_location_id", "93eaf18d-1cd2-4ec7-bffb-3c9172ee5070"),
    ("service_areas.csv", 2, "service_at_location_id", "af69894e-7bed-11ef-a85c-07e0918a608c"),
    ("service_capacity.csv", 2, "service_id", "f75b808e-7bdb-11ef-afaa-ab00a77dc5c4"),
    ("service_capacity.csv", 2, "unit_id", "187a37a2-7b40-11ef-9790-dbf7623d4407"),
    ("attributes.csv", 2, "link_id", "f28dd44b-0c4d-479f-8e90-4c52219a8b3c"),
    ("metadata.csv", 2, "resource_id", "38960354-e7d2-4cfa-a368-820f729d6ccf"),
}


def _dangling(report: importing.ImportReport) -> set[tuple[str, int | None, str, str]]:
    return {
        (p.file, p.row, p.field, str(p.params["id"]))
        for p in report.warnings
        if p.code == "soft_missing_reference"
    }


def assert_no_broken_link() -> None:
    """Every foreign key of every row names a row that exists."""
    for table, model in hsds.TABLE_MODELS.items():
        for column in hsds.spec(table).foreign_keys:
            target = hsds.TABLE_MODELS[column.references or ""]
            values = set(
                model._default_manager.exclude(**{f"{column.attname}__isnull": True})
                .values_list(column.attname, flat=True)
                .distinct()
            )
            found = set(target._default_manager.filter(pk__in=values).values_list("pk", flat=True))
            assert values == found, (table, column.name)


def test_spec_csv_example_imports_with_a_warning_per_dangling_link():
    report = importing.run_import([(EXAMPLES / "csv", "csv")], file_format=models.ImportFormat.CSV)
    assert report.ok and report.applied, [str(p) for p in report.errors]
    assert _dangling(report) == DANGLING_IN_CSV_EXAMPLE
    # url.csv names no parent at all (HSDS allows it): kept, said so.
    assert ("no_parent", "url.csv", 2) in {(p.code, p.file, p.row) for p in report.warnings}
    for problem in report.warnings:
        assert problem.message and "%(" not in problem.message
    assert all(count == 1 for count in table_counts().values())  # every row kept
    assert_no_broken_link()
    location = models.Location.objects.get()
    assert location.organization_id is None
    assert location.unresolved_links == {"organization_id": "985e4a42-bd9f-4edc-911d-0243a4640aca"}


def test_spec_tabular_json_is_read_like_the_csv_package():
    report = importing.run_import(
        [(EXAMPLES / "tabular.json", "tabular.json")], file_format=models.ImportFormat.JSON
    )
    assert report.ok and report.applied, [str(p) for p in report.errors]
    # The tabular example has fewer tables (no capacities, units or URLs) and its
    # service area names no service at location; the other dangling links are the same.
    dangling = {(file, field, value) for file, _row, field, value in _dangling(report)}
    assert dangling == {
        (file, field, value)
        for file, _row, field, value in DANGLING_IN_CSV_EXAMPLE
        if file not in {"service_capacity.csv", "service_areas.csv"}
    }
    assert_no_broken_link()


def _repaired_csv_example(tmp_path: Path) -> Path:
    """The CSV example with its dangling references pointed at the rows they meant."""
    folder = tmp_path / "csv"
    shutil.copytree(EXAMPLES / "csv", folder)
    fixes = {
        "taxonomy_terms.csv": {"taxonomy_id": "5c4d79d7-cc55-470e-9f1f-8cad074e4892"},
        "locations.csv": {"organization_id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"},
        "contacts.csv": {
            "organization_id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
            "service_at_location_id": "e94c9f38-1e8f-4564-91d4-d53501ab1765",
        },
        "service_areas.csv": {"service_at_location_id": "e94c9f38-1e8f-4564-91d4-d53501ab1765"},
        "service_capacity.csv": {
            "service_id": str(SERVICE_ID),
            "unit_id": "8896b788-7b3e-11ef-8db9-7f3d040352b3",
        },
        "attributes.csv": {"link_id": str(SERVICE_ID), "link_entity": "service"},
    }
    for name, changes in fixes.items():
        path = folder / name
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        for row in rows:
            row.update(changes)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    # url.csv names no parent at all; the JSON examples attach it to the service.
    (folder / "url.csv").write_text(
        "id,label,url,service_id\n"
        f"30951f94-7b24-11ef-ba1b-a79405d4dcaa,Website,https://example.org,{SERVICE_ID}\n"
    )
    return folder


@pytest.mark.parametrize("repaired", [False, True], ids=["as_published", "repaired"])
def test_csv_example_round_trips_column_by_column(tmp_path, repaired):
    """Import → export gives back every column of every row, dangling ids included,
    and the exported package imports back with nothing to change."""
    folder = _repaired_csv_example(tmp_path) if repaired else EXAMPLES / "csv"
    report = importing.run_import([(folder, "csv")], file_format=models.ImportFormat.CSV)
    assert report.ok, [str(p) for p in report.errors]
    out = tmp_path / "out"
    exporting.export_csv_package(out)
    for source in sorted(folder.glob("*.csv")):
        original = list(csv.DictReader(source.open(encoding="utf-8")))
        exported = {row["id"]: row for row in csv.DictReader((out / source.name).open())}
        assert len(exported) == len(original), source.name
        for row in original:
            again = exported[row["id"]]
            for column, value in row.items():
                if column == "id" or column.endswith("_id"):
                    assert again[column] == value, (source.name, column)  # ids exactly
                    continue
                assert normalise(_typed(column, value), column) == normalise(
                    _typed(column, again[column]), column
                ), (source.name, column)
    second = importing.run_import([(out, "out")], file_format=models.ImportFormat.CSV)
    assert second.ok and not second.created and not second.updated and not second.removed


def test_reimporting_the_csv_example_changes_nothing():
    first = importing.run_import([(EXAMPLES / "csv", "csv")], file_format=models.ImportFormat.CSV)
    counts = table_counts()
    second = importing.run_import([(EXAMPLES / "csv", "csv")], file_format=models.ImportFormat.CSV)
    assert first.ok and second.ok and second.applied
    assert not second.created and not second.updated and not second.removed
    assert sum(second.unchanged.values()) == sum(first.created.values())
    assert table_counts() == counts
    assert _dangling(second) == _dangling(first)  # still said, still kept


def test_a_later_import_that_brings_the_record_makes_the_link():
    importing.run_import([(EXAMPLES / "csv", "csv")], file_format=models.ImportFormat.CSV)
    organization_id = "985e4a42-bd9f-4edc-911d-0243a4640aca"  # the location's
    taxonomy_id = "07ff6aee-a219-438c-b694-d2fcb6c5373b"  # the term's
    report = importing.run_import(
        [
            (
                zipped(
                    {
                        "organizations.csv": f"id,name,description\n{organization_id},City,It\n",
                        "taxonomies.csv": f"id,name,description\n{taxonomy_id},Tax,Terms\n",
                    }
                ),
                "later.zip",
            )
        ],
        file_format=models.ImportFormat.CSV,
    )
    assert report.ok and report.applied, [str(p) for p in report.errors]
    assert report.created == {"organization": 1, "taxonomy": 1}
    assert report.updated == {"location": 1, "taxonomy_term": 1}
    location = models.Location.objects.get()
    assert str(location.organization_id) == organization_id
    assert location.unresolved_links is None
    term = models.TaxonomyTerm.objects.get()
    assert str(term.taxonomy_detail_id) == taxonomy_id
    # The parent term is still unknown: that link keeps waiting.
    assert term.unresolved_links == {"parent_id": "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2"}
    assert_no_broken_link()
    # The package imports again as it is: the links it names now exist, nothing changes.
    again = importing.run_import([(EXAMPLES / "csv", "csv")], file_format=models.ImportFormat.CSV)
    assert again.ok and not again.created and not again.updated and not again.removed


def test_a_required_link_to_nothing_is_still_refused_and_nothing_written(tmp_path):
    folder = tmp_path / "csv"
    shutil.copytree(EXAMPLES / "csv", folder)
    services_csv = folder / "services.csv"
    mistyped = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c611"  # one digit off the organization
    services_csv.write_text(
        services_csv.read_text().replace("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", mistyped)
    )
    report = importing.run_import([(folder, "csv")], file_format=models.ImportFormat.CSV)
    assert not report.ok and not report.applied
    assert [(p.code, p.file, p.row, p.field) for p in report.errors] == [
        ("missing_reference", "services.csv", 2, "organization_id")
    ]
    assert all(count == 0 for count in table_counts().values())


def _typed(column: str, value: str) -> Any:
    try:
        return float(value)
    except ValueError:
        return value


# --- Idempotence, dry runs, all-or-nothing -----------------------------------------------------


def test_reimport_is_idempotent_and_never_duplicates():
    first = run_json(example("service_full.json"))
    counts = table_counts()
    second = run_json(example("service_full.json"))
    assert first.ok and second.ok
    assert table_counts() == counts
    assert not second.updated and not second.created
    assert sum(second.unchanged.values()) == sum(first.created.values())


def test_reimport_updates_by_id():
    document = example("service_full.json")
    run_json(document)
    document["name"] = "Community Counselling (renamed)"
    document["cost_options"][0]["amount"] = 40
    report = run_json(document)
    assert report.ok
    assert report.updated["service"] == 1 and report.updated["cost_option"] == 1
    assert models.Service.objects.get().name == "Community Counselling (renamed)"
    assert models.CostOption.objects.get().amount == 40


def test_one_row_given_two_different_ways_is_refused():
    """The same phone nested in several places must say the same thing everywhere."""
    document = example("service_full.json")
    document["phones"][0]["number"] = "+1 661 555 0100"
    report = run_json(document)
    assert {p.code for p in report.errors} == {"duplicate_conflict"}


def test_absent_optional_fields_are_cleared_but_profile_fields_kept():
    document = example("service_full.json")
    run_json(document)
    models.Service.objects.update(police_report_required=False, open_24_7=True)
    del document["alternate_name"]
    run_json(document)
    service = models.Service.objects.get()
    assert service.alternate_name == ""
    # A source that knows nothing of the profile does not erase what we know.
    assert service.police_report_required is False and service.open_24_7 is True


def test_children_no_longer_listed_are_removed():
    document = example("service_full.json")
    run_json(document)
    extra = copy.deepcopy(document["cost_options"][0])
    extra["id"] = str(uuid.uuid4())
    document["cost_options"].append(extra)
    assert run_json(document).created["cost_option"] == 1
    document["cost_options"] = document["cost_options"][:1]
    report = run_json(document)
    assert report.removed["cost_option"] == 1
    assert models.CostOption.objects.count() == 1


def test_a_shared_phone_removed_from_one_parent_stays_with_the_others():
    document = example("service_full.json")
    run_json(document)
    phone_id = document["phones"][0]["id"]
    document["phones"] = []
    report = run_json(document)
    assert report.ok
    phone = models.Phone.objects.get(pk=phone_id)
    assert phone.service_id is None
    assert phone.location_id is not None and phone.contact_id is not None


def test_dry_run_writes_nothing_but_reports_what_would_change():
    report = run_json(example("service_full.json"), dry_run=True)
    assert report.ok and not report.applied
    assert report.created["service"] == 1
    assert all(count == 0 for count in table_counts().values())


def test_broken_file_imports_nothing_and_names_every_bad_row():
    documents = [
        example("service_full.json"),
        {"id": str(uuid.uuid4()), "name": "No status"},  # status missing
        {
            "id": "not-a-uuid",
            "name": "Bad",
            "status": "open",  # not an HSDS status
            "organization": {"id": str(uuid.uuid4()), "name": "Org", "description": "d"},
        },
        {
            "id": str(uuid.uuid4()),
            "name": "Bad values",
            "status": "active",
            "minimum_age": 18,
            "maximum_age": 12,
            "assured_date": "last week",
            "email": "not-an-email",
            "organization": {"id": str(uuid.uuid4()), "name": "Org 2", "description": "d"},
            "schedules": [{"id": str(uuid.uuid4()), "opens_at": "9am", "byday": "MONDAY"}],
            "phones": [{"id": str(uuid.uuid4()), "number": "call us", "call_outcome": "secret"}],
        },
    ]
    report = run_json(documents, name="batch.json", entity="service")
    assert not report.ok and not report.applied
    assert all(count == 0 for count in table_counts().values())
    messages = {(p.row, p.field): p for p in report.errors}
    assert (2, "status") in messages
    assert messages[(2, "status")].code == "required"
    assert (3, "status") in messages and messages[(3, "status")].code == "not_in_choices"
    assert messages[(3, "id")].code == "invalid_uuid"
    assert {p.field for p in report.errors if p.row == 4} >= {
        "assured_date",
        "email",
        "schedules[0].opens_at",
        "phones[0].call_outcome",
    }
    for problem in report.errors:
        assert problem.file == "batch.json"
        assert problem.message and "%(" not in problem.message


def test_a_problem_is_reported_once_even_where_the_schema_reaches_it_twice():
    """HSDS's schemas reach an attribute's taxonomy term two ways; a file written for
    another profile (here: a term without name and description) hears of each gap once."""
    document = example("service_full.json")
    term = document["attributes"][0]["taxonomy_term"]
    del term["name"], term["description"]
    report = run_json(document)
    problems = [(p.code, p.field) for p in report.errors]
    assert problems == [
        ("required", "attributes[0].taxonomy_term.name"),
        ("required", "attributes[0].taxonomy_term.description"),
    ]
    assert all(count == 0 for count in table_counts().values())


def test_errors_found_only_when_writing_also_leave_nothing_behind():
    """Rules on the merged rows (here: ages) run before any write, inside one transaction."""
    document = example("service_full.json")
    document["minimum_age"], document["maximum_age"] = 30, 20
    report = run_json(document)
    assert [p.code for p in report.errors] == ["age_range"]
    assert all(count == 0 for count in table_counts().values())


def test_messages_are_translated():
    with translation.override("es"):
        report = run_json({"id": str(uuid.uuid4()), "name": "x"}, entity="service")
    assert report.errors
    problem = report.errors[0]
    with translation.override("es"):
        spanish = problem.message
    with translation.override("en"):
        english = problem.message
    assert english == "status is required."
    # The Spanish catalogue may not be compiled in this checkout; the code path is the same.
    assert spanish


def test_invalid_json_and_unknown_records_are_reported():
    report = run_json(b'{"id": ', name="broken.json")
    assert [p.code for p in report.errors] == ["invalid_json"]
    report = run_json([{"foo": 1}, 3])
    assert {p.code for p in report.errors} == {"unknown_entity", "not_an_object"}


def test_references_must_exist_in_the_file_or_the_directory():
    organization = factories.OrganizationFactory.create()
    row = {
        "id": str(uuid.uuid4()),
        "name": "Linked by id",
        "status": "active",
        "organization_id": str(organization.pk),
    }
    assert run_json(row, entity="service").ok
    row = {**row, "id": str(uuid.uuid4()), "organization_id": str(uuid.uuid4())}
    report = run_json(row, entity="service")
    assert [p.code for p in report.errors] == ["missing_reference"]


def test_a_service_needs_an_organization():
    report = run_json({"id": str(uuid.uuid4()), "name": "Orphan", "status": "active"})
    assert [(p.code, p.field) for p in report.errors] == [("required", "organization_id")]


# --- A capacity's unit ------------------------------------------------------------------------

UNIT_ID = "187a37a2-7b40-11ef-9790-dbf7623d4407"


def _service_with_capacity(capacity: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(SERVICE_ID),
        "name": "Shelter",
        "status": "active",
        "organization": {"id": str(uuid.uuid4()), "name": "Org", "description": "d"},
        "capacities": [
            {"id": str(uuid.uuid4()), "available": 4, "updated": "2026-01-05T10:00:00Z", **capacity}
        ],
    }


def test_a_capacity_without_a_unit_is_refused_and_nothing_written():
    """HSDS requires a capacity's unit (the object in JSON, unit_id in CSV)."""
    for capacity in ({}, {"unit_id": UNIT_ID}):
        report = run_json(_service_with_capacity(capacity))
        assert [(p.code, p.field) for p in report.errors] == [("required", "capacities[0].unit")]
        assert "unit is required" in report.errors[0].message
    organization = uuid.uuid4()
    for header, cell, code in (
        ("id,service_id,unit_id,available,updated", ",,", "required"),
        ("id,service_id,unit_id,available,updated", ", ,", "required"),  # blank is empty
        ("id,service_id,unit_id,available,updated", ",bed,", "invalid_uuid"),
        ("id,service_id,available,updated", ",", "missing_column"),
    ):
        files = {
            "organizations.csv": f"id,name,description\n{organization},O,d\n",
            "services.csv": (
                f"id,organization_id,name,status\n{SERVICE_ID},{organization},S,active\n"
            ),
            "service_capacity.csv": (
                f"{header}\n{uuid.uuid4()},{SERVICE_ID}{cell}4,2026-01-05T10:00:00Z\n"
            ),
        }
        report = importing.run_import(
            [(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV
        )
        assert [(p.code, p.field) for p in report.errors] == [(code, "unit_id")], header
    assert all(count == 0 for count in table_counts().values())


def _unknown_unit(unit_id: str) -> dict[str, str]:
    """How exports write a unit the directory does not hold (hsds.unknown_unit)."""
    return {"id": unit_id, "name": "unknown unit", "scheme": "PlainSight", "identifier": "unknown"}


def test_an_unknown_unit_is_read_as_a_link_to_the_unit_never_as_the_unit():
    """A directory that holds the unit links the capacity to it and keeps its name;
    one that does not keeps the capacity with the id waiting, and makes up no unit."""
    kilogram = models.Unit.objects.create(id=UNIT_ID, name="Kilogram", scheme="SI")
    report = run_json(_service_with_capacity({"unit": _unknown_unit(UNIT_ID)}))
    assert report.ok and report.applied, [str(p) for p in report.errors]
    assert not report.warnings
    capacity = models.ServiceCapacity.objects.get()
    assert capacity.unit_id == uuid.UUID(UNIT_ID) and capacity.unresolved_links is None
    kilogram.refresh_from_db()
    assert (kilogram.name, kilogram.scheme, kilogram.identifier) == ("Kilogram", "SI", "")

    other = str(uuid.uuid4())
    report = run_json(_service_with_capacity({"unit": _unknown_unit(other)}))
    assert report.ok and report.applied, [str(p) for p in report.errors]
    assert [(p.code, p.field, str(p.params["id"])) for p in report.warnings] == [
        ("soft_missing_reference", "capacities[0].unit_id", other)
    ]
    capacity = models.ServiceCapacity.objects.get()
    assert capacity.unit is None and capacity.unresolved_links == {"unit_id": other}
    assert list(models.Unit.objects.values_list("name", flat=True)) == ["Kilogram"]


def test_a_unit_that_says_more_than_the_unknown_unit_is_a_unit():
    unit = {**_unknown_unit(UNIT_ID), "uri": "https://example.org/units/unknown"}
    report = run_json(_service_with_capacity({"unit": unit}))
    assert report.ok and report.applied, [str(p) for p in report.errors]
    assert models.Unit.objects.get().uri == "https://example.org/units/unknown"
    assert models.ServiceCapacity.objects.get().unit_id == uuid.UUID(UNIT_ID)


# --- Profile rules --------------------------------------------------------------------------------


def _service_with_location(location: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "name": "Shelter",
        "status": "active",
        "organization": {"id": str(uuid.uuid4()), "name": "Org", "description": "d"},
        "service_at_locations": [{"id": str(uuid.uuid4()), "location": location}],
    }


def test_confidential_location_needs_a_way_to_reach_it():
    location = {"id": str(uuid.uuid4()), "location_type": "physical", "confidential": True}
    report = run_json(_service_with_location(location))
    assert [p.code for p in report.errors] == ["confidential_needs_note"]


def test_time_zone_must_be_an_iana_name():
    location = {"id": str(uuid.uuid4()), "location_type": "physical", "iana_timezone": "PST"}
    report = run_json(_service_with_location(location))
    assert [p.code for p in report.errors] == ["invalid_timezone"]


def test_profile_values_are_type_checked_against_the_patched_schema():
    location = {"id": str(uuid.uuid4()), "location_type": "physical", "confidential": "yes"}
    report = run_json(_service_with_location(location))
    assert [p.code for p in report.errors] == ["wrong_type"]


def test_reimport_of_an_export_never_erases_a_shelter_address(shelter):
    """Exports leave a confidential location's address and coordinates out; importing
    such an export back must not wipe them."""
    graph = serializers.load_graph(service_ids=[shelter.service.pk])
    document = serializers.render("service", graph.rows["service"][shelter.service.pk], graph)
    report = run_json(document)
    assert report.ok, [str(p) for p in report.errors]
    location = models.Location.objects.get(pk=shelter.location.pk)
    assert location.latitude == shelter.location.latitude
    assert location.transportation == shelter.location.transportation
    assert models.Address.objects.filter(location=location).count() == 1
    assert models.Metadata.objects.filter(resource_id=location.pk).count() == 1


def test_a_feed_without_the_profile_cannot_unmark_a_confidential_location(shelter):
    location = {
        "id": str(shelter.location.pk),
        "location_type": "physical",
        "name": "Safe Haven shelter",
        "latitude": 35.5,
        "longitude": -119.5,
    }
    report = importing.run_import(
        [(json.dumps(location).encode(), "feed.json")], file_format=models.ImportFormat.JSON
    )
    assert report.ok
    assert models.Location.objects.get(pk=shelter.location.pk).confidential is True


def test_a_blank_yes_no_cell_unmarks_nothing(shelter):
    """An empty cell is what HSDS's CSV has for null, and null in JSON says nothing: a
    blank in the confidential column made a shelter's address public. The same for
    the other yes/no columns that cannot be empty (open_24_7 here)."""
    location, service = shelter.location, shelter.service
    files = {
        "locations.csv": (
            "id,organization_id,location_type,name,confidential\n"
            f"{location.pk},{location.organization_id},physical,{location.name},\n"
        ),
        "services.csv": (
            "id,organization_id,name,status,open_24_7\n"
            f"{service.pk},{service.organization_id},{service.name},active, \n"
        ),
    }
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert report.ok, [str(p) for p in report.errors]
    assert models.Location.objects.get(pk=location.pk).confidential is True
    assert models.Service.objects.get(pk=service.pk).open_24_7 is True


def test_schedule_offsets_fill_the_numeric_timezone():
    document = example("service_full.json")
    document["schedules"][0].pop("timezone")
    document["schedules"][0]["opens_at"] = "09:00-08:00"
    document["schedules"][0]["closes_at"] = "17:00-08:00"
    for sal in document["service_at_locations"]:
        sal["schedules"] = []
        sal["location"]["schedules"] = []
    document["organization"]["locations"][0]["schedules"] = []
    report = run_json(document)
    assert report.ok, [str(p) for p in report.errors]
    schedule = models.Schedule.objects.get()
    assert schedule.opens_at == dt.time(9, 0) and schedule.timezone == -8


# --- CSV specifics ---------------------------------------------------------------------


def test_csv_rows_report_file_row_and_column():
    organization = uuid.uuid4()
    files = {
        "organizations.csv": f"id,name,description\n{organization},Org,Helps\n",
        "services.csv": (
            "id,organization_id,name,status,minimum_age\n"
            f"{uuid.uuid4()},{organization},Good,active,12\n"
            f"{uuid.uuid4()},{organization},Bad age,active,twelve\n"
            f"{uuid.uuid4()},{organization},,active,\n"
        ),
        "notes.txt": "ignored",
        "extras.csv": "id\n1\n",
    }
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert [(p.file, p.row, p.field, p.code) for p in report.errors] == [
        ("services.csv", 3, "minimum_age", "not_number"),
        ("services.csv", 4, "name", "required"),
    ]
    assert ("unknown_file", "extras.csv") in {(p.code, p.file) for p in report.warnings}
    assert models.Organization.objects.count() == 0


def test_a_spreadsheet_capitalised_choice_is_read_as_the_choice_it_spells():
    """A spreadsheet capitalises a cell's first letter as it is typed ("Active", as in
    Open Referral's own sample package): read as the choice it spells; a value that
    spells no choice is still refused, and nothing is written."""
    organization = uuid.uuid4()
    active, inactive = uuid.uuid4(), uuid.uuid4()
    files = {
        "organizations.csv": f"id,name,description\n{organization},Org,Helps\n",
        "services.csv": (
            "id,organization_id,name,status\n"
            f"{active},{organization},Open,Active\n"
            f"{inactive},{organization},Paused,INACTIVE \n"
        ),
    }
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert report.ok, [str(p) for p in report.errors]
    statuses = dict(models.Service.objects.values_list("id", "status"))
    assert statuses == {active: "active", inactive: "inactive"}

    files["services.csv"] = (
        f"id,organization_id,name,status\n{uuid.uuid4()},{organization},X,Activ\n"
    )
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert [(p.row, p.field, p.code) for p in report.errors] == [(2, "status", "not_in_choices")]
    assert "Use one of: active, inactive" in report.errors[0].message
    assert models.Service.objects.count() == 2


def test_rows_are_numbered_as_the_spreadsheet_shows_them():
    """A description with line breaks is one row of the spreadsheet (and of the CSV)
    though it spans several lines of the file: the rows after it keep their number."""
    files = {
        "organizations.csv": (
            "id,name,description\r\n"
            f'{uuid.uuid4()},Org,"Opens at 9.\r\nCall first.\r\nNo referral needed."\r\n'
            "not-an-id,Other,Helps\r\n"
        ),
    }
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert [(p.file, p.row, p.field) for p in report.errors] == [("organizations.csv", 3, "id")]


def test_empty_rows_a_spreadsheet_leaves_at_the_end_are_skipped():
    """Excel and LibreOffice save rows whose cells were once formatted as rows of empty
    cells (",,"): they hold no record, so the file is not refused for them."""
    organization = uuid.uuid4()
    files = {
        "organizations.csv": (
            f"id,name,description\r\n{organization},Org,Helps\r\n,,\r\n , ,\r\n\r\n"
        )
    }
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert report.ok, [str(p) for p in report.errors]
    assert list(models.Organization.objects.values_list("pk", flat=True)) == [organization]


def test_column_names_typed_in_other_capitals_or_with_spaces_are_read():
    """A column name typed in a spreadsheet ("ID", " Name ") means the HSDS column it
    spells; the unnamed columns a spreadsheet adds after the last one are not reported."""
    organization = uuid.uuid4()
    files = {"organizations.csv": f"ID, Name ,Description,,\r\n{organization},Org,Helps,,\r\n"}
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert report.ok, [str(p) for p in report.errors]
    assert not report.warnings, [str(p) for p in report.warnings]
    assert models.Organization.objects.get(pk=organization).name == "Org"


def test_a_value_under_no_column_name_is_refused_not_dropped():
    """A comma typed in a value that is not in quotes splits it, and the rest of the row
    shifts: the part beyond the last column was dropped without a word."""
    files = {
        "organizations.csv": (
            f"id,name,description,,\r\n{uuid.uuid4()},Org,Food, shelter and advice,\r\n"
        )
    }
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert [(p.file, p.row, p.code) for p in report.errors] == [
        ("organizations.csv", 2, "extra_cells")
    ]
    assert "shelter and advice" in report.errors[0].message
    assert models.Organization.objects.count() == 0


def test_a_column_given_twice_is_refused():
    """Two columns of one name (one typed "Name"): which one is meant cannot be told;
    the last one was taken without a word."""
    files = {"organizations.csv": f"id,name,description,Name\r\n{uuid.uuid4()},Org,Helps,Other\r\n"}
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert [(p.file, p.field, p.code) for p in report.errors] == [
        ("organizations.csv", "name", "duplicate_column")
    ]
    assert models.Organization.objects.count() == 0


def test_a_csv_file_saved_with_semicolons_is_read():
    """Excel and LibreOffice set to a language that writes decimals with a comma
    (Spanish among them) save CSV files with a semicolon between values."""
    organization = uuid.uuid4()
    files = {
        "organizations.csv": (
            f'\ufeffid;name;description\r\n{organization};Org;"Food; shelter", advice\r\n'
        ),
        "services.csv": (
            f"id,organization_id,name,status\r\n{SERVICE_ID},{organization},S,active\r\n"
        ),
    }
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert report.ok, [str(p) for p in report.errors]
    assert models.Organization.objects.get().description == "Food; shelter, advice"
    assert models.Service.objects.get().organization_id == organization


def test_a_csv_file_with_semicolons_and_old_mac_line_endings_is_read():
    """Excel's "CSV (Macintosh)" ends lines with a carriage return alone: the header
    row is still the first line, not the whole file."""
    organization = uuid.uuid4()
    files = {"organizations.csv": f"id;name;description\r{organization};Org;Food, shelter\r"}
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert report.ok, [str(p) for p in report.errors]
    assert models.Organization.objects.get().description == "Food, shelter"


def test_table_files_named_in_other_capitals_or_in_a_windows_folder_are_read():
    """Windows does not tell Services.csv from services.csv, and the zip files Windows
    PowerShell makes write their folders with backslashes (export\\services.csv)."""
    organization = uuid.uuid4()
    files = {
        "Organizations.csv": f"id,name,description\n{organization},Org,Helps\n",
        "out\\SERVICES.CSV": f"id,organization_id,name,status\n{SERVICE_ID},{organization},S,x\n",
    }
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert [(p.file, p.row, p.field) for p in report.errors] == [("SERVICES.CSV", 2, "status")]

    files["out\\SERVICES.CSV"] = files["out\\SERVICES.CSV"].replace(",x", ",active")
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert report.ok, [str(p) for p in report.errors]
    assert not report.warnings, [str(p) for p in report.warnings]
    assert models.Service.objects.get().organization_id == organization


def test_one_table_twice_in_an_archive_is_refused():
    """Two organizations.csv in two folders of one zip (or spelled in two capitals):
    which one is meant cannot be told; the last one read was taken without a word."""
    files = {
        "2025/organizations.csv": f"id,name,description\n{uuid.uuid4()},Old,Helps\n",
        "2026/organizations.csv": f"id,name,description\n{uuid.uuid4()},New,Helps\n",
        "2026/Organizations.csv": f"id,name,description\n{uuid.uuid4()},Newer,Helps\n",
    }
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert [(p.file, p.code) for p in report.errors] == [
        ("2026/Organizations.csv", "duplicate_file"),
        ("2026/organizations.csv", "duplicate_file"),
    ]
    assert "2025/organizations.csv" in report.errors[0].message
    assert models.Organization.objects.count() == 0


def test_times_written_the_spreadsheet_way_are_read():
    """Excel saves a time cell as it shows it, 9:00 or 5:30 PM; the hour is not in doubt.
    An hour that is no hour is still refused."""
    organization = uuid.uuid4()
    files = {
        "organizations.csv": f"id,name,description\n{organization},Org,Helps\n",
        "services.csv": f"id,organization_id,name,status\n{SERVICE_ID},{organization},S,active\n",
        "schedules.csv": (
            "id,service_id,opens_at,closes_at\n"
            f"{uuid.uuid4()},{SERVICE_ID},9:00,5:30 PM\n"
            f"{uuid.uuid4()},{SERVICE_ID},12:00 AM,12:15 p.m.\n"
            f"{uuid.uuid4()},{SERVICE_ID},08:00:00,7:45:30\n"
        ),
    }
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert report.ok, [str(p) for p in report.errors]
    assert set(models.Schedule.objects.values_list("opens_at", "closes_at")) == {
        (dt.time(9, 0), dt.time(17, 30)),
        (dt.time(0, 0), dt.time(12, 15)),
        (dt.time(8, 0), dt.time(7, 45, 30)),
    }

    files["schedules.csv"] = (
        f"id,service_id,opens_at,closes_at\n{uuid.uuid4()},{SERVICE_ID},25:00,13:00 PM\n"
    )
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert [(p.row, p.field, p.code) for p in report.errors] == [
        (2, "opens_at", "invalid_time"),
        (2, "closes_at", "invalid_time"),
    ]


def test_a_number_with_a_thousands_separator_or_decimal_comma_is_refused_saying_why():
    """ "1,000" is a thousand or one, by the language of the spreadsheet that wrote it:
    refused, and the message says how to write it ("“1,000” is not a number" left the
    reader sure that it is)."""
    organization = uuid.uuid4()
    files = {
        "organizations.csv": f"id,name,description\n{organization},Org,Helps\n",
        "services.csv": (
            "id;organization_id;name;status;minimum_age\n"
            f"{SERVICE_ID};{organization};S;active;1,000\n"
        ),
        "locations.csv": (
            "id,organization_id,location_type,latitude,longitude\n"
            f'{uuid.uuid4()},{organization},physical,"35,37",-119.01\n'
        ),
    }
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert [(p.file, p.row, p.field, p.code) for p in report.errors] == [
        ("services.csv", 2, "minimum_age", "not_number"),
        ("locations.csv", 2, "latitude", "not_number"),
    ]
    assert "without thousands separators" in report.errors[0].message
    with translation.override("es"):
        assert "sin separadores de miles" in report.errors[0].message


def test_csv_package_must_have_required_columns():
    files = {"services.csv": "id,name\n" + f"{uuid.uuid4()},x\n"}
    report = importing.run_import([(zipped(files), "pkg.zip")], file_format=models.ImportFormat.CSV)
    assert {p.code for p in report.errors} == {"missing_column"}


def test_not_a_zip_is_refused_cleanly():
    report = importing.run_import([(b"hello", "x.zip")], file_format=models.ImportFormat.CSV)
    assert [p.code for p in report.errors] == ["bad_zip"]


def test_a_zip_that_cannot_be_read_is_reported_not_a_crash():
    """A file protected by a password or damaged on the way: said, naming the file. The
    import stopped with an exception, and the job's page gave no reason."""
    package = zipped({"organizations.csv": f"id,name,description\n{uuid.uuid4()},Org,Helps\n"})
    damaged = package.replace(b"Helps", b"Help!")
    encrypted = bytearray(package)
    encrypted[6] |= 1  # the "encrypted" flag, in the file's header and in the directory
    encrypted[encrypted.find(b"PK\x01\x02") + 8] |= 1
    for data in (damaged, bytes(encrypted)):
        report = importing.run_import([(data, "pkg.zip")], file_format=models.ImportFormat.CSV)
        assert [(p.file, p.code) for p in report.errors] == [
            ("organizations.csv", "unreadable_member")
        ]
        assert "password" in report.errors[0].message
    misnamed = bytearray(package.replace(b"organizations", b"organizati\xffns"))
    misnamed[misnamed.find(b"PK\x01\x02") + 9] |= 0x08  # "names are UTF-8": this one is not
    report = importing.run_import([(bytes(misnamed), "pkg.zip")], file_format="csv")
    assert [p.code for p in report.errors] == ["bad_zip"]
    assert models.Organization.objects.count() == 0


def test_import_is_audited_once_per_change_never_with_content():
    before = AuditEvent.objects.count()
    run_json(example("service_full.json"), audit_target_id="job-1")
    run_json(example("service_full.json"), audit_target_id="job-2")  # nothing changes
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.target_id) for e in events] == [("directory.import", "job-1")]


# --- Files other HSDS tools write ---------------------------------------------------------


def test_an_organization_with_only_its_required_fields_is_never_taken_for_a_taxonomy():
    """{id, name, description} is all HSDS requires of an organization, and also all it
    requires of a taxonomy. In a page of organizations such a one is an organization
    like the others (it was imported into the taxonomies, without a word); alone, the
    import asks which record type the file holds instead of guessing."""
    full, minimal = uuid.uuid4(), uuid.uuid4()
    page = {
        "total_items": 2,
        "contents": [
            {
                "id": str(full),
                "name": "Kern Legal Aid",
                "description": "d",
                "website": "https://a.example",
            },
            {
                "id": str(minimal),
                "name": "Valley Shelter",
                "description": "d",
                "uri": "https://b.example",
            },
        ],
    }
    report = run_json(page)
    assert report.ok, [str(p) for p in report.errors]
    assert set(models.Organization.objects.values_list("pk", flat=True)) == {full, minimal}
    assert not models.Taxonomy.objects.exists()

    alone = {"id": str(uuid.uuid4()), "name": "Valley Shelter", "description": "d"}
    report = run_json([alone])
    assert [(p.row, p.code) for p in report.errors] == [(1, "unknown_entity")]
    assert not models.Taxonomy.objects.exists()
    assert run_json([alone], entity="organization").ok
    # A taxonomy says so by its version (the HSDS examples do).
    assert run_json([{**alone, "id": str(uuid.uuid4()), "version": "2"}]).created == {"taxonomy": 1}


def test_a_text_cut_in_the_middle_of_an_emoji_is_refused_with_its_place_not_a_crash():
    """JSON's \\u escapes can spell half of a character (a lone UTF-16 surrogate, what a
    script leaves when it cuts a text between the two halves of an emoji). The import
    stopped with a UnicodeEncodeError when writing, and the job gave no reason."""
    document = json.dumps({**_minimal_service(), "description": "Call us 📞"})
    broken = document.replace("\\ud83d\\udcde", "\\ud83d").encode()
    assert "\\ud83d\\udcde" in document
    report = run_json(broken)
    assert [(p.row, p.field, p.code) for p in report.errors] == [(1, "description", "broken_text")]
    assert all(count == 0 for count in table_counts().values())
    # The report itself can be stored (a job's problems are kept as JSON).
    json.dumps([p.as_dict() for p in report.errors], ensure_ascii=False).encode()
    key = document.replace('"description"', '"descr\\udcdeption"').encode()
    report = run_json(key)
    assert [p.code for p in report.errors] == ["broken_text"]
    json.dumps([p.as_dict() for p in report.errors], ensure_ascii=False).encode()
    # Tabular JSON too; and a row that is no object is said, not a crash.
    tabular = f'{{"organizations.csv": [{{"id": "{uuid.uuid4()}", "name": "O\\ud83d", '
    tabular += '"description": "d"}, 3]}'
    report = run_json(tabular.encode())
    assert [(p.file, p.row, p.field, p.code) for p in report.errors] == [
        ("organizations.csv", 1, "name", "broken_text"),
        ("organizations.csv", 2, "", "not_an_object"),
    ]
    assert all(count == 0 for count in table_counts().values())


def _minimal_service(**extra: Any) -> dict[str, Any]:
    return {
        "id": str(SERVICE_ID),
        "name": "Help line",
        "status": "active",
        "organization": {"id": str(ORGANIZATION_ID), "name": "Org", "description": "d"},
        **extra,
    }


ORGANIZATION_ID = uuid.UUID("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")


def test_a_date_with_anything_after_it_is_refused():
    """ "2024-01-15x" or "2024-01-151" was read as 15 January, the rest dropped unseen. A
    full date and time still gives its date (RFC 5545 allows one for ``until``)."""
    for value in ("2024-01-15x", "2024-01-151", "2024-01-15 noon"):
        report = run_json(_minimal_service(assured_date=value))
        assert [(p.field, p.code) for p in report.errors] == [("assured_date", "invalid_date")]
        organization = uuid.uuid4()
        files = {
            "organizations.csv": f"id,name,description\n{organization},Org,Helps\n",
            "services.csv": (
                "id,organization_id,name,status,assured_date\n"
                f"{SERVICE_ID},{organization},S,active,{value}\n"
            ),
        }
        report = importing.run_import([(zipped(files), "p.zip")], file_format="csv")
        assert [(p.row, p.field, p.code) for p in report.errors] == [
            (2, "assured_date", "invalid_date")
        ]
    assert not models.Service.objects.exists()
    for value in ("2024-01-15", "2024-01-15T00:00:00Z", "2024-01-15 00:00:00"):
        assert run_json(_minimal_service(assured_date=value)).ok
        assert models.Service.objects.get().assured_date == dt.date(2024, 1, 15)


def test_a_required_text_left_blank_is_refused_in_json_as_in_csv():
    """HSDS requires a service's name: the CSV import refused an empty cell, but JSON's
    "" (and a cell of spaces) made a listing with no name."""
    for name in ("", "   "):
        report = run_json(_minimal_service(name=name))
        assert [(p.field, p.code) for p in report.errors] == [("name", "required")]
        report = run_json(
            _minimal_service(
                organization={"id": str(uuid.uuid4()), "name": "O", "description": name}
            )
        )
        assert [(p.field, p.code) for p in report.errors] == [
            ("organization.description", "required")
        ]
        files = {"organizations.csv": f'id,name,description\n{uuid.uuid4()},"{name}",Helps\n'}
        report = importing.run_import([(zipped(files), "p.zip")], file_format="csv")
        assert [(p.row, p.field, p.code) for p in report.errors] == [(2, "name", "required")]
    assert all(count == 0 for count in table_counts().values())


def test_a_change_recorded_from_or_to_nothing_imports_and_round_trips(tmp_path):
    """HSDS metadata records a field filled for the first time with an empty
    previous_value (and a field cleared with an empty replacement_value). Such a row
    was imported from JSON, but neither export of it imported again ("previous_value
    is required"): the JSON export left the key out, and the CSV import refused the
    empty cell."""
    change = {
        "id": str(uuid.uuid4()),
        "last_action_date": "2026-01-05",
        "last_action_type": "update",
        "field_name": "url",
        "previous_value": "",
        "replacement_value": "https://help.example",
        "updated_by": "Coordinator",
    }
    cleared = {**change, "id": str(uuid.uuid4()), "previous_value": "x", "replacement_value": ""}
    report = run_json(_minimal_service(metadata=[change, cleared]))
    assert report.ok, [str(p) for p in report.errors]
    stream = io.StringIO()
    exporting.export_json(stream)
    exported = json.loads(stream.getvalue())
    assert {m["previous_value"] for m in exported[0]["metadata"]} == {"", "x"}
    again = run_json(exported)
    assert again.ok and not again.created and not again.updated, [str(p) for p in again.errors]
    exporting.export_csv_package(tmp_path / "out")
    again = importing.run_import([(tmp_path / "out", "out")], file_format="csv")
    assert again.ok and not again.created and not again.updated, [str(p) for p in again.errors]
    assert models.Metadata.objects.count() == 2


def test_values_the_database_cannot_hold_are_refused_with_their_place():
    """A year given as a spreadsheet's date number (43101 is 1 January 2018), or a NUL
    character, passed every check and then stopped the run on PostgreSQL ("smallint out
    of range", "cannot contain NUL"), naming no file, row or field; SQLite stored them.
    Both now refuse them where they are."""
    organization = {"id": str(uuid.uuid4()), "name": "O", "description": "d"}
    report = run_json(_minimal_service(organization={**organization, "year_incorporated": 43101}))
    assert [(p.field, p.code) for p in report.errors] == [
        ("organization.year_incorporated", "too_large")
    ]
    assert "at most 32767" in report.errors[0].message
    report = run_json(_minimal_service(minimum_age=3_000_000_000))
    assert [(p.field, p.code) for p in report.errors] == [("minimum_age", "too_large")]
    capacity = {
        "id": str(uuid.uuid4()),
        "available": 10**10,
        "updated": "2026-01-05T10:00:00Z",
        "unit": {"id": UNIT_ID, "name": "bed"},
    }
    report = run_json(_minimal_service(capacities=[capacity]))
    assert [(p.field, p.code) for p in report.errors] == [("capacities[0].available", "too_large")]
    report = run_json(_minimal_service(description="Call\u0000us"))
    assert [(p.field, p.code) for p in report.errors] == [("description", "broken_text")]
    assert all(count == 0 for count in table_counts().values())
    # A CSV file saved as UTF-16 without a byte order mark has a NUL after every letter.
    text = f"id,name,description\n{uuid.uuid4()},Org,Helps\n"
    for data in (text.encode("utf-16-le"), text.replace("Helps", "Hel\x00ps").encode()):
        report = importing.run_import(
            [(zipped({"organizations.csv": data}), "p.zip")], file_format="csv"
        )
        assert [(p.file, p.code) for p in report.errors] == [
            ("organizations.csv", "invalid_encoding")
        ]
    assert not models.Organization.objects.exists()


def test_a_capacity_is_kept_to_the_hundredth_it_is_stored_in_so_reimporting_changes_nothing():
    """Capacities are held to two decimals; 4.125 was compared as 4.1250 with the 4.12
    stored, so every import of the same file rewrote it."""
    capacity = {
        "id": str(uuid.uuid4()),
        "available": 4.125,
        "updated": "2026-01-05T10:00:00Z",
        "unit": {"id": UNIT_ID, "name": "bed"},
    }
    assert run_json(_minimal_service(capacities=[capacity])).ok
    again = run_json(_minimal_service(capacities=[capacity]))
    assert again.ok and not again.updated, again.updated


def test_days_in_small_letters_are_days():
    """RFC 5545 values are case-insensitive: "mo,tu" and "1mo" are days (the listing
    pages, search and the hours editor read them so); the import refused them."""
    schedules = [
        {"id": str(uuid.uuid4()), "freq": "WEEKLY", "byday": "mo,tu"},
        {"id": str(uuid.uuid4()), "freq": "MONTHLY", "byday": "1mo,-1Fr"},
    ]
    report = run_json(_minimal_service(schedules=schedules))
    assert report.ok, [str(p) for p in report.errors]
    report = run_json(_minimal_service(schedules=[{"id": str(uuid.uuid4()), "byday": "monday"}]))
    assert [(p.field, p.code) for p in report.errors] == [("schedules[0].byday", "invalid_byday")]


def test_tables_of_hsds_before_3_are_refused_saying_what_hsds_3_calls_them():
    """An HSDS 2.0 package (or an Open Referral UK 1.0 feed) names its addresses and
    opening hours physical_addresses and regular_schedules. They were warned about and
    left out, and the rest imported: every location lost its address, every service its
    hours. The run is now refused, each name with its HSDS 3 counterpart. HSDS 3.0 to
    3.1 renamed nothing: a 3.0 document imports as it is."""
    organization = uuid.uuid4()
    location = uuid.uuid4()
    files = {
        "organizations.csv": f"id,name,description\n{organization},Org,Helps\n",
        "services.csv": f"id,organization_id,name,status\n{SERVICE_ID},{organization},S,active\n",
        "regular_schedules.csv": (
            f"id,service_id,weekday,opens_at,closes_at\n{uuid.uuid4()},{SERVICE_ID},1,9:00,17:00\n"
        ),
        "physical_addresses.csv": f"id,location_id,address_1\n{uuid.uuid4()},{location},1 A St\n",
        "notes.csv": "id,text\n1,ours\n",
    }
    report = importing.run_import([(zipped(files), "p.zip")], file_format="csv")
    assert [(p.file, p.code) for p in report.errors] == [
        ("physical_addresses.csv", "legacy_table"),
        ("regular_schedules.csv", "legacy_table"),
    ]
    assert "HSDS 3.1 has schedules.csv" in report.errors[1].message
    assert [(p.file, p.code) for p in report.warnings] == [("notes.csv", "unknown_file")]
    hours = [{"id": str(uuid.uuid4()), "weekday": 1, "opens_at": "09:00", "closes_at": "17:00"}]
    report = run_json(_minimal_service(regular_schedules=hours, reviews=[]))
    assert [(p.field, p.code) for p in report.errors] == [("regular_schedules", "legacy_table")]
    assert "HSDS 3.1 has schedules instead" in report.errors[0].message
    assert [(p.field, p.code) for p in report.warnings] == [("reviews", "unknown_key")]
    assert all(count == 0 for count in table_counts().values())

    hsds_3_0 = example("service_full.json")
    for key in ("additional_urls", "capacities"):  # added in 3.1
        del hsds_3_0[key]
    del hsds_3_0["organization"]["additional_websites"]
    for attribute in hsds_3_0["attributes"]:
        attribute.pop("label", None)
    report = run_json(hsds_3_0)
    assert report.ok and report.applied, [str(p) for p in report.errors]


def test_a_link_that_contradicts_the_nested_record_is_refused_whichever_comes_first():
    """A service nesting one organization and naming another in organization_id was
    linked to whichever key came last in the file, the other dropped unseen."""
    other = factories.OrganizationFactory.create()
    for document in (
        {**_minimal_service(), "organization_id": str(other.pk)},
        {"organization_id": str(other.pk), **_minimal_service()},
    ):
        report = run_json(document)
        assert [(p.field, p.code) for p in report.errors] == [
            ("organization_id", "duplicate_conflict")
        ]
    assert not models.Service.objects.exists()


def test_a_single_csv_file_and_ids_with_spaces_around_them_are_read():
    """One table of a package, uploaded alone (organizations.csv), was "not a valid zip
    archive"; an id a spreadsheet saved with a space after it was "not a valid
    identifier", though no other id could be meant."""
    organization = uuid.uuid4()
    text = f"id,name,description\n{organization} ,Org,Helps\n"
    report = importing.run_import([(text.encode(), "organizations.csv")], file_format="csv")
    assert report.ok and report.created == {"organization": 1}, [str(p) for p in report.errors]
    assert models.Organization.objects.get().pk == organization
    report = importing.run_import([(b"not a zip", "upload.zip")], file_format="csv")
    assert [p.code for p in report.errors] == ["bad_zip"]


def test_a_closing_at_24_00_is_refused_saying_how_to_write_midnight():
    """ "24:00" (how some systems write a closing at midnight) was "not a time in the
    form HH:MM", which it is; the message now says what to write."""
    schedule = {"id": str(uuid.uuid4()), "opens_at": "18:00", "closes_at": "24:00"}
    report = run_json(_minimal_service(schedules=[schedule]))
    assert [(p.field, p.code) for p in report.errors] == [("schedules[0].closes_at", "time_24")]
    assert "23:59" in report.errors[0].message


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"phones": [str(uuid.uuid4())]}, "phones[0]"),
        ({"phones": str(uuid.uuid4())}, "phones"),
        ({"organization": str(ORGANIZATION_ID)}, "organization"),
        ({"schedules": {"id": str(uuid.uuid4())}}, "schedules"),
        ({"phones": [{"id": str(uuid.uuid4()), "number": "211", "languages": "en"}]}, None),
        ({"phones": [[1, 2]]}, "phones[0]"),
    ],
)
def test_records_given_by_id_where_hsds_nests_the_record_are_refused_not_a_crash(extra, field):
    """Some feeds list a service's phones, or give its organization, by id alone. HSDS
    nests the records themselves: the schema said so, and then the import stopped with
    an AttributeError looking for more problems in the same document."""
    report = run_json(_minimal_service(**extra))
    assert not report.ok
    assert {p.code for p in report.errors} == {"wrong_type"}
    if field is not None:
        assert [p.field for p in report.errors] == [field]
    assert all(count == 0 for count in table_counts().values())


def test_a_schedule_with_empty_times_is_read_as_one_without_times():
    """ "opens_at": "" (as many feeds write a missing value) stopped the run with an
    uncaught BadValue; it is a schedule without times, as an empty CSV cell is."""
    schedule = {"id": str(uuid.uuid4()), "opens_at": "", "closes_at": "", "description": "Call"}
    report = run_json(_minimal_service(schedules=[schedule]))
    assert report.ok, [str(p) for p in report.errors]
    assert models.Schedule.objects.get().opens_at is None


def test_services_nested_where_hsds_schemas_do_not_reach_are_checked_like_any_service():
    """HSDS's examples nest a service in a service-at-location (and services in an
    organization), though neither schema has the key: such services were checked
    against no schema. One without a name or status stopped the run at the database
    (CHECK constraint failed, naming no row), or was listed with no name."""
    document = example("service_at_location_full.json")
    del document["service"]["name"], document["service"]["status"]
    report = run_json(document)
    assert [(p.field, p.code) for p in report.errors] == [
        ("service.name", "required"),
        ("service.status", "required"),
    ]
    document = example("organization_full.json")
    document["services"][0]["status"] = "open"
    del document["services"][0]["name"]
    report = run_json(document)
    assert [(p.field, p.code) for p in report.errors] == [
        ("services[0].name", "required"),
        ("services[0].status", "not_in_choices"),
    ]
    document["services"] = str(SERVICE_ID)
    report = run_json(document)
    assert [(p.field, p.code) for p in report.errors] == [("services", "wrong_type")]
    assert all(count == 0 for count in table_counts().values())
