"""Keeping the index in step with the directory: rebuild, per-service, refresh."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from plainsight.directory import models as m
from plainsight.directory.search import fts
from plainsight.directory.search.engine import SearchRequest, search
from plainsight.directory.search.models import (
    Flag,
    SearchDocument,
    SearchFacet,
    SearchHours,
    SearchIndexState,
    SearchSpelling,
    SearchToken,
    SearchWord,
)
from plainsight.directory.search.services import (
    search_index_rebuild,
    search_index_refresh,
    search_index_services,
)
from plainsight.directory.tests import factories

pytestmark = pytest.mark.django_db


def names(text: str = "") -> list[str]:
    return sorted(h.name for h in search(SearchRequest(text=text, page_size=50)).hits)


def token_counts() -> dict[str, int]:
    return dict(
        SearchToken.objects.filter(document_count__gt=0).values_list("token", "document_count")
    )


@pytest.fixture
def small():
    """Two services: one at two places, one by phone only."""
    org = factories.OrganizationFactory.create(name="Valley Legal Aid")
    clinic = factories.ServiceFactory.create(
        organization=org,
        name="Free Legal Clinic",
        description="Lawyers help with immigration and housing.",
        free_of_charge=True,
        translations={"es": {"name": "Clínica legal gratuita"}},
    )
    for city, zip_code, lat, lon in (
        ("Bakersfield", "93301", 35.38, -119.02),
        ("Delano", "93215", 35.77, -119.25),
    ):
        location = factories.LocationFactory.create(
            organization=org, name=f"{city} office", latitude=lat, longitude=lon
        )
        factories.AddressFactory.create(location=location, city=city, postal_code=zip_code)
        factories.ServiceAtLocationFactory.create(service=clinic, location=location)
    factories.ScheduleFactory.create(service=clinic)
    hotline = factories.ServiceFactory.create(
        organization=org, name="Legal Hotline", description="Call a lawyer.", open_24_7=True
    )
    factories.PhoneFactory.create(service=hotline, number="661-555-0199")
    return clinic, hotline


def test_rebuild_makes_one_document_per_place_and_one_for_a_phone_service(small):
    clinic, hotline = small
    assert search_index_rebuild() == 3
    assert SearchDocument.objects.filter(service=clinic).count() == 2
    [phone_only] = SearchDocument.objects.filter(service=hotline)
    assert phone_only.location_id is None and phone_only.latitude is None
    assert phone_only.flags & Flag.OPEN_24_7
    assert SearchHours.objects.filter(document__service=clinic).count() == 2
    state = SearchIndexState.objects.get()
    assert state.document_count == 3 and state.rebuilt_at is not None
    assert SearchWord.objects.filter(word="lawyers").exists()
    assert SearchSpelling.objects.filter(key="lawyrs", word="lawyers").exists()
    # Everyday words of the vocabulary can be corrected to, even if no listing has them.
    assert SearchWord.objects.filter(word="abogado").exists()


def test_rebuild_twice_gives_the_same_index(small):
    search_index_rebuild()
    first = token_counts()
    search_index_rebuild()
    assert token_counts() == first
    assert SearchDocument.objects.count() == 3


def test_inactive_and_defunct_services_are_not_indexed(small):
    clinic, _hotline = small
    clinic.status = m.ServiceStatus.INACTIVE
    clinic.save()
    search_index_rebuild()
    assert names() == ["Legal Hotline"]


def test_reindexing_a_service_after_an_edit(small):
    clinic, _hotline = small
    search_index_rebuild()
    clinic.name = "Immigration Help Desk"
    clinic.translations = {}
    clinic.save()
    assert search_index_services(service_ids=[clinic.pk]) == 2
    assert "Immigration Help Desk" in names("desk")
    assert names("clinic") == []
    # Counts after the incremental update equal those of a fresh rebuild.
    incremental = token_counts()
    search_index_rebuild()
    assert token_counts() == incremental


def test_a_deleted_service_disappears_from_results(small):
    clinic, _hotline = small
    search_index_rebuild()
    clinic_id = clinic.pk
    m.ServiceAtLocation.objects.filter(service=clinic).delete()
    clinic.delete()
    assert names("legal") == ["Legal Hotline"]
    assert search_index_services(service_ids=[clinic_id]) == 0


def test_refresh_reindexes_what_changed(small):
    _clinic, hotline = small
    search_index_rebuild()
    refreshed = SearchIndexState.objects.get().refreshed_at
    assert refreshed is not None
    later = refreshed + dt.timedelta(days=1)
    SearchIndexState.objects.filter(id=1).update(refreshed_at=later)
    m.Phone.objects.filter(service=hotline).update(
        number="661-555-0100", updated_at=later + dt.timedelta(hours=1)
    )
    assert search_index_refresh() == 1  # only the hotline changed since
    assert SearchDocument.objects.get(service=hotline).phone == "661-555-0100"


def test_menus_list_categories_languages_and_time_zones(small):
    clinic, _hotline = small
    taxonomy = factories.TaxonomyFactory.create()
    parent = factories.TaxonomyTermFactory.create(taxonomy_detail=taxonomy, name="Legal help")
    child = factories.TaxonomyTermFactory.create(
        taxonomy_detail=taxonomy,
        name="Immigration",
        parent=parent,
        translations={"es": {"name": "Inmigración"}},
    )
    m.Attribute.objects.create(link_id=clinic.pk, link_entity="service", taxonomy_term=child)
    m.Language.objects.create(service=clinic, code="spa", name="Spanish")
    search_index_rebuild()
    categories = {f.value: f for f in SearchFacet.objects.filter(kind="category")}
    assert categories[str(child.pk)].label_es == "Inmigración"
    assert categories[str(child.pk)].parent_value == str(parent.pk)
    assert str(parent.pk) in categories  # ancestors count too
    assert SearchFacet.objects.filter(kind="language", value="es").exists()
    assert SearchFacet.objects.filter(kind="time_zone", value="America/Los_Angeles").exists()


def test_confidential_location_is_indexed_at_its_zip_code_centre(small):
    clinic, _hotline = small
    location = clinic.service_at_locations.first().location
    location.confidential = True
    location.latitude, location.longitude = 35.39999, -119.00001
    location.save()
    search_index_rebuild()
    document = SearchDocument.objects.get(location=location)
    assert document.flags & Flag.CONFIDENTIAL
    assert (document.latitude, document.longitude) != (35.39999, -119.00001)
    assert document.place == ""
    assert "office" not in document.tokens.split() or document.place == ""


def test_the_full_text_index_follows_the_documents_table(small):
    clinic, _hotline = small
    search_index_rebuild()
    document = SearchDocument.objects.filter(service=clinic).first()
    assert document is not None
    SearchDocument.objects.filter(pk=document.pk).update(tokens=" zzfresh ")
    clause, params = fts.match_clause([["zzfresh"]])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.id FROM directory_search_searchdocument d WHERE {clause}",  # noqa: S608
            params,
        )
        assert [row[0] for row in cursor.fetchall()] == [document.pk]


def test_match_clause_wants_a_token_of_every_group_and_none_excluded(small):
    search_index_rebuild()
    ids = list(SearchDocument.objects.order_by("id").values_list("id", flat=True)[:3])
    assert len(ids) == 3
    # Matches by its second token; has an excluded token; lacks the second group.
    for pk, tokens in zip(ids, (" zzb zzc ", " zza zzc zzx ", " zza "), strict=True):
        SearchDocument.objects.filter(pk=pk).update(tokens=tokens)
    clause, params = fts.match_clause([["zza", "zzb"], ["zzc"]], exclude=["zzx"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.id FROM directory_search_searchdocument d WHERE {clause}",  # noqa: S608
            params,
        )
        assert [row[0] for row in cursor.fetchall()] == ids[:1]
    if connection.vendor == "postgresql":
        # One condition per group, so that GIN leapfrogs between them (see match_clause).
        assert clause.count("@@") == 2


def test_ensure_schema_is_idempotent(small):
    fts.ensure_schema()
    fts.ensure_schema()
    search_index_rebuild()
    assert names("legal")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_searches_read_no_pending_list_after_a_rebuild_or_an_edit(small):
    """A GIN pending list is read in full by every search: a rebuild leaves none, and
    edits go straight into the index."""
    clinic, _hotline = small
    search_index_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'dsearch_doc_tsv'")
        assert "fastupdate=off" in cursor.fetchone()[0]
        cursor.execute(fts.POSTGRES_MERGE_PENDING)
        assert cursor.fetchone()[0] == 0
        clinic.description = "Free immigration lawyer."
        clinic.save()
        search_index_services(service_ids=[clinic.pk])
        cursor.execute(fts.POSTGRES_MERGE_PENDING)
        assert cursor.fetchone()[0] == 0
    assert clinic.pk in {hit.service_id for hit in search(SearchRequest(text="immigration")).hits}


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_postgres_rebuild_leaves_a_compact_index(small):
    """A rebuild deletes and re-inserts every document: without a fresh copy of the
    index afterwards, each rebuild left the old entries' pages behind."""

    def index_pages() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_size('dsearch_doc_tsv') / 8192")
            return int(cursor.fetchone()[0])

    for number in range(400):  # enough entries for the index to outgrow its first pages
        factories.ServiceFactory.create(
            name=f"Counselling {number}", description="Legal help and shelter for survivors."
        )
    search_index_rebuild()
    first = index_pages()
    for _ in range(3):
        search_index_rebuild()
    assert index_pages() <= first, (first, index_pages())
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'dsearch_doc_tsv'")
        assert "fastupdate=off" in cursor.fetchone()[0]
    assert search(SearchRequest(text="counselling", page_size=50)).total == 400


def test_match_clause_refuses_anything_but_plain_tokens():
    for bad in (["a'b"], ["Ab"], ["a b"], [""], []):
        with pytest.raises(ValueError):
            fts.match_clause([bad])
    with pytest.raises(ValueError):
        fts.match_clause([])


def test_documents_of_one_place_are_stored_together():
    """A rebuild numbers documents by place (a search then reads few disk pages); a
    confidential location never decides where anything goes."""
    from plainsight.directory.search import geo

    org = factories.OrganizationFactory.create()
    made = {}
    for name, lat, lon, confidential in (
        ("Bakersfield A", 35.37, -119.02, False),
        ("Fresno", 36.74, -119.78, False),
        ("Bakersfield B", 35.38, -119.01, False),
        ("Los Angeles", 34.05, -118.24, False),
        ("Shelter", 35.375, -119.015, True),
    ):
        service = factories.ServiceFactory.create(organization=org, name=name)
        location = factories.LocationFactory.create(
            organization=org, latitude=lat, longitude=lon, confidential=confidential
        )
        factories.ServiceAtLocationFactory.create(service=service, location=location)
        made[name] = service
    search_index_rebuild()
    order = [
        d.service.name for d in SearchDocument.objects.select_related("service").order_by("id")
    ]
    assert abs(order.index("Bakersfield A") - order.index("Bakersfield B")) == 1
    assert order[-1] == "Shelter"  # ordered as if it had no place
    assert geo.z_order(35.37, -119.02) != geo.z_order(34.05, -118.24)
    assert geo.z_order(-100, 500) == geo.z_order(-90, 180)  # out of range: clamped
