"""Demo directory: Kern County, California and national resources (facts.md §4).

Every record is marked ``demo_data`` and carries the visible alert "Demo record —
verify before use": numbers and hours come from public pages gathered in 2026 and must
be confirmed by phone before a real deployment relies on them. Every phone says what
calling it *does*; the Kern child-abuse line makes a report to child welfare and is
never called confidential.

The data is written as HSDS documents and loaded through the importer, so loading it
twice changes nothing (stable ids) and the demo also exercises the import path.
"""

from __future__ import annotations

import json
import uuid
from typing import IO, Any

from plainsight.directory import importing, models

NAMESPACE = uuid.UUID("6f1d2c1e-4b7a-5c0e-9a51-2f7e3b9d4c10")
TIME_ZONE = "America/Los_Angeles"
KERN_FIPS = "06029"
DEMO_ALERT = "Demo record — verify before use."
DEMO_ALERT_ES = "Registro de demostración: verifíquelo antes de usarlo."
DEMO_ALERTS = frozenset({DEMO_ALERT, DEMO_ALERT_ES})
WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


def uid(key: str) -> str:
    """A stable id for a demo row, so re-loading updates instead of duplicating."""
    return str(uuid.uuid5(NAMESPACE, key))


# --- The project's own category taxonomy (English and Spanish) ---------------------------

TAXONOMY_ID = uid("taxonomy:plainsight-categories")

# code, English, Spanish, parent code, English description
CATEGORIES: list[tuple[str, str, str, str, str]] = [
    ("crisis-line", "Crisis line", "Línea de crisis", "", "Talk to someone now, day or night."),
    ("housing", "Housing and shelter", "Vivienda y refugio", "", "A safe place to stay."),
    (
        "emergency-shelter",
        "Emergency shelter",
        "Refugio de emergencia",
        "housing",
        "A safe place to stay tonight.",
    ),
    (
        "transitional-housing",
        "Transitional housing",
        "Vivienda de transición",
        "housing",
        "Housing for months while you get back on your feet.",
    ),
    (
        "trafficking-advocacy",
        "Help for trafficking survivors",
        "Ayuda para sobrevivientes de la trata",
        "",
        "Advocates who help people who were forced or tricked into work or sex.",
    ),
    (
        "domestic-violence",
        "Domestic violence and sexual assault help",
        "Ayuda por violencia doméstica y agresión sexual",
        "",
        "Support after abuse by a partner, a family member or anyone else.",
    ),
    ("legal-help", "Legal help", "Ayuda legal", "", "Lawyers and legal advocates."),
    (
        "immigration-legal-help",
        "Immigration legal help",
        "Ayuda legal de inmigración",
        "legal-help",
        "Help with visas (including T and U visas) and immigration status.",
    ),
    (
        "victim-rights",
        "Victim rights and court support",
        "Derechos de las víctimas y apoyo en la corte",
        "legal-help",
        "Someone to explain your rights and go with you to court.",
    ),
    (
        "labor-rights",
        "Labor rights and unpaid wages",
        "Derechos laborales y salarios no pagados",
        "legal-help",
        "Help when an employer does not pay, threatens or controls you.",
    ),
    (
        "counseling",
        "Counseling and mental health",
        "Consejería y salud mental",
        "",
        "Someone to talk to, in a crisis or over time.",
    ),
    ("medical-care", "Medical care", "Atención médica", "", "Doctors, clinics and exams."),
    ("food", "Food", "Comida", "", "Food today and groceries."),
    ("transportation", "Transportation", "Transporte", "", "Rides and bus passes."),
    (
        "youth-services",
        "Youth services",
        "Servicios para jóvenes",
        "",
        "Help for young people, including on their own.",
    ),
    (
        "tribal-services",
        "Tribal and Native community services",
        "Servicios para comunidades tribales e indígenas",
        "",
        "Programs run by or for tribes and Native communities.",
    ),
    (
        "child-abuse-report",
        "Report child abuse",
        "Reportar abuso infantil",
        "",
        "Calling makes a report to child protective services.",
    ),
    (
        "report-to-police",
        "Report to law enforcement",
        "Denunciar a las autoridades",
        "",
        "Calling reaches police or federal agents.",
    ),
]


def _terms() -> list[dict[str, Any]]:
    terms = []
    for code, english, spanish, parent, description in CATEGORIES:
        term: dict[str, Any] = {
            "id": uid(f"term:{code}"),
            "code": code,
            "name": english,
            "description": description,
            "language": "en",
            "taxonomy_detail": _taxonomy(),
            "translations": {"es": {"name": spanish}},
        }
        if parent:
            term["parent_id"] = uid(f"term:{parent}")
        terms.append(term)
    return terms


def _taxonomy() -> dict[str, Any]:
    return {
        "id": TAXONOMY_ID,
        "name": "PlainSight categories",
        "description": (
            "The resource categories of PlainSight, in plain words, in English and Spanish. "
            "Not AIRS/211 codes."
        ),
        "version": "1",
        "translations": {"es": {"name": "Categorías de PlainSight"}},
    }


# --- Building blocks ------------------------------------------------------------------------


def _attribute(owner: str, code: str) -> dict[str, Any]:
    return {
        "id": uid(f"attribute:{owner}:{code}"),
        "link_entity": "service",
        "link_type": "category",
        "taxonomy_term_id": uid(f"term:{code}"),
    }


def _phone(
    key: str,
    number: str,
    outcome: str,
    description: str,
    description_es: str,
    *,
    phone_type: str = "voice",
    always: bool = False,
) -> dict[str, Any]:
    return {
        "id": uid(f"phone:{key}"),
        "number": number,
        "type": phone_type,
        "description": description,
        "call_outcome": outcome,
        "available_24_7": always,
        "translations": {"es": {"description": description_es}},
    }


def _language(key: str, code: str, name: str, provided_by: str = "staff") -> dict[str, Any]:
    return {
        "id": uid(f"language:{key}:{code}"),
        "code": code,
        "name": name,
        "provided_by": provided_by,
    }


def _area(key: str, area_type: str, code: str, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "area_type": area_type,
        "area_code": code,
        "extent_type": "text",
    }


def _schedule(key: str, byday: str, opens: str, closes: str, description: str) -> dict[str, Any]:
    return {
        "freq": "WEEKLY",
        "wkst": "MO",
        "byday": byday,
        "opens_at": opens,
        "closes_at": closes,
        "description": description,
        "iana_timezone": TIME_ZONE,
    }


def _around_the_clock(key: str) -> dict[str, Any]:
    return _schedule(key, EVERY_DAY, "00:00", "23:59", "24 hours a day, every day.")


def _service(
    key: str,
    name: str,
    name_es: str,
    description: str,
    description_es: str,
    *,
    categories: list[str],
    phones: list[dict[str, Any]] = (),  # type: ignore[assignment]
    languages: list[dict[str, Any]] = (),  # type: ignore[assignment]
    areas: list[dict[str, Any]] = (),  # type: ignore[assignment]
    schedules: list[dict[str, Any]] = (),  # type: ignore[assignment]
    locations: list[dict[str, Any]] = (),  # type: ignore[assignment]
    spanish: dict[str, str] | None = None,  # more Spanish texts: {"application_process": …}
    **profile: Any,
) -> dict[str, Any]:
    service_id = uid(f"service:{key}")
    return {
        "id": service_id,
        "name": name,
        "description": description,
        "status": "active",
        "alert": DEMO_ALERT,
        "demo_data": True,
        "translations": {
            "es": {
                "name": name_es,
                "description": description_es,
                "alert": DEMO_ALERT_ES,
                **(spanish or {}),
            }
        },
        "phones": list(phones),
        "languages": list(languages),
        # One row per service (HSDS rows belong to their parents): ids include the key.
        "service_areas": [
            {**area, "id": uid(f"area:{key}:{area['area_type']}:{area['area_code']}")}
            for area in areas
        ],
        "schedules": [
            {**schedule, "id": uid(f"schedule:{key}:{index}")}
            for index, schedule in enumerate(schedules)
        ],
        "service_at_locations": [
            {"id": uid(f"sal:{key}:{loc['id']}"), "location": loc} for loc in locations
        ],
        "attributes": [_attribute(key, code) for code in categories],
        **profile,
    }


def _organization(
    key: str, name: str, description: str, services: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    return {
        "id": uid(f"organization:{key}"),
        "name": name,
        "description": description,
        "demo_data": True,
        "services": services,
        **extra,
    }


def _location(
    key: str,
    name: str,
    *,
    address: dict[str, str] | None = None,
    lat: float | None = None,
    lon: float | None = None,
    confidential_note: str = "",
    confidential_note_es: str = "",
    transportation: str = "",
) -> dict[str, Any]:
    location: dict[str, Any] = {
        "id": uid(f"location:{key}"),
        "location_type": "physical",
        "name": name,
        "iana_timezone": TIME_ZONE,
    }
    if confidential_note:
        location["confidential"] = True
        location["confidential_access_note"] = confidential_note
        # What a Spanish reader of a shelter's page most needs in Spanish.
        location["translations"] = {"es": {"confidential_access_note": confidential_note_es}}
    if lat is not None and lon is not None:
        location["latitude"] = lat
        location["longitude"] = lon
    if transportation:
        location["transportation"] = transportation
    if address:
        location["addresses"] = [
            {
                "id": uid(f"address:{key}"),
                "address_type": "physical",
                "country": "US",
                "state_province": "CA",
                **address,
            }
        ]
    return location


ENGLISH_SPANISH = ("en", "English"), ("es", "Spanish")


def _en_es(key: str) -> list[dict[str, Any]]:
    return [_language(key, code, name) for code, name in ENGLISH_SPANISH]


US = ("country", "US", "United States")
KERN = ("county", KERN_FIPS, "Kern County, California")


# --- The records --------------------------------------------------------------------------


def documents() -> list[dict[str, Any]]:
    """The demo directory as HSDS organization documents (with their services)."""
    family_justice_center = _location(
        "fjc",
        "Kern County Family Justice Center",
        address={
            "address_1": "18th Street and L Street",
            "city": "Bakersfield",
            "postal_code": "93301",
        },
        lat=35.3774,
        lon=-119.0235,
        transportation="Downtown Bakersfield; GET bus routes stop nearby.",
    )
    fjc_hours = _schedule(
        "fjc-hours",
        WEEKDAYS,
        "08:00",
        "17:00",
        "Monday to Friday, 8 am to 5 pm. No appointment needed.",
    )
    alliance_shelter = _location(
        "alliance-shelter",
        "Alliance emergency shelter",
        confidential_note=(
            "The shelter's address is kept private for everyone's safety. Call the 24-hour "
            "crisis line at (661) 327-1091 and an advocate will arrange a safe way to get there."
        ),
        confidential_note_es=(
            "La dirección del refugio es privada por la seguridad de todos. Llame a la línea de "
            "crisis de 24 horas al (661) 327-1091 y una intercesora le ayudará a llegar de forma "
            "segura."
        ),
    )
    high_desert_shelter = _location(
        "whd-shelter",
        "Women's Center-High Desert shelter",
        confidential_note=(
            "The shelter's address is kept private. Contact Women's Center-High Desert and an "
            "advocate will arrange a safe way to get there."
        ),
        confidential_note_es=(
            "La dirección del refugio es privada. Comuníquese con Women's Center-High Desert y "
            "una intercesora le ayudará a llegar de forma segura."
        ),
    )
    kern_area = [_area("kern", *KERN)]
    national = [_area("us", *US)]
    return [
        _organization(
            "nhth",
            "National Human Trafficking Hotline",
            "The national, 24-hour hotline for people experiencing trafficking and for anyone "
            "who wants to report a tip. Since September 2025 it is operated by Compass "
            "Connections for the U.S. Department of Health and Human Services.",
            [
                _service(
                    "nhth",
                    "National Human Trafficking Hotline",
                    "Línea Nacional contra la Trata de Personas",
                    "Call, text or chat any time. Advocates listen, help you make a safety plan "
                    "and connect you with local help such as shelter and legal aid. Since 2025 "
                    "a new operator puts more weight on passing tips to law enforcement: you "
                    "can ask what will be shared before you give details.",
                    "Llame, envíe un mensaje de texto o chatee a cualquier hora. Le escuchan, "
                    "le ayudan a hacer un plan de seguridad y le conectan con ayuda local. "
                    "Desde 2025 el nuevo operador da más peso a pasar información a la policía: "
                    "puede preguntar qué se compartirá antes de dar detalles.",
                    categories=["crisis-line", "trafficking-advocacy"],
                    phones=[
                        _phone(
                            "nhth-voice",
                            "1-888-373-7888",
                            "confidential_support",
                            "Talk with a hotline advocate, 24/7. Confidential; ask what may "
                            "be shared with law enforcement.",
                            "Hable con una persona de la línea, 24/7. Confidencial; pregunte "
                            "qué se podría compartir con la policía.",
                            always=True,
                        ),
                        _phone(
                            "nhth-text",
                            "233733",
                            "confidential_support",
                            "Text HELP or BEFREE to 233733.",
                            "Envíe HELP o BEFREE al 233733.",
                            phone_type="text",
                            always=True,
                        ),
                        _phone(
                            "nhth-tty",
                            "711",
                            "confidential_support",
                            "TTY: dial 711, then 1-888-373-7888.",
                            "TTY: marque 711 y luego 1-888-373-7888.",
                            phone_type="textphone",
                            always=True,
                        ),
                    ],
                    languages=[
                        *_en_es("nhth"),
                        _language("nhth", "mul", "200+ languages", "interpreter"),
                    ],
                    areas=national,
                    schedules=[_around_the_clock("nhth")],
                    url="https://humantraffickinghotline.org/",
                    open_24_7=True,
                    police_report_required=False,
                    interpretation_available=True,
                    free_of_charge=True,
                    delivery_methods=["phone", "text", "online"],
                ),
            ],
            website="https://humantraffickinghotline.org/",
        ),
        _organization(
            "cast",
            "Coalition to Abolish Slavery and Trafficking (CAST)",
            "A Los Angeles-based organization that helps survivors of human trafficking with "
            "shelter, social services and immigration legal services.",
            [
                _service(
                    "cast",
                    "CAST survivor hotline and legal services",
                    "Línea y servicios legales de CAST para sobrevivientes",
                    "Support for survivors of labor and sex trafficking, including immigration "
                    "legal help such as T visas.",
                    "Apoyo para sobrevivientes de trata laboral y sexual, con ayuda legal de "
                    "inmigración como la visa T.",
                    categories=["trafficking-advocacy", "immigration-legal-help"],
                    phones=[
                        _phone(
                            "cast",
                            "1-888-539-2373",
                            "confidential_support",
                            "Talk with a CAST advocate.",
                            "Hable con una persona de CAST.",
                        )
                    ],
                    languages=_en_es("cast"),
                    areas=[_area("cast-ca", "state", "CA", "California")],
                    t_u_visa_assistance=True,
                    immigration_status_neutral=True,
                    police_report_required=False,
                    delivery_methods=["phone", "in_person"],
                ),
            ],
        ),
        _organization(
            "988",
            "988 Suicide & Crisis Lifeline",
            "The national crisis line for anyone in emotional distress or suicidal crisis, "
            "live since July 16, 2022.",
            [
                _service(
                    "988",
                    "988 Suicide & Crisis Lifeline",
                    "988 Línea de Prevención del Suicidio y Crisis",
                    "Call or text 988 any time to talk with a trained counselor.",
                    "Llame o envíe un texto al 988 a cualquier hora para hablar con un consejero.",
                    categories=["crisis-line", "counseling"],
                    phones=[
                        _phone(
                            "988-voice",
                            "988",
                            "confidential_support",
                            "Talk with a crisis counselor, 24/7.",
                            "Hable con un consejero de crisis, 24/7.",
                            always=True,
                        ),
                        _phone(
                            "988-text",
                            "988",
                            "confidential_support",
                            "Text with a crisis counselor, 24/7.",
                            "Escriba a un consejero de crisis, 24/7.",
                            phone_type="text",
                            always=True,
                        ),
                    ],
                    languages=_en_es("988"),
                    areas=national,
                    schedules=[_around_the_clock("988")],
                    open_24_7=True,
                    free_of_charge=True,
                    police_report_required=False,
                    delivery_methods=["phone", "text"],
                ),
            ],
        ),
        _organization(
            "ndvh",
            "National Domestic Violence Hotline",
            "The national 24-hour hotline for people experiencing domestic violence.",
            [
                _service(
                    "ndvh",
                    "National Domestic Violence Hotline",
                    "Línea Nacional sobre la Violencia Doméstica",
                    "Advocates help you think through your options and find local shelter "
                    "and support.",
                    "Le ayudan a pensar en sus opciones y a encontrar refugio y apoyo cerca.",
                    categories=["crisis-line", "domestic-violence"],
                    phones=[
                        _phone(
                            "ndvh",
                            "1-800-799-7233",
                            "confidential_support",
                            "Talk with an advocate, 24/7.",
                            "Hable con una persona defensora, 24/7.",
                            always=True,
                        )
                    ],
                    languages=_en_es("ndvh"),
                    areas=national,
                    schedules=[_around_the_clock("ndvh")],
                    open_24_7=True,
                    free_of_charge=True,
                    police_report_required=False,
                    delivery_methods=["phone"],
                ),
            ],
        ),
        _organization(
            "hsi",
            "Homeland Security Investigations (HSI)",
            "The federal law-enforcement agency that investigates human trafficking.",
            [
                _service(
                    "hsi-tips",
                    "HSI Tip Line",
                    "Línea de denuncias de HSI",
                    "Report suspected human trafficking to federal law enforcement. Calling this "
                    "line is a report to law enforcement, not confidential advocacy.",
                    "Denuncie una posible trata de personas a la policía federal. Llamar a esta "
                    "línea es una denuncia a las autoridades, no una ayuda confidencial.",
                    categories=["report-to-police"],
                    phones=[
                        _phone(
                            "hsi",
                            "1-866-347-2423",
                            "report_to_law_enforcement",
                            "Calling reaches federal law enforcement (HSI).",
                            "La llamada llega a la policía federal (HSI).",
                        )
                    ],
                    areas=national,
                    delivery_methods=["phone"],
                ),
            ],
        ),
        _organization(
            "kcaht",
            "Kern Coalition Against Human Trafficking (KCAHT)",
            "Founded in 2012 by Carol Beecroft of Women's Center-High Desert, the coalition "
            "works by the 4 P's (Prevention, Protection, Prosecution, Partnership) and vets "
            "regional referrals from the National Human Trafficking Hotline.",
            [
                _service(
                    "kcaht-referrals",
                    "Coalition referrals for trafficking survivors",
                    "Referencias de la coalición para sobrevivientes de la trata",
                    "Partners in Kern County receive referrals for people experiencing "
                    "trafficking. To be referred, call the National Human Trafficking Hotline "
                    "and ask for help in Kern County.",
                    "Las organizaciones del condado de Kern reciben referencias de personas que "
                    "sufren trata. Para una referencia, llame a la Línea Nacional contra la "
                    "Trata y pida ayuda en el condado de Kern.",
                    categories=["trafficking-advocacy"],
                    areas=kern_area,
                    application_process=(
                        "Call 1-888-373-7888 and ask for a referral in Kern County."
                    ),
                    spanish={
                        "application_process": (
                            "Llame al 1-888-373-7888 y pida una referencia en el condado de Kern."
                        )
                    },
                    police_report_required=False,
                ),
            ],
        ),
        _organization(
            "kern-task-force",
            "Kern County Human Trafficking Task Force",
            "Formed in January 2022 and led by the Kern County District Attorney, with the "
            "Sheriff's Office, Bakersfield Police, the Alliance, the Department of Human "
            "Services and survivors.",
            [],
        ),
        _organization(
            "fjc",
            "Kern County Family Justice Center",
            "One place where survivors of family violence, sexual assault and trafficking meet "
            "several agencies: the Alliance, Greater Bakersfield Legal Assistance, District "
            "Attorney victim advocates, Behavioral Health and the Department of Human Services.",
            [
                _service(
                    "fjc",
                    "Family Justice Center: walk-in help",
                    "Centro de Justicia Familiar: ayuda sin cita",
                    "Walk in, no appointment needed. Meet advocates, legal aid, victim "
                    "advocates and counselors in one place. You do not have to report to the "
                    "police to get help here.",
                    "Venga sin cita. Encuentre en un solo lugar a personas defensoras, ayuda "
                    "legal y consejería. No tiene que denunciar a la policía para recibir ayuda.",
                    categories=[
                        "domestic-violence",
                        "trafficking-advocacy",
                        "victim-rights",
                        "legal-help",
                        "counseling",
                    ],
                    languages=[
                        _language("fjc", "en", "English"),
                        _language("fjc", "es", "Spanish", "interpreter"),
                    ],
                    areas=kern_area,
                    schedules=[fjc_hours],
                    locations=[family_justice_center],
                    police_report_required=False,
                    free_of_charge=True,
                    delivery_methods=["in_person"],
                ),
            ],
        ),
        _organization(
            "alliance",
            "Alliance Against Family Violence & Sexual Assault",
            "Kern County's domestic-violence and sexual-assault agency: a 24-hour crisis line, "
            "an emergency shelter with 34 beds, transitional housing and trafficking advocacy.",
            [
                _service(
                    "alliance-crisis",
                    "Alliance 24-hour crisis line",
                    "Línea de crisis de 24 horas de Alliance",
                    "Talk with an advocate any time about abuse, sexual assault or trafficking, "
                    "and about shelter tonight.",
                    "Hable a cualquier hora con una persona defensora sobre abuso, agresión "
                    "sexual o trata, y sobre refugio para esta noche.",
                    categories=["crisis-line", "domestic-violence", "trafficking-advocacy"],
                    phones=[
                        _phone(
                            "alliance-crisis",
                            "(661) 327-1091",
                            "confidential_support",
                            "24-hour crisis line: a confidential advocate answers.",
                            "Línea de crisis de 24 horas: contesta una persona defensora "
                            "de forma confidencial.",
                            always=True,
                        )
                    ],
                    languages=_en_es("alliance-crisis"),
                    areas=kern_area,
                    schedules=[_around_the_clock("alliance-crisis")],
                    open_24_7=True,
                    police_report_required=False,
                    free_of_charge=True,
                    delivery_methods=["phone"],
                ),
                _service(
                    "alliance-shelter",
                    "Alliance emergency shelter",
                    "Refugio de emergencia de Alliance",
                    "A safe, confidential shelter for survivors and their children (34 beds). "
                    "Call the crisis line to arrange a stay.",
                    "Un refugio seguro y confidencial para sobrevivientes y sus hijos (34 camas). "
                    "Llame a la línea de crisis para pedir un lugar.",
                    categories=["emergency-shelter", "domestic-violence"],
                    phones=[
                        _phone(
                            "alliance-shelter",
                            "(661) 327-1091",
                            "confidential_support",
                            "Call the 24-hour crisis line to ask for a bed.",
                            "Llame a la línea de crisis de 24 horas para pedir una cama.",
                            always=True,
                        )
                    ],
                    languages=_en_es("alliance-shelter"),
                    areas=kern_area,
                    locations=[alliance_shelter],
                    capacities=[
                        {
                            "id": uid("capacity:alliance-shelter"),
                            "unit": {"id": uid("unit:bed"), "name": "bed"},
                            "available": 3,
                            "maximum": 34,
                            "description": "Shelter beds (demo figure: confirm with the Alliance).",
                            "updated": "2026-11-01T16:00:00.000Z",
                        }
                    ],
                    open_24_7=True,
                    police_report_required=False,
                    free_of_charge=True,
                    delivery_methods=["in_person"],
                ),
                _service(
                    "alliance-transitional",
                    "Alliance transitional housing",
                    "Vivienda de transición de Alliance",
                    "Longer-term housing and support for survivors leaving shelter.",
                    "Vivienda y apoyo a más largo plazo para sobrevivientes que salen del refugio.",
                    categories=["transitional-housing"],
                    phones=[
                        _phone(
                            "alliance-office",
                            "(661) 322-0931",
                            "information",
                            "Alliance office: information and appointments.",
                            "Oficina de Alliance: información y citas.",
                        )
                    ],
                    areas=kern_area,
                    police_report_required=False,
                    delivery_methods=["in_person"],
                ),
                _service(
                    "alliance-trafficking",
                    "Alliance human trafficking advocacy",
                    "Apoyo de Alliance para sobrevivientes de la trata",
                    "Advocates help survivors of sex and labor trafficking with safety, shelter, "
                    "court and services. Also at the Family Justice Center.",
                    "Personas defensoras ayudan a sobrevivientes de trata sexual y laboral con "
                    "seguridad, refugio, la corte y servicios.",
                    categories=["trafficking-advocacy", "victim-rights"],
                    phones=[
                        _phone(
                            "alliance-trafficking",
                            "(661) 322-0931",
                            "information",
                            "Alliance office: ask for a trafficking advocate.",
                            "Oficina de Alliance: pida hablar con una persona defensora "
                            "para casos de trata.",
                        )
                    ],
                    areas=kern_area,
                    locations=[family_justice_center],
                    schedules=[fjc_hours],
                    police_report_required=False,
                    free_of_charge=True,
                    delivery_methods=["in_person", "phone"],
                ),
            ],
        ),
        _organization(
            "gbla",
            "Greater Bakersfield Legal Assistance",
            "Free civil legal aid, on site at the Family Justice Center.",
            [
                _service(
                    "gbla-fjc",
                    "Legal help at the Family Justice Center",
                    "Ayuda legal en el Centro de Justicia Familiar",
                    "Free legal advice for survivors: restraining orders, family law, housing.",
                    "Asesoría legal gratuita para sobrevivientes: órdenes de restricción, "
                    "derecho familiar, vivienda.",
                    categories=["legal-help"],
                    areas=kern_area,
                    locations=[family_justice_center],
                    schedules=[fjc_hours],
                    free_of_charge=True,
                    delivery_methods=["in_person"],
                ),
            ],
        ),
        _organization(
            "tejon",
            "Tejon Indian Tribe Community Advocacy Program",
            "Serves tribal members and helps anyone experiencing trafficking, sexual abuse, "
            "domestic violence, stalking or dating violence; links its work to missing and "
            "murdered Indigenous people (MMIP).",
            [
                _service(
                    "tejon-advocacy",
                    "Tejon community advocacy",
                    "Apoyo comunitario de la Tribu Tejón",
                    "Culturally grounded advocacy for survivors of trafficking, sexual abuse, "
                    "domestic violence, stalking and dating violence. Open to anyone, "
                    "tribal member or not.",
                    "Apoyo con respeto a la cultura para sobrevivientes de trata, abuso sexual, "
                    "violencia doméstica, acecho y violencia en el noviazgo. Abierto a todas "
                    "las personas, sean o no miembros de la tribu.",
                    categories=["tribal-services", "trafficking-advocacy", "domestic-violence"],
                    areas=kern_area,
                    tribal_eligibility="tribal_program_open_to_all",
                    tribal_affiliation="Tejon Indian Tribe",
                    police_report_required=False,
                ),
            ],
        ),
        _organization(
            "whd",
            "Women's Center-High Desert",
            "Domestic-violence and sexual-assault shelter and services for East Kern "
            "(Ridgecrest and the Indian Wells Valley).",
            [
                _service(
                    "whd-shelter",
                    "Women's Center-High Desert shelter",
                    "Refugio del Women's Center-High Desert",
                    "Confidential shelter for survivors of domestic violence and sexual assault "
                    "in East Kern.",
                    "Refugio confidencial para sobrevivientes de violencia doméstica y agresión "
                    "sexual en el este de Kern.",
                    categories=["emergency-shelter", "domestic-violence"],
                    areas=[
                        _area("whd", "city", "Ridgecrest", "Ridgecrest"),
                        _area("whd", "city", "Inyokern", "Inyokern"),
                    ],
                    locations=[high_desert_shelter],
                    police_report_required=False,
                    delivery_methods=["in_person"],
                ),
            ],
        ),
        _organization(
            "kern-dhs",
            "Kern County Department of Human Services",
            "The county department that runs Child Protective Services.",
            [
                _service(
                    "kern-cps",
                    "Child abuse hotline (Child Protective Services)",
                    "Línea para reportar abuso infantil (Servicios de Protección Infantil)",
                    "Calling makes a report to child welfare (CPS): a social worker may "
                    "investigate. It is not a confidential advice line. Mandated reporters "
                    "call, then send a written Suspected Child Abuse Report (SCAR) within "
                    "36 hours.",
                    "Llamar es hacer un reporte a Protección Infantil (CPS): una trabajadora "
                    "social puede investigar. No es una línea confidencial de consejo.",
                    categories=["child-abuse-report", "youth-services"],
                    phones=[
                        _phone(
                            "kern-cps",
                            "(661) 631-6011",
                            "report_to_child_welfare",
                            "Calling makes a report of child abuse to CPS. Answered 24/7.",
                            "Llamar hace un reporte de abuso infantil a CPS. Contestan 24/7.",
                            always=True,
                        ),
                        _phone(
                            "kern-cps-ridgecrest",
                            "(760) 375-6049",
                            "report_to_child_welfare",
                            "Ridgecrest: calling makes a report of child abuse to CPS.",
                            "Ridgecrest: llamar hace un reporte de abuso infantil a CPS.",
                        ),
                        _phone(
                            "kern-dhs-main",
                            "(661) 631-6000",
                            "information",
                            "Department of Human Services main line.",
                            "Línea principal del Departamento de Servicios Humanos.",
                        ),
                    ],
                    areas=kern_area,
                    schedules=[_around_the_clock("kern-cps")],
                    open_24_7=True,
                    delivery_methods=["phone"],
                ),
            ],
        ),
        _organization(
            "kcso",
            "Kern County Sheriff's Office",
            "County law enforcement; co-directs the coalition.",
            [
                _service(
                    "kcso",
                    "Report to the Sheriff's Office",
                    "Denunciar a la Oficina del Sheriff",
                    "Calling reaches law enforcement. In an emergency call 911.",
                    "La llamada llega a la policía. En una emergencia llame al 911.",
                    categories=["report-to-police"],
                    phones=[
                        _phone(
                            "kcso",
                            "(661) 861-3110",
                            "report_to_law_enforcement",
                            "Sheriff's Office (number from 2018: verify).",
                            "Oficina del Sheriff (número de 2018: verifíquelo).",
                        )
                    ],
                    areas=kern_area,
                    delivery_methods=["phone"],
                ),
            ],
        ),
        _organization(
            "bpd",
            "Bakersfield Police Department",
            "City of Bakersfield police.",
            [
                _service(
                    "bpd",
                    "Report to Bakersfield Police",
                    "Denunciar a la Policía de Bakersfield",
                    "Calling reaches law enforcement. In an emergency call 911.",
                    "La llamada llega a la policía. En una emergencia llame al 911.",
                    categories=["report-to-police"],
                    phones=[
                        _phone(
                            "bpd",
                            "(661) 327-7111",
                            "report_to_law_enforcement",
                            "Bakersfield Police (number from 2018: verify).",
                            "Policía de Bakersfield (número de 2018: verifíquelo).",
                        )
                    ],
                    areas=[_area("bpd", "city", "Bakersfield", "Bakersfield")],
                    delivery_methods=["phone"],
                ),
            ],
        ),
        _organization(
            "magdalene-hope",
            "Magdalene Hope",
            "A Kern County organization named by the coalition as working against human "
            "trafficking. Its services are not yet confirmed.",
            [],
        ),
    ]


def load(stdout: IO[str]) -> None:
    """Load (or refresh) the demo directory. Safe to run any number of times."""
    payload = json.dumps(_terms() + documents(), ensure_ascii=False).encode()
    report = importing.run_import(
        [(payload, "demo directory")], file_format=models.ImportFormat.JSON, entity=None
    )
    if not report.ok:
        raise RuntimeError("; ".join(str(p) for p in report.errors[:10]))
    created = sum(report.created.values())
    updated = sum(report.updated.values())
    stdout.write(f"directory: demo loaded ({created} rows created, {updated} updated)\n")
