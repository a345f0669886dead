"""Realistic synthetic directories of any size, for tests and benchmarks.

``generate(services=100_000, seed=1)`` writes a statewide California directory in
which every organization, service, location, phone, schedule, service area, language
and category looks like real data — plausible names in English with Spanish
translations, addresses in real California cities and ZIP codes, coordinates a few
kilometres around the ZIP's centroid, office hours in America/Los_Angeles, a few
confidential shelters — without any real 211 record or AIRS code. The same seed gives
the same directory (ids included). Rows are written with ``bulk_create`` in batches,
so memory stays flat and 100,000 services take a few minutes on SQLite.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from plainsight.directory import demo, importing, models, places

TIME_ZONE = "America/Los_Angeles"


@dataclass(frozen=True)
class Kind:
    """A kind of service: its categories, name patterns and what it is like."""

    categories: tuple[str, ...]
    names: tuple[str, ...]
    names_es: tuple[str, ...]
    description: str
    description_es: str
    open_24_7: float = 0.0
    confidential: float = 0.0
    delivery: tuple[str, ...] = ("in_person",)
    weight: int = 1


KINDS: tuple[Kind, ...] = (
    Kind(
        ("crisis-line", "domestic-violence"),
        ("{place} Crisis Line", "{place} 24-Hour Hotline"),
        ("Línea de crisis de {place}", "Línea de 24 horas de {place}"),
        "Talk with a trained advocate any time about abuse, assault or feeling unsafe.",
        "Hable a cualquier hora con una persona capacitada sobre abuso o si no se siente segura.",
        open_24_7=0.9,
        delivery=("phone", "text"),
        weight=2,
    ),
    Kind(
        ("emergency-shelter", "domestic-violence"),
        ("{place} Safe House", "{org} Emergency Shelter"),
        ("Casa segura de {place}", "Refugio de emergencia de {org}"),
        "Confidential emergency shelter for survivors and their children.",
        "Refugio de emergencia confidencial para sobrevivientes y sus hijos.",
        open_24_7=0.8,
        confidential=0.85,
        weight=2,
    ),
    Kind(
        ("transitional-housing",),
        ("{place} Transitional Housing", "{org} Housing Program"),
        ("Vivienda de transición de {place}", "Programa de vivienda de {org}"),
        "Housing for up to two years with case management.",
        "Vivienda hasta por dos años con apoyo de una trabajadora social.",
        weight=2,
    ),
    Kind(
        ("trafficking-advocacy",),
        ("{place} Survivor Advocacy", "{org} Anti-Trafficking Program"),
        ("Apoyo a sobrevivientes en {place}", "Programa contra la trata de {org}"),
        "Advocates help survivors of labor and sex trafficking with safety, housing and court.",
        "Ayuda para sobrevivientes de trata laboral y sexual: seguridad, vivienda y la corte.",
        delivery=("in_person", "phone"),
        weight=2,
    ),
    Kind(
        ("legal-help", "victim-rights"),
        ("{place} Legal Aid", "{org} Victim Legal Clinic"),
        ("Ayuda legal de {place}", "Clínica legal para víctimas de {org}"),
        "Free legal advice: restraining orders, family law, housing and benefits.",
        "Asesoría legal gratuita: órdenes de restricción, familia, vivienda y beneficios.",
        weight=3,
    ),
    Kind(
        ("immigration-legal-help",),
        ("{place} Immigration Legal Services", "{org} Immigrant Rights Clinic"),
        ("Servicios legales de inmigración de {place}", "Clínica de derechos de inmigrantes"),
        "Help with T and U visas, asylum and other immigration matters, whatever your status.",
        "Ayuda con visas T y U, asilo y otros trámites, sin importar su estatus.",
        weight=2,
    ),
    Kind(
        ("labor-rights",),
        ("{place} Workers' Rights Center", "{org} Farmworker Legal Help"),
        ("Centro de derechos laborales de {place}", "Ayuda legal para campesinos de {org}"),
        "Help with unpaid wages, unsafe work and employers who take documents.",
        "Ayuda con salarios no pagados, trabajo peligroso y patrones que quitan documentos.",
        weight=2,
    ),
    Kind(
        ("counseling",),
        ("{place} Counseling Center", "{org} Trauma Therapy"),
        ("Centro de consejería de {place}", "Terapia para el trauma de {org}"),
        "Counseling for adults, youth and families after violence or trauma.",
        "Consejería para personas adultas, jóvenes y familias después de la violencia.",
        delivery=("in_person", "online"),
        weight=3,
    ),
    Kind(
        ("medical-care",),
        ("{place} Community Clinic", "{org} Health Center"),
        ("Clínica comunitaria de {place}", "Centro de salud de {org}"),
        "Medical care on a sliding scale, including exams after an assault.",
        "Atención médica según sus ingresos, incluso exámenes después de una agresión.",
        weight=3,
    ),
    Kind(
        ("food",),
        ("{place} Food Pantry", "{org} Community Meals"),
        ("Despensa de comida de {place}", "Comidas comunitarias de {org}"),
        "Free groceries every week; no documents needed.",
        "Comida gratis cada semana; no se piden documentos.",
        weight=3,
    ),
    Kind(
        ("transportation",),
        ("{place} Ride Program", "{org} Bus Pass Help"),
        ("Programa de transporte de {place}", "Ayuda con pases de autobús de {org}"),
        "Rides to appointments, court and shelter.",
        "Transporte a citas, a la corte y al refugio.",
        delivery=("outreach",),
        weight=1,
    ),
    Kind(
        ("youth-services",),
        ("{place} Youth Drop-In Center", "{org} Teen Services"),
        ("Centro para jóvenes de {place}", "Servicios para adolescentes de {org}"),
        "A safe place for young people, including those on their own.",
        "Un lugar seguro para jóvenes, incluso si están solos.",
        weight=2,
    ),
    Kind(
        ("tribal-services",),
        ("{place} Native Family Services", "{org} Tribal Advocacy"),
        ("Servicios para familias indígenas de {place}", "Apoyo tribal de {org}"),
        "Culturally grounded help for Native survivors and families; open to all.",
        "Ayuda con respeto a la cultura para familias indígenas; abierto a todas las personas.",
        weight=1,
    ),
)
ORG_SUFFIXES = (
    "Family Resource Center",
    "Community Services",
    "Alliance",
    "Coalition",
    "Outreach",
    "Legal Aid Society",
    "Health Network",
    "Hope Center",
    "Women's Center",
    "Youth Project",
)
ORG_PREFIXES = (
    "Valley",
    "Sierra",
    "Golden State",
    "Central",
    "Pacific",
    "Desert",
    "Harvest",
    "Mission",
    "Unity",
    "New Dawn",
    "Riverbend",
    "Oak Tree",
    "Sunrise",
    "Bridge",
)
STREETS = (
    "Main St",
    "Chester Ave",
    "Union Ave",
    "Oak St",
    "Truxtun Ave",
    "California Ave",
    "Niles St",
    "Ming Ave",
    "Olive Dr",
    "Brundage Ln",
    "1st St",
    "Central Ave",
    "Broadway",
    "Mission Blvd",
    "El Camino Real",
    "Park Ave",
    "Church St",
    "Lincoln Ave",
)
LANGUAGES = (
    ("en", "English", 1.0),
    ("es", "Spanish", 0.75),
    ("tl", "Tagalog", 0.06),
    ("vi", "Vietnamese", 0.05),
    ("pa", "Punjabi", 0.05),
    ("zh", "Chinese", 0.05),
    ("mix", "Mixteco", 0.03),
    ("hmn", "Hmong", 0.03),
    ("ar", "Arabic", 0.02),
)
HOURS = (
    ("08:00", "17:00"),
    ("09:00", "17:00"),
    ("08:30", "16:30"),
    ("09:00", "18:00"),
    ("10:00", "19:00"),
    ("07:30", "16:00"),
)
BATCH = 2000


@dataclass
class Summary:
    organizations: int = 0
    services: int = 0
    locations: int = 0
    rows: dict[str, int] = field(default_factory=dict)


def ensure_taxonomy() -> dict[str, uuid.UUID]:
    """The PlainSight categories (loaded from the demo's taxonomy), code → term id."""
    payload = json.dumps(demo._terms(), ensure_ascii=False).encode()
    report = importing.run_import([(payload, "categories")], file_format=models.ImportFormat.JSON)
    if not report.ok:  # pragma: no cover — the demo taxonomy is checked by its own tests
        raise RuntimeError(str(report.errors[0]))
    return {code: uuid.UUID(demo.uid(f"term:{code}")) for code, *_rest in demo.CATEGORIES}


class _Row:
    """One row to insert: the model and its column values (foreign keys as ids)."""

    __slots__ = ("model", "values")

    def __init__(self, model: type[Any], **values: Any) -> None:
        self.model = model
        for name in [n for n, v in values.items() if isinstance(v, _Row | models.Unit)]:
            values[f"{name}_id"] = values.pop(name).id
        self.values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


class _Writer:
    """Collects rows per table and inserts them in batches with ``executemany``.

    Going around model instances and ``bulk_create`` is what makes 100,000 services
    a matter of a minute or two: values are converted once per column type with the
    database backend's own adapters, exactly as the ORM would store them.
    """

    ORDER = (
        models.Organization,
        models.Location,
        models.Address,
        models.Service,
        models.ServiceAtLocation,
        models.Phone,
        models.Language,
        models.Schedule,
        models.ServiceArea,
        models.Attribute,
        models.ServiceCapacity,
    )

    def __init__(self, summary: Summary, now: dt.datetime) -> None:
        self.summary = summary
        self.tables = {model: _Table(model, now) for model in self.ORDER}

    def add(self, row: _Row) -> None:
        self.tables[row.model].add(row.values)

    def flush(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for model in self.ORDER:
                table = self.tables[model]
                if table.rows:
                    for start in range(0, len(table.rows), BATCH):
                        cursor.executemany(table.sql, table.rows[start : start + BATCH])
                    name = model._meta.model_name or ""
                    self.summary.rows[name] = self.summary.rows.get(name, 0) + len(table.rows)
                    table.rows = []


class _Table:
    def __init__(self, model: type[Any], now: dt.datetime) -> None:
        fields = list(model._meta.concrete_fields)
        quote = connection.ops.quote_name
        self.attnames = [f.attname for f in fields]
        self.converters = [_converter(f) for f in fields]
        self.defaults: dict[str, Any] = {}
        for f in fields:
            if f.attname == "updated_at":
                self.defaults[f.attname] = now
            elif f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            else:
                self.defaults[f.attname] = ""
        self.sql = (
            # Identifiers come from the models and are quoted by the backend; values are
            # parameters.
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        self.rows: list[tuple[Any, ...]] = []

    def add(self, values: dict[str, Any]) -> None:
        defaults = self.defaults
        self.rows.append(
            tuple(
                convert(values[name] if name in values else defaults[name])
                for name, convert in zip(self.attnames, self.converters, strict=True)
            )
        )


def _converter(model_field: Any) -> Callable[[Any], Any]:
    ops = connection.ops
    internal = model_field.get_internal_type()
    if internal == "UUIDField" or (
        model_field.is_relation and model_field.target_field.get_internal_type() == "UUIDField"
    ):
        if connection.features.has_native_uuid_field:
            return lambda v: v
        return lambda v: v.hex if v is not None else None
    if internal == "JSONField":
        return lambda v: json.dumps(v, ensure_ascii=False)
    if internal == "DateTimeField":
        return ops.adapt_datetimefield_value
    if internal == "DateField":
        return ops.adapt_datefield_value
    if internal == "TimeField":
        return ops.adapt_timefield_value
    if internal == "DecimalField":
        return lambda v: ops.adapt_decimalfield_value(
            v, model_field.max_digits, model_field.decimal_places
        )
    return lambda v: v


def generate(
    *,
    services: int,
    seed: int = 1,
    reference_time: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Add a synthetic directory of ``services`` services. Deterministic for a seed.

    Generating twice with the same seed would create the same ids again: use a fresh
    database (tests and benchmarks do) or another seed.
    """
    rng = random.Random(seed)
    terms = ensure_taxonomy()
    unit_bed, _created = models.Unit.objects.get_or_create(
        id=uuid.UUID(demo.uid("unit:bed")), defaults={"name": "bed"}
    )
    zips = [p for p in places.all_zips() if p.kind == "zip"]
    # Bigger places get more services: weight each ZIP by how many share its city.
    city_sizes: dict[str, int] = {}
    for place in zips:
        city_sizes[place.city] = city_sizes.get(place.city, 0) + 1
    cum_weights = list(itertools.accumulate(math.sqrt(city_sizes[p.city]) for p in zips))
    kinds = [kind for kind in KINDS for _ in range(kind.weight)]
    # Dates are relative to this moment (pass one for byte-identical output).
    now = reference_time or timezone.now()
    summary = Summary()
    writer = _Writer(summary, now)

    def new_id() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    made = 0
    while made < services:
        place = rng.choices(zips, cum_weights=cum_weights)[0]
        org_name = f"{rng.choice(ORG_PREFIXES)} {place.city} {rng.choice(ORG_SUFFIXES)}"
        organization = _Row(
            models.Organization,
            id=new_id(),
            name=org_name,
            description=f"A community organization serving {place.county} County, California.",
            website=f"https://example.org/{rng.getrandbits(32):08x}",
            demo_data=True,
            translations={
                "es": {
                    "description": f"Organización comunitaria del condado de "
                    f"{place.county}, California."
                }
            },
        )
        writer.add(organization)
        summary.organizations += 1
        org_locations = [
            _location(rng, new_id, organization, place, writer) for _ in range(rng.randint(1, 2))
        ]
        summary.locations += len(org_locations)
        for _ in range(min(rng.choice((1, 1, 2, 2, 3, 4, 5)), services - made)):
            kind = rng.choice(kinds)
            _service(
                rng, new_id, organization, kind, place, org_locations, terms, unit_bed, writer, now
            )
            made += 1
            summary.services += 1
        if summary.organizations % 1000 == 0:
            writer.flush()
            if progress:
                progress(made, services)
    writer.flush()
    if progress:
        progress(made, services)
    return summary


def _jitter(rng: random.Random, place: places.Place, km: float) -> tuple[float, float]:
    distance = km * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    dlat = distance * math.cos(angle) / places.KM_PER_DEGREE
    dlon = (
        distance * math.sin(angle) / (places.KM_PER_DEGREE * math.cos(math.radians(place.latitude)))
    )
    return round(place.latitude + dlat, 6), round(place.longitude + dlon, 6)


def _location(
    rng: random.Random,
    new_id: Callable[[], uuid.UUID],
    organization: _Row,
    place: places.Place,
    writer: _Writer,
) -> _Row:
    latitude, longitude = _jitter(rng, place, 3.0)
    location = _Row(
        models.Location,
        id=new_id(),
        organization=organization,
        name=f"{organization.name} — {place.city}",
        location_type=models.LocationType.PHYSICAL,
        latitude=latitude,
        longitude=longitude,
        iana_timezone=TIME_ZONE,
    )
    writer.add(location)
    writer.add(
        _Row(
            models.Address,
            id=new_id(),
            location=location,
            address_1=f"{rng.randint(100, 9899)} {rng.choice(STREETS)}",
            city=place.city,
            state_province="CA",
            postal_code=place.code,
            country="US",
            address_type=models.AddressType.PHYSICAL,
        )
    )
    return location


def _service(
    rng: random.Random,
    new_id: Callable[[], uuid.UUID],
    organization: _Row,
    kind: Kind,
    place: places.Place,
    org_locations: list[_Row],
    terms: dict[str, uuid.UUID],
    unit_bed: models.Unit,
    writer: _Writer,
    now: dt.datetime,
) -> None:
    name_index = rng.randrange(len(kind.names))
    short_org = organization.name.split(" ")[0]
    name = kind.names[name_index].format(place=place.city, org=short_org)
    name_es = kind.names_es[name_index].format(place=place.city, org=short_org)
    always = rng.random() < kind.open_24_7
    service = _Row(
        models.Service,
        id=new_id(),
        organization=organization,
        name=name,
        description=kind.description,
        status=models.ServiceStatus.ACTIVE
        if rng.random() > 0.03
        else models.ServiceStatus.INACTIVE,
        minimum_age=18 if "youth-services" not in kind.categories and rng.random() < 0.3 else None,
        assured_date=(now - dt.timedelta(days=rng.randint(0, 720))).date(),
        last_modified=now - dt.timedelta(days=rng.randint(0, 365)),
        police_report_required=rng.random() < 0.05,
        serves_minors_without_guardian=True if "youth-services" in kind.categories else None,
        immigration_status_neutral=rng.random() < 0.6 or None,
        t_u_visa_assistance=True if "immigration-legal-help" in kind.categories else None,
        interpretation_available=rng.random() < 0.5,
        tribal_eligibility=(
            models.TribalEligibility.OPEN_TO_ALL if "tribal-services" in kind.categories else ""
        ),
        open_24_7=always,
        free_of_charge=rng.random() < 0.8,
        delivery_methods=list(kind.delivery),
        demo_data=True,
        translations={"es": {"name": name_es, "description": kind.description_es}},
    )
    writer.add(service)
    confidential = rng.random() < kind.confidential
    if confidential:
        latitude, longitude = _jitter(rng, place, 5.0)
        location = _Row(
            models.Location,
            id=new_id(),
            organization=organization,
            name=f"{name} (confidential)",
            location_type=models.LocationType.PHYSICAL,
            latitude=latitude,
            longitude=longitude,
            confidential=True,
            confidential_access_note="Call the 24-hour line and an advocate will arrange a safe "
            "place to meet.",
            iana_timezone=TIME_ZONE,
        )
        writer.add(location)
    else:
        location = rng.choice(org_locations)
    writer.add(_Row(models.ServiceAtLocation, id=new_id(), service=service, location=location))
    area_code = f"{rng.randint(200, 999)}"
    writer.add(
        _Row(
            models.Phone,
            id=new_id(),
            service=service,
            number=f"({area_code}) 555-{rng.randint(0, 9999):04d}",
            type="voice",
            call_outcome=(
                models.CallOutcome.CONFIDENTIAL_SUPPORT
                if always or "crisis-line" in kind.categories
                else models.CallOutcome.INFORMATION
            ),
            available_24_7=always,
            description="Main line." if not always else "Answered 24 hours a day.",
        )
    )
    for code, language_name, share in LANGUAGES:
        if rng.random() < share:
            writer.add(
                _Row(
                    models.Language,
                    id=new_id(),
                    service=service,
                    code=code,
                    name=language_name,
                    provided_by=models.LanguageProvision.STAFF,
                )
            )
    if always:
        writer.add(
            _Row(
                models.Schedule,
                id=new_id(),
                service=service,
                freq=models.Frequency.WEEKLY,
                byday="MO,TU,WE,TH,FR,SA,SU",
                opens_at=dt.time(0, 0),
                closes_at=dt.time(23, 59),
                iana_timezone=TIME_ZONE,
                description="24 hours a day, every day.",
            )
        )
    else:
        opens, closes = rng.choice(HOURS)
        writer.add(
            _Row(
                models.Schedule,
                id=new_id(),
                service=service,
                freq=models.Frequency.WEEKLY,
                byday=rng.choice(("MO,TU,WE,TH,FR", "MO,TU,WE,TH,FR", "MO,WE,FR", "TU,TH,SA")),
                opens_at=dt.time.fromisoformat(opens),
                closes_at=dt.time.fromisoformat(closes),
                iana_timezone=TIME_ZONE,
            )
        )
    roll = rng.random()
    if roll < 0.6:
        areas = [(models.AreaType.COUNTY, place.county_fips, f"{place.county} County")]
    elif roll < 0.8:
        areas = [
            (models.AreaType.CITY, place.city, place.city),
            (models.AreaType.POSTAL_CODE, place.code, place.code),
        ]
    elif roll < 0.95:
        areas = [(models.AreaType.STATE, "CA", "California")]
    else:
        areas = [(models.AreaType.COUNTRY, "US", "United States")]
    for area_type, code, area_name in areas:
        writer.add(
            _Row(
                models.ServiceArea,
                id=new_id(),
                service=service,
                name=area_name,
                area_type=area_type,
                area_code=code,
                extent_type="text",
            )
        )
    for code in kind.categories:
        writer.add(
            _Row(
                models.Attribute,
                id=new_id(),
                link_id=service.id,
                link_entity="service",
                link_type="category",
                taxonomy_term_id=terms[code],
            )
        )
    if "emergency-shelter" in kind.categories:
        maximum = rng.choice((12, 20, 24, 34, 40))
        writer.add(
            _Row(
                models.ServiceCapacity,
                id=new_id(),
                service=service,
                unit=unit_bed,
                available=rng.randint(0, maximum),
                maximum=maximum,
                updated=now - dt.timedelta(hours=rng.randint(0, 72)),
                description="Shelter beds",
            )
        )
