"""The API's ``search`` through the substring indexes finds exactly what ``icontains``
finds, and the indexes follow every change to the searched columns."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client

from plainsight.directory import models, selectors, substring
from plainsight.directory.tests import factories

pytestmark = pytest.mark.django_db

NAMES = [
    "Emergency Shelter",
    "SHELTER beds",
    "Clínica São José",
    "CLÍNICA central",
    "100% free meals",
    "Youth_drop-in",
    'The "Safe" House',
    "Back\\slash help",
    "Kelvin \u212a shelter",  # KELVIN SIGN: Unicode folds it to "k", LIKE does not
    "Straße help",
]
WORDS = [
    "shelter",
    "SHELTER",
    "clínica",
    "CLÍNICA",
    "são",
    "100%",
    "0%",
    "_drop",
    "h_use",
    '"safe"',
    "\\slash",
    "kelvin",
    "\u212a",
    "k shelter",
    "strasse",
    "straße",
    "ab",
    "e",
    "zzz",
    "free meals",
    "haven",
]


@pytest.fixture
def directory(db: Any) -> None:
    haven = factories.OrganizationFactory.create(name="Safe Haven Alliance")
    for index, name in enumerate(NAMES):
        service = factories.ServiceFactory.create(
            name=name,
            organization=haven if index % 3 == 0 else factories.OrganizationFactory.create(),
            description="Advocacy and support." if index % 2 else "Beds, meals, showers.",
            alternate_name="Refugio" if index == 1 else "",
        )
        location = factories.LocationFactory.create(name=f"{name} office")
        factories.ServiceAtLocationFactory.create(
            service=service, location=location, description="Ask for María" if index == 2 else ""
        )


def _ids(client: Client, path: str, search: str) -> list[str]:
    payload = client.get(f"/api/hsds/{path}", {"search": search, "per_page": "100"}).json()
    return [document["id"] for document in payload["contents"]]


def _expected_services(search: str) -> list[str]:
    queryset = selectors.public_service_queryset()
    for word in search.split():
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(alternate_name__icontains=word)
            | Q(description__icontains=word)
            | Q(organization__name__icontains=word)
        )
    return [str(pk) for pk in queryset.order_by("name", "id").values_list("pk", flat=True)]


def _expected_service_at_locations(search: str) -> list[str]:
    queryset = selectors.public_service_at_location_queryset()
    for word in search.split():
        queryset = queryset.filter(
            Q(service__name__icontains=word)
            | Q(service__alternate_name__icontains=word)
            | Q(service__description__icontains=word)
            | Q(description__icontains=word)
            | Q(location__name__icontains=word)
        )
    return [str(pk) for pk in queryset.order_by("service__name", "id").values_list("pk", flat=True)]


def _expected_organizations(search: str) -> list[str]:
    queryset = models.Organization.objects.all()
    for word in search.split():
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(alternate_name__icontains=word)
            | Q(description__icontains=word)
        )
    return [str(pk) for pk in queryset.order_by("name", "id").values_list("pk", flat=True)]


@pytest.mark.parametrize("word", WORDS)
def test_search_finds_exactly_what_icontains_finds(client, directory, word):
    """Whatever this database's ``icontains`` does with letter case and accents, the
    indexed search does the same (the index only narrows)."""
    assert _ids(client, "services", word) == _expected_services(word)
    assert _ids(client, "service_at_locations", word) == _expected_service_at_locations(word)
    assert _ids(client, "organizations", word) == _expected_organizations(word)


def test_the_indexes_are_used_for_words_of_three_letters(client, directory):
    if not substring.usable("shelter"):
        pytest.skip("PostgreSQL without pg_trgm: searches read every row")
    assert substring.containing(models.Service, "shelter", ("name",)) is not None
    assert substring.containing(models.Service, "ab", ("name",)) is None


def test_the_index_follows_changes(client, directory):
    service = models.Service.objects.get(name="Emergency Shelter")
    assert str(service.pk) in _ids(client, "services", "emergency")

    models.Service.objects.filter(pk=service.pk).update(name="Winter refuge")
    assert str(service.pk) not in _ids(client, "services", "emergency")
    assert _ids(client, "services", "winter") == [str(service.pk)]

    service.refresh_from_db()
    service.description = "Open all night in the cold months."
    service.save()
    assert _ids(client, "services", "months") == [str(service.pk)]

    models.Organization.objects.filter(pk=service.organization_id).update(name="Warm Nights")
    assert str(service.pk) in _ids(client, "services", "nights")
    assert _ids(client, "organizations", "warm") == [str(service.organization_id)]

    location = service.service_at_locations.get().location
    location.name = "Riverside hall"
    location.save()
    assert _ids(client, "service_at_locations", "riverside") == [
        str(service.service_at_locations.get().pk)
    ]

    service.delete()
    assert _ids(client, "services", "winter") == []
    fresh = factories.ServiceFactory.create(name="Winter coats")
    assert _ids(client, "services", "winter") == [str(fresh.pk)]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps its index by triggers")
def test_a_table_rebuilt_by_a_migration_gets_its_index_back(client, directory):
    """Rebuilding a table on SQLite (as Django's migrations do) drops its triggers:
    ``ensure``, run after every migrate, restores them and re-reads the table."""
    with connection.cursor() as cursor:
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f'DROP TRIGGER "directory_service_substr_{suffix}"')
    changed = models.Service.objects.get(name="Emergency Shelter")
    models.Service.objects.filter(pk=changed.pk).update(name="Renamed while unindexed")
    added = factories.ServiceFactory.create(name="Added while unindexed")

    substring.ensure(connection)

    assert _ids(client, "services", "unindexed") == _expected_services("unindexed")
    assert set(_ids(client, "services", "unindexed")) == {str(changed.pk), str(added.pk)}
    models.Service.objects.filter(pk=added.pk).update(name="Triggers work again")
    assert _ids(client, "services", "again") == [str(added.pk)]
