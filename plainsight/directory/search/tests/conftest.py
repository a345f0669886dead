"""The fixture directory, built and indexed once per test module.

Building and indexing the listings takes a few seconds, so modules that only read
share one copy: created before the module's first test, removed after its last, so no
other module ever sees it. Tests still run in their own transaction, rolled back.
Tests that change listings build their own data instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from plainsight.directory import models as m
from plainsight.directory.search import models as s
from plainsight.directory.search import places
from plainsight.directory.search.places import PlaceRow
from plainsight.directory.search.services import search_index_rebuild
from plainsight.directory.search.tests.fixture_directory import (
    FixtureDirectory,
    build_directory,
)

_WIPE_ORDER = (
    s.SearchHours,
    s.SearchDocument,
    s.SearchToken,
    s.SearchWord,
    s.SearchSpelling,
    s.SearchFacet,
    s.SearchIndexState,
    m.Attribute,
    m.Phone,
    m.Schedule,
    m.Language,
    m.ServiceArea,
    m.ServiceCapacity,
    m.Address,
    m.ServiceAtLocation,
    m.Location,
    m.Service,
    m.Organization,
    m.TaxonomyTerm,
    m.Taxonomy,
    m.Unit,
)


def wipe_directory() -> None:
    for model in _WIPE_ORDER:
        model.objects.all().delete()


@pytest.fixture(scope="module")
def kern(django_db_setup: Any, django_db_blocker: Any) -> Iterator[FixtureDirectory]:
    with django_db_blocker.unblock():
        wipe_directory()
        directory = build_directory()
        search_index_rebuild()
    try:
        yield directory
    finally:
        with django_db_blocker.unblock():
            wipe_directory()


@pytest.fixture
def california_places(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A stand-in for the full California table with what the Kern one lacks: two towns
    far apart both called Greenfield (a city in Monterey County, a community in Kern
    County), a town with ZIP codes on both sides of a county line, Lake County in two
    states, and cities whose names end in "ca" like the state's abbreviation."""
    rows = [
        PlaceRow("93301", "Bakersfield", "Kern", "06029", "CA", 35.3836, -119.0180),
        PlaceRow("93927", "Greenfield", "Monterey", "06053", "CA", 36.3208, -121.2438),
        PlaceRow("93399", "Greenfield", "Kern", "06029", "CA", 35.2583, -119.0043),
        PlaceRow("93901", "Borderville", "Kern", "06029", "CA", 35.80, -119.30),
        PlaceRow("93902", "Borderville", "Tulare", "06107", "CA", 35.85, -119.25),
        PlaceRow("95453", "Lakeport", "Lake", "06033", "CA", 39.04, -122.92),
        PlaceRow("97630", "Lakeview", "Lake", "41037", "OR", 42.19, -120.35),
        PlaceRow("90401", "Santa Monica", "Los Angeles", "06037", "CA", 34.0158, -118.4925),
        PlaceRow("94044", "Pacifica", "San Mateo", "06081", "CA", 37.6138, -122.4869),
        PlaceRow("92254", "Mecca", "Riverside", "06065", "CA", 33.5717, -116.0775),
    ]
    monkeypatch.setattr(places, "load_place_rows", lambda: rows)
    places._tables.cache_clear()
    yield
    places._tables.cache_clear()
