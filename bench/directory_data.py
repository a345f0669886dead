"""A deterministic synthetic California directory for the search benchmark.

Stand-in for ``plainsight.directory.synthetic`` (the directory's own generator): the
benchmark uses that one when it is importable, this one otherwise. Listings are spread
over California cities by population, with realistic names, descriptions (English, and
Spanish for about half), hours, languages, service areas, categories and the PlainSight
profile's yes/no facts. Same seed, same directory.

Rows are written with ``plainsight.directory.search.bulk.insert_rows`` (COPY on
PostgreSQL), in chunks, so a million services fit in a few hundred megabytes of memory.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

# (city, county, county FIPS, ZIP, latitude, longitude, population in thousands)
CITIES = [
    ("Los Angeles", "Los Angeles", "06037", "90012", 34.0522, -118.2437, 3900),
    ("Long Beach", "Los Angeles", "06037", "90802", 33.7701, -118.1937, 460),
    ("Lancaster", "Los Angeles", "06037", "93534", 34.6868, -118.1542, 170),
    ("San Diego", "San Diego", "06073", "92101", 32.7157, -117.1611, 1380),
    ("Chula Vista", "San Diego", "06073", "91910", 32.6401, -117.0842, 275),
    ("San Jose", "Santa Clara", "06085", "95113", 37.3382, -121.8863, 970),
    ("San Francisco", "San Francisco", "06075", "94102", 37.7749, -122.4194, 810),
    ("Fresno", "Fresno", "06019", "93721", 36.7378, -119.7871, 545),
    ("Sacramento", "Sacramento", "06067", "95814", 38.5816, -121.4944, 525),
    ("Oakland", "Alameda", "06001", "94612", 37.8044, -122.2712, 430),
    ("Bakersfield", "Kern", "06029", "93301", 35.3733, -119.0187, 410),
    ("Anaheim", "Orange", "06059", "92805", 33.8366, -117.9143, 345),
    ("Santa Ana", "Orange", "06059", "92701", 33.7455, -117.8677, 310),
    ("Riverside", "Riverside", "06065", "92501", 33.9806, -117.3755, 315),
    ("Stockton", "San Joaquin", "06077", "95202", 37.9577, -121.2908, 320),
    ("Irvine", "Orange", "06059", "92618", 33.6846, -117.8265, 310),
    ("San Bernardino", "San Bernardino", "06071", "92401", 34.1083, -117.2898, 222),
    ("Modesto", "Stanislaus", "06099", "95354", 37.6391, -120.9969, 218),
    ("Oxnard", "Ventura", "06111", "93030", 34.1975, -119.1771, 200),
    ("Fontana", "San Bernardino", "06071", "92335", 34.0922, -117.4350, 210),
    ("Santa Rosa", "Sonoma", "06097", "95404", 38.4404, -122.7141, 178),
    ("Salinas", "Monterey", "06053", "93901", 36.6777, -121.6555, 163),
    ("Visalia", "Tulare", "06107", "93291", 36.3302, -119.2921, 141),
    ("Santa Barbara", "Santa Barbara", "06083", "93101", 34.4208, -119.6982, 88),
    ("Santa Maria", "Santa Barbara", "06083", "93454", 34.9530, -120.4357, 109),
    ("Delano", "Kern", "06029", "93215", 35.7688, -119.2471, 51),
    ("Ridgecrest", "Kern", "06029", "93555", 35.6225, -117.6709, 28),
    ("Tehachapi", "Kern", "06029", "93561", 35.1322, -118.4490, 13),
    ("Arvin", "Kern", "06029", "93203", 35.2091, -118.8284, 20),
    ("Wasco", "Kern", "06029", "93280", 35.5941, -119.3409, 27),
    ("Porterville", "Tulare", "06107", "93257", 36.0652, -119.0168, 62),
    ("Hanford", "Kings", "06031", "93230", 36.3275, -119.6457, 58),
    ("Merced", "Merced", "06047", "95340", 37.3022, -120.4830, 89),
    ("Redding", "Shasta", "06089", "96001", 40.5865, -122.3917, 93),
    ("Chico", "Butte", "06007", "95928", 39.7285, -121.8375, 101),
    ("Eureka", "Humboldt", "06023", "95501", 40.8021, -124.1637, 27),
    ("San Luis Obispo", "San Luis Obispo", "06079", "93401", 35.2828, -120.6596, 47),
    ("El Centro", "Imperial", "06025", "92243", 32.7920, -115.5631, 44),
    ("Palm Springs", "Riverside", "06065", "92262", 33.8303, -116.5453, 45),
    ("Victorville", "San Bernardino", "06071", "92392", 34.5362, -117.2928, 135),
    ("Santa Cruz", "Santa Cruz", "06087", "95060", 36.9741, -122.0308, 62),
    ("Vallejo", "Solano", "06095", "94590", 38.1041, -122.2566, 124),
]

# (code, English, Spanish, parent code)
TERMS = [
    ("basic", "Basic needs", "Necesidades básicas", ""),
    ("shelter", "Emergency shelter", "Refugio de emergencia", "basic"),
    ("housing", "Transitional housing", "Vivienda de transición", "basic"),
    ("food", "Food", "Comida", "basic"),
    ("clothing", "Clothing", "Ropa", "basic"),
    ("transport", "Transportation", "Transporte", "basic"),
    ("legal", "Legal help", "Ayuda legal", ""),
    ("immigration", "Immigration legal help", "Ayuda legal de inmigración", "legal"),
    ("labor", "Labor rights", "Derechos laborales", "legal"),
    ("court", "Victim rights and court support", "Apoyo en la corte", "legal"),
    ("health", "Health", "Salud", ""),
    ("medical", "Medical care", "Atención médica", "health"),
    ("counseling", "Counseling", "Consejería", "health"),
    ("substance", "Substance use treatment", "Tratamiento de adicciones", "health"),
    ("safety", "Safety and advocacy", "Seguridad y apoyo", ""),
    ("crisis", "Crisis lines", "Líneas de crisis", "safety"),
    ("trafficking", "Trafficking survivor support", "Apoyo a sobrevivientes de trata", "safety"),
    ("dv", "Domestic violence", "Violencia doméstica", "safety"),
    ("work", "Work and school", "Trabajo y escuela", ""),
    ("jobs", "Job training", "Capacitación laboral", "work"),
    ("education", "Education", "Educación", "work"),
    ("youth", "Youth services", "Servicios para jóvenes", ""),
]
LEAVES = [t[0] for t in TERMS if t[3] or t[0] == "youth"]
# How common each kind of help is, roughly as in 211 directories (percent).
PREVALENCE = {
    "food": 14, "medical": 14, "housing": 10, "counseling": 10, "jobs": 7, "education": 6,
    "substance": 6, "shelter": 5, "transport": 5, "clothing": 4, "dv": 4, "immigration": 3,
    "court": 3, "crisis": 3, "labor": 2, "trafficking": 2, "youth": 2,
}  # fmt: skip

# category → (English names, Spanish names, English sentences, Spanish sentences)
CONTENT: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    "shelter": (
        ["Emergency Shelter", "Family Shelter", "Safe House", "Women's Shelter", "Night Shelter"],
        ["Refugio de emergencia", "Refugio familiar", "Casa segura", "Albergue nocturno"],
        [
            "Emergency beds, meals and showers for people who have nowhere safe to sleep.",
            "Confidential shelter for survivors of violence and their children.",
            "Call ahead to check for an open bed; staff can arrange a safe pickup.",
        ],
        [
            "Camas de emergencia, comidas y regaderas para quien no tiene un lugar seguro.",
            "Refugio confidencial para sobrevivientes de violencia y sus hijos.",
        ],
    ),
    "housing": (
        ["Transitional Housing", "Housing Program", "Rental Assistance", "Rapid Rehousing"],
        ["Vivienda de transición", "Programa de vivienda", "Ayuda con la renta"],
        [
            "Apartments and rent help for up to two years while families rebuild.",
            "Case managers help with deposits, leases and landlord problems.",
        ],
        ["Apartamentos y ayuda con la renta mientras las familias se recuperan."],
    ),
    "food": (
        ["Food Pantry", "Community Kitchen", "Hot Meals", "Food Bank Distribution", "Groceries"],
        ["Despensa de alimentos", "Cocina comunitaria", "Comidas calientes", "Banco de comida"],
        [
            "Free groceries, fresh produce and baby formula. No ID required.",
            "Hot breakfast and dinner served every day to anyone who is hungry.",
        ],
        ["Comida gratis, frutas y verduras y fórmula para bebé. No necesita identificación."],
    ),
    "clothing": (
        ["Clothing Closet", "Free Clothes", "Hygiene Kits"],
        ["Ropero comunitario", "Ropa gratis"],
        ["Free clothes, shoes, diapers and hygiene kits for adults and children."],
        ["Ropa, zapatos, pañales y artículos de higiene gratis."],
    ),
    "transport": (
        ["Bus Passes", "Rides to Appointments", "Transportation Help"],
        ["Pases de autobús", "Transporte a citas"],
        ["Bus passes and rides to medical, court and social service appointments."],
        ["Pases de autobús y transporte a citas médicas y de la corte."],
    ),
    "immigration": (
        ["Immigration Legal Services", "Immigration Clinic", "Visa Assistance", "DACA Renewals"],
        ["Servicios legales de inmigración", "Clínica de inmigración", "Ayuda con visas"],
        [
            "Immigration attorneys help survivors apply for T visas, U visas and asylum.",
            "We do not ask about immigration status to help you.",
        ],
        ["Abogados de inmigración ayudan con visas T, visas U y asilo."],
    ),
    "labor": (
        ["Workers Rights Clinic", "Unpaid Wages Help", "Farmworker Legal Aid"],
        ["Clínica de derechos laborales", "Ayuda con salarios no pagados"],
        [
            "Help if your employer did not pay you, took your wages or keeps your documents.",
            "Wage claims and advice about labor trafficking in farm work and factories.",
        ],
        ["Ayuda si su patrón no le pagó o guarda sus documentos. Reclamos de salario."],
    ),
    "court": (
        ["Victim Services", "Court Advocacy", "Restraining Order Help", "Victim Compensation"],
        ["Servicios para víctimas", "Apoyo en la corte", "Ayuda con órdenes de restricción"],
        [
            "Advocates explain the court process and go with you to hearings.",
            "Help filing restraining orders and applying for victim compensation.",
        ],
        ["Personas de apoyo le acompañan a la corte y le ayudan con órdenes de restricción."],
    ),
    "medical": (
        ["Community Health Clinic", "Medical Clinic", "Women's Health", "Mobile Health Van"],
        ["Clínica de salud comunitaria", "Clínica médica", "Salud de la mujer"],
        [
            "Doctors and nurses for check-ups, sick visits, vaccines and prenatal care.",
            "Sliding-scale fees; Medi-Cal accepted.",
        ],
        ["Médicos y enfermeras para chequeos, vacunas y cuidado prenatal."],
    ),
    "counseling": (
        ["Counseling Center", "Trauma Therapy", "Support Groups", "Mental Health Services"],
        ["Centro de consejería", "Terapia para trauma", "Grupos de apoyo"],
        [
            "Individual and group therapy for survivors of trauma, violence and trafficking.",
            "Licensed counselors, in person or by video.",
        ],
        ["Terapia individual y en grupo para sobrevivientes de trauma y violencia."],
    ),
    "substance": (
        ["Recovery Center", "Addiction Treatment", "Detox Referrals"],
        ["Centro de recuperación", "Tratamiento de adicciones"],
        ["Outpatient treatment for drug and alcohol addiction and recovery groups."],
        ["Tratamiento para la adicción a las drogas y el alcohol."],
    ),
    "crisis": (
        ["24-Hour Crisis Line", "Crisis Hotline", "Helpline", "Warmline"],
        ["Línea de crisis de 24 horas", "Línea de ayuda"],
        [
            "Talk with a trained advocate any time, day or night. Free and confidential.",
            "You do not have to give your name.",
        ],
        ["Hable con una persona de apoyo a cualquier hora. Gratis y confidencial."],
    ),
    "trafficking": (
        ["Anti-Trafficking Program", "Survivor Advocacy", "Trafficking Survivor Services"],
        ["Programa contra la trata", "Apoyo a sobrevivientes de trata"],
        [
            "Case management, safety planning and mentoring for survivors of sex and labor "
            "trafficking.",
            "Advocates help with housing, legal needs and counseling.",
        ],
        ["Apoyo, plan de seguridad y mentoría para sobrevivientes de trata sexual y laboral."],
    ),
    "dv": (
        ["Domestic Violence Services", "Family Violence Program", "Safety Planning"],
        ["Servicios de violencia doméstica", "Programa de violencia familiar"],
        [
            "Support for people whose partner or family member hurts, threatens or controls them.",
            "Safety planning, support groups and help with restraining orders.",
        ],
        ["Apoyo para personas que sufren violencia doméstica. Plan de seguridad."],
    ),
    "jobs": (
        ["Job Training", "Employment Services", "Career Center", "Job Readiness"],
        ["Capacitación laboral", "Servicios de empleo", "Centro de carreras"],
        ["Paid job training, resume help and interview practice."],
        ["Capacitación pagada, ayuda con el currículum y entrevistas."],
    ),
    "education": (
        ["English Classes", "GED Program", "Adult Education", "Computer Classes"],
        ["Clases de inglés", "Programa GED", "Educación para adultos"],
        ["Free English as a second language and GED classes, mornings and evenings."],
        ["Clases de inglés y de GED gratis, en la mañana y en la tarde."],
    ),
    "youth": (
        ["Youth Drop-In Center", "Teen Services", "Youth Shelter", "Runaway Youth Program"],
        ["Centro para jóvenes", "Servicios para adolescentes"],
        [
            "A safe place for young people 12 to 24: meals, showers and someone to talk to.",
            "Teens can come on their own.",
        ],
        ["Un lugar seguro para jóvenes: comida, regaderas y alguien con quien hablar."],
    ),
}

ORG_WORDS = (
    ["Valley", "Sierra", "Golden", "Pacific", "Central", "Coastal", "Desert", "Harbor"],
    ["Hope", "Family", "Community", "Safe Haven", "New Start", "Bridges", "Unity", "Mercy"],
    ["Center", "Alliance", "Services", "Project", "Network", "Collective", "Foundation"],
)
STREETS = ["Main St", "Oak Ave", "Chester Ave", "Truxtun Ave", "Broadway", "1st St", "Elm St"]
OTHER_LANGUAGES = [
    ("vi", "Vietnamese"),
    ("tl", "Tagalog"),
    ("zh", "Chinese"),
    ("pa", "Punjabi"),
    ("ko", "Korean"),
    ("hy", "Armenian"),
    ("mix", "Mixteco"),
    ("ar", "Arabic"),
]


@dataclass
class Generated:
    services: int
    rows: int


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _weighted_cities(rng: random.Random) -> Callable[[], tuple[Any, ...]]:
    weights = [c[6] for c in CITIES]
    return lambda: rng.choices(CITIES, weights)[0]


def generate(count: int, *, seed: int = 2026, chunk: int = 10_000) -> Generated:
    """Write ``count`` services (and everything they need) into the current database."""
    from plainsight.directory import models as m
    from plainsight.directory.search.bulk import insert_rows

    rng = random.Random(seed)
    city = _weighted_cities(rng)
    now = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)

    taxonomy_id = _uuid(rng)
    insert_rows(
        m.Taxonomy,
        ("id", "updated_at", "name", "description", "uri", "version", "translations"),
        [(taxonomy_id, now, "Benchmark services", "Synthetic.", "", "", {})],
    )
    term_ids = {code: _uuid(rng) for code, *_ in TERMS}
    insert_rows(
        m.TaxonomyTerm,
        (
            "id",
            "updated_at",
            "code",
            "name",
            "description",
            "parent",
            "taxonomy",
            "taxonomy_detail",
            "language",
            "term_uri",
            "translations",
        ),
        [
            (
                term_ids[code],
                now,
                code,
                en,
                en,
                term_ids[parent] if parent else None,
                "",
                taxonomy_id,
                "",
                "",
                {"es": {"name": es}},
            )
            for code, en, es, parent in TERMS
        ],
    )
    rows = len(TERMS) + 1
    made = 0
    while made < count:
        size = min(chunk, count - made)
        rows += _chunk(size, rng, city, term_ids, now)
        made += size
    return Generated(services=count, rows=rows)


def _chunk(
    size: int,
    rng: random.Random,
    city: Callable[[], tuple[Any, ...]],
    term_ids: dict[str, uuid.UUID],
    now: dt.datetime,
) -> int:
    from plainsight.directory import models as m
    from plainsight.directory.search.bulk import insert_rows

    orgs: list[tuple[Any, ...]] = []
    services: list[tuple[Any, ...]] = []
    locations: list[tuple[Any, ...]] = []
    addresses: list[tuple[Any, ...]] = []
    sals: list[tuple[Any, ...]] = []
    phones: list[tuple[Any, ...]] = []
    schedules: list[tuple[Any, ...]] = []
    languages: list[tuple[Any, ...]] = []
    areas: list[tuple[Any, ...]] = []
    attributes: list[tuple[Any, ...]] = []

    org_id: uuid.UUID | None = None
    org_name = ""
    for index in range(size):
        if org_id is None or index % 3 == 0:
            org_id = _uuid(rng)
            org_name = " ".join(rng.choice(words) for words in ORG_WORDS)
            orgs.append((org_id, now, org_name, f"{org_name} serves families in California.", {}))
        where = city()
        category = rng.choices(LEAVES, [PREVALENCE[c] for c in LEAVES])[0]
        names, names_es, sentences, sentences_es = CONTENT[category]
        name = rng.choice(names)
        if rng.random() < 0.4:
            name = f"{where[0]} {name}"
        description = " ".join(rng.sample(sentences, k=min(len(sentences), rng.randint(1, 3))))
        translations: dict[str, Any] = {}
        if rng.random() < 0.5:
            translations = {
                "es": {"name": rng.choice(names_es), "description": " ".join(sentences_es)}
            }
        service_id = _uuid(rng)
        remote = rng.random() < 0.05
        open_all = category == "crisis" or rng.random() < 0.04
        methods = ["phone"] if remote or category == "crisis" else ["in_person"]
        if rng.random() < 0.15:
            methods.append("online")
        minimum, maximum = (12, 24) if category == "youth" else (None, None)
        services.append(
            (
                service_id,
                now,
                org_id,
                name,
                description,
                "active" if rng.random() < 0.97 else "inactive",
                rng.random() < 0.8,  # free
                False if rng.random() < 0.6 else (None if rng.random() < 0.7 else True),
                category == "youth" or rng.random() < 0.05,
                True if rng.random() < 0.5 else None,
                category == "immigration",
                open_all,
                methods,
                minimum,
                maximum,
                (now.date() - dt.timedelta(days=rng.randint(0, 500)))
                if rng.random() < 0.85
                else None,
                translations,
            )
        )
        terms = {category} | ({rng.choice(LEAVES)} if rng.random() < 0.4 else set())
        for code in terms:
            attributes.append((_uuid(rng), now, service_id, "service", term_ids[code]))
        phones.append(
            (
                _uuid(rng),
                now,
                service_id,
                f"({rng.randint(200, 999)}) 555-{rng.randint(0, 9999):04d}",
                "voice",
                "confidential_support"
                if category in {"crisis", "dv", "trafficking"}
                else "information",
                open_all,
            )
        )
        languages.append((_uuid(rng), now, service_id, "en", "English", "staff"))
        if rng.random() < 0.6:
            languages.append((_uuid(rng), now, service_id, "es", "Spanish", "staff"))
        if rng.random() < 0.1:
            code, lname = rng.choice(OTHER_LANGUAGES)
            languages.append((_uuid(rng), now, service_id, code, lname, "interpreter"))
        roll = rng.random()
        if roll < 0.6:
            areas.append((_uuid(rng), now, service_id, "county", where[2]))
        elif roll < 0.7:
            areas.append((_uuid(rng), now, service_id, "postal_code", where[3]))
        elif roll < 0.8 or remote:
            areas.append((_uuid(rng), now, service_id, "state", "CA"))
        if not open_all:
            kind = rng.random()
            if kind < 0.7:
                schedules.append(
                    (
                        _uuid(rng),
                        now,
                        service_id,
                        "WEEKLY",
                        "MO,TU,WE,TH,FR",
                        dt.time(rng.choice([7, 8, 9])),
                        dt.time(rng.choice([16, 17, 18])),
                    )
                )
            elif kind < 0.85:
                schedules.append(
                    (_uuid(rng), now, service_id, "WEEKLY", "TU,TH,SA", dt.time(10), dt.time(14))
                )
            elif kind < 0.9:
                schedules.append(
                    (
                        _uuid(rng),
                        now,
                        service_id,
                        "WEEKLY",
                        "MO,TU,WE,TH,FR,SA,SU",
                        dt.time(19),
                        dt.time(7),
                    )
                )
            else:
                schedules.append(
                    (_uuid(rng), now, service_id, "MONTHLY", "1SA", dt.time(9), dt.time(13))
                )
        if remote:
            continue
        for _ in range(2 if rng.random() < 0.05 else 1):
            location_id = _uuid(rng)
            # Bigger cities spread further: about 3 miles for a small town, 12 for LA.
            spread = 0.02 + 0.0025 * where[6] ** 0.5
            lat = where[4] + rng.gauss(0, spread)
            lon = where[5] + rng.gauss(0, spread * 1.2)
            confidential = category in {"shelter", "dv"} and rng.random() < 0.3
            locations.append(
                (
                    location_id,
                    now,
                    org_id,
                    f"{where[0]} office",
                    lat,
                    lon,
                    confidential,
                    "Call the hotline for the address." if confidential else "",
                    "America/Los_Angeles",
                )
            )
            addresses.append(
                (
                    _uuid(rng),
                    now,
                    location_id,
                    f"{rng.randint(100, 9999)} {rng.choice(STREETS)}",
                    where[0],
                    "CA",
                    where[3],
                    "US",
                )
            )
            sals.append((_uuid(rng), now, service_id, location_id))

    base = ("id", "updated_at")
    count = 0
    count += insert_rows(m.Organization, (*base, "name", "description", "translations"), orgs)
    count += insert_rows(
        m.Service,
        (
            *base,
            "organization",
            "name",
            "description",
            "status",
            "free_of_charge",
            "police_report_required",
            "serves_minors_without_guardian",
            "immigration_status_neutral",
            "t_u_visa_assistance",
            "open_24_7",
            "delivery_methods",
            "minimum_age",
            "maximum_age",
            "assured_date",
            "translations",
        ),
        services,
    )
    count += insert_rows(
        m.Location,
        (
            *base,
            "organization",
            "name",
            "latitude",
            "longitude",
            "confidential",
            "confidential_access_note",
            "iana_timezone",
        ),
        locations,
    )
    count += insert_rows(
        m.Address,
        (*base, "location", "address_1", "city", "state_province", "postal_code", "country"),
        addresses,
    )
    count += insert_rows(m.ServiceAtLocation, (*base, "service", "location"), sals)
    count += insert_rows(
        m.Phone, (*base, "service", "number", "type", "call_outcome", "available_24_7"), phones
    )
    count += insert_rows(
        m.Schedule, (*base, "service", "freq", "byday", "opens_at", "closes_at"), schedules
    )
    count += insert_rows(m.Language, (*base, "service", "code", "name", "provided_by"), languages)
    count += insert_rows(m.ServiceArea, (*base, "service", "area_type", "area_code"), areas)
    count += insert_rows(
        m.Attribute, (*base, "link_id", "link_entity", "taxonomy_term"), attributes
    )
    return count


def sample_places(rng: random.Random, count: int) -> Iterator[tuple[str, float, float, str]]:
    """(city, latitude, longitude, ZIP) where searches come from, by population."""
    pick = _weighted_cities(rng)
    for _ in range(count):
        where = pick()
        yield where[0], where[4], where[5], where[3]
