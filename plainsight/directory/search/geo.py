"""Grid cells as full-text tokens, and the order to visit them in.

Every document with a position carries the tokens of its cells at two sizes: 0.05°
(about 5.5 by 4.5 km in California) and 0.25°. A document without one (a phone line,
online help) carries ``zgnone`` and, for each area it serves, ``zgn`` + that area's
token.

A distance search visits the cells around the person in rings of growing distance
(``rings``), each ring one more "any of these cells" group of the full-text query, so
the database's own index intersects words, filters and place in one pass and only the
nearest listings are read. Within 25 miles the small cells are used; further out, the
large cells minus the small ones already read. The search stops as soon as nothing
further out could rank higher (see ``engine``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FINE = 0.05
COARSE = 0.25
NOWHERE = "zgnone"
NOWHERE_PREFIX = "zgn"
MILES_PER_DEGREE_LATITUDE = 69.05
MILES_PER_DEGREE_LONGITUDE_AT_EQUATOR = 69.17
# Ring boundaries in miles: small cells up to FINE_LIMIT, large cells beyond.
FINE_STEPS = (1.0, 2.0, 4.0, 7.0, 12.0, 18.0, 25.0)
FINE_LIMIT = FINE_STEPS[-1]
COARSE_STEPS = (35.0, 50.0, 70.0, 100.0, 150.0)


def _index(value: float, offset: float, size: float) -> int:
    return math.floor((value + offset) / size)


def _token(size: float, i: int, j: int) -> str:
    return f"{'zgf' if size == FINE else 'zgc'}{i}x{j}"


def cell_tokens(latitude: float | None, longitude: float | None) -> set[str]:
    if latitude is None or longitude is None:
        return {NOWHERE}
    return {
        _token(size, _index(latitude, 90, size), _index(longitude, 180, size))
        for size in (FINE, COARSE)
    }


def nowhere_token(area_token: str) -> str:
    return NOWHERE_PREFIX + area_token


def miles_per_degree_longitude(latitude: float) -> float:
    return MILES_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(math.radians(latitude))


def _gap(value: float, low: float, high: float) -> float:
    if value < low:
        return low - value
    if value > high:
        return value - high
    return 0.0


@dataclass(frozen=True)
class Ring:
    """Documents of these cells (minus ``exclude``), from ``start`` miles on, are read
    in this ring; afterwards every document nearer than ``end`` miles has been read."""

    start: float
    end: float
    cells: list[str]
    exclude: list[str]


def _cells(
    latitude: float, longitude: float, radius: float, size: float
) -> list[tuple[float, float, str]]:
    """(nearest, farthest distance in miles, token) of the cells within ``radius``."""
    dlat = radius / MILES_PER_DEGREE_LATITUDE
    kx = miles_per_degree_longitude(latitude)
    dlon = radius / kx
    found = []
    for i in range(_index(latitude - dlat, 90, size), _index(latitude + dlat, 90, size) + 1):
        south = i * size - 90
        dy = _gap(latitude, south, south + size) * MILES_PER_DEGREE_LATITUDE
        fy = max(abs(latitude - south), abs(latitude - south - size)) * MILES_PER_DEGREE_LATITUDE
        for j in range(
            _index(longitude - dlon, 180, size), _index(longitude + dlon, 180, size) + 1
        ):
            west = j * size - 180
            dx = _gap(longitude, west, west + size) * kx
            fx = max(abs(longitude - west), abs(longitude - west - size)) * kx
            nearest = math.hypot(dx, dy)
            if nearest <= radius:
                found.append((nearest, math.hypot(fx, fy), _token(size, i, j)))
    return found


def rings(latitude: float, longitude: float, radius: float) -> list[Ring]:
    """The rings of a distance search, nearest first. Distances are equirectangular,
    as in the SQL."""
    result: list[Ring] = []
    fine_radius = min(radius, FINE_LIMIT)
    fine = _cells(latitude, longitude, fine_radius, FINE)
    start = 0.0
    for step in FINE_STEPS:
        end = min(step, fine_radius)
        cells = [token for nearest, _far, token in fine if start <= nearest < end]
        if end == fine_radius:
            cells += [token for nearest, _far, token in fine if nearest == end]
        if cells:
            result.append(Ring(start=start, end=end, cells=cells, exclude=[]))
        start = end
        if end >= fine_radius:
            break
    if radius <= FINE_LIMIT:
        return result
    read = [token for _near, _far, token in fine]
    coarse = _cells(latitude, longitude, radius, COARSE)
    start = FINE_LIMIT
    for step in COARSE_STEPS:
        end = min(step, radius)
        cells = [
            token for nearest, farthest, token in coarse if nearest <= end and farthest >= start
        ]
        if cells:
            result.append(Ring(start=start, end=end, cells=cells, exclude=read))
        start = end
        if end >= radius:
            break
    return result
