"""Shared directory fixtures: the HSDS spec's own examples, and a confidential shelter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from plainsight.directory import hsds, importing, models, profile
from plainsight.directory.tests import factories

# Unique strings planted in a confidential location; none may ever leave the server.
SECRET_STREET = "1234 Hidden Canary Lane"
SECRET_DIRECTIONS = "Behind the canary feed store, blue door"
SECRET_LATITUDE = 35.123456
SECRET_LONGITUDE = -118.987654


@pytest.fixture
def spec_examples(db: Any) -> None:
    """The HSDS 3.1 example documents, imported."""
    for name in ("service_full.json", "organization_full.json", "service_at_location_full.json"):
        report = importing.run_import(
            [(hsds.EXAMPLES_DIR / name, name)], file_format=models.ImportFormat.JSON
        )
        assert report.ok, [str(p) for p in report.errors]


@dataclass
class Shelter:
    organization: models.Organization
    service: models.Service
    location: models.Location
    service_at_location: models.ServiceAtLocation
    address: models.Address
    term: models.TaxonomyTerm


@pytest.fixture
def shelter(db: Any) -> Shelter:
    """A domestic-violence shelter whose location is confidential."""
    organization = factories.OrganizationFactory.create(name="Safe Haven Alliance")
    service = factories.ServiceFactory.create(
        organization=organization,
        name="Emergency shelter",
        description="Safe, confidential emergency shelter for survivors and their children.",
        open_24_7=True,
        police_report_required=False,
    )
    location = factories.LocationFactory.create(
        organization=organization,
        name="Safe Haven shelter",
        description=SECRET_DIRECTIONS,
        transportation=SECRET_DIRECTIONS,
        latitude=SECRET_LATITUDE,
        longitude=SECRET_LONGITUDE,
        external_identifier="canary-parcel-991",
        confidential=True,
        confidential_access_note="Call the 24-hour line; an advocate will meet you.",
    )
    address = factories.AddressFactory.create(location=location, address_1=SECRET_STREET)
    models.Accessibility.objects.create(location=location, description=SECRET_DIRECTIONS)
    models.Metadata.objects.create(
        resource_id=location.pk,
        resource_type="location",
        last_action_date=dt.date(2026, 1, 5),
        last_action_type="update",
        field_name="address_1",
        previous_value=SECRET_STREET,
        replacement_value=SECRET_STREET,
        updated_by="Coordinator",
    )
    sal = factories.ServiceAtLocationFactory.create(service=service, location=location)
    models.Phone.objects.create(
        service=service,
        number="(661) 555-0199",
        type="voice",
        call_outcome=models.CallOutcome.CONFIDENTIAL_SUPPORT,
        available_24_7=True,
    )
    term = factories.TaxonomyTermFactory.create(code="emergency-shelter", name="Emergency shelter")
    factories.AttributeFactory.create(taxonomy_term=term, link_entity="service", link_id=service.pk)
    return Shelter(organization, service, location, sal, address, term)


def assert_no_secret(text: str) -> None:
    for secret in (
        SECRET_STREET,
        SECRET_DIRECTIONS,
        str(SECRET_LATITUDE),
        str(SECRET_LONGITUDE),
        "canary-parcel-991",
    ):
        assert secret not in text, f"confidential value leaked: {secret}"


def validate(table: str, document: dict[str, Any], *, profiled: bool = True) -> None:
    """Raise unless ``document`` is a valid HSDS object (with the profile applied)."""
    errors = sorted(
        profile.validator_for(table, profiled).iter_errors(document), key=lambda e: e.path
    )
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def validate_page(payload: dict[str, Any], table: str) -> None:
    page_schema = hsds.load_schema("openapi.json")["components"]["schemas"]["Page"]
    page_errors = list(Draft202012Validator(page_schema).iter_errors(payload))
    assert not page_errors, [e.message for e in page_errors]
    for key in (
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    ):
        assert key in payload
    assert payload["size"] == len(payload["contents"])
    for document in payload["contents"]:
        validate(table, document, profiled=False)
        validate(table, document, profiled=True)
