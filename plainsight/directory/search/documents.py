"""From directory records to search documents (pure: no queries of its own).

``build_documents`` receives a service with its related rows already loaded (see
``services.prefetched_services``) and returns one ``DocumentData`` per place the service
is offered (or one without a place). Everything a search needs is decided here: which
words go in which field, the filter codes, the flags, where a confidential location is
allowed to appear on a map (only at the centre of its ZIP code), and the opening rules.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from plainsight.directory import models as directory
from plainsight.directory.search import geo, hours, places, presentation, text, vocabulary
from plainsight.directory.search.models import Flag
from plainsight.directory.search.translations import translated

SUMMARY_LENGTH = 220
INDEXED_STATUSES = (directory.ServiceStatus.ACTIVE, directory.ServiceStatus.TEMPORARILY_CLOSED)

# ISO 639-2/3 codes and names people use → the code the filter menu uses.
_LANGUAGE_ALIASES = {
    "eng": "en",
    "english": "en",
    "ingles": "en",
    "spa": "es",
    "spanish": "es",
    "espanol": "es",
    "castellano": "es",
    "vie": "vi",
    "vietnamese": "vi",
    "tgl": "tl",
    "fil": "tl",
    "tagalog": "tl",
    "filipino": "tl",
    "zho": "zh",
    "chi": "zh",
    "chinese": "zh",
    "mandarin": "zh",
    "cmn": "zh",
    "cantonese": "yue",
    "pan": "pa",
    "punjabi": "pa",
    "kor": "ko",
    "korean": "ko",
    "ara": "ar",
    "arabic": "ar",
    "rus": "ru",
    "russian": "ru",
    "fas": "fa",
    "per": "fa",
    "farsi": "fa",
    "persian": "fa",
    "hye": "hy",
    "arm": "hy",
    "armenian": "hy",
    "hmong": "hmn",
    "mixteco": "mix",
    "mixtec": "mix",
    "asl": "ase",
    "american sign language": "ase",
    "hin": "hi",
    "hindi": "hi",
    "jpn": "ja",
    "japanese": "ja",
    "khm": "km",
    "khmer": "km",
    "lao": "lo",
    "por": "pt",
    "portuguese": "pt",
    "fra": "fr",
    "fre": "fr",
    "french": "fr",
}


def language_code(code: str, name: str) -> str:
    """A short language code from an HSDS language row ("" when unknown)."""
    raw = text.fold(code or "").strip().replace("_", "-")
    if raw:
        primary = raw.split("-")[0]
        return _LANGUAGE_ALIASES.get(primary, primary)[:12]
    folded = text.fold(name or "").strip()
    return _LANGUAGE_ALIASES.get(folded, "")


@dataclass(frozen=True)
class Term:
    id: uuid.UUID
    name: str
    name_es: str
    parent_id: uuid.UUID | None


class TermCatalog:
    """Taxonomy terms by id, with their ancestors (small: loaded once per batch)."""

    def __init__(self, terms: Iterable[Any]) -> None:
        self.terms: dict[uuid.UUID, Term] = {}
        for term in terms:
            self.terms[term.id] = Term(
                id=term.id,
                name=term.name,
                name_es=translated(term.translations, "name", "es"),
                parent_id=term.parent_id,
            )

    def with_ancestors(self, term_id: uuid.UUID) -> list[Term]:
        chain: list[Term] = []
        seen: set[uuid.UUID] = set()
        current: uuid.UUID | None = term_id
        while current is not None and current not in seen and current in self.terms:
            seen.add(current)
            term = self.terms[current]
            chain.append(term)
            current = term.parent_id
        return chain


# Yes/no filters that are also full-text tokens, so the index narrows by them too.
FLAG_TOKENS = {
    Flag.NO_POLICE_REPORT: "zfnopolice",
    Flag.MINORS_ON_THEIR_OWN: "zfminors",
    Flag.ANY_IMMIGRATION_STATUS: "zfanystatus",
    Flag.BY_PHONE: "zfphone",
    Flag.ONLINE: "zfonline",
}


def category_token(term_id: uuid.UUID | str) -> str:
    value = term_id.hex if isinstance(term_id, uuid.UUID) else uuid.UUID(str(term_id)).hex
    return "zt" + value


def language_token(code: str) -> str:
    return "zl" + text.slug(code)


@dataclass
class DocumentData:
    """One search document, its opening rules, and what it adds to the vocabulary."""

    service_id: uuid.UUID
    service_at_location_id: uuid.UUID | None
    location_id: uuid.UUID | None
    tokens: set[str]
    name_tokens: set[str]
    category_tokens: set[str]
    organization_tokens: set[str]
    flags: int
    minimum_age: int | None
    maximum_age: int | None
    latitude: float | None
    longitude: float | None
    name: str
    name_es: str
    organization_name: str
    organization_name_es: str
    place: str
    summary: str
    summary_es: str
    phone: str
    phone_extension: int | None
    phone_outcome: str
    assured_date: dt.date | None
    time_zone: str
    sort_name: str
    rules: list[hours.Rule]
    words: set[str]
    categories: dict[uuid.UUID, Term] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)

    @property
    def band(self) -> int | None:
        return None if self.latitude is None else math.floor(self.latitude * 10)

    def model_fields(self) -> dict[str, Any]:
        return {
            "service_id": self.service_id,
            "service_at_location_id": self.service_at_location_id,
            "location_id": self.location_id,
            "tokens": text.pad(self.tokens),
            "name_tokens": text.pad(self.name_tokens),
            "category_tokens": text.pad(self.category_tokens),
            "organization_tokens": text.pad(self.organization_tokens),
            "flags": self.flags,
            "minimum_age": self.minimum_age,
            "maximum_age": self.maximum_age,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "band": self.band,
            "name": self.name[:500],
            "name_es": self.name_es[:500],
            "organization_name": self.organization_name[:500],
            "organization_name_es": self.organization_name_es[:500],
            "place": self.place[:300],
            "summary": self.summary[:400],
            "summary_es": self.summary_es[:400],
            "phone": self.phone[:100],
            "phone_extension": self.phone_extension,
            "phone_outcome": self.phone_outcome[:32],
            "assured_date": self.assured_date,
            "time_zone": self.time_zone[:64],
            "opening_rules": hours.encode_rules(self.rules),
            "sort_name": self.sort_name[:120],
        }


def summarize(description: str) -> str:
    flat = " ".join(description.split())
    if len(flat) <= SUMMARY_LENGTH:
        return flat
    cut = flat[:SUMMARY_LENGTH].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


@lru_cache(maxsize=100_000)
def analyze_text(value: str, language: str) -> tuple[frozenset[str], frozenset[str]]:
    """(tokens with the concepts they bring, words for the spelling vocabulary).

    Cached: directories repeat the same texts (names of programs, boilerplate)."""
    found: set[str] = set()
    spelled: set[str] = set()
    for word in text.text_words(value):
        found.update(text.listing_word_tokens(word, language))
        folded = text.spelling_word(word)
        if folded:
            spelled.add(folded)
    found |= vocabulary.concept_tokens(found, language)
    found |= vocabulary.phrase_concept_tokens([text.fold(w) for w in text.words(value)])
    return frozenset(found), frozenset(spelled)


class _Fields:
    """Tokens per field, with the concepts they bring, and the words seen."""

    def __init__(self) -> None:
        self.tokens: dict[str, set[str]] = {"name": set(), "category": set(), "org": set()}
        self.body: set[str] = set()
        self.words: set[str] = set()

    def add(self, field_name: str, value: str, language: str) -> None:
        if not value:
            return
        found, spelled = analyze_text(value, language)
        self.words |= spelled
        if field_name == "body":
            self.body |= found
        else:
            self.tokens[field_name] |= found

    def all_tokens(self) -> set[str]:
        return self.body.union(*self.tokens.values())


def _rows(value: Any) -> list[Any]:
    """Children as a list, from a loaded list or from a Django related manager."""
    return value if isinstance(value, list) else list(value.all())


def _valid_point(latitude: float | None, longitude: float | None) -> bool:
    if latitude is None or longitude is None:
        return False
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return False
    return not (latitude == 0 and longitude == 0)


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit() or ch == "+")


def _pick_phone(candidates: list[Any]) -> Any | None:
    """The number a result card offers to call: voice lines first, then any other the
    listing page also offers to call (never a text-only line, a fax or a pager: the card
    says "Call" with a tel: link)."""
    for phone in candidates:
        if _digits(phone.number) and (phone.type or "voice") in {"voice", "cell"}:
            return phone
    for phone in candidates:
        if _digits(phone.number) and (phone.type or "") not in presentation.NOT_FOR_CALLS:
            return phone
    return None


def schedule_input(schedule: Any) -> hours.ScheduleInput:
    return hours.ScheduleInput(
        freq=schedule.freq,
        byday=schedule.byday,
        bymonthday=schedule.bymonthday,
        byweekno=schedule.byweekno,
        byyearday=schedule.byyearday,
        interval=schedule.interval,
        count=schedule.count,
        dtstart=schedule.dtstart,
        until=schedule.until,
        valid_from=schedule.valid_from,
        valid_to=schedule.valid_to,
        opens_at=schedule.opens_at,
        closes_at=schedule.closes_at,
        iana_timezone=schedule.iana_timezone,
    )


def _area_tokens(areas: Iterable[Any]) -> set[str]:
    tokens: set[str] = set()
    for area in areas:
        if area.area_type and area.area_code.strip():
            tokens.add(places.area_token(area.area_type, area.area_code.strip()))
    return tokens


def _address_area_tokens(address: Any | None) -> set[str]:
    """A service with no service area serves where it is: its ZIP, city and county
    (not its whole state or country, which would make "serves my area" meaningless)."""
    if address is None:
        return set()
    tokens: set[str] = set()
    if address.postal_code:
        tokens.add(places.area_token("postal_code", address.postal_code[:5]))
        row = places.zip_row(address.postal_code)
        if row is not None:
            tokens.add(places.area_token("county", row.county_fips))
    if address.city:
        tokens.add(places.area_token("city", address.city))
    return tokens


def _physical_address(location: Any) -> Any | None:
    addresses = _rows(location.addresses)
    for address in addresses:
        if address.address_type == directory.AddressType.PHYSICAL:
            return address
    return addresses[0] if addresses else None


def build_documents(service: Any, *, terms: TermCatalog, default_zone: str) -> list[DocumentData]:
    """The documents of one service (none if it is inactive or defunct)."""
    if service.status not in INDEXED_STATUSES:
        return []
    organization = service.organization
    shared = _Fields()
    shared.add("name", service.name, "en")
    shared.add("name", service.alternate_name, "en")
    shared.add("name", translated(service.translations, "name", "es"), "es")
    shared.add("org", organization.name, "en")
    shared.add("org", organization.alternate_name, "en")
    shared.add("org", translated(organization.translations, "name", "es"), "es")
    for attr in (
        "description",
        "eligibility_description",
        "application_process",
        "fees_description",
        "interpretation_services",
    ):
        shared.add("body", getattr(service, attr), "en")
        shared.add("body", translated(service.translations, attr, "es"), "es")
    if service.program is not None:
        shared.add("body", service.program.name, "en")

    categories: dict[uuid.UUID, Term] = {}
    for term_id in getattr(service, "search_term_ids", ()):
        for term in terms.with_ancestors(term_id):
            categories[term.id] = term
    for term in categories.values():
        shared.add("category", term.name, "en")
        shared.add("category", term.name_es, "es")

    service_languages: dict[str, str] = {}
    for language in _rows(service.languages):
        code = language_code(language.code, language.name)
        if code:
            service_languages[code] = language.name or code

    flags = 0
    if service.free_of_charge:
        flags |= Flag.FREE
    if service.police_report_required is False:
        flags |= Flag.NO_POLICE_REPORT
    if service.serves_minors_without_guardian:
        flags |= Flag.MINORS_ON_THEIR_OWN
    if service.immigration_status_neutral:
        flags |= Flag.ANY_IMMIGRATION_STATUS
    if service.t_u_visa_assistance:
        flags |= Flag.T_U_VISA
    methods = set(service.delivery_methods or [])
    if methods & {directory.DeliveryMethod.PHONE, directory.DeliveryMethod.TEXT}:
        flags |= Flag.BY_PHONE
    if directory.DeliveryMethod.ONLINE in methods:
        flags |= Flag.ONLINE
    if methods & {directory.DeliveryMethod.IN_PERSON, directory.DeliveryMethod.OUTREACH}:
        flags |= Flag.IN_PERSON
    if service.open_24_7:
        flags |= Flag.OPEN_24_7
    if service.demo_data or organization.demo_data:
        flags |= Flag.DEMO
    if service.status == directory.ServiceStatus.TEMPORARILY_CLOSED:
        flags |= Flag.TEMPORARILY_CLOSED

    service_areas = _area_tokens(_rows(service.service_areas))
    service_phones = _rows(service.phones)
    organization_phones = _rows(organization.phones)
    service_rules = [
        rule
        for schedule in _rows(service.schedules)
        for rule in hours.rules_for(schedule_input(schedule), default_zone)
    ]

    name_es = translated(service.translations, "name", "es")
    description_es = translated(service.translations, "description", "es")
    base = {
        "service_id": service.id,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "name": service.name,
        "name_es": name_es,
        "organization_name": organization.name,
        "organization_name_es": translated(organization.translations, "name", "es"),
        "summary": summarize(service.description),
        "summary_es": summarize(description_es) if description_es else "",
        "assured_date": service.assured_date,
        "sort_name": text.fold(service.name)[:120],
        "categories": categories,
    }

    documents: list[DocumentData] = []
    sals = _rows(service.service_at_locations)
    if not sals:
        documents.append(
            _document(
                base,
                shared,
                extra=_Fields(),
                flags=flags,
                filter_tokens=service_areas,
                languages=service_languages,
                latitude=None,
                longitude=None,
                place="",
                phone=_pick_phone(service_phones + organization_phones),
                rules=service_rules,
                zone=default_zone,
                sal_id=None,
                location_id=None,
            )
        )
        return documents

    for sal in sals:
        location = sal.location
        extra = _Fields()
        zone = hours.valid_zone(location.iana_timezone) or default_zone
        languages = dict(service_languages)
        for language in _rows(location.languages):
            code = language_code(language.code, language.name)
            if code:
                languages.setdefault(code, language.name or code)
        address = _physical_address(location)
        doc_flags = flags
        if location.location_type == directory.LocationType.VIRTUAL:
            doc_flags |= Flag.ONLINE
        elif location.location_type == directory.LocationType.PHYSICAL:
            doc_flags |= Flag.IN_PERSON
        latitude: float | None = None
        longitude: float | None = None
        if location.confidential:
            doc_flags |= Flag.CONFIDENTIAL
            # Never the address: the centre of its ZIP code at most, and no place text.
            row = places.zip_row(address.postal_code) if address is not None else None
            if row is not None:
                latitude, longitude = row.latitude, row.longitude
            place = ""
        else:
            if _valid_point(location.latitude, location.longitude):
                latitude, longitude = location.latitude, location.longitude
            parts = []
            if location.name and location.name not in {service.name, organization.name}:
                parts.append(location.name)
            if address is not None and address.city:
                parts.append(address.city)
            place = " · ".join(parts)
            extra.add("body", location.name, "en")
            extra.add("body", translated(location.translations, "name", "es"), "es")
            if address is not None:
                extra.add("body", address.city, "en")
        areas = service_areas | _area_tokens(_rows(sal.service_areas))
        if not areas:
            areas = _address_area_tokens(address)
        sal_rules = [
            rule
            for schedule in _rows(sal.schedules)
            for rule in hours.rules_for(schedule_input(schedule), zone)
        ]
        location_rules = [
            rule
            for schedule in _rows(location.schedules)
            for rule in hours.rules_for(schedule_input(schedule), zone)
        ]
        rules = sal_rules or service_rules or location_rules
        phone = _pick_phone(
            _rows(sal.phones) + service_phones + _rows(location.phones) + organization_phones
        )
        documents.append(
            _document(
                base,
                shared,
                extra=extra,
                flags=doc_flags,
                filter_tokens=areas,
                languages=languages,
                latitude=latitude,
                longitude=longitude,
                place=place,
                phone=phone,
                rules=rules,
                zone=zone,
                sal_id=sal.id,
                location_id=location.id,
            )
        )
    return documents


def _document(
    base: dict[str, Any],
    shared: _Fields,
    *,
    extra: _Fields,
    flags: int,
    filter_tokens: set[str],
    languages: dict[str, str],
    latitude: float | None,
    longitude: float | None,
    place: str,
    phone: Any | None,
    rules: list[hours.Rule],
    zone: str,
    sal_id: uuid.UUID | None,
    location_id: uuid.UUID | None,
) -> DocumentData:
    categories: dict[uuid.UUID, Term] = base["categories"]
    tokens = shared.all_tokens() | extra.all_tokens() | filter_tokens
    tokens |= {category_token(term_id) for term_id in categories}
    tokens |= {language_token(code) for code in languages}
    tokens |= geo.cell_tokens(latitude, longitude)
    tokens |= {token for flag, token in FLAG_TOKENS.items() if flags & flag}
    if not flags & Flag.TEMPORARILY_CLOSED:
        tokens |= hours.slot_tokens(rules)
        if flags & Flag.OPEN_24_7:
            tokens.add(hours.ALWAYS)
    if latitude is None:
        tokens |= {geo.nowhere_token(token) for token in filter_tokens}
    return DocumentData(
        service_id=base["service_id"],
        service_at_location_id=sal_id,
        location_id=location_id,
        tokens=tokens,
        name_tokens=set(shared.tokens["name"]),
        category_tokens=set(shared.tokens["category"]),
        organization_tokens=set(shared.tokens["org"]),
        flags=flags,
        minimum_age=base["minimum_age"],
        maximum_age=base["maximum_age"],
        latitude=latitude,
        longitude=longitude,
        name=base["name"],
        name_es=base["name_es"],
        organization_name=base["organization_name"],
        organization_name_es=base["organization_name_es"],
        place=place,
        summary=base["summary"],
        summary_es=base["summary_es"],
        phone=phone.number if phone is not None else "",
        phone_extension=phone.extension if phone is not None else None,
        phone_outcome=phone.call_outcome if phone is not None else "",
        assured_date=base["assured_date"],
        time_zone=zone,
        sort_name=base["sort_name"],
        rules=rules,
        words=shared.words | extra.words,
        categories=categories,
        languages=languages,
    )


# SearchToken count columns, and the document fields they count.
COUNTED_FIELDS = {
    "document_count": "tokens",
    "name_count": "name_tokens",
    "category_count": "category_tokens",
    "organization_count": "organization_tokens",
}


def token_counts(documents: Iterable[DocumentData]) -> dict[str, Counter[str]]:
    """Per SearchToken count column: token → documents of the batch."""
    counts: dict[str, Counter[str]] = {column: Counter() for column in COUNTED_FIELDS}
    for document in documents:
        for column, attribute in COUNTED_FIELDS.items():
            counts[column].update(getattr(document, attribute))
    return counts


def word_counts(documents: Iterable[DocumentData]) -> Counter[str]:
    """Word → documents of the batch (the spelling vocabulary)."""
    words: Counter[str] = Counter()
    for document in documents:
        words.update(document.words)
    return words
