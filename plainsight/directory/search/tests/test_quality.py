"""Search quality: what a frightened person types must find the right help first.

Over the fixture directory (Kern County, English and Spanish), each query lists the
listings that must be among the first three results (services, counted once even when
offered at several places). Queries are everyday words, in both languages, with typing
mistakes, searched the way the page does: near ZIP code 93301 (Bakersfield) within 25
miles, unless said otherwise. Runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import uuid

import pytest

from plainsight.directory.search.engine import SearchRequest, SearchResults, search
from plainsight.directory.search.models import Flag
from plainsight.directory.search.places import find_place
from plainsight.directory.search.tests.fixture_directory import SERVICES, uid

pytestmark = pytest.mark.django_db

KEYS: dict[uuid.UUID, str] = {uid("service", s.key): s.key for s in SERVICES}

# (query, listings that must all be in the top 3, the one that must be first or "")
NEAR_BAKERSFIELD = [
    ("shelter", {"alliance_shelter", "teen_shelter"}, ""),
    ("sheltr", {"alliance_shelter"}, ""),
    ("refugio", {"alliance_shelter"}, ""),
    ("refujio", {"alliance_shelter"}, ""),
    ("albergue", {"alliance_shelter"}, ""),
    ("shelter for teens", {"teen_shelter"}, "teen_shelter"),
    ("lugar seguro para dormir", {"alliance_shelter"}, ""),
    ("lawyer", {"legal_aid"}, ""),
    ("lawyr", {"legal_aid"}, ""),
    ("attorney", {"legal_aid"}, ""),
    ("abogado", {"legal_aid"}, ""),
    ("abogdo", {"legal_aid"}, ""),
    ("necesito un abogado", {"legal_aid"}, ""),
    ("I need a lawyer", {"legal_aid"}, ""),
    ("ayuda legal", {"legal_aid"}, ""),
    ("legal aid", {"legal_aid"}, ""),
    ("inmigracion", {"immigration"}, "immigration"),
    ("inmigración", {"immigration"}, "immigration"),
    ("inmigrasion", {"immigration"}, "immigration"),
    ("immigration lawyer", {"immigration"}, "immigration"),
    ("T visa", {"immigration"}, "immigration"),
    ("visa u", {"immigration"}, "immigration"),
    ("comida", {"food_pantry", "meals"}, ""),
    ("food", {"food_pantry", "meals"}, ""),
    ("hungry", {"food_pantry", "meals"}, ""),
    ("despensa de alimentos", {"food_pantry"}, "food_pantry"),
    ("trabajo sin pago", {"labor"}, "labor"),
    ("no me pagan", {"labor"}, "labor"),
    ("unpaid wages", {"labor"}, "labor"),
    ("wage theft", {"labor"}, "labor"),
    ("trafficking", {"nhth"}, "nhth"),
    ("trata de personas", {"nhth"}, "nhth"),
    ("trafiking", {"nhth"}, ""),
    ("counseling", {"counseling"}, "counseling"),
    ("consejeria", {"counseling"}, "counseling"),
    ("terapia", {"counseling"}, "counseling"),
    ("domestic violence", {"alliance_shelter"}, ""),
    ("violencia domestica", {"alliance_shelter"}, ""),
    ("doctor", {"clinic"}, "clinic"),
    ("medico", {"clinic"}, "clinic"),
    ("job training", {"jobs"}, "jobs"),
    ("trabajo", {"jobs"}, "jobs"),
    ("english classes", {"esl"}, "esl"),
    ("clases de ingles", {"esl"}, "esl"),
    ("bus", {"rides"}, "rides"),
    ("transporte", {"rides"}, "rides"),
    ("ropa", {"clothing"}, "clothing"),
    ("clothes", {"clothing"}, "clothing"),
    ("teen", {"youth", "teen_shelter"}, ""),
    ("jovenes", {"youth", "teen_shelter"}, ""),
    ("drogas", {"recovery"}, "recovery"),
    ("alcohol", {"recovery"}, "recovery"),
    ("restraining order", {"restraining"}, "restraining"),
    ("orden de restriccion", {"restraining"}, "restraining"),
    ("hotline", {"nhth"}, ""),
    ("suicide", {"lifeline"}, "lifeline"),
    ("suicidio", {"lifeline"}, "lifeline"),
    ("child abuse", {"child_abuse"}, "child_abuse"),
    ("abuso infantil", {"child_abuse"}, "child_abuse"),
    ("tribal", {"tejon"}, "tejon"),
    ("indigena", {"tejon"}, "tejon"),
    ("mentoria", {"mentoring"}, "mentoring"),
]


def _services(results: SearchResults) -> list[str]:
    seen: list[str] = []
    for hit in results.hits:
        key = KEYS[hit.service_id]
        if key not in seen:
            seen.append(key)
    return seen


def _near(text: str) -> SearchResults:
    return search(SearchRequest(text=text, place=find_place("93301"), radius_miles=25))


def test_the_quality_suite_is_big_enough():
    queries = [q for q, _expected, _first in NEAR_BAKERSFIELD]
    assert len(queries) >= 30
    spanish = {"refugio", "abogado", "comida", "trabajo sin pago", "inmigracion", "ayuda legal"}
    assert spanish <= set(queries)
    assert {"shelter", "lawyer", "sheltr"} <= set(queries)


@pytest.mark.parametrize(("query", "expected", "first"), NEAR_BAKERSFIELD)
def test_everyday_words_find_the_right_help_first(kern, query, expected, first):
    top = _services(_near(query))[:3]
    assert expected <= set(top), f"{query!r}: top 3 was {top}"
    if first:
        assert top[0] == first, f"{query!r}: first was {top[0]}"


@pytest.mark.parametrize("query", ["no police", "sin policía", "without a police report"])
def test_no_police_means_only_services_without_a_police_report(kern, query):
    results = _near(query)
    assert results.implied_filters == {"no_police_report"}
    assert results.total >= 10
    for hit in results.hits:
        assert hit.has(Flag.NO_POLICE_REPORT), hit.name
    assert "sheriff" not in _services(results)


def test_typing_mistakes_are_corrected_and_reported(kern):
    results = _near("sheltr")
    assert results.analyzed.corrections == [("sheltr", "shelter")]
    results = _near("inmigrasion")
    assert results.analyzed.corrections == [("inmigrasion", "inmigracion")]


def test_unknown_words_find_nothing_rather_than_everything(kern):
    results = _near("xyzzyq")
    assert results.total == 0
    assert results.analyzed.ignored == ["xyzzyq"]


def test_unknown_words_next_to_a_filter_word_leave_the_filter(kern):
    """Comida gratis where no listing says comida: the unknown word is set aside, as
    always, and what is left is the filter the visitor asked for (it found nothing,
    while the page said it had left comida out and applied Free)."""
    results = _near("xyzzyq gratis")
    assert results.analyzed.ignored == ["xyzzyq"]
    assert results.implied_filters == {"free"}
    free = search(SearchRequest(place=find_place("93301"), radius_miles=25, free=True))
    assert results.total == free.total > 0
    assert all(hit.has(Flag.FREE) for hit in results.hits)


def test_words_that_only_ask_for_help_list_everything_nearby(kern):
    assert _near("I need help").total == _near("").total > 20


def test_statewide_search_finds_a_shelter_in_another_county_by_its_city(kern):
    results = search(SearchRequest(text="shelter Fresno"))
    assert _services(results)[0] == "fresno_shelter"


def test_when_all_words_together_find_nothing_any_word_counts(kern):
    results = _near("ropa abogado")
    assert results.relaxed
    assert {"clothing", "legal_aid"} <= set(_services(results)[:4])


def test_inactive_and_defunct_listings_never_appear(kern):
    results = search(SearchRequest(text="discontinued shelter program"))
    assert "closed_program" not in _services(results)
