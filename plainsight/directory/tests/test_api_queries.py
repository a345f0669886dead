"""The HSDS API's lists at scale: a fixed number of queries per page, whatever its size,
and pages that fit together.

A list that grew a query per row (an N+1) would pass the shape tests in test_api.py
and only show on a big directory; these fail on it with a few rows.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from plainsight.directory import models, selectors
from plainsight.directory.tests import factories

pytestmark = pytest.mark.django_db

ROWS = 12
# Every list, with the parameters that change how it is read.
LISTS = [
    ("services", {}),
    ("services", {"full": "true"}),
    ("services", {"search": "shelter"}),
    ("services", {"search": "shelter", "full": "true"}),
    ("services", {"lat": "35.37", "lon": "-119.02"}),
    ("services", {"lat": "35.37", "lon": "-119.02", "full": "true"}),
    ("services", {"modified_after": "2000-01-01T00:00:00Z"}),
    ("services", {"postcode": "93301"}),
    ("service_at_locations", {}),
    ("service_at_locations", {"full": "true"}),
    ("service_at_locations", {"search": "shelter"}),
    ("service_at_locations", {"lat": "35.37", "lon": "-119.02", "full": "true"}),
    ("service_at_locations", {"modified_after": "2000-01-01T00:00:00Z"}),
    ("service_at_locations", {"postcode": "93301"}),
    ("service_at_locations", {"postcode": "93301", "proximity": "20000"}),
    ("organizations", {}),
    ("organizations", {"full": "true"}),
    ("organizations", {"full": "true", "full_service": "true"}),
    ("organizations", {"search": "haven"}),
    ("taxonomies", {}),
    ("taxonomy_terms", {}),
]


@pytest.fixture
def directory(db: Any) -> dict[str, Any]:
    """ROWS services, each with an organization, a location, an address, a phone, a
    schedule, a language, a service area and a category."""
    taxonomy = factories.TaxonomyFactory.create()
    terms = [factories.TaxonomyTermFactory.create(taxonomy_detail=taxonomy) for _ in range(3)]
    for index in range(ROWS):
        organization = factories.OrganizationFactory.create(name=f"Safe Haven {index:02d}")
        service = factories.ServiceFactory.create(
            organization=organization,
            name=f"Emergency shelter {index:02d}",
            description="Beds and meals.",
        )
        location = factories.LocationFactory.create(
            organization=organization,
            name=f"Shelter office {index:02d}",
            latitude=35.37 + index * 0.001,
            longitude=-119.02,
        )
        sal = factories.ServiceAtLocationFactory.create(service=service, location=location)
        factories.AddressFactory.create(location=location)
        factories.PhoneFactory.create(service=service)
        factories.ScheduleFactory.create(service=service)
        models.Language.objects.create(service=service, code="es", name="Spanish")
        models.ServiceArea.objects.create(
            service=service, area_type=models.AreaType.COUNTY, area_code="06029"
        )
        factories.AttributeFactory.create(
            taxonomy_term=terms[index % 3], link_entity="service", link_id=service.pk
        )
        factories.AttributeFactory.create(
            taxonomy_term=terms[index % 3], link_entity="service_at_location", link_id=sal.pk
        )
    return {"terms": terms}


def _queries(client: Client, path: str, params: dict[str, str], per_page: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/hsds/{path}", {**params, "per_page": str(per_page)})
    assert response.status_code == 200, response.content[:300]
    payload = response.json()
    assert payload["size"] == min(per_page, payload["total_items"])
    return len(captured)


@pytest.mark.parametrize(("path", "params"), LISTS)
def test_queries_per_page_do_not_grow_with_the_page(
    client, directory, django_assert_max_num_queries, path, params
):
    client.get(f"/api/hsds/{path}", params)  # once-per-process look-ups happen here
    small = _queries(client, path, params, per_page=2)
    large = _queries(client, path, params, per_page=ROWS)
    assert large == small, f"{path} {params}: {small} queries for 2 rows, {large} for {ROWS}"
    with django_assert_max_num_queries(30):
        client.get(f"/api/hsds/{path}", {**params, "per_page": ROWS})


@pytest.mark.parametrize(
    "path", ["services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms"]
)
def test_detail_queries_are_bounded(client, directory, django_assert_max_num_queries, path):
    listing = client.get(f"/api/hsds/{path}").json()
    for document in listing["contents"][:3]:
        with django_assert_max_num_queries(25):
            assert client.get(f"/api/hsds/{path}/{document['id']}").status_code == 200


@pytest.mark.parametrize(
    ("path", "params"),
    [(path, params) for path, params in LISTS if "full" not in params],
)
def test_pages_fit_together(client, directory, path, params):
    """Pages of three, one after another, give the whole list once and in order."""
    whole = client.get(f"/api/hsds/{path}", {**params, "per_page": 100}).json()
    pages = []
    for page in range(1, math.ceil(whole["total_items"] / 3) + 2):
        payload = client.get(f"/api/hsds/{path}", {**params, "per_page": 3, "page": page}).json()
        assert payload["total_items"] == whole["total_items"]
        pages += payload["contents"]
    assert [d["id"] for d in pages] == [d["id"] for d in whole["contents"]]


def test_services_at_one_address_are_ordered_by_name_at_every_page_boundary(client):
    """Several services share an address (the same distance): the list by distance
    orders them by name, then id, exactly as it orders any other tie."""
    names = ["Delta", "alpha", "Charlie", "Echo", "Bravo", "Foxtrot", "Golf"]
    shared = factories.LocationFactory.create(latitude=35.40, longitude=-119.05)
    for name in names:
        service = factories.ServiceFactory.create(name=name)
        factories.ServiceAtLocationFactory.create(service=service, location=shared)
    nearer = factories.ServiceFactory.create(name="Zulu, nearer")
    factories.ServiceAtLocationFactory.create(
        service=nearer, location=factories.LocationFactory.create(latitude=35.37, longitude=-119.02)
    )
    center = {"lat": "35.37", "lon": "-119.02"}
    for path in ("services", "service_at_locations"):
        whole = client.get(f"/api/hsds/{path}", {**center, "per_page": 100}).json()
        expected_names = [
            "Zulu, nearer",
            *(
                models.Service.objects.filter(name__in=names)
                .order_by("name", "id")
                .values_list("name", flat=True)
            ),
        ]
        shown = [
            d["name"] if path == "services" else d["service"]["name"] for d in whole["contents"]
        ]
        assert shown == expected_names
        for per_page in (2, 3):
            pages = []
            for page in range(1, 6):
                payload = client.get(
                    f"/api/hsds/{path}", {**center, "per_page": per_page, "page": page}
                ).json()
                pages += payload["contents"]
            assert [d["id"] for d in pages] == [d["id"] for d in whole["contents"]]


KINDS = ["here", "place", "here", "source", "here"]


@pytest.mark.parametrize("changed", [1, 5])
def test_modified_after_whether_few_or_most_changed(client, changed):
    """Asked either way round (few changed, or all but a few), the same rows."""
    old = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    since = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    expected = set()
    for index in range(5):
        service = factories.ServiceFactory.create(
            name=f"Service {index}", last_modified=None if index % 2 else old
        )
        sal = factories.ServiceAtLocationFactory.create(service=service)
        models.Service.objects.filter(pk=service.pk).update(updated_at=old)
        models.ServiceAtLocation.objects.filter(pk=sal.pk).update(updated_at=old)
        if index < changed:
            # Changed here, at the source, or only its place of service.
            kind = KINDS[index]
            if kind == "here":
                models.Service.objects.filter(pk=service.pk).update(updated_at=since)
            elif kind == "source":
                models.Service.objects.filter(pk=service.pk).update(last_modified=since)
            else:
                models.ServiceAtLocation.objects.filter(pk=sal.pk).update(updated_at=since)
            expected.add(index)
    assert selectors._mostly_changed_since(since) == (changed > 1)
    params = {"modified_after": since.isoformat()}
    services = client.get("/api/hsds/services", params).json()
    sals = client.get("/api/hsds/service_at_locations", params).json()
    changed_services = {i for i in expected if KINDS[i] != "place"}
    assert {int(d["name"].split()[-1]) for d in services["contents"]} == changed_services
    assert {int(d["service"]["name"].split()[-1]) for d in sals["contents"]} == expected
    assert services["total_items"] == len(changed_services) and sals["total_items"] == len(expected)
