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
