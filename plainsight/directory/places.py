"""California ZIP and city centroids, and distances, without any geocoding service.

The tables (``data/ca_*_centroids.csv``, see ``data/README.md``) ship with the code
and are read once per process; nothing here calls out to the network.
"""

from __future__ import annotations

import csv
import math
import re
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


def zip_centroid(code: str) -> Place | None:
    """The centroid of a California ZIP code: exactly "93301" or "93301-1234"."""
    if not ZIP_CODE.fullmatch(code):
        return None
    return _zips().get(code[:5])


def all_zips() -> list[Place]:
    return list(_zips().values())


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
