"""Where a person is: a ZIP code, a city or a county, from a shipped centroid table.

No geocoding service is ever called (a third party would learn who looks for help
where). ``load_place_rows`` is the only reader of the table; the directory's full
California table replaces the small Kern stand-in there.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from plainsight.directory.search import geo, text

_DATA = Path(__file__).resolve().parent / "data" / "kern_places.csv"
# A ZIP code at the end, with its +4 written any way ("-1234", " 1234", "1234", "-"),
# after a city or state if any ("CA 93301", "Bakersfield, CA 93301").
_ZIP = re.compile(r"(?:^|[^\w-])(\d{5})(?:\s*-\s*(?:\d{4})?|\s*\d{4})?$", re.ASCII)
# The state after a place, as a word of its own: "Santa Monica" does not end in "CA".
_STATE_SUFFIX = re.compile(r"(?:^|[\s,]+)(ca|calif|california)\.?$")
_COUNTY = re.compile(r"^(?:(?:the\s+)?county\s+of\s+|condado\s+de\s+)?(.+?)(?:\s+county)?$")


@dataclass(frozen=True)
class PlaceRow:
    zip: str
    city: str
    county: str
    county_fips: str
    state: str
    latitude: float
    longitude: float


def load_place_rows() -> list[PlaceRow]:
    """Every row of the centroid table. The one function to change for a new table."""
    with _DATA.open(newline="", encoding="utf-8") as handle:
        return [
            PlaceRow(
                zip=row["zip"].strip(),
                city=row["city"].strip(),
                county=row["county"].strip(),
                county_fips=row["county_fips"].strip(),
                state=row["state"].strip(),
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            for row in csv.DictReader(handle)
        ]


@dataclass(frozen=True)
class Place:
    kind: str  # "zip", "city" or "county"
    label: str
    latitude: float
    longitude: float
    state: str
    county_fips: str
    city: str = ""
    zips: tuple[str, ...] = ()

    def area_tokens(self) -> list[str]:
        """Index tokens of the service areas that cover this place (see indexing)."""
        tokens = [area_token("country", "US"), area_token("state", self.state)]
        if self.county_fips:
            tokens.append(area_token("county", self.county_fips))
        if self.city:
            tokens.append(area_token("city", self.city))
        tokens.extend(area_token("postal_code", z) for z in self.zips)
        return tokens


def area_token(area_type: str, code: str) -> str:
    prefix = {"country": "zan", "state": "zas", "county": "zac", "city": "zay"}.get(
        area_type, "zaz"
    )
    return prefix + text.slug(code)


@dataclass(frozen=True)
class _Tables:
    by_zip: dict[str, PlaceRow]
    by_city: dict[str, list[PlaceRow]]
    by_county: dict[str, list[PlaceRow]]


@cache
def _tables() -> _Tables:
    by_zip: dict[str, PlaceRow] = {}
    by_city: dict[str, list[PlaceRow]] = {}
    by_county: dict[str, list[PlaceRow]] = {}
    for row in load_place_rows():
        by_zip[row.zip] = row
        by_city.setdefault(text.slug(row.city), []).append(row)
        by_county.setdefault(text.slug(row.county), []).append(row)
    return _Tables(by_zip, by_city, by_county)


STATE_NAMES = {"CA": "California", "AZ": "Arizona", "NV": "Nevada", "OR": "Oregon"}


def county_name(fips: str) -> str:
    """ "Kern" for "06029", or "" when the table does not know the county."""
    for rows in _tables().by_county.values():
        if rows and rows[0].county_fips == fips.strip():
            return rows[0].county
    return ""


def zip_row(code: str) -> PlaceRow | None:
    return _tables().by_zip.get(code.strip()[:5])


def _centroid(rows: list[PlaceRow]) -> tuple[float, float]:
    return (
        sum(r.latitude for r in rows) / len(rows),
        sum(r.longitude for r in rows) / len(rows),
    )


# Rows of one name in several counties are one place (a town whose ZIP codes cross a
# county line) when their counties' parts lie this close; farther apart, they are
# different places that share a name (Greenfield in Monterey and in Kern County).
SAME_PLACE_MILES = 30.0


def _apart_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    # Flat-earth distance: only compared with tens of miles.
    north = (a[0] - b[0]) * 69.0
    east = (a[1] - b[1]) * geo.miles_per_degree_longitude((a[0] + b[0]) / 2)
    return math.hypot(north, east)


def _as_places(rows: list[PlaceRow]) -> list[list[PlaceRow]]:
    """The rows of one name grouped by the place they are (see SAME_PLACE_MILES)."""
    by_county: dict[tuple[str, str], list[PlaceRow]] = {}
    for row in rows:
        by_county.setdefault((row.state, row.county_fips), []).append(row)
    groups = list(by_county.values())
    centres = [_centroid(group) for group in groups]
    if all(_apart_miles(a, b) <= SAME_PLACE_MILES for a in centres for b in centres):
        return [rows]
    return groups


def _city(rows: list[PlaceRow]) -> Place:
    lat, lon = _centroid(rows)
    first = rows[0]
    return Place(
        kind="city",
        label=first.city,
        latitude=lat,
        longitude=lon,
        state=first.state,
        county_fips=first.county_fips,
        city=first.city,
        zips=tuple(sorted(r.zip for r in rows)),
    )


def _county(rows: list[PlaceRow]) -> Place:
    lat, lon = _centroid(rows)
    return Place(
        kind="county",
        label=rows[0].county,
        latitude=lat,
        longitude=lon,
        state=rows[0].state,
        county_fips=rows[0].county_fips,
    )


def _county_slug(name: str) -> str:
    match = _COUNTY.match(name.strip())
    return text.slug(match.group(1) if match else name)


def find_place(query: str) -> Place | None:
    """A ZIP code ("93301", "93301 1234", "Bakersfield, CA 93301": the code decides), a
    city ("Bakersfield", "Bakersfield, CA", "Greenfield, Kern County") or a county
    ("Kern County", "condado de Kern"); None when the table does not know it, or when
    several places have that name (``places_named`` gives them)."""
    found = places_named(query)
    return found[0] if len(found) == 1 else None


def places_named(query: str) -> list[Place]:
    """Every place ``query`` may name (see ``find_place``): more than one when a name is
    shared by places far apart, none when the table does not know it."""
    # Characters nobody sees (zero-width spaces, direction marks) come with pasted text.
    visible = "".join(ch for ch in query if unicodedata.category(ch) != "Cf")
    cleaned = " ".join(visible.split())
    if not cleaned:
        return []
    name = _STATE_SUFFIX.sub("", text.fold(cleaned)).strip()
    tables = _tables()
    zip_match = _ZIP.search(name)
    if zip_match:
        # Before a ZIP code, only a city or a state ("Bakersfield, CA 93301"): other
        # words are no place (and would travel to the filters' address with it).
        before = _STATE_SUFFIX.sub("", name[: zip_match.start(1)].strip(" ,")).strip(" ,")
        if before and text.slug(before) not in tables.by_city:
            return []
        row = tables.by_zip.get(zip_match.group(1))
        if row is None:
            return []
        return [
            Place(
                kind="zip",
                label=f"{row.zip} ({row.city})",
                latitude=row.latitude,
                longitude=row.longitude,
                state=row.state,
                county_fips=row.county_fips,
                city=row.city,
                zips=(row.zip,),
            )
        ]
    is_county = bool(re.search(r"\bcounty\b|\bcondado\b", name))
    if not is_county:
        rows = tables.by_city.get(text.slug(name))
        if rows:
            return [_city(group) for group in _as_places(rows)]
    if "," in name:
        # "Greenfield, Kern County": the city of that name in that county.
        city, county = name.rsplit(",", 1)
        rows = [
            row
            for row in tables.by_city.get(text.slug(city), [])
            if text.slug(row.county) == _county_slug(county)
        ]
        if rows:
            return [_city(group) for group in _as_places(rows)]
    rows = tables.by_county.get(_county_slug(name))
    if rows:
        return [_county(group) for group in _as_places(rows)]
    return []
