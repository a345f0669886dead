"""Filters, distance, sorting and "open now" of the search, on both databases."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plainsight.directory.search import hours
from plainsight.directory.search.engine import SearchRequest, search
from plainsight.directory.search.models import Flag, SearchDocument, SearchHours
from plainsight.directory.search.places import find_place
from plainsight.directory.search.tests.fixture_directory import SERVICES, uid

pytestmark = pytest.mark.django_db

KEYS: dict[uuid.UUID, str] = {uid("service", s.key): s.key for s in SERVICES}
PACIFIC = ZoneInfo("America/Los_Angeles")


def keys(request: SearchRequest) -> set[str]:
    results = search(request)
    assert results.total == len({h.document_id for h in results.hits}) or results.total > 20
    return {KEYS[h.service_id] for h in results.hits}


def everything(**filters) -> set[str]:
    return keys(SearchRequest(page_size=100, **filters))


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args).replace(tzinfo=PACIFIC)  # type: ignore[arg-type]


# --- Distance ------------------------------------------------------------------------


def test_radius_keeps_what_is_near_and_drops_what_is_far(kern):
    bakersfield = find_place("93301")
    within_10 = everything(place=bakersfield, radius_miles=10)
    within_25 = everything(place=bakersfield, radius_miles=25)
    assert "labor" not in within_10  # Arvin, about 16 miles away
    assert "labor" in within_25
    assert "fresno_shelter" not in within_25 and "la_legal" not in within_25
    assert "fresno_shelter" not in everything(place=bakersfield, radius_miles=100)  # 103 mi
    assert "fresno_shelter" in everything(place=bakersfield, radius_miles=None)


def test_distances_shown_are_great_circle_miles(kern):
    results = search(SearchRequest(text="unpaid wages", place=find_place("93301"), radius_miles=25))
    [hit] = results.hits
    assert hit.distance_miles == pytest.approx(16.4, abs=0.3)


def test_listings_without_a_map_position_count_when_they_serve_the_area(kern):
    near = everything(place=find_place("93301"), radius_miles=5)
    # phone lines serving Kern or the whole country, online help serving California
    assert {"crisis_line", "nhth", "lifeline", "child_abuse", "online_counseling"} <= near
    far_away = everything(place=find_place("94102"), radius_miles=25)  # San Francisco
    assert "crisis_line" not in far_away  # serves Kern only
    assert {"nhth", "online_counseling"} <= far_away


def test_sort_by_distance_puts_nearest_first_and_unplaced_last(kern):
    results = search(
        SearchRequest(place=find_place("93301"), radius_miles=100, sort="distance", page_size=50)
    )
    placed = [h.distance_miles for h in results.hits if h.distance_miles is not None]
    assert placed == sorted(placed)
    seen_unplaced = False
    for hit in results.hits:
        docs = SearchDocument.objects.get(pk=hit.document_id)
        if docs.latitude is None:
            seen_unplaced = True
        else:
            assert not seen_unplaced, "a listing with a position came after one without"


def test_confidential_places_show_no_distance_and_no_place(kern):
    results = search(SearchRequest(text="shelter", place=find_place("93301"), radius_miles=25))
    [shelter] = [h for h in results.hits if KEYS[h.service_id] == "alliance_shelter"]
    assert shelter.confidential
    assert shelter.distance_miles is None
    assert shelter.place == ""
    document = SearchDocument.objects.get(pk=shelter.document_id)
    # Indexed at the centre of its ZIP code, never at the safe house itself.
    assert (document.latitude, document.longitude) == (35.3836, -119.0180)


# --- Serves my area ------------------------------------------------------------------


def test_serves_my_area_uses_zip_city_county_state_and_country(kern):
    tehachapi = find_place("93561")
    serving = everything(place=tehachapi, radius_miles=None, serves_area=True)
    assert "tehachapi" in serving  # ZIP codes 93561 and 93531
    assert "legal_aid" in serving  # all of Kern County
    assert "nhth" in serving  # the whole country
    assert "online_counseling" in serving  # California
    assert "fresno_shelter" not in serving and "la_legal" not in serving
    bakersfield = everything(place=find_place("Bakersfield"), radius_miles=None, serves_area=True)
    assert "tehachapi" not in bakersfield
    assert "legal_aid" in bakersfield


def test_a_service_without_areas_serves_where_it_is(kern):
    # Mission Kitchen has no service area: its address (93305, Kern) stands in.
    assert "meals" in everything(place=find_place("93305"), radius_miles=None, serves_area=True)
    assert "meals" in everything(place=find_place("Kern County"), serves_area=True)
    assert "meals" not in everything(place=find_place("94102"), serves_area=True)
    assert "meals" not in everything(place=find_place("Fresno"), serves_area=True)


# --- Other filters -------------------------------------------------------------------


def test_category_includes_the_categories_under_it(kern):
    basic = str(kern.terms["basic"].id)
    food = str(kern.terms["food"].id)
    assert {"alliance_shelter", "food_pantry", "clothing", "rides"} <= everything(category=basic)
    assert everything(category=food) == {"food_pantry", "meals", "tehachapi"}


def test_language_filter(kern):
    assert everything(language="mix") == {"immigration", "labor"}
    assert "mentoring" not in everything(language="es")


def test_age_filter_keeps_services_without_limits(kern):
    at_10 = everything(age=10)
    at_15 = everything(age=15)
    assert "youth" not in at_10 and "teen_shelter" not in at_10
    assert {"youth", "teen_shelter"} <= at_15
    assert "teen_shelter" not in everything(age=18)
    assert "legal_aid" in at_10


@pytest.mark.parametrize(
    ("flag", "field"),
    [
        (Flag.FREE, "free"),
        (Flag.NO_POLICE_REPORT, "no_police_report"),
        (Flag.MINORS_ON_THEIR_OWN, "minors_on_their_own"),
        (Flag.ANY_IMMIGRATION_STATUS, "any_immigration_status"),
    ],
)
def test_yes_no_filters_keep_only_listings_that_say_yes(kern, flag, field):
    results = search(SearchRequest(page_size=100, **{field: True}))  # type: ignore[arg-type]
    assert results.total > 0
    assert all(hit.has(flag) for hit in results.hits)
    assert results.total < search(SearchRequest(page_size=100)).total


def test_by_phone_and_online(kern):
    assert {"crisis_line", "nhth", "lifeline", "child_abuse"} <= everything(by_phone=True)
    assert "food_pantry" not in everything(by_phone=True)
    assert everything(online=True) == {"nhth", "online_counseling"}
    assert everything(by_phone=True, online=True) >= {"online_counseling", "crisis_line"}


def test_two_filters_and_words_and_distance_together(kern):
    results = search(
        SearchRequest(
            text="abogado",
            place=find_place("93301"),
            radius_miles=25,
            free=True,
            language="es",
        )
    )
    found = {KEYS[h.service_id] for h in results.hits}
    assert "legal_aid" in found and "immigration" in found
    assert "la_legal" not in found


def test_pages(kern):
    first = search(SearchRequest(page_size=5))
    second = search(SearchRequest(page_size=5, page=2))
    assert first.total == second.total > 10
    assert first.pages == -(-first.total // 5)
    assert not {h.document_id for h in first.hits} & {h.document_id for h in second.hits}
    past_the_end = search(SearchRequest(page_size=5, page=first.pages + 3))
    assert past_the_end.request.page == 1 and past_the_end.hits


# --- Open now ------------------------------------------------------------------------


def open_keys(moment: dt.datetime, **filters) -> set[str]:
    return everything(open_now=True, moment=moment, **filters)


def test_open_now_follows_the_weekly_hours(kern):
    tuesday_10am = local(2026, 11, 3, 10, 0)
    found = open_keys(tuesday_10am)
    assert {"food_pantry", "legal_aid", "immigration", "crisis_line"} <= found
    assert "labor" not in found  # Monday, Wednesday, Friday
    assert "youth" not in found  # from 3 p.m.
    assert "health_van" not in found  # temporarily closed
    wednesday_10am = local(2026, 11, 4, 10, 0)
    assert "labor" in open_keys(wednesday_10am)


def test_open_now_over_midnight(kern):
    assert "teen_shelter" in open_keys(local(2026, 11, 3, 23, 30))
    assert "teen_shelter" in open_keys(local(2026, 11, 4, 6, 30))  # Tuesday's night
    assert "teen_shelter" not in open_keys(local(2026, 11, 4, 7, 30))


def test_open_now_on_the_first_saturday_of_the_month(kern):
    assert "legal_clinic_monthly" in open_keys(local(2026, 11, 7, 10, 0))
    assert "legal_clinic_monthly" not in open_keys(local(2026, 11, 14, 10, 0))


@pytest.mark.parametrize(
    ("instant", "open_"),
    [
        # Friday before daylight saving starts: 16:30 UTC is 08:30 PST, closed.
        (dt.datetime(2026, 3, 6, 16, 30, tzinfo=dt.UTC), False),
        # Monday after: the same UTC time is 09:30 PDT, open. A fixed UTC-8 would say no.
        (dt.datetime(2026, 3, 9, 16, 30, tzinfo=dt.UTC), True),
        # Friday before it ends: 16:30 UTC is 09:30 PDT, open.
        (dt.datetime(2026, 10, 30, 16, 30, tzinfo=dt.UTC), True),
        # Monday after: 08:30 PST, closed.
        (dt.datetime(2026, 11, 2, 16, 30, tzinfo=dt.UTC), False),
    ],
)
def test_open_now_is_right_across_daylight_saving_changes(kern, instant, open_):
    with time_machine.travel(instant, tick=False):
        results = search(SearchRequest(open_now=True, page_size=100))
    found = {KEYS[h.service_id] for h in results.hits}
    assert ("legal_aid" in found) is open_


def _indexed_rules_and_flags() -> tuple[dict[int, list[hours.Rule]], dict[int, int]]:
    """Each document's opening rules as the "open now" filter reads them, and flags."""
    rules: dict[int, list[hours.Rule]] = {}
    for row in SearchHours.objects.all():
        rules.setdefault(row.document_id, []).append(
            hours.Rule(**{f: getattr(row, f) for f in hours.RULE_FIELDS})
        )
    return rules, dict(SearchDocument.objects.values_list("id", "flags"))


def test_sql_and_python_agree_on_open_now(kern):
    """The SQL condition is checked against ``hours.is_open`` at many moments."""
    rules, flags = _indexed_rules_and_flags()
    start = local(2026, 10, 31, 0, 0)
    for step in range(0, 8 * 24, 5):
        moment = start + dt.timedelta(hours=step, minutes=7 * step % 60)
        expected = {
            doc
            for doc, flag in flags.items()
            if not flag & Flag.TEMPORARILY_CLOSED
            and (flag & Flag.OPEN_24_7 or hours.is_open(rules.get(doc, []), moment))
        }
        found = {
            h.document_id
            for h in search(SearchRequest(open_now=True, page_size=100, moment=moment)).hits
        }
        assert found == expected, moment


@pytest.mark.parametrize(
    "request_values",
    [
        {},
        {"text": "legal", "radius_miles": 500},  # one query for the circle
        {"sort": "distance", "radius_miles": 500},  # read outward
    ],
)
def test_every_card_says_open_closed_or_unknown_as_the_hours_do(kern, request_values):
    """The card's state is read with the card (the rules stored in the document);
    ``hours.is_open`` over the ``SearchHours`` rows, which the filter reads, is its
    reference, at many moments, whichever way the search read its rows."""
    rules, flags = _indexed_rules_and_flags()
    # A listing whose hours are not known (its rules gone from the index).
    unknown = next(
        doc for doc in sorted(rules) if not flags[doc] & (Flag.OPEN_24_7 | Flag.TEMPORARILY_CLOSED)
    )
    SearchHours.objects.filter(document_id=unknown).delete()
    SearchDocument.objects.filter(id=unknown).update(opening_rules="")
    del rules[unknown]
    place = find_place("93301") if "radius_miles" in request_values else None
    states = set()
    start = local(2026, 10, 31, 0, 0)
    for step in range(0, 8 * 24, 11):
        moment = start + dt.timedelta(hours=step, minutes=7 * step % 60)
        results = search(SearchRequest(place=place, page_size=100, moment=moment, **request_values))
        assert results.hits
        for hit in results.hits:
            flag = flags[hit.document_id]
            if flag & Flag.TEMPORARILY_CLOSED:
                expected: bool | None = False
            elif flag & Flag.OPEN_24_7:
                expected = True
            elif hit.document_id in rules:
                expected = hours.is_open(rules[hit.document_id], moment)
            else:
                expected = None
            assert hit.open_now is expected, (moment, KEYS[hit.service_id])
            states.add(hit.open_now)
    if not request_values:
        assert states == {True, False, None}  # the fixture has all three


def test_results_say_whether_each_listing_is_open(kern):
    results = search(SearchRequest(text="food", moment=local(2026, 11, 3, 10, 0)))
    state = {KEYS[h.service_id]: h.open_now for h in results.hits}
    assert state["food_pantry"] is True
    assert state["meals"] is False


# --- Reading rings of cells outward gives exactly the full ordering ------------------


@pytest.mark.parametrize(
    "request_values",
    [
        {"text": "shelter"},
        {"text": "abogado", "free": True},
        {"text": "food clothes"},
        {"text": "trafficking", "sort": "distance"},
        {},
        {"sort": "distance", "language": "es"},
        {"text": "legal", "open_now": True},
    ],
)
@pytest.mark.parametrize(("zip_code", "radius"), [("93301", 10), ("93301", 100), ("93561", 50)])
def test_the_nearest_first_search_returns_what_a_full_scan_would(
    kern, request_values, zip_code, radius
):
    from plainsight.directory.search import engine
    from plainsight.directory.search.query import analyze, resolve

    place = find_place(zip_code)
    assert place is not None
    moment = local(2026, 11, 3, 10, 0)
    request = SearchRequest(place=place, radius_miles=radius, moment=moment, **request_values)
    state = engine._index_state()
    resolved = resolve(analyze(request.text), document_count=state.document_count)
    groups = resolved.groups
    plan = engine._plan(request, groups, relaxed=False, moment=moment, zones=state.zones)
    distance, distance_params = plan.distance
    everything, _total = engine._select(
        plan,
        extra_groups=[],
        extra_where=[f"({distance} <= %s OR d.band IS NULL)"],
        extra_params=[*distance_params, radius * radius],
        limit=1000,
    )
    # The full scan above counts listings without a position in any area; keep those
    # that serve this place, as the search does.
    serving = {
        row.id
        for row in engine._select(
            plan,
            extra_groups=[[f"zgn{t}" for t in sorted(set(place.area_tokens()))]],
            extra_where=["d.band IS NULL"],
            limit=1000,
        )[0]
    }
    expected = [r.id for r in everything if not r.nowhere or r.id in serving]
    for wanted in (1, 2, 3, 5, 8, 40):
        rows, seen, exact = engine._nearest(plan, place, radius, wanted, sum(resolved.best))
        assert [r.id for r in rows] == expected[:wanted], (wanted, request_values)
        if exact:
            assert seen == len(expected)
        else:
            assert seen >= wanted
        # The one-query way (chosen when few listings are expected) agrees too.
        rows, seen = engine._within(plan, place, radius, wanted)
        assert [r.id for r in rows] == expected[:wanted], (wanted, request_values)
        assert seen == len(expected)


@pytest.mark.parametrize("text", ["legal", "shelter", "refugio", ""])
@pytest.mark.parametrize("sort", ["relevance", "distance"])
def test_one_query_and_reading_outward_give_the_same_page(kern, monkeypatch, text, sort):
    from plainsight.directory.search import engine

    request = SearchRequest(
        text=text, place=find_place("93301"), radius_miles=50, sort=sort, page_size=3
    )
    pages = []
    for threshold in (0, 10**9):
        monkeypatch.setattr(engine, "ONE_QUERY_MATCHES", threshold)
        results = [search(replace(request, page=page)) for page in (1, 2)]
        pages.append([[hit.service_id for hit in r.hits] for r in results])
    assert pages[0] == pages[1]
    assert pages[0][0]


@pytest.mark.parametrize(
    "filters",
    [
        {"no_police_report": True},
        {"any_immigration_status": True, "by_phone": True},
        {"open_now": True},
        {"minors_on_their_own": True},
        {"online": True},
    ],
)
def test_common_filters_left_to_the_rows_give_the_same_results(kern, monkeypatch, filters):
    """A yes/no or open-now filter is decided by the row conditions whether or not the
    full-text index also narrows by its tokens (it does only when they are rare)."""
    from plainsight.directory.search import engine

    moment = dt.datetime(2026, 1, 13, 18, 0, tzinfo=dt.UTC)  # a Tuesday, 10:00 in Kern
    requests = [
        SearchRequest(text="", moment=moment, **filters),
        SearchRequest(text="help", moment=moment, **filters),
        SearchRequest(
            text="", place=find_place("93301"), radius_miles=50, moment=moment, **filters
        ),
    ]
    unfiltered = search(SearchRequest(text="", moment=moment)).total
    for request in requests:
        found = []
        for share in (0.0, 1.0):
            monkeypatch.setattr(engine, "COMMON_SHARE", share)
            results = search(request)
            found.append(([hit.service_id for hit in results.hits], results.total))
        assert found[0] == found[1], request
        assert 0 < found[0][1] < unfiltered, request


def test_a_distance_search_expects_its_words_to_be_found_together():
    """Words of one query ("bus pass") mostly occur together: the rarest decides how
    many listings a search will rank, not the product of their shares (which sent
    searches matching thousands to the one query that cannot stop early)."""
    from plainsight.directory.search import engine

    request = SearchRequest(text="bus pass", free=True)
    plan = engine._plan(
        request, [{"bus": 1.0}, {"pass": 1.0}], relaxed=False, moment=local(2026, 1, 5), zones=[]
    )
    counts = {"cell": 1000, "bus": 500, "pass": 250}
    # pass: a quarter of the listings; free is a row condition, not a full-text group.
    assert engine._estimated_matches(plan, ["cell"], counts, 1000) == 250.0


def test_a_listing_reindexed_away_between_ranking_and_cards_is_left_out(kern):
    """A reindex can delete a ranked document before its card is read; the page then
    goes on without it (and the version read with the cards makes the search rerun)."""
    from plainsight.directory.search import engine

    kept = SearchDocument.objects.order_by("id").first()
    assert kept is not None
    rows = [
        engine._Row(id=kept.id, flags=0, nowhere=1, sort_name="", score=0.0, distance=None),
        engine._Row(id=-1, flags=0, nowhere=1, sort_name="", score=0.0, distance=None),
    ]
    hits, _version = engine._hits(rows, None, local(2026, 11, 3, 10, 0))
    assert [hit.document_id for hit in hits] == [kept.id]
