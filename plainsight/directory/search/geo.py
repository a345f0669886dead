"""Grid cells as full-text tokens, and the order to read them in.

Every document with a position carries the token of the cell it lies in at each of
five sizes, from 0.8° down to 0.05° (about 55 to 3.5 miles north to south), each cell
split exactly in four by the next size (positions are whole micro-degrees, so the
cells nest without rounding). A document without a position (a phone line, online
help) carries ``zgnone`` and, for each area it serves, ``zgn`` + that area's token.

A distance search covers its circle with cells: small near the person, larger further
away (a cell is split while it is closer than its own size), so a
few dozen cells cover any radius. It reads them nearest first, a few cells per query —
each query one more "any of these cells" group of the full-text query, so the
database's own index intersects words, filters and place in one pass — and stops as
soon as nothing in the unread cells could rank higher (see ``engine``). Few cells per
query matters: full-text engines merge "any of" groups term by term.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MICRO = 1_000_000
TOP = 800_000  # micro-degrees: the largest cell is 0.8°
LEVELS = 5  # 0.8°, 0.4°, 0.2°, 0.1°, 0.05°
SPLIT_FACTOR = 1.0
CELLS_PER_QUERY = 12
NOWHERE = "zgnone"
NOWHERE_PREFIX = "zgn"
MILES_PER_DEGREE_LATITUDE = 69.05
MILES_PER_DEGREE_LONGITUDE_AT_EQUATOR = 69.17


def _micro(latitude: float, longitude: float) -> tuple[int, int]:
    return round((latitude + 90) * MICRO), round((longitude + 180) * MICRO)


def _size(level: int) -> int:
    return TOP >> level


def _token(level: int, i: int, j: int) -> str:
    return f"zq{level}a{i}b{j}"


def cell_tokens(latitude: float | None, longitude: float | None) -> set[str]:
    if latitude is None or longitude is None:
        return {NOWHERE}
    y, x = _micro(latitude, longitude)
    return {_token(level, y // _size(level), x // _size(level)) for level in range(LEVELS)}


def nowhere_token(area_token: str) -> str:
    return NOWHERE_PREFIX + area_token


def miles_per_degree_longitude(latitude: float) -> float:
    return MILES_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(math.radians(latitude))


def _gap(value: int, low: int, high: int) -> int:
    if value < low:
        return low - value
    if value > high:
        return value - high
    return 0


@dataclass(frozen=True)
class Ring:
    """Cells read in one query; afterwards every document nearer than ``end`` miles
    has been read (``end`` is the nearest point of the first cell not yet read)."""

    end: float
    cells: list[str]


def cover(latitude: float, longitude: float, radius: float) -> list[tuple[float, str]]:
    """(nearest distance in miles, token) of cells covering the circle, nearest first.

    The cells never overlap: each document of the circle is in exactly one of them.
    Distances are equirectangular, as in the SQL.
    """
    y0, x0 = _micro(latitude, longitude)
    ky = MILES_PER_DEGREE_LATITUDE / MICRO
    kx = miles_per_degree_longitude(latitude) / MICRO
    dy = math.ceil(radius / ky)
    dx = math.ceil(radius / kx)

    def nearest(level: int, i: int, j: int) -> float:
        size = _size(level)
        return math.hypot(
            _gap(x0, j * size, (j + 1) * size) * kx, _gap(y0, i * size, (i + 1) * size) * ky
        )

    size = _size(0)
    todo = [
        (0, i, j)
        for i in range((y0 - dy) // size, (y0 + dy) // size + 1)
        for j in range((x0 - dx) // size, (x0 + dx) // size + 1)
    ]
    cells: list[tuple[float, str]] = []
    while todo:
        level, i, j = todo.pop()
        distance = nearest(level, i, j)
        if distance > radius:
            continue
        cell_miles = _size(level) * ky
        if level + 1 < LEVELS and distance < SPLIT_FACTOR * cell_miles:
            todo.extend((level + 1, 2 * i + a, 2 * j + b) for a in (0, 1) for b in (0, 1))
        else:
            cells.append((distance, _token(level, i, j)))
    cells.sort()
    return cells


def rings(latitude: float, longitude: float, radius: float) -> list[Ring]:
    """The queries of a distance search: a few cells each, nearest first."""
    cells = cover(latitude, longitude, radius)
    result = []
    for start in range(0, len(cells), CELLS_PER_QUERY):
        chunk = cells[start : start + CELLS_PER_QUERY]
        following = start + CELLS_PER_QUERY
        end = cells[following][0] if following < len(cells) else math.inf
        result.append(Ring(end=end, cells=[token for _distance, token in chunk]))
    return result
