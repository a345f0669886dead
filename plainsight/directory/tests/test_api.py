"""The public HSDS API: shapes validate against the vendored schemas, filters combine
with AND, queries stay bounded, and confidential locations never leak."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plainsight.directory import hsds, importing, models
from plainsight.directory.tests import factories
from plainsight.directory.tests.conftest import (
    assert_no_secret,
    validate,
    validate_page,
)

pytestmark = pytest.mark.django_db

SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
ORGANIZATION_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
SAL_ID = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
TAXONOMY_ID = "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
TERM_ID = "3f7b145d-84af-42d7-8fae-eaca714b02b2"


def get(client: Client, url: str, **params: Any) -> dict[str, Any]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    assert "no-store" in response["Cache-Control"]
    payload: dict[str, Any] = response.json()
    return payload


def test_root_describes_the_api(client):
    payload = get(client, "/api/hsds/")
    assert payload["version"] == "3.1"
    assert payload["openapi_url"].endswith("/api/hsds/openapi.json")
    assert payload["profile"].endswith("/api/hsds/profile/")
    profile = get(client, "/api/hsds/profile/")
    assert "location.json" in profile["patches"]


@pytest.mark.parametrize("full", ["false", "true"])
def test_services_list_validates(client, spec_examples, shelter, full):
    payload = get(client, "/api/hsds/services", full=full)
    validate_page(payload, "service")
    assert payload["total_items"] == 2
    assert payload["page_number"] == 1 and payload["first_page"] and payload["last_page"]
    names = [s["name"] for s in payload["contents"]]
    assert names == sorted(names)
    example = next(s for s in payload["contents"] if s["id"] == SERVICE_ID)
    assert example["organization"]["id"] == ORGANIZATION_ID
    if full == "true":
        assert example["phones"] and example["service_at_locations"]
    else:
        assert "phones" not in example


def test_minimal_lists_each_service_by_id_and_last_change_for_synchronising(
    client, spec_examples, shelter
):
    """HSDS ``minimal``: "just id and modified date" (kept a valid HSDS service: its
    required name and status too), up to 1,000 a page, filters as usual."""
    changed = dt.datetime(2026, 3, 2, 8, 30, tzinfo=dt.UTC)
    models.Service.objects.filter(pk=SERVICE_ID).update(last_modified=changed)
    payload = get(client, "/api/hsds/services", minimal="true", per_page="1000")
    validate_page(payload, "service")
    assert payload["total_items"] == 2 and payload["size"] == 2
    for document in payload["contents"]:
        assert set(document) <= {"id", "name", "status", "last_modified"}
    example = next(s for s in payload["contents"] if s["id"] == SERVICE_ID)
    assert dt.datetime.fromisoformat(example["last_modified"]) == changed
    since = get(client, "/api/hsds/services", minimal="true", modified_after=changed.isoformat())
    assert SERVICE_ID in {s["id"] for s in since["contents"]}
    # A thousand a page for a minimal list only; minimal and full contradict each other.
    for query in ({"per_page": "1000"}, {"minimal": "true", "per_page": "1001"}):
        assert client.get("/api/hsds/services", query).status_code == 422
    response = client.get("/api/hsds/services", {"minimal": "true", "full": "true"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "minimal"


def test_service_detail_is_fully_nested_and_valid(client, spec_examples):
    document = get(client, f"/api/hsds/services/{SERVICE_ID}")
    validate("service", document, profiled=False)
    validate("service", document)
    assert document["service_at_locations"][0]["location"]["addresses"][0]["city"] == "MyCity"
    assert document["attributes"][0]["taxonomy_term"]["taxonomy_detail"]["id"] == TAXONOMY_ID


@pytest.mark.parametrize("full", ["false", "true"])
def test_service_at_locations_list_validates(client, spec_examples, shelter, full):
    payload = get(client, "/api/hsds/service_at_locations", full=full)
    validate_page(payload, "service_at_location")
    assert payload["total_items"] == 2
    document = get(client, f"/api/hsds/service_at_locations/{SAL_ID}")
    validate("service_at_location", document)
    assert document["service"]["id"] == SERVICE_ID
    assert document["location"]["id"]


@pytest.mark.parametrize("full", ["false", "true"])
@pytest.mark.parametrize("full_service", ["false", "true"])
def test_organizations_validate(client, spec_examples, shelter, full, full_service):
    payload = get(client, "/api/hsds/organizations", full=full, full_service=full_service)
    validate_page(payload, "organization")
    assert payload["total_items"] == 2
    document = get(client, f"/api/hsds/organizations/{ORGANIZATION_ID}", full_service=full_service)
    validate("organization", document)
    assert [s["id"] for s in document["services"]] == [SERVICE_ID]
    if full_service == "true":
        assert document["services"][0]["phones"]
    else:
        assert "phones" not in document["services"][0]


def test_taxonomies_and_terms_validate(client, spec_examples):
    payload = get(client, "/api/hsds/taxonomies")
    validate_page(payload, "taxonomy")
    validate("taxonomy", get(client, f"/api/hsds/taxonomies/{TAXONOMY_ID}"))
    terms = get(client, "/api/hsds/taxonomy_terms", taxonomy_id=TAXONOMY_ID)
    validate_page(terms, "taxonomy_term")
    assert [t["id"] for t in terms["contents"]] == [TERM_ID]
    term = get(client, f"/api/hsds/taxonomy_terms/{TERM_ID}")
    validate("taxonomy_term", term)
    assert term["taxonomy_detail"]["id"] == TAXONOMY_ID
    # The example term's parent is not in the data set: it counts as a top-level term.
    assert get(client, "/api/hsds/taxonomy_terms", top_only="true")["total_items"] == 1


def test_the_csv_example_and_its_links_to_nothing_are_served_valid(client):
    """The CSV example names records that exist nowhere; what it holds is served valid,
    with those ids as given, and what belongs to nothing is served nowhere."""
    report = importing.run_import(
        [(hsds.EXAMPLES_DIR / "csv", "csv")], file_format=models.ImportFormat.CSV
    )
    assert report.ok, [str(p) for p in report.errors]
    # A known service's capacity in a unit we do not hold: HSDS's JSON needs the unit,
    # so the capacity is served with the unit as far as it is known (never left out).
    unit_id = "187a37a2-7b40-11ef-9790-dbf7623d4407"
    capacity = models.ServiceCapacity.objects.create(
        service_id=SERVICE_ID,
        unresolved_links={"unit_id": unit_id},
        available=3,
        updated=timezone.now(),
    )
    unknown_unit = {
        "id": unit_id,
        "name": "unknown unit",
        "scheme": "PlainSight",
        "identifier": "unknown",
    }
    for full in ("false", "true"):
        services = get(client, "/api/hsds/services", full=full)
        validate_page(services, "service")
        sals = get(client, "/api/hsds/service_at_locations", full=full)
        validate_page(sals, "service_at_location")
        organizations = get(client, "/api/hsds/organizations", full="true", full_service=full)
        validate_page(organizations, "organization")
        if full == "true":
            for served in (
                services["contents"][0],
                sals["contents"][0]["service"],
                organizations["contents"][0]["services"][0],
                get(client, f"/api/hsds/organizations/{ORGANIZATION_ID}", full_service=full)[
                    "services"
                ][0],
            ):
                assert [(c["id"], c["unit"]) for c in served["capacities"]] == [
                    (str(capacity.pk), unknown_unit)
                ]
    service = get(client, f"/api/hsds/services/{SERVICE_ID}")
    validate("service", service, profiled=False)
    validate("service", service)
    (served,) = service["capacities"]
    assert (served["id"], served["available"]) == (str(capacity.pk), 3)
    assert (served["unit_id"], served["unit"]) == (unit_id, unknown_unit)
    validate("organization", get(client, f"/api/hsds/organizations/{ORGANIZATION_ID}"))
    sal = get(client, f"/api/hsds/service_at_locations/{SAL_ID}")
    validate("service_at_location", sal)
    assert sal["location"]["organization_id"] == "985e4a42-bd9f-4edc-911d-0243a4640aca"
    validate_page(get(client, "/api/hsds/taxonomies"), "taxonomy")
    validate_page(get(client, "/api/hsds/taxonomy_terms"), "taxonomy_term")
    term = get(client, f"/api/hsds/taxonomy_terms/{TERM_ID}")
    validate("taxonomy_term", term)
    assert term["taxonomy_id"] == "07ff6aee-a219-438c-b694-d2fcb6c5373b"
    assert term["parent_id"] == "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2"
    assert "taxonomy_detail" not in term
    # The attribute applies to a record nobody holds: no document carries it.
    assert "f28dd44b-0c4d-479f-8e90-4c52219a8b3c" not in json.dumps(service)
    assert "ae58cc39-8b70-4ab1-8aea-786882e5ac8e" not in json.dumps(sal)


def test_unknown_ids_are_404_with_a_message(client, spec_examples):
    for path in (
        "services",
        "service_at_locations",
        "organizations",
        "taxonomies",
        "taxonomy_terms",
    ):
        response = client.get(f"/api/hsds/{path}/8a1c3a3e-0000-4000-8000-000000000000")
        assert response.status_code == 404
        assert response.json()["detail"]
        assert client.get(f"/api/hsds/{path}/not-a-uuid").status_code in (404, 422)


def test_bad_parameters_get_a_clear_translated_error(client):
    response = client.get("/api/hsds/services", {"per_page": "1000"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "per_page"
    response = client.get("/api/hsds/services", {"page": "x"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 422
    assert client.get("/api/hsds/services", {"format": "ndjson"}).status_code == 400
    assert client.get("/api/hsds/services", {"postcode": "00000"}).status_code == 422
    assert client.get("/api/hsds/services", {"postcode": "93301abc"}).status_code == 422
    assert client.get("/api/hsds/services", {"lat": "35"}).status_code == 422
    assert client.get("/api/hsds/services", {"search": "a\x00b"}).status_code == 422


LISTS = ["services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms"]


@pytest.mark.parametrize("path", LISTS)
def test_a_parameter_given_twice_is_refused(client, path):
    """Only the last value counted: searching for "legal", then "shelter", gave the
    shelters alone, as if that were an answer to both."""
    response = client.get(f"/api/hsds/{path}", {"search": ["legal", "shelter"], "page": "1"})
    assert response.status_code == 422, response.content[:300]
    assert response.json()["errors"] == [
        {"parameter": "search", "message": "Give “search” only once."}
    ]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("services", "taxonomy_term"),  # misspelt
        ("service_at_locations", "minimal"),  # HSDS's, not offered
        ("organizations", "organization_id"),  # another list's
        ("organizations", "modified_after"),
        ("taxonomies", "taxonomy_id"),
        ("taxonomy_terms", "lat"),
    ],
)
def test_a_parameter_the_list_does_not_take_is_refused(client, shelter, path, name):
    """Ignored, a misspelt or misplaced filter answered for the whole directory."""
    response = client.get(f"/api/hsds/{path}", {name: str(shelter.term.pk), "per_page": "5"})
    assert response.status_code == 422, response.content[:300]
    assert response.json()["errors"] == [
        {"parameter": name, "message": f"“{name}” is not a parameter of this list."}
    ]


def test_pagination_envelope(client):
    organization = factories.OrganizationFactory.create()
    for index in range(5):
        factories.ServiceFactory.create(organization=organization, name=f"Service {index}")
    second = get(client, "/api/hsds/services", per_page=2, page=2)
    assert second["total_items"] == 5 and second["total_pages"] == 3
    assert second["size"] == 2 and not second["first_page"] and not second["last_page"]
    assert [s["name"] for s in second["contents"]] == ["Service 2", "Service 3"]
    beyond = get(client, "/api/hsds/services", per_page=2, page=9)
    assert beyond["empty"] and beyond["contents"] == [] and beyond["last_page"]


def test_filters_combine_with_and(client, shelter):
    other_org = factories.OrganizationFactory.create(name="Legal Aid of Kern")
    legal = factories.ServiceFactory.create(
        organization=other_org, name="Immigration legal help", description="T and U visas"
    )
    factories.ServiceFactory.create(organization=other_org, name="Tenant rights")
    factories.AttributeFactory.create(
        taxonomy_term=shelter.term, link_entity="service", link_id=legal.pk
    )
    by_term = get(client, "/api/hsds/services", taxonomy_term_id=str(shelter.term.pk))
    assert {s["name"] for s in by_term["contents"]} == {
        "Emergency shelter",
        "Immigration legal help",
    }
    both = get(
        client,
        "/api/hsds/services",
        taxonomy_term_id=str(shelter.term.pk),
        organization_id=str(other_org.pk),
    )
    assert [s["name"] for s in both["contents"]] == ["Immigration legal help"]
    searched = get(client, "/api/hsds/services", search="visas legal")
    assert [s["name"] for s in searched["contents"]] == ["Immigration legal help"]
    by_taxonomy = get(
        client, "/api/hsds/services", taxonomy_id=str(shelter.term.taxonomy_detail_id)
    )
    assert by_taxonomy["total_items"] == 2


@pytest.mark.parametrize(
    "path", ["services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms"]
)
def test_a_search_of_more_words_than_are_checked_is_refused(client, path):
    """Every word must appear: a word past the tenth was dropped, unchecked."""
    ten = "one two three four five six seven eight nine ten"
    organization = factories.OrganizationFactory.create(name=ten)
    service = factories.ServiceFactory.create(name=ten, organization=organization)
    factories.ServiceAtLocationFactory.create(service=service)
    taxonomy = factories.TaxonomyFactory.create(name=ten)
    factories.TaxonomyTermFactory.create(name=ten, taxonomy_detail=taxonomy)
    assert get(client, f"/api/hsds/{path}", search=ten)["total_items"] == 1
    response = client.get(f"/api/hsds/{path}", {"search": f"{ten} absent"})
    assert response.status_code == 422, response.content[:300]
    assert response.json()["errors"][0]["parameter"] == "search"


def test_term_filter_includes_sub_categories(client, shelter):
    child = factories.TaxonomyTermFactory.create(
        taxonomy_detail=shelter.term.taxonomy_detail, parent=shelter.term, name="Youth shelter"
    )
    youth = factories.ServiceFactory.create(name="Youth shelter beds")
    factories.AttributeFactory.create(taxonomy_term=child, link_entity="service", link_id=youth.pk)
    payload = get(client, "/api/hsds/services", taxonomy_term_id=str(shelter.term.pk))
    assert {s["name"] for s in payload["contents"]} == {"Emergency shelter", "Youth shelter beds"}


def test_modified_after(client):
    old = factories.ServiceFactory.create(
        name="Old", last_modified=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    models.Service.objects.filter(pk=old.pk).update(
        updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    factories.ServiceFactory.create(name="New")
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    payload = get(client, "/api/hsds/services", modified_after=since)
    assert [s["name"] for s in payload["contents"]] == ["New"]


@pytest.mark.parametrize("path", ["services", "service_at_locations"])
@pytest.mark.parametrize(
    "value",
    [
        # Read as seconds since 1970 (1970-08-23), not as the ISO 8601 date it is.
        "20240101",
        # No offset: which midnight is meant is a guess.
        "2024-01-01",
        "2024-01-01T00:00:00",
        # Beyond year 9999, or before year 1, once in UTC (SQLite could not compare).
        "9999-12-31T23:59:59-12:00",
        "0001-01-01T00:00:00+12:00",
        "9999-12-31T23:59:59",
    ],
)
def test_modified_after_needs_an_iso_date_time_with_its_offset(client, path, value):
    factories.ServiceAtLocationFactory.create()
    response = client.get(f"/api/hsds/{path}", {"modified_after": value})
    assert response.status_code == 422, response.content[:300]
    assert response.json()["errors"][0]["parameter"] == "modified_after"


@pytest.mark.parametrize(
    "value", ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00.5+05:30", "20240101T000000Z"]
)
def test_modified_after_reads_every_iso_date_time_with_an_offset(client, value):
    factories.ServiceFactory.create(name="New")
    assert get(client, "/api/hsds/services", modified_after=value)["total_items"] == 1


def test_inactive_and_defunct_services_are_not_public(client):
    factories.ServiceFactory.create(name="Open", status=models.ServiceStatus.ACTIVE)
    factories.ServiceFactory.create(name="Closed", status=models.ServiceStatus.TEMPORARILY_CLOSED)
    gone = factories.ServiceFactory.create(name="Gone", status=models.ServiceStatus.DEFUNCT)
    factories.ServiceFactory.create(name="Off", status=models.ServiceStatus.INACTIVE)
    payload = get(client, "/api/hsds/services")
    assert {s["name"] for s in payload["contents"]} == {"Open", "Closed"}
    assert client.get(f"/api/hsds/services/{gone.pk}").status_code == 404


def test_services_at_locations_of_withheld_services_are_not_public(client):
    """Every list of services at locations leaves out those of withheld services, and
    counts without them: the whole list, and a list narrowed by organization."""
    organization = factories.OrganizationFactory.create()
    for name, status in [
        ("Open", models.ServiceStatus.ACTIVE),
        ("Closed", models.ServiceStatus.TEMPORARILY_CLOSED),
        ("Gone", models.ServiceStatus.DEFUNCT),
        ("Off", models.ServiceStatus.INACTIVE),
    ]:
        service = factories.ServiceFactory.create(
            name=name, status=status, organization=organization
        )
        factories.ServiceAtLocationFactory.create(service=service)
    factories.ServiceAtLocationFactory.create()  # another organization's, public
    everything = get(client, "/api/hsds/service_at_locations")
    assert everything["total_items"] == 3
    narrowed = get(client, "/api/hsds/service_at_locations", organization_id=str(organization.pk))
    assert narrowed["total_items"] == 2
    assert len(narrowed["contents"]) == 2


def _near_service(name: str, lat: float, lon: float) -> models.Service:
    service = factories.ServiceFactory.create(name=name)
    location = factories.LocationFactory.create(latitude=lat, longitude=lon)
    factories.ServiceAtLocationFactory.create(service=service, location=location)
    return service


def test_proximity_sorts_by_distance_and_ignores_confidential_locations(client, shelter):
    _near_service("Downtown Bakersfield", 35.3733, -119.0187)
    _near_service("Delano", 35.7688, -119.2471)
    _near_service("Los Angeles", 34.0522, -118.2437)
    payload = get(client, "/api/hsds/services", lat=35.37, lon=-119.02, radius=60_000)
    names = [s["name"] for s in payload["contents"]]
    assert names == ["Downtown Bakersfield", "Delano"]
    assert payload["contents"][0]["distance_km"] < 1
    assert 45 < payload["contents"][1]["distance_km"] < 55
    # The confidential shelter sits well inside the circle but is never placed on it.
    wide = get(client, "/api/hsds/services", lat=35.123456, lon=-118.987654, radius=5_000)
    assert wide["contents"] == []
    sal = get(client, "/api/hsds/service_at_locations", lat=35.123456, lon=-118.987654)
    assert shelter.service.name not in json.dumps(sal)


@pytest.mark.parametrize("path", ["services", "service_at_locations"])
@pytest.mark.parametrize(
    "params",
    [{"radius": "5000"}, {"proximity": "5000"}, {"postcode": "93301", "radius": "5000"}],
)
def test_a_distance_without_a_centre_is_refused(client, path, params):
    """It was ignored: the whole list came back, by name, as if nothing was far."""
    _near_service("Los Angeles", 34.0522, -118.2437)
    response = client.get(f"/api/hsds/{path}", params)
    assert response.status_code == 422, response.content[:300]
    assert ("radius" if "radius" in params else "proximity") in response.json()["detail"]


def test_postcode_filters_by_service_area(client):
    kern = factories.ServiceFactory.create(name="Kern only")
    models.ServiceArea.objects.create(
        service=kern, name="Kern County", area_type=models.AreaType.COUNTY, area_code="06029"
    )
    fresno = factories.ServiceFactory.create(name="Fresno only")
    models.ServiceArea.objects.create(
        service=fresno, name="Fresno County", area_type=models.AreaType.COUNTY, area_code="06019"
    )
    national = factories.ServiceFactory.create(name="National")
    models.ServiceArea.objects.create(
        service=national, name="USA", area_type=models.AreaType.COUNTRY, area_code="US"
    )
    factories.ServiceFactory.create(name="No area stated")
    payload = get(client, "/api/hsds/services", postcode="93301")
    assert {s["name"] for s in payload["contents"]} == {"Kern only", "National", "No area stated"}


def test_confidential_location_never_appears_anywhere_in_the_api(client, shelter):
    urls = [
        "/api/hsds/services?full=true",
        "/api/hsds/services",
        f"/api/hsds/services/{shelter.service.pk}",
        "/api/hsds/service_at_locations?full=true",
        "/api/hsds/service_at_locations",
        f"/api/hsds/service_at_locations/{shelter.service_at_location.pk}",
        "/api/hsds/organizations?full=true&full_service=true",
        f"/api/hsds/organizations/{shelter.organization.pk}?full_service=true",
        f"/api/hsds/services?search={shelter.location.name}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_secret(response.content.decode())
    document = get(client, f"/api/hsds/services/{shelter.service.pk}")
    location = document["service_at_locations"][0]["location"]
    assert location["confidential"] is True
    assert location["confidential_access_note"].startswith("Call the 24-hour line")
    for hidden in (
        "latitude",
        "longitude",
        "addresses",
        "accessibility",
        "metadata",
        "description",
        "transportation",
        "external_identifier",
    ):
        assert hidden not in location
    validate("service", document)
    assert document["open_24_7"] is True and document["police_report_required"] is False
    phone = document["phones"][0]
    assert phone["call_outcome"] == "confidential_support" and phone["available_24_7"] is True


@pytest.mark.parametrize("full", ["false", "true"])
def test_query_count_is_bounded(client, django_assert_max_num_queries, full):
    for index in range(30):
        service = factories.ServiceFactory.create(name=f"Service {index:02d}")
        sal = factories.ServiceAtLocationFactory.create(service=service)
        factories.AddressFactory.create(location=sal.location)
        factories.PhoneFactory.create(service=service)
        factories.ScheduleFactory.create(service=service)
        factories.AttributeFactory.create(link_id=service.pk)
    with django_assert_max_num_queries(25):
        payload = get(client, "/api/hsds/services", full=full, per_page=30)
    assert payload["size"] == 30
    with django_assert_max_num_queries(25):
        get(client, "/api/hsds/service_at_locations", full=full, per_page=30)
    with django_assert_max_num_queries(25):
        get(client, "/api/hsds/organizations", full=full, per_page=30)


def test_openapi_and_docs_load_nothing_from_elsewhere(client):
    openapi = get(client, "/api/hsds/openapi.json")
    paths = set(openapi["paths"])
    for path in (
        "/api/hsds/services",
        "/api/hsds/services/{id}",
        "/api/hsds/service_at_locations",
        "/api/hsds/service_at_locations/{id}",
        "/api/hsds/organizations",
        "/api/hsds/organizations/{id}",
        "/api/hsds/taxonomies",
        "/api/hsds/taxonomies/{id}",
        "/api/hsds/taxonomy_terms",
        "/api/hsds/taxonomy_terms/{id}",
    ):
        assert path in paths
    listing = openapi["paths"]["/api/hsds/services"]["get"]
    schema = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["properties"]["contents"]["items"]["$ref"].endswith("/schema/service.json")
    assert client.get(schema["properties"]["contents"]["items"]["$ref"]).status_code == 200
    docs = client.get("/api/hsds/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/api/hsds/services" in html
    # Nothing is fetched from elsewhere (links to follow, like quick exit, are fine).
    assert not re.findall(r'src="(?:https?:)?//', html)
    assert not re.findall(r'<link[^>]+href="(?:https?:)?//', html)
    assert "<script>" not in html and "style=" not in html


@pytest.mark.parametrize(
    ("moment", "offset"), [("2026-01-15 18:00Z", -8), ("2026-07-15 18:00Z", -7)]
)
def test_schedules_carry_the_offset_in_force_and_the_iana_zone(client, moment, offset):
    schedule = factories.ScheduleFactory.create()
    with time_machine.travel(moment, tick=False):
        document = get(client, f"/api/hsds/services/{schedule.service_id}")
    (rendered,) = document["schedules"]
    assert rendered["iana_timezone"] == "America/Los_Angeles"
    assert rendered["timezone"] == offset
    assert (rendered["opens_at"], rendered["closes_at"]) == ("08:00", "17:00")
    # Importing the document back keeps the zone and does not store the derived offset.
    report = importing.run_import(
        [(json.dumps(document).encode(), "service.json")], file_format=models.ImportFormat.JSON
    )
    assert report.ok and not report.updated
    schedule.refresh_from_db()
    assert schedule.timezone is None


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(
        ["services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms"]
    ),
    params=st.dictionaries(
        st.sampled_from(
            [
                "page",
                "per_page",
                "search",
                "taxonomy_term_id",
                "modified_after",
                "full",
                "lat",
                "lon",
                "radius",
                "postcode",
                "proximity",
                "format",
                "top_only",
                "parent_id",
            ]
        ),
        st.text(max_size=12),
        max_size=4,
    ),
)
def test_no_parameter_makes_the_api_fail(client, path, params):
    response = client.get(f"/api/hsds/{path}", params)
    assert response.status_code in (200, 400, 422), (params, response.content[:300])
    assert response.json()
