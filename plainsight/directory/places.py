"""California ZIP and city centroids, and distances, without any geocoding service.

The tables (``data/ca_*_centroids.csv``, see ``data/README.md``) ship with the code
and are read once per process; nothing here calls out to the network.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ZIP_CODE = re.compile(r"[0-9]{5}(?:-[0-9]{4})?")

DATA_DIR = Path(__file__).resolve().parent / "data"
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


@dataclass(frozen=True)
class Place:
    """A point with the names people use for it."""

    kind: str  # "zip" or "city"
    code: str  # ZIP code, or the city name
    city: str
    county: str
    county_fips: str
    latitude: float
    longitude: float


def normalize_name(value: str) -> str:
    """Case-, accent- and space-insensitive key ("San José " → "san jose")."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


@cache
def _zips() -> dict[str, Place]:
    with (DATA_DIR / "ca_zip_centroids.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["zip"]: Place(
                kind="zip",
                code=row["zip"],
                city=row["city"],
                county=row["county"],
                county_fips=row["county_fips"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            for row in csv.DictReader(handle)
        }


@cache
def _cities() -> dict[str, list[Place]]:
    cities: dict[str, list[Place]] = {}
    sizes: dict[Place, int] = {}
    with (DATA_DIR / "ca_city_centroids.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            place = Place(
                kind="city",
                code=row["city"],
                city=row["city"],
                county=row["county"],
                county_fips=row["county_fips"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            sizes[place] = int(row["zip_count"])
            cities.setdefault(normalize_name(row["city"]), []).append(place)
    for places in cities.values():
        # When one name exists in several counties, the larger place first.
        places.sort(key=lambda p: (-sizes[p], p.county))
    return cities


def zip_centroid(code: str) -> Place | None:
    """The centroid of a California ZIP code: exactly "93301" or "93301-1234"."""
    if not ZIP_CODE.fullmatch(code):
        return None
    return _zips().get(code[:5])


def city_centroids(name: str) -> list[Place]:
    """Every California city of that name (usually one), the largest first."""
    return list(_cities().get(normalize_name(name), []))


def place_lookup(text: str) -> Place | None:
    """A ZIP code or a city name typed by a person, or None if unknown."""
    text = text.strip()
    if not text:
        return None
    if text[:5].isdigit():
        return zip_centroid(text[:5])  # what follows it ("93301 Bakersfield") adds nothing
    name = text.split(",")[0]
    places = city_centroids(name)
    return places[0] if places else None


def all_zips() -> list[Place]:
    return list(_zips().values())


def all_cities() -> list[Place]:
    return [place for places in _cities().values() for place in places]


def valid_coordinates(latitude: float | None, longitude: float | None) -> bool:
    return (
        latitude is not None
        and longitude is not None
        and -90.0 <= latitude <= 90.0
        and -180.0 <= longitude <= 180.0
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def bounding_box(latitude: float, longitude: float, radius_km: float) -> BoundingBox:
    """A box that contains the circle (for an index range scan before exact filtering)."""
    dlat = radius_km / KM_PER_DEGREE
    cos_lat = max(math.cos(math.radians(latitude)), 0.01)
    dlon = min(radius_km / (KM_PER_DEGREE * cos_lat), 180.0)
    return BoundingBox(
        min_lat=max(latitude - dlat, -90.0),
        max_lat=min(latitude + dlat, 90.0),
        min_lon=longitude - dlon,
        max_lon=longitude + dlon,
    )
