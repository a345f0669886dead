"""A small, realistic directory for search tests, page tests and browser tests.

Kern County listings in English and Spanish, modelled on the kinds of services the
coalition refers to (some names are real organizations from the shared domain facts,
their details here are illustrative; others are made up). Every id is derived from a
key with uuid5, so tests can name a listing: ``FIXTURE.service_id("legal_aid")``.
Not demo data: the directory's demo loader lives elsewhere.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from plainsight.directory import models as m

NAMESPACE = uuid.UUID("6f1c2a9e-9d0b-4a53-8a7c-1f2b3c4d5e6f")
TODAY = dt.date(2026, 11, 2)


def uid(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


# Taxonomy: (code, English, Spanish, parent code)
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
    (
        "court",
        "Victim rights and court support",
        "Derechos de víctimas y apoyo en la corte",
        "legal",
    ),
    ("health", "Health", "Salud", ""),
    ("medical", "Medical care", "Atención médica", "health"),
    ("counseling", "Counseling", "Consejería", "health"),
    ("substance", "Substance use treatment", "Tratamiento por uso de drogas o alcohol", "health"),
    ("safety", "Safety and advocacy", "Seguridad y apoyo", ""),
    ("crisis", "Crisis lines", "Líneas de crisis", "safety"),
    ("trafficking", "Trafficking survivor support", "Apoyo para sobrevivientes de trata", "safety"),
    ("dv", "Domestic violence", "Violencia doméstica", "safety"),
    ("work", "Work and school", "Trabajo y escuela", ""),
    ("jobs", "Job training", "Capacitación para el trabajo", "work"),
    ("education", "Education", "Educación", "work"),
    ("youth", "Youth services", "Servicios para jóvenes", ""),
]

WEEKDAYS = "MO,TU,WE,TH,FR"


@dataclass
class Loc:
    key: str
    name: str
    address: str
    city: str
    zip: str
    lat: float | None
    lon: float | None
    confidential: bool = False
    access_note: str = ""
    transportation: str = ""
    location_type: str = m.LocationType.PHYSICAL
    iana_timezone: str = "America/Los_Angeles"


@dataclass
class Svc:
    key: str
    org: str
    name: str
    description: str
    name_es: str = ""
    description_es: str = ""
    terms: tuple[str, ...] = ()
    locations: tuple[Loc, ...] = ()
    phones: tuple[tuple[str, str, str, str], ...] = ()  # number, type, outcome, description
    schedules: tuple[dict[str, Any], ...] = ()
    languages: tuple[tuple[str, str, str], ...] = (("en", "English", "staff"),)
    areas: tuple[tuple[str, str], ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict)
    assured: dt.date | None = TODAY
    partner: str = ""
    capacity: int | None = None


def weekly(byday: str, opens: str, closes: str, **extra: Any) -> dict[str, Any]:
    return {
        "freq": "WEEKLY",
        "byday": byday,
        "opens_at": dt.time.fromisoformat(opens),
        "closes_at": dt.time.fromisoformat(closes),
        "iana_timezone": "America/Los_Angeles",
        **extra,
    }


SPANISH = ("es", "Spanish", "staff")
ENGLISH = ("en", "English", "staff")
KERN = (("county", "06029"),)
BAKERSFIELD_CENTER = (35.3775, -119.0216)

SERVICES: list[Svc] = [
    Svc(
        "crisis_line",
        "Alliance Against Family Violence & Sexual Assault",
        "24-Hour Crisis Line",
        "Talk with a crisis advocate about trafficking, domestic violence or sexual assault, "
        "day or night, and ask about emergency shelter. You do not need a police report.",
        "Línea de crisis de 24 horas",
        "Hable con una persona de apoyo en crisis sobre trata, violencia doméstica o agresión "
        "sexual, de día o de noche, y pregunte por un refugio de emergencia. No necesita un "
        "reporte policial.",
        terms=("crisis", "dv", "trafficking"),
        phones=(("(661) 327-1091", "voice", "confidential_support", "24-hour crisis line"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={
            "open_24_7": True,
            "free_of_charge": True,
            "police_report_required": False,
            "immigration_status_neutral": True,
            "delivery_methods": ["phone"],
        },
        partner="alliance",
    ),
    Svc(
        "alliance_shelter",
        "Alliance Against Family Violence & Sexual Assault",
        "Emergency Shelter",
        "A safe, confidential shelter for people escaping domestic violence, sexual assault "
        "or trafficking, and their children. Beds, meals and an advocate. Call the crisis "
        "line to be picked up at a safe place.",
        "Refugio de emergencia",
        "Un refugio seguro y confidencial para personas que escapan de la violencia "
        "doméstica, la agresión sexual o la trata, y sus hijos. Camas, comidas y una persona "
        "de apoyo. Llame a la línea de crisis.",
        terms=("shelter", "dv", "trafficking"),
        locations=(
            Loc(
                "alliance_shelter",
                "Alliance safe house",
                "1921 Nineteenth Street",
                "Bakersfield",
                "93301",
                35.37123,
                -119.00555,
                confidential=True,
                access_note="Call the 24-hour crisis line: an advocate will meet you at a "
                "safe place.",
            ),
        ),
        phones=(("(661) 327-1091", "voice", "confidential_support", "24-hour crisis line"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={
            "open_24_7": True,
            "free_of_charge": True,
            "police_report_required": False,
            "immigration_status_neutral": True,
            "delivery_methods": ["in_person"],
        },
        partner="alliance",
        capacity=34,
    ),
    Svc(
        "transitional",
        "Alliance Against Family Violence & Sexual Assault",
        "Transitional Housing for Survivors",
        "Apartments for survivors for six to twenty-four months while they rebuild: rent "
        "help, case management and support groups.",
        "Vivienda de transición para sobrevivientes",
        "Apartamentos para sobrevivientes por seis a veinticuatro meses: ayuda con la renta, "
        "manejo de caso y grupos de apoyo.",
        terms=("housing", "dv"),
        locations=(
            Loc(
                "alliance_office",
                "Alliance office",
                "1400 Chester Ave",
                "Bakersfield",
                "93301",
                35.3750,
                -119.0180,
            ),
        ),
        phones=(("(661) 322-0931", "voice", "information", "Office"),),
        schedules=(weekly(WEEKDAYS, "08:00", "17:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"free_of_charge": True, "police_report_required": False},
        partner="alliance",
    ),
    Svc(
        "fjc",
        "Kern County Family Justice Center",
        "Family Justice Center Walk-In Help",
        "One place for survivors of violence and trafficking: advocates, legal help, "
        "counseling and help with safety planning. No appointment needed.",
        "Ayuda sin cita en el Centro de Justicia Familiar",
        "Un solo lugar para sobrevivientes de violencia y trata: personas de apoyo, ayuda "
        "legal, consejería y un plan de seguridad. No necesita cita.",
        terms=("dv", "trafficking", "court"),
        locations=(
            Loc(
                "fjc",
                "Family Justice Center",
                "1600 E Truxtun Ave, 18th & L Streets",
                "Bakersfield",
                "93301",
                35.3775,
                -119.0216,
                transportation="GET bus routes 1 and 7 stop at 18th Street and L Street.",
            ),
        ),
        phones=(("(661) 868-4000", "voice", "information", "Front desk"),),
        schedules=(weekly(WEEKDAYS, "08:00", "17:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"free_of_charge": True, "police_report_required": False},
    ),
    Svc(
        "legal_aid",
        "Greater Bakersfield Legal Assistance",
        "Free Legal Help",
        "Lawyers and paralegals help people with low income with housing, family law, "
        "restraining orders, public benefits and immigration questions.",
        "Ayuda legal gratuita",
        "Abogados y asistentes legales ayudan a personas de bajos ingresos con vivienda, "
        "derecho familiar, órdenes de restricción, beneficios públicos y preguntas de "
        "inmigración.",
        terms=("legal",),
        locations=(
            Loc(
                "gbla",
                "GBLA main office",
                "615 California Ave",
                "Bakersfield",
                "93304",
                35.3610,
                -119.0130,
            ),
        ),
        phones=(("(661) 325-5943", "voice", "information", "Intake line"),),
        schedules=(weekly(WEEKDAYS, "09:00", "17:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"free_of_charge": True, "police_report_required": False},
    ),
    Svc(
        "immigration",
        "Kern Immigrant Rights Clinic",
        "Immigration Legal Services (T and U Visas)",
        "Immigration attorneys help survivors of trafficking and crime apply for T visas, "
        "U visas and other protection. We do not ask about status to help you.",
        "Servicios legales de inmigración (visas T y U)",
        "Abogados de inmigración ayudan a sobrevivientes de trata y de delitos a pedir visas "
        "T, visas U y otra protección. No preguntamos por su estatus migratorio.",
        terms=("immigration",),
        locations=(
            Loc(
                "kirc_delano",
                "Delano office",
                "1015 11th Ave",
                "Delano",
                "93215",
                35.7690,
                -119.2470,
            ),
            Loc(
                "kirc_bakersfield",
                "Bakersfield office",
                "2000 24th St",
                "Bakersfield",
                "93301",
                35.3850,
                -119.0220,
            ),
        ),
        phones=(("(661) 555-0142", "voice", "information", "Appointments"),),
        schedules=(weekly("TU,WE,TH", "09:00", "16:00"),),
        languages=(ENGLISH, SPANISH, ("mix", "Mixteco", "interpreter")),
        areas=KERN,
        attrs={
            "free_of_charge": True,
            "police_report_required": False,
            "immigration_status_neutral": True,
            "t_u_visa_assistance": True,
        },
        partner="kirc",
    ),
    Svc(
        "labor",
        "Central Valley Workers Center",
        "Unpaid Wages and Labor Rights Clinic",
        "Help if your employer did not pay you, took part of your wages, or keeps your "
        "documents. Wage claims and advice about labor trafficking in farm work.",
        "Clínica de salarios no pagados y derechos laborales",
        "Ayuda si su patrón no le pagó, le quitó parte de su salario o guarda sus "
        "documentos. Reclamos de salario y consejos sobre trata laboral en el trabajo del "
        "campo.",
        terms=("labor",),
        locations=(
            Loc(
                "cvwc_arvin",
                "Arvin office",
                "200 Campus Dr",
                "Arvin",
                "93203",
                35.2090,
                -118.8280,
            ),
        ),
        phones=(("(661) 555-0177", "voice", "information", "Worker line"),),
        schedules=(weekly("MO,WE,FR", "10:00", "18:00"),),
        languages=(ENGLISH, SPANISH, ("mix", "Mixteco", "staff")),
        areas=KERN,
        attrs={
            "free_of_charge": True,
            "police_report_required": False,
            "immigration_status_neutral": True,
        },
    ),
    Svc(
        "food_pantry",
        "Bakersfield Community Pantry",
        "Community Food Pantry",
        "Free groceries for anyone who needs them: fresh produce, rice, beans and baby "
        "food. No ID needed.",
        "Despensa comunitaria de alimentos",
        "Comida gratis para quien la necesite: frutas y verduras, arroz, frijoles y comida "
        "para bebé. No necesita identificación.",
        terms=("food",),
        locations=(
            Loc(
                "pantry",
                "Pantry warehouse",
                "1300 Baker St",
                "Bakersfield",
                "93305",
                35.3840,
                -118.9850,
            ),
        ),
        phones=(("(661) 555-0110", "voice", "information", "Pantry"),),
        schedules=(weekly("TU,TH", "10:00", "14:00"), weekly("SA", "09:00", "12:00")),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"free_of_charge": True, "police_report_required": False},
    ),
    Svc(
        "meals",
        "Mission Kitchen",
        "Hot Meals Every Day",
        "Breakfast and dinner every day for anyone, no questions asked.",
        "Comidas calientes todos los días",
        "Desayuno y cena todos los días para cualquier persona, sin preguntas.",
        terms=("food",),
        locations=(
            Loc(
                "mission",
                "Mission Kitchen",
                "816 E 21st St",
                "Bakersfield",
                "93305",
                35.3880,
                -118.9990,
            ),
        ),
        schedules=(
            weekly("MO,TU,WE,TH,FR,SA,SU", "06:30", "08:30"),
            weekly("MO,TU,WE,TH,FR,SA,SU", "17:00", "19:00"),
        ),
        languages=(ENGLISH, SPANISH),
        attrs={"free_of_charge": True},
    ),
    Svc(
        "tejon",
        "Tejon Indian Tribe",
        "Community Advocacy Program",
        "Serves tribal members and helps anyone experiencing trafficking, sexual abuse, "
        "domestic violence, stalking or dating violence. Works on missing and murdered "
        "Indigenous people (MMIP).",
        "Programa de apoyo comunitario",
        "Atiende a miembros de la tribu y ayuda a cualquier persona que sufra trata, abuso "
        "sexual, violencia doméstica, acecho o violencia en el noviazgo.",
        terms=("trafficking", "dv"),
        locations=(
            Loc(
                "tejon",
                "Tejon Tribe offices",
                "4941 Pinnacle Dr",
                "Bakersfield",
                "93312",
                35.3950,
                -119.1200,
            ),
        ),
        schedules=(weekly(WEEKDAYS, "08:30", "16:30"),),
        areas=KERN,
        attrs={
            "tribal_eligibility": m.TribalEligibility.OPEN_TO_ALL,
            "tribal_affiliation": "Tejon Indian Tribe",
            "free_of_charge": True,
            "police_report_required": False,
        },
    ),
    Svc(
        "high_desert",
        "Women's Center-High Desert",
        "Domestic Violence Shelter (East Kern)",
        "Shelter and advocacy for survivors of domestic violence and sexual assault in "
        "Ridgecrest and East Kern.",
        "Refugio para violencia doméstica (este de Kern)",
        "Refugio y apoyo para sobrevivientes de violencia doméstica y agresión sexual en "
        "Ridgecrest y el este de Kern.",
        terms=("shelter", "dv"),
        locations=(
            Loc(
                "high_desert",
                "Ridgecrest shelter",
                "101 Secret Way",
                "Ridgecrest",
                "93555",
                35.6301,
                -117.6650,
                confidential=True,
                access_note="Call the hotline and staff will tell you where to go.",
            ),
        ),
        phones=(("(760) 555-0155", "voice", "confidential_support", "24-hour hotline"),),
        areas=KERN,
        attrs={
            "open_24_7": True,
            "free_of_charge": True,
            "police_report_required": False,
        },
        capacity=12,
    ),
    Svc(
        "nhth",
        "National Human Trafficking Hotline",
        "National Human Trafficking Hotline",
        "Free, confidential help 24 hours a day by phone, text or chat, in English, Spanish "
        "and more than 200 languages through interpreters. You do not have to give your "
        "name.",
        "Línea Nacional contra la Trata de Personas",
        "Ayuda gratis y confidencial las 24 horas por teléfono, mensaje de texto o chat, en "
        "inglés, español y más de 200 idiomas con intérpretes. No tiene que dar su nombre.",
        terms=("crisis", "trafficking"),
        phones=(
            ("1-888-373-7888", "voice", "confidential_support", "Call"),
            ("233733", "text", "confidential_support", "Text"),
        ),
        languages=(ENGLISH, SPANISH),
        areas=(("country", "US"),),
        attrs={
            "open_24_7": True,
            "free_of_charge": True,
            "police_report_required": False,
            "interpretation_available": True,
            "delivery_methods": ["phone", "text", "online"],
        },
    ),
    Svc(
        "lifeline",
        "988 Suicide & Crisis Lifeline",
        "988 Suicide & Crisis Lifeline",
        "If you are thinking about suicide or are in emotional crisis. Call or text 988, "
        "free, 24 hours, in English and Spanish.",
        "988 Línea de prevención del suicidio y crisis",
        "Si piensa en el suicidio o está en una crisis emocional. Llame o mande un texto al "
        "988, gratis, las 24 horas.",
        terms=("crisis",),
        phones=(("988", "voice", "confidential_support", "Call"),),
        languages=(ENGLISH, SPANISH),
        areas=(("country", "US"),),
        attrs={"open_24_7": True, "free_of_charge": True, "delivery_methods": ["phone", "text"]},
    ),
    Svc(
        "child_abuse",
        "Kern County Department of Human Services",
        "Child Abuse Hotline",
        "Report that a child is being harmed, neglected or exploited. Calling makes a report "
        "to Child Protective Services.",
        "Línea de abuso infantil",
        "Reporte que un niño o una niña está siendo dañado, descuidado o explotado. Llamar "
        "hace un reporte a los Servicios de Protección Infantil.",
        terms=("crisis",),
        phones=(("(661) 631-6011", "voice", "report_to_child_welfare", "Child abuse hotline"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"open_24_7": True, "delivery_methods": ["phone"]},
    ),
    Svc(
        "counseling",
        "Kern Behavioral Health and Recovery Services",
        "Counseling for Survivors",
        "Individual and group therapy for people who lived through trauma, violence or "
        "trafficking. Medi-Cal accepted.",
        "Consejería para sobrevivientes",
        "Terapia individual y en grupo para personas que vivieron trauma, violencia o trata. "
        "Se acepta Medi-Cal.",
        terms=("counseling",),
        locations=(
            Loc(
                "kbhrs",
                "Behavioral Health clinic",
                "2151 College Ave",
                "Bakersfield",
                "93305",
                35.3900,
                -118.9700,
            ),
        ),
        phones=(("(661) 555-0190", "voice", "information", "Appointments"),),
        schedules=(weekly(WEEKDAYS, "08:00", "17:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"police_report_required": False},
    ),
    Svc(
        "clinic",
        "Valley Community Health",
        "Community Health Clinic",
        "Doctors and nurses for adults and children: check-ups, sick visits, women's health "
        "and vaccines. Sliding-scale fees.",
        "Clínica de salud comunitaria",
        "Médicos y enfermeras para adultos y niños: chequeos, consultas por enfermedad, "
        "salud de la mujer y vacunas. Costo según sus ingresos.",
        terms=("medical",),
        locations=(
            Loc(
                "clinic_lamont",
                "Lamont clinic",
                "8787 Hall Rd",
                "Lamont",
                "93241",
                35.2600,
                -118.9140,
            ),
        ),
        phones=(("(661) 555-0120", "voice", "information", "Appointments"),),
        schedules=(weekly("MO,TU,WE,TH,FR,SA", "08:00", "20:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
    ),
    Svc(
        "youth",
        "Kern Youth Collective",
        "Youth Drop-In Center",
        "A safe place for young people 12 to 24: snacks, showers, phone charging, and "
        "someone to talk to. Teens can come on their own.",
        "Centro para jóvenes",
        "Un lugar seguro para jóvenes de 12 a 24 años: bocadillos, regaderas, cargar el "
        "teléfono y alguien con quien hablar. Los adolescentes pueden venir solos.",
        terms=("youth",),
        locations=(
            Loc(
                "youth_center",
                "Drop-in center",
                "1400 H St",
                "Bakersfield",
                "93301",
                35.3790,
                -119.0250,
            ),
        ),
        schedules=(weekly(WEEKDAYS, "15:00", "21:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={
            "minimum_age": 12,
            "maximum_age": 24,
            "serves_minors_without_guardian": True,
            "police_report_required": False,
            "free_of_charge": True,
        },
    ),
    Svc(
        "teen_shelter",
        "Kern Youth Collective",
        "Teen Overnight Shelter",
        "Overnight beds for teens 13 to 17 who cannot go home tonight. Open every night "
        "from 7 in the evening to 7 in the morning.",
        "Refugio nocturno para adolescentes",
        "Camas para pasar la noche para adolescentes de 13 a 17 años que no pueden volver a "
        "casa esta noche.",
        terms=("shelter", "youth"),
        locations=(
            Loc(
                "teen_shelter",
                "Night shelter",
                "1402 H St",
                "Bakersfield",
                "93301",
                35.3792,
                -119.0252,
            ),
        ),
        schedules=(weekly("MO,TU,WE,TH,FR,SA,SU", "19:00", "07:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={
            "minimum_age": 13,
            "maximum_age": 17,
            "serves_minors_without_guardian": True,
            "police_report_required": False,
            "free_of_charge": True,
        },
        capacity=6,
    ),
    Svc(
        "jobs",
        "Bakersfield Adult School",
        "Job Training for Survivors",
        "Paid job training, resume help and interview practice, with childcare during classes.",
        "Capacitación para el trabajo para sobrevivientes",
        "Capacitación pagada para el trabajo, ayuda con el currículum y práctica para "
        "entrevistas, con cuidado de niños durante las clases.",
        terms=("jobs",),
        locations=(
            Loc(
                "adult_school",
                "Adult School campus",
                "501 S Mt Vernon Ave",
                "Bakersfield",
                "93307",
                35.3400,
                -118.9800,
            ),
        ),
        schedules=(weekly("MO,TU,WE,TH", "09:00", "15:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"free_of_charge": True},
    ),
    Svc(
        "esl",
        "Bakersfield Adult School",
        "English Classes (ESL)",
        "Free English as a second language classes, mornings and evenings.",
        "Clases de inglés",
        "Clases de inglés como segundo idioma, gratis, en la mañana y en la tarde.",
        terms=("education",),
        locations=(
            Loc(
                "adult_school_esl",
                "Adult School campus",
                "501 S Mt Vernon Ave",
                "Bakersfield",
                "93307",
                35.3400,
                -118.9800,
            ),
        ),
        schedules=(weekly("MO,TU,WE,TH", "08:00", "21:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"free_of_charge": True},
    ),
    Svc(
        "rides",
        "Golden Empire Transit",
        "Bus Passes and Rides to Appointments",
        "Free bus passes and rides to medical, court and social service appointments for "
        "survivors referred by an advocate.",
        "Pases de autobús y transporte a citas",
        "Pases de autobús gratis y transporte a citas médicas, de la corte y de servicios "
        "sociales.",
        terms=("transport",),
        locations=(
            Loc(
                "get",
                "GET downtown transit center",
                "1830 Golden State Ave",
                "Bakersfield",
                "93301",
                35.3800,
                -119.0100,
            ),
        ),
        schedules=(weekly(WEEKDAYS, "07:00", "18:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"free_of_charge": True},
    ),
    Svc(
        "clothing",
        "Hope Closet",
        "Clothing Closet",
        "Free clothes, shoes and hygiene kits for adults and children.",
        "Ropero comunitario",
        "Ropa, zapatos y artículos de higiene gratis para adultos y niños.",
        terms=("clothing",),
        locations=(
            Loc(
                "closet",
                "Hope Closet",
                "300 Oak St",
                "Bakersfield",
                "93304",
                35.3600,
                -119.0300,
            ),
        ),
        schedules=(weekly("WE,SA", "10:00", "15:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"free_of_charge": True},
    ),
    Svc(
        "recovery",
        "Kern Recovery Center",
        "Substance Use Treatment",
        "Outpatient treatment for drug and alcohol addiction, detox referrals and support groups.",
        "Tratamiento por uso de drogas y alcohol",
        "Tratamiento ambulatorio para la adicción a las drogas y el alcohol y grupos de apoyo.",
        terms=("substance",),
        locations=(
            Loc(
                "recovery",
                "Recovery Center",
                "3300 Truxtun Ave",
                "Bakersfield",
                "93301",
                35.3700,
                -119.0500,
            ),
        ),
        schedules=(weekly(WEEKDAYS, "07:00", "19:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
    ),
    Svc(
        "sheriff",
        "Kern County Sheriff's Office",
        "Human Trafficking Unit",
        "Report trafficking to law enforcement. Detectives investigate and can connect "
        "victims with advocates.",
        "Unidad de trata de personas",
        "Reporte la trata a la policía. Los detectives investigan y pueden conectar a las "
        "víctimas con personas de apoyo.",
        terms=("trafficking",),
        phones=(("(661) 861-3110", "voice", "report_to_law_enforcement", "Sheriff's office"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"open_24_7": True, "police_report_required": True},
    ),
    Svc(
        "victim_services",
        "Kern County District Attorney",
        "Victim Services",
        "Victim advocates explain the court process, go with you to court and help you "
        "apply for victim compensation.",
        "Servicios para víctimas",
        "Personas de apoyo a víctimas le explican el proceso en la corte, le acompañan y le "
        "ayudan a pedir compensación para víctimas.",
        terms=("court",),
        locations=(
            Loc(
                "da",
                "District Attorney",
                "1215 Truxtun Ave",
                "Bakersfield",
                "93301",
                35.3740,
                -119.0170,
            ),
        ),
        phones=(("(661) 868-4590", "voice", "information", "Victim services"),),
        schedules=(weekly(WEEKDAYS, "08:00", "17:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"free_of_charge": True, "police_report_required": True},
    ),
    Svc(
        "mentoring",
        "Magdalene Hope",
        "Survivor Mentoring",
        "Mentors who are survivors themselves walk with women leaving sex trafficking and "
        "exploitation.",
        "Mentoría para sobrevivientes",
        "Mentoras que también son sobrevivientes acompañan a mujeres que salen de la trata "
        "sexual y la explotación.",
        terms=("trafficking",),
        locations=(
            Loc(
                "magdalene",
                "Magdalene Hope",
                "2700 F St",
                "Bakersfield",
                "93301",
                35.3900,
                -119.0200,
            ),
        ),
        schedules=(weekly(WEEKDAYS, "09:00", "17:00"),),
        languages=(ENGLISH,),
        areas=KERN,
        attrs={"free_of_charge": True, "police_report_required": False},
    ),
    Svc(
        "restraining",
        "Greater Bakersfield Legal Assistance",
        "Restraining Order Help",
        "Help filling out and filing domestic violence restraining orders, and someone to go "
        "with you to the hearing.",
        "Ayuda con órdenes de restricción",
        "Ayuda para llenar y presentar órdenes de restricción por violencia doméstica, y "
        "alguien que le acompañe a la audiencia.",
        terms=("legal", "dv"),
        locations=(
            Loc(
                "gbla_court",
                "Self-help desk at the courthouse",
                "1415 Truxtun Ave",
                "Bakersfield",
                "93301",
                35.3745,
                -119.0180,
            ),
        ),
        schedules=(weekly("MO,WE", "08:30", "12:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"free_of_charge": True, "police_report_required": False},
    ),
    Svc(
        "legal_clinic_monthly",
        "Kern Immigrant Rights Clinic",
        "Saturday Legal Clinic",
        "Free walk-in legal advice with volunteer attorneys on the first Saturday of every month.",
        "Clínica legal de los sábados",
        "Consejos legales gratis con abogados voluntarios el primer sábado de cada mes.",
        terms=("legal",),
        locations=(
            Loc(
                "kirc_lamont",
                "Lamont library",
                "8304 Segrue Rd",
                "Lamont",
                "93241",
                35.2590,
                -118.9150,
            ),
        ),
        schedules=(
            {
                "freq": "MONTHLY",
                "byday": "1SA",
                "opens_at": dt.time(9),
                "closes_at": dt.time(13),
                "iana_timezone": "America/Los_Angeles",
            },
        ),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"free_of_charge": True, "police_report_required": False},
        partner="kirc",
    ),
    Svc(
        "fresno_shelter",
        "Marjaree Mason Center",
        "Fresno Emergency Shelter",
        "Emergency shelter for survivors of domestic violence in Fresno County.",
        "Refugio de emergencia en Fresno",
        "Refugio de emergencia para sobrevivientes de violencia doméstica en el condado de Fresno.",
        terms=("shelter", "dv"),
        locations=(
            Loc(
                "fresno",
                "Fresno office",
                "1600 M St",
                "Fresno",
                "93721",
                36.7370,
                -119.7850,
            ),
        ),
        phones=(("(559) 555-0133", "voice", "confidential_support", "24-hour line"),),
        languages=(ENGLISH, SPANISH),
        areas=(("county", "06019"),),
        attrs={"open_24_7": True, "free_of_charge": True, "police_report_required": False},
    ),
    Svc(
        "online_counseling",
        "California Survivor Network",
        "Online Counseling by Video",
        "Private video counseling sessions with a licensed therapist, from your phone or "
        "computer, anywhere in California.",
        "Consejería en línea por video",
        "Sesiones privadas de consejería por video con una terapeuta con licencia, desde su "
        "teléfono o computadora, en cualquier parte de California.",
        terms=("counseling",),
        locations=(
            Loc(
                "online",
                "Online",
                "",
                "",
                "",
                None,
                None,
                location_type=m.LocationType.VIRTUAL,
            ),
        ),
        schedules=(weekly("MO,TU,WE,TH,FR,SA", "09:00", "21:00"),),
        languages=(ENGLISH, SPANISH),
        areas=(("state", "CA"),),
        attrs={
            "free_of_charge": True,
            "police_report_required": False,
            "delivery_methods": ["online"],
        },
    ),
    Svc(
        "la_legal",
        "Los Angeles Survivor Legal Project",
        "Legal Help for Trafficking Survivors (Los Angeles)",
        "Attorneys for survivors of human trafficking in Los Angeles County: vacating "
        "convictions, immigration relief and civil claims.",
        "Ayuda legal para sobrevivientes de trata (Los Ángeles)",
        "Abogados para sobrevivientes de trata en el condado de Los Ángeles.",
        terms=("legal", "trafficking"),
        locations=(
            Loc(
                "la",
                "Downtown LA office",
                "100 W 1st St",
                "Los Angeles",
                "90012",
                34.0610,
                -118.2390,
            ),
        ),
        schedules=(weekly(WEEKDAYS, "09:00", "17:00"),),
        languages=(ENGLISH, SPANISH),
        areas=(("county", "06037"),),
        attrs={"free_of_charge": True, "police_report_required": False},
    ),
    Svc(
        "tehachapi",
        "Tehachapi Family Resource Center",
        "Family Resource Center",
        "Food boxes, clothing, help applying for benefits and referrals for families in the "
        "Tehachapi area.",
        "Centro de recursos familiares",
        "Cajas de comida, ropa, ayuda para pedir beneficios y referencias para familias.",
        terms=("food", "clothing"),
        locations=(
            Loc(
                "tehachapi",
                "Tehachapi center",
                "20000 Valley Blvd",
                "Tehachapi",
                "93561",
                35.1320,
                -118.4490,
            ),
        ),
        schedules=(weekly(WEEKDAYS, "09:00", "16:00"),),
        languages=(ENGLISH, SPANISH),
        areas=(("postal_code", "93561"), ("postal_code", "93531")),
        attrs={"free_of_charge": True},
        assured=None,
    ),
    Svc(
        "health_van",
        "Valley Community Health",
        "Mobile Health Van",
        "A doctor's office on wheels that visits farm worker communities.",
        "Camioneta de salud móvil",
        "Un consultorio médico sobre ruedas que visita comunidades de trabajadores del campo.",
        terms=("medical",),
        locations=(
            Loc(
                "van",
                "Mobile van (Wasco stop)",
                "1000 7th St",
                "Wasco",
                "93280",
                35.5940,
                -119.3410,
            ),
        ),
        schedules=(weekly(WEEKDAYS, "08:00", "17:00"),),
        languages=(ENGLISH, SPANISH),
        areas=KERN,
        attrs={"status": m.ServiceStatus.TEMPORARILY_CLOSED, "free_of_charge": True},
    ),
    Svc(
        "closed_program",
        "Old Program",
        "Discontinued Shelter Program",
        "This program closed.",
        terms=("shelter",),
        locations=(Loc("old", "Old site", "1 Old Rd", "Bakersfield", "93301", 35.38, -119.02),),
        attrs={"status": m.ServiceStatus.DEFUNCT},
    ),
]


@dataclass
class FixtureDirectory:
    services: dict[str, m.Service]
    locations: dict[str, m.Location]
    terms: dict[str, m.TaxonomyTerm]
    organizations: dict[str, m.Organization]

    def service_id(self, key: str) -> uuid.UUID:
        return uid("service", key)


def build_directory(*, partners: dict[str, Any] | None = None) -> FixtureDirectory:
    """Create the fixture directory (call inside a test with database access).

    ``partners`` maps a partner key used above ("alliance", "kirc") to a
    ``partners.Organization`` that maintains those listings.
    """
    partners = partners or {}
    taxonomy = m.Taxonomy.objects.create(
        id=uid("taxonomy", "plainsight"),
        name="PlainSight services",
        description="Categories of help, in plain words.",
        translations={"es": {"name": "Servicios de PlainSight"}},
    )
    terms: dict[str, m.TaxonomyTerm] = {}
    for code, name, name_es, parent in TERMS:
        terms[code] = m.TaxonomyTerm.objects.create(
            id=uid("term", code),
            code=code,
            name=name,
            description=name,
            parent=terms[parent] if parent else None,
            taxonomy_detail=taxonomy,
            translations={"es": {"name": name_es}},
        )
    bed = m.Unit.objects.create(id=uid("unit", "bed"), name="bed", scheme="PlainSight")
    organizations: dict[str, m.Organization] = {}
    services: dict[str, m.Service] = {}
    locations: dict[str, m.Location] = {}
    for spec in SERVICES:
        org = organizations.get(spec.org)
        if org is None:
            org = m.Organization.objects.create(
                id=uid("organization", spec.org),
                name=spec.org,
                description=f"{spec.org}, Kern County.",
                partner=partners.get(spec.partner),
            )
            organizations[spec.org] = org
        elif spec.partner and partners.get(spec.partner) and org.partner is None:
            org.partner = partners[spec.partner]
            org.save(update_fields=["partner"])
        attrs = dict(spec.attrs)
        status = attrs.pop("status", m.ServiceStatus.ACTIVE)
        translations: dict[str, Any] = {}
        if spec.name_es or spec.description_es:
            translations = {"es": {"name": spec.name_es, "description": spec.description_es}}
        service = m.Service.objects.create(
            id=uid("service", spec.key),
            organization=org,
            name=spec.name,
            description=spec.description,
            status=status,
            assured_date=spec.assured,
            verification_method=m.VerificationMethod.PHONE if spec.assured else "",
            translations=translations,
            **attrs,
        )
        services[spec.key] = service
        for code in spec.terms:
            m.Attribute.objects.create(
                id=uid("attribute", f"{spec.key}:{code}"),
                link_id=service.id,
                link_entity=m.LinkEntity.SERVICE,
                taxonomy_term=terms[code],
            )
        for number, kind, outcome, description in spec.phones:
            m.Phone.objects.create(
                id=uid("phone", f"{spec.key}:{number}"),
                service=service,
                number=number,
                type=kind,
                call_outcome=outcome,
                description=description,
                available_24_7=bool(attrs.get("open_24_7")),
            )
        for index, schedule in enumerate(spec.schedules):
            m.Schedule.objects.create(
                id=uid("schedule", f"{spec.key}:{index}"), service=service, **schedule
            )
        for code, name, provided in spec.languages:
            m.Language.objects.create(
                id=uid("language", f"{spec.key}:{code}"),
                service=service,
                code=code,
                name=name,
                provided_by=provided,
            )
        for area_type, area_code in spec.areas:
            m.ServiceArea.objects.create(
                id=uid("area", f"{spec.key}:{area_type}:{area_code}"),
                service=service,
                area_type=area_type,
                area_code=area_code,
            )
        if spec.capacity is not None:
            m.ServiceCapacity.objects.create(
                id=uid("capacity", spec.key),
                service=service,
                unit=bed,
                available=Decimal(spec.capacity // 3),
                maximum=Decimal(spec.capacity),
                updated=dt.datetime(2026, 11, 1, 17, 0, tzinfo=dt.UTC),
            )
        for loc in spec.locations:
            location = locations.get(loc.key)
            if location is None:
                location = m.Location.objects.create(
                    id=uid("location", loc.key),
                    organization=org,
                    name=loc.name,
                    location_type=loc.location_type,
                    latitude=loc.lat,
                    longitude=loc.lon,
                    confidential=loc.confidential,
                    confidential_access_note=loc.access_note,
                    transportation=loc.transportation,
                    iana_timezone=loc.iana_timezone,
                    url="https://example.org/video" if loc.location_type == "virtual" else "",
                )
                if loc.address:
                    m.Address.objects.create(
                        id=uid("address", loc.key),
                        location=location,
                        address_1=loc.address,
                        city=loc.city,
                        state_province="CA",
                        postal_code=loc.zip,
                        country="US",
                    )
                locations[loc.key] = location
            m.ServiceAtLocation.objects.create(
                id=uid("sal", f"{spec.key}:{loc.key}"), service=service, location=location
            )
    return FixtureDirectory(services, locations, terms, organizations)
