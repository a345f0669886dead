"""Keeping the search index in step with the directory.

- ``search_index_services(service_ids=…)``: after an edit or an import, in the same
  transaction — the given services' documents are rebuilt (or removed when a service
  is gone, inactive or defunct).
- ``search_index_refresh()``: a safety net (command, scheduled task) — reindexes every
  service whose rows changed since the last refresh, by their ``updated_at``.
- ``search_index_rebuild()``: everything from scratch (``manage.py search_index
  --rebuild``), also the exact vocabulary counts and the spelling table.

Incremental updates keep token counts exact; the spelling vocabulary only grows until
the next rebuild (a word that left every listing stays a possible correction, which
then simply finds nothing).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from plainsight.directory import models as directory
from plainsight.directory.search import bulk, documents, fts, geo, hours, text, vocabulary
from plainsight.directory.search.models import (
    INDEX_FORMAT,
    FacetKind,
    SearchDocument,
    SearchFacet,
    SearchHours,
    SearchIndexState,
    SearchSpelling,
    SearchToken,
    SearchWord,
)
from plainsight.directory.search.spelling import spelling_keys

BATCH_SIZE = 1000
# A refresh that would reindex more than this share of the services rebuilds instead
# (after a large import): per service, the incremental path also rewrites token counts
# and reads the old documents, so one pass over everything is cheaper beyond this.
REBUILD_SHARE = 0.25


SERVICE_VALUES = (
    "id",
    "organization_id",
    "program_id",
    "name",
    "alternate_name",
    "description",
    "eligibility_description",
    "application_process",
    "fees_description",
    "interpretation_services",
    "status",
    "free_of_charge",
    "police_report_required",
    "serves_minors_without_guardian",
    "immigration_status_neutral",
    "t_u_visa_assistance",
    "delivery_methods",
    "open_24_7",
    "demo_data",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "translations",
)
SCHEDULE_VALUES = (
    "freq",
    "byday",
    "bymonthday",
    "byweekno",
    "byyearday",
    "interval",
    "count",
    "dtstart",
    "until",
    "valid_from",
    "valid_to",
    "opens_at",
    "closes_at",
    "iana_timezone",
)


def _records(queryset: QuerySet[Any], fields: tuple[str, ...]) -> list[SimpleNamespace]:
    return [SimpleNamespace(**row) for row in queryset.values(*fields)]


def _group(records: list[SimpleNamespace], key: str) -> dict[Any, list[SimpleNamespace]]:
    grouped: dict[Any, list[SimpleNamespace]] = defaultdict(list)
    for record in records:
        value = getattr(record, key)
        if value is not None:
            grouped[value].append(record)
    return grouped


def _by_parent(
    queryset: QuerySet[Any], fields: tuple[str, ...], parents: Iterable[tuple[str, list[Any]]]
) -> dict[str, dict[Any, list[SimpleNamespace]]]:
    """Rows that may belong to one of several kinds of parent (a phone: to a service, a
    location…), grouped by parent id for each kind: one query a kind."""
    return {
        parent: _group(
            _records(
                queryset.filter(**{f"{parent}_id__in": keys}).order_by("pk"),
                (*fields, f"{parent}_id"),
            ),
            f"{parent}_id",
        )
        for parent, keys in parents
    }


def load_services(ids: list[uuid.UUID]) -> list[SimpleNamespace]:
    """Services with every row a document is built from, as plain records.

    About fifteen queries per batch, whatever its size, and no model instances: for
    a full rebuild this is several times faster than ``prefetch_related``.
    """
    d = directory
    services = _records(d.Service.objects.filter(pk__in=ids).order_by("pk"), SERVICE_VALUES)
    org_ids = {s.organization_id for s in services}
    organizations = {
        o.id: o
        for o in _records(
            d.Organization.objects.filter(pk__in=org_ids),
            ("id", "name", "alternate_name", "translations", "demo_data"),
        )
    }
    programs = {
        p.id: p
        for p in _records(
            d.Program.objects.filter(pk__in={s.program_id for s in services} - {None}),
            ("id", "name"),
        )
    }
    sals = _records(
        d.ServiceAtLocation.objects.filter(service_id__in=ids).order_by("pk"),
        ("id", "service_id", "location_id"),
    )
    sal_ids = [sal.id for sal in sals]
    location_ids = list({sal.location_id for sal in sals})
    locations = {
        loc.id: loc
        for loc in _records(
            d.Location.objects.filter(pk__in=location_ids),
            (
                "id",
                "name",
                "location_type",
                "confidential",
                "latitude",
                "longitude",
                "iana_timezone",
                "translations",
            ),
        )
    }
    addresses = _group(
        _records(
            d.Address.objects.filter(location_id__in=location_ids).order_by("pk"),
            ("location_id", "address_type", "postal_code", "city", "state_province", "country"),
        ),
        "location_id",
    )
    phones = _by_parent(
        d.Phone.objects.all(),
        ("id", "number", "extension", "type", "call_outcome"),
        (
            ("service", ids),
            ("service_at_location", sal_ids),
            ("location", location_ids),
            ("organization", list(org_ids)),
        ),
    )
    schedules = _by_parent(
        d.Schedule.objects.all(),
        SCHEDULE_VALUES,
        (("service", ids), ("service_at_location", sal_ids), ("location", location_ids)),
    )
    languages = _by_parent(
        d.Language.objects.all(),
        ("code", "name"),
        (("service", ids), ("location", location_ids)),
    )
    areas = _by_parent(
        d.ServiceArea.objects.all(),
        ("area_type", "area_code"),
        (("service", ids), ("service_at_location", sal_ids)),
    )
    terms: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for link_id, term_id in d.Attribute.objects.filter(
        link_id__in=ids, link_entity=d.LinkEntity.SERVICE
    ).values_list("link_id", "taxonomy_term_id"):
        terms[link_id].append(term_id)

    for location in locations.values():
        location.addresses = addresses.get(location.id, [])
        location.phones = phones["location"].get(location.id, [])
        location.schedules = schedules["location"].get(location.id, [])
        location.languages = languages["location"].get(location.id, [])
    for organization in organizations.values():
        organization.phones = phones["organization"].get(organization.id, [])
    sals_by_service = _group(sals, "service_id")
    for sal in sals:
        sal.location = locations[sal.location_id]
        sal.phones = phones["service_at_location"].get(sal.id, [])
        sal.schedules = schedules["service_at_location"].get(sal.id, [])
        sal.service_areas = areas["service_at_location"].get(sal.id, [])
    for service in services:
        service.organization = organizations[service.organization_id]
        service.program = programs.get(service.program_id)
        service.service_at_locations = sals_by_service.get(service.id, [])
        service.phones = phones["service"].get(service.id, [])
        service.schedules = schedules["service"].get(service.id, [])
        service.languages = languages["service"].get(service.id, [])
        service.service_areas = areas["service"].get(service.id, [])
        service.search_term_ids = terms.get(service.id, [])
    return services


def _services_in_place_order() -> list[uuid.UUID]:
    """The services to index, those of one place together.

    A search reads the documents of one place: stored in this order (and numbered in it,
    which orders SQLite's full-text lists), they share disk pages instead of each being
    on its own (PostgreSQL at 1,000,000 listings: a 25-mile search read 5,300 pages for
    2,700 documents). Ordered by a service's first location that is not confidential
    (a confidential one is never a reason for anything to be placed near it); services
    without one come last.
    """
    ids = list(
        directory.Service.objects.filter(status__in=documents.INDEXED_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    places: dict[uuid.UUID, int] = {}
    located = (
        directory.ServiceAtLocation.objects.filter(
            service__status__in=documents.INDEXED_STATUSES,
            location__confidential=False,
            location__latitude__range=(-90, 90),
            location__longitude__range=(-180, 180),
        )
        .order_by("service_id", "pk")
        .values_list("service_id", "location__latitude", "location__longitude")
    )
    for service_id, latitude, longitude in located.iterator(chunk_size=10_000):
        if service_id not in places and latitude is not None and longitude is not None:
            places[service_id] = geo.z_order(latitude, longitude)
    return sorted(ids, key=lambda pk: (pk not in places, places.get(pk, 0)))


def _place_order(document: documents.DocumentData) -> tuple[bool, int]:
    """Documents in the order of the places they show (without a position: last)."""
    if document.latitude is None or document.longitude is None:
        return True, 0
    return False, geo.z_order(document.latitude, document.longitude)


def _term_catalog() -> documents.TermCatalog:
    return documents.TermCatalog(
        directory.TaxonomyTerm.objects.only("id", "name", "translations", "parent_id")
    )


def _build(
    service_ids: list[uuid.UUID], terms: documents.TermCatalog
) -> list[documents.DocumentData]:
    services = load_services(service_ids)
    zone = hours.default_zone()
    built: list[documents.DocumentData] = []
    for service in services:
        built.extend(documents.build_documents(service, terms=terms, default_zone=zone))
    return built


DOCUMENT_FIELDS = (
    "service_id",
    "service_at_location_id",
    "location_id",
    "tokens",
    "name_tokens",
    "category_tokens",
    "organization_tokens",
    "flags",
    "minimum_age",
    "maximum_age",
    "latitude",
    "longitude",
    "band",
    "name",
    "name_es",
    "organization_name",
    "organization_name_es",
    "place",
    "summary",
    "summary_es",
    "phone",
    "phone_extension",
    "phone_outcome",
    "assured_date",
    "time_zone",
    "opening_rules",
    "sort_name",
)


def _rule_values(rule: hours.Rule) -> tuple[Any, ...]:
    return tuple(getattr(rule, name) for name in hours.RULE_FIELDS)


def _insert(built: list[documents.DocumentData], now: dt.datetime) -> None:
    """Insert documents through the ORM (incremental updates: a few rows)."""
    rows = [SearchDocument(indexed_at=now, **doc.model_fields()) for doc in built]
    SearchDocument.objects.bulk_create(rows, batch_size=500)
    SearchHours.objects.bulk_create(
        [
            SearchHours(
                document_id=row.pk, **dict(zip(hours.RULE_FIELDS, _rule_values(rule), strict=True))
            )
            for row, doc in zip(rows, built, strict=True)
            for rule in doc.rules
        ],
        batch_size=1000,
    )


def _insert_fast(built: list[documents.DocumentData], now: dt.datetime, first_id: int) -> int:
    """Insert documents with ids from ``first_id`` (full rebuild); returns the next id."""
    fields = (
        "id",
        "indexed_at",
        *(f.removesuffix("_id") if f.endswith("_id") else f for f in DOCUMENT_FIELDS),
    )
    doc_rows: list[tuple[Any, ...]] = []
    hour_rows: list[tuple[Any, ...]] = []
    next_id = first_id
    for doc in built:
        values = doc.model_fields()
        doc_rows.append((next_id, now, *(values[f] for f in DOCUMENT_FIELDS)))
        hour_rows.extend((next_id, *_rule_values(rule)) for rule in doc.rules)
        next_id += 1
    bulk.insert_rows(SearchDocument, fields, doc_rows)
    bulk.insert_rows(SearchHours, ("document", *hours.RULE_FIELDS), hour_rows)
    return next_id


def _facets(
    built: Iterable[documents.DocumentData],
) -> tuple[dict[str, documents.Term], dict[str, str], Counter[str], set[str]]:
    categories: dict[str, documents.Term] = {}
    languages: dict[str, str] = {}
    counts: Counter[str] = Counter()
    zones: set[str] = set()
    for doc in built:
        for term_id, term in doc.categories.items():
            categories[str(term_id)] = term
            counts["category:" + str(term_id)] += 1
        for code, name in doc.languages.items():
            languages.setdefault(code, name)
            counts["language:" + code] += 1
        zones.update(rule.time_zone for rule in doc.rules)
    return categories, languages, counts, zones


def _facet_rows(
    categories: dict[str, documents.Term],
    languages: dict[str, str],
    counts: Counter[str],
    zones: set[str],
) -> list[SearchFacet]:
    rows = [
        SearchFacet(
            kind=FacetKind.CATEGORY,
            value=value,
            label=term.name[:300],
            label_es=term.name_es[:300],
            parent_value=str(term.parent_id) if term.parent_id else "",
            document_count=counts["category:" + value],
        )
        for value, term in categories.items()
    ]
    rows += [
        SearchFacet(
            kind=FacetKind.LANGUAGE,
            value=code,
            label=name[:300],
            document_count=counts["language:" + code],
        )
        for code, name in languages.items()
    ]
    rows += [SearchFacet(kind=FacetKind.TIME_ZONE, value=zone, label=zone) for zone in zones]
    return rows


def _vocabulary_words(counts: Counter[str]) -> Counter[str]:
    """Listing words, plus the everyday words of the concepts (so "abogdo" finds
    "abogado" even where listings only say "attorney")."""
    words = Counter(counts)
    for concept in vocabulary.CONCEPTS:
        for word in concept.words:
            spelled = text.spelling_word(word)
            if spelled:
                words.setdefault(spelled, 0)
    return words


def _chunks(items: Iterable[uuid.UUID], size: int) -> Iterator[list[uuid.UUID]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _bump_state(*, rebuilt: bool = False, refreshed_at: dt.datetime | None = None) -> None:
    state, _created = SearchIndexState.objects.get_or_create(id=1)
    # Random, not a counter: a version a rolled-back transaction used can never come back
    # with other contents, so caches keyed by it stay right (see engine._last_state).
    state.version = secrets.randbits(62)
    state.document_count = SearchDocument.objects.count()
    if rebuilt:
        state.rebuilt_at = timezone.now()
        state.format_version = INDEX_FORMAT
    if refreshed_at is not None:
        state.refreshed_at = refreshed_at
    state.save()


def search_index_rebuild(
    *, batch_size: int = BATCH_SIZE, progress: Callable[[int, int], None] | None = None
) -> int:
    """Rebuild every document, the vocabulary and the menus; returns the document count.

    Runs in one transaction: searches keep reading the previous index until it commits.
    """
    started = timezone.now()
    service_ids = _services_in_place_order()
    with transaction.atomic():
        fts.ensure_schema()
        fts.bulk_load_begin()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM directory_search_searchhours")
            cursor.execute("DELETE FROM directory_search_searchdocument")
        SearchFacet.objects.all().delete()
        SearchToken.objects.all().delete()
        SearchWord.objects.all().delete()
        SearchSpelling.objects.all().delete()

        terms = _term_catalog()
        token_counts: dict[str, Counter[str]] = {
            column: Counter() for column in documents.COUNTED_FIELDS
        }
        word_counts: Counter[str] = Counter()
        categories: dict[str, documents.Term] = {}
        languages: dict[str, str] = {}
        facet_counts: Counter[str] = Counter()
        zones: set[str] = set()
        done = 0
        next_id = 1
        for chunk in _chunks(service_ids, batch_size):
            built = sorted(_build(chunk, terms), key=_place_order)
            next_id = _insert_fast(built, started, next_id)
            for column, counter in documents.token_counts(built).items():
                token_counts[column].update(counter)
            word_counts.update(documents.word_counts(built))
            c, lang, counts, z = _facets(built)
            categories.update(c)
            for code, name in lang.items():
                languages.setdefault(code, name)
            facet_counts.update(counts)
            zones |= z
            done += len(chunk)
            if progress is not None:
                progress(done, len(service_ids))
        bulk.reset_sequence(SearchDocument)
        fts.bulk_load_end()

        columns = list(documents.COUNTED_FIELDS)
        bulk.insert_rows(
            SearchToken,
            ("token", *columns),
            (
                (token, *(token_counts[column][token] for column in columns))
                for token in token_counts["document_count"]
            ),
        )
        all_words = _vocabulary_words(word_counts)
        bulk.insert_rows(SearchWord, ("word", "document_count"), all_words.items())
        bulk.insert_rows(
            SearchSpelling,
            ("key", "word"),
            ((key, word) for word in all_words for key in spelling_keys(word)),
        )
        bulk.reset_sequence(SearchSpelling)
        SearchFacet.objects.bulk_create(_facet_rows(categories, languages, facet_counts, zones))
        _bump_state(rebuilt=True, refreshed_at=started)
    fts.compact()
    fts.analyze()
    return SearchDocument.objects.count()


def search_index_services(*, service_ids: Iterable[uuid.UUID]) -> int:
    """Rebuild the documents of these services; returns how many documents they have now.

    Call it in the transaction that changed them, so listing and index change together.
    """
    ids = sorted(set(service_ids))
    if not ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        fields = documents.COUNTED_FIELDS
        old: dict[str, Counter[str]] = {column: Counter() for column in fields}
        for row in SearchDocument.objects.filter(service_id__in=ids).values(*fields.values()):
            for column, attribute in fields.items():
                old[column].update(row[attribute].split())
        SearchDocument.objects.filter(service_id__in=ids).delete()

        built = _build(ids, _term_catalog())
        _insert(built, now)
        new = documents.token_counts(built)
        new_words = documents.word_counts(built)

        SearchToken.objects.bulk_create(
            [SearchToken(token=t) for t in set(new["document_count"]) | set(old["document_count"])],
            ignore_conflicts=True,
        )
        for column in fields:
            delta: Counter[str] = Counter(new[column])
            delta.subtract(old[column])
            by_change: dict[int, list[str]] = defaultdict(list)
            for token, change in delta.items():
                if change:
                    by_change[change].append(token)
            for change, tokens in by_change.items():
                SearchToken.objects.filter(token__in=tokens).update(**{column: F(column) + change})

        known = set(
            SearchWord.objects.filter(word__in=list(new_words)).values_list("word", flat=True)
        )
        fresh = [w for w in new_words if w not in known]
        SearchWord.objects.bulk_create(
            [SearchWord(word=w, document_count=new_words[w]) for w in fresh],
            ignore_conflicts=True,
        )
        SearchSpelling.objects.bulk_create(
            [SearchSpelling(key=key, word=w) for w in fresh for key in spelling_keys(w)],
            ignore_conflicts=True,
        )
        categories, languages, counts, zones = _facets(built)
        SearchFacet.objects.bulk_create(
            _facet_rows(categories, languages, counts, zones), ignore_conflicts=True
        )
        _bump_state()
    return len(built)


def _changed_service_ids(since: dt.datetime) -> set[uuid.UUID]:
    """Services any of whose indexed rows changed at or after ``since``."""
    d = directory
    changed: set[uuid.UUID] = set()

    def add(values: Iterable[uuid.UUID | None]) -> None:
        changed.update(v for v in values if v is not None)

    recent = Q(updated_at__gte=since)
    add(d.Service.objects.filter(recent).values_list("pk", flat=True))
    add(d.Service.objects.filter(organization__updated_at__gte=since).values_list("pk", flat=True))
    add(d.Service.objects.filter(program__updated_at__gte=since).values_list("pk", flat=True))
    add(d.ServiceAtLocation.objects.filter(recent).values_list("service_id", flat=True))
    add(
        d.ServiceAtLocation.objects.filter(location__updated_at__gte=since).values_list(
            "service_id", flat=True
        )
    )
    location_ids = set(d.Address.objects.filter(recent).values_list("location_id", flat=True))
    children: list[QuerySet[Any]] = [
        d.Phone.objects.filter(recent),
        d.Schedule.objects.filter(recent),
        d.Language.objects.filter(recent),
    ]
    for rows in children:
        add(rows.exclude(service=None).values_list("service_id", flat=True))
        location_ids |= set(rows.exclude(location=None).values_list("location_id", flat=True))
    for rows in children[:2]:
        add(
            rows.exclude(service_at_location=None).values_list(
                "service_at_location__service_id", flat=True
            )
        )
    phones = d.Phone.objects.filter(recent).exclude(organization=None)
    add(
        d.Service.objects.filter(organization_id__in=phones.values("organization_id")).values_list(
            "pk", flat=True
        )
    )
    areas = d.ServiceArea.objects.filter(recent)
    add(areas.exclude(service=None).values_list("service_id", flat=True))
    add(
        areas.exclude(service_at_location=None).values_list(
            "service_at_location__service_id", flat=True
        )
    )
    if location_ids:
        add(
            d.ServiceAtLocation.objects.filter(location_id__in=location_ids).values_list(
                "service_id", flat=True
            )
        )
    attributes = d.Attribute.objects.filter(link_entity=d.LinkEntity.SERVICE)
    add(attributes.filter(recent).values_list("link_id", flat=True))
    add(attributes.filter(taxonomy_term__updated_at__gte=since).values_list("link_id", flat=True))
    return changed


def search_index_refresh(*, batch_size: int = BATCH_SIZE) -> int:
    """Reindex the services changed since the last refresh; returns how many.

    Run after every import (in its transaction), by ``make run`` and every few minutes
    by the scheduler. Rebuilds everything instead when the index was never built or
    has an older format (an upgrade), or when so many services changed that one pass
    over all of them costs less.

    Deleting a child row (a phone, a schedule) does not touch its service's
    ``updated_at``: code that deletes children calls ``search_index_services`` itself,
    and the nightly rebuild catches anything else.
    """
    state = SearchIndexState.objects.filter(id=1).first()
    since = state.refreshed_at if state is not None else None
    started = timezone.now()
    if since is None or state is None or state.format_version != INDEX_FORMAT:
        search_index_rebuild(batch_size=batch_size)
        return directory.Service.objects.count()
    # A little overlap, so a change committed while the last refresh ran is not missed.
    ids = _changed_service_ids(since - dt.timedelta(minutes=5))
    if len(ids) > REBUILD_SHARE * max(directory.Service.objects.count(), 1):
        search_index_rebuild(batch_size=batch_size)
        return len(ids)
    if not ids:
        # Nothing changed: the version stays, so no process reads its counts again and
        # no search runs twice (a new version every 15 minutes did both).
        SearchIndexState.objects.filter(id=1).update(refreshed_at=started)
        return 0
    for chunk in _chunks(sorted(ids), batch_size):
        search_index_services(service_ids=chunk)
    _bump_state(refreshed_at=started)
    return len(ids)


def index_is_empty() -> bool:
    return not SearchDocument.objects.exists()
