"""ZIP codes, cities and counties from the shipped centroid table."""

from __future__ import annotations

import pytest

from plainsight.directory.search import places
from plainsight.directory.search.places import find_place
from plainsight.directory.search.text import slug


def test_zip_codes():
    place = find_place("93301")
    assert place is not None and place.kind == "zip" and place.city == "Bakersfield"
    assert place.county_fips == "06029"
    assert find_place(" 93301-1234 ") == place
    assert find_place("99999") is None


@pytest.mark.parametrize(
    "typed",
    [
        "93301 1234",  # ZIP+4 with a space
        "93301 - 1234",
        "933011234",
        "93301-",
        "93301, CA",
        "CA 93301",
        "Bakersfield, CA 93301",  # as on an envelope
        "bakersfield ca 93301-1234",
        "\u200e93301",  # a direction mark, pasted from a message
        "93301\u200b",  # a zero-width space
        "\ufeff93301",
    ],
)
def test_a_zip_code_written_as_people_write_it(typed):
    place = find_place(typed)
    assert place is not None and place.kind == "zip" and place.zips == ("93301",), typed


def test_cities_with_or_without_the_state():
    for text in ("Bakersfield", "bakersfield, CA", "BAKERSFIELD California"):
        place = find_place(text)
        assert place is not None and place.kind == "city"
        assert "93301" in place.zips and "93314" in place.zips
    tehachapi = find_place("Tehachapi")
    assert tehachapi is not None and tehachapi.zips == ("93561",)


def test_counties_in_english_and_spanish():
    for text in ("Kern County", "kern county, ca", "condado de Kern"):
        place = find_place(text)
        assert place is not None and place.kind == "county" and place.county_fips == "06029"


def test_unknown_places():
    assert find_place("Atlantis") is None
    assert find_place("") is None


def test_area_tokens_cover_the_areas_that_contain_the_place():
    place = find_place("93561")
    assert place is not None
    tokens = set(place.area_tokens())
    assert {"zanus", "zasca", "zac06029", "zaytehachapi", "zaz93561"} == tokens


def test_a_name_two_places_share_is_never_a_point_between_them(california_places):
    """Averaged, the two Greenfields are a point 100 miles from either; the search must
    ask which one is meant instead."""
    assert find_place("Greenfield") is None
    assert [(p.county_fips, p.zips) for p in places.places_named("Greenfield")] == [
        ("06053", ("93927",)),
        ("06029", ("93399",)),
    ]
    kern = find_place("Greenfield, Kern County")
    assert kern is not None and kern.zips == ("93399",) and kern.county_fips == "06029"
    for typed in ("greenfield, monterey", "Greenfield, condado de Monterey"):
        monterey = find_place(typed)
        assert monterey is not None and monterey.zips == ("93927",), typed
    # One town across a county line stays one place.
    border = find_place("Borderville")
    assert border is not None and border.zips == ("93901", "93902")


@pytest.mark.parametrize(
    "typed", ["Santa Monica", "santa monica, CA", "Pacifica", "Pacifica California", "Mecca"]
)
def test_a_city_whose_name_ends_like_the_state_abbreviation(california_places, typed):
    place = find_place(typed)
    assert place is not None and place.kind == "city", typed
    assert slug(place.label) == slug(typed.split(",")[0].replace("California", ""))
