"""ZIP and city centroids, and distances."""

from __future__ import annotations

import pytest

from plainsight.directory import places


def test_kern_zip_and_city_centroids():
    bakersfield = places.zip_centroid("93301")
    assert bakersfield is not None and bakersfield.county_fips == "06029"
    assert 35.3 < bakersfield.latitude < 35.45 and -119.1 < bakersfield.longitude < -118.95
    assert places.zip_centroid("93301-1234") == bakersfield
    assert places.zip_centroid("10001") is None  # not California


@pytest.mark.parametrize("code", ["93301abc", "933011", "9330", "93301-12", " 93301", "93301 "])
def test_a_zip_code_is_five_digits_or_zip_plus_4_and_nothing_else(code):
    """Read as its first five digits, "93301abc" answered for Bakersfield (API ``postcode``)."""
    assert places.zip_centroid(code) is None


def test_every_california_county_is_present():
    fips = {p.county_fips for p in places.all_zips()}
    assert len(fips) == 58


def test_distance_and_bounding_box():
    # Bakersfield to Los Angeles: about 150 km as the crow flies.
    assert places.distance_km(35.3733, -119.0187, 34.0522, -118.2437) == pytest.approx(163, abs=8)
    box = places.bounding_box(35.37, -119.02, 50)
    assert box.min_lat < 35.37 < box.max_lat and box.min_lon < -119.02 < box.max_lon
    assert places.distance_km(35.37, -119.02, box.max_lat, -119.02) == pytest.approx(50, abs=0.5)
