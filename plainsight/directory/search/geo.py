"""Grid cells as full-text tokens, and the order to read them in.

Every document with a position carries the token of the cell it lies in at each of
seven sizes, from 3.2° down to 0.05° (about 220 to 3.5 miles north to south), each cell
split exactly in four by the next size (positions are whole micro-degrees, so the cells
nest without rounding). A document without a position (a phone line, online help)
carries ``zgnone`` and, for each area it serves, ``zgn`` + that area's token.

A distance search reads blocks of 2 by 2 cells centred on the person, smallest first:
each block is one more "any of these four cells" group of the full-text query, minus
the block read before it, so the database's own index intersects words, filters and
place in one pass and reads only listings not read yet. After a block, everything
closer than the block's nearest edge has been read; the search stops as soon as nothing
further out could rank higher (see ``engine``). Four cells per query matters: full-text
engines merge "any of" groups term by term.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MICRO = 1_000_000
TOP = 3_200_000  # micro-degrees: the largest cell is 3.2°
LEVELS = 7  # 3.2°, 1.6°, 0.8°, 0.4°, 0.2°, 0.1°, 0.05°
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


def z_order(latitude: float, longitude: float) -> int:
    """The place's smallest cell, numbered along a Z curve: places near each other
    mostly get numbers near each other (documents are stored in this order)."""
    y, x = _micro(max(-90.0, min(90.0, latitude)), max(-180.0, min(180.0, longitude)))
    i, j = y // _size(LEVELS - 1), x // _size(LEVELS - 1)
    number = 0
    for bit in range(16):  # 3,600 rows and 7,200 columns of 0.05° fit in 13 bits
        number |= ((i >> bit) & 1) << (2 * bit + 1) | ((j >> bit) & 1) << (2 * bit)
    return number


def miles_per_degree_longitude(latitude: float) -> float:
    return MILES_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(math.radians(latitude))


@dataclass(frozen=True)
class Box:
    """A rectangle in degrees (south and west included, north and east excluded)."""

    south: float
    north: float
    west: float
    east: float


@dataclass(frozen=True)
class Ring:
    """One query: the documents of ``cells`` not in ``skip`` (tokens) nor in ``skip_boxes``.

    Afterwards every document nearer than ``end`` miles has been read.
    """

    end: float
    cells: list[str]
    skip: list[str]
    skip_boxes: list[Box]


def _block(y: int, x: int, level: int) -> tuple[int, int]:
    """The south-west cell of the 2 by 2 block of ``level`` cells around a point."""
    size = _size(level)
    i, j = y // size, x // size
    return (i - 1 if y % size < size // 2 else i), (j - 1 if x % size < size // 2 else j)


def cover(latitude: float, longitude: float, radius: float, max_cells: int = 9) -> list[str]:
    """The cells of the finest size of which at most ``max_cells`` cover the circle's
    bounding box (the largest size whatever their number)."""
    y, x = _micro(latitude, longitude)
    dy = math.ceil(radius / (MILES_PER_DEGREE_LATITUDE / MICRO))
    dx = math.ceil(radius / (miles_per_degree_longitude(latitude) / MICRO))
    for level in range(LEVELS - 1, -1, -1):
        size = _size(level)
        rows = range((y - dy) // size, (y + dy) // size + 1)
        columns = range((x - dx) // size, (x + dx) // size + 1)
        if len(rows) * len(columns) <= max_cells or level == 0:
            break
    return [_token(level, i, j) for i in rows for j in columns]


def rings(latitude: float, longitude: float, radius: float) -> list[Ring]:
    """The queries of a distance search, nearest first. Distances are equirectangular,
    as in the SQL."""
    y, x = _micro(latitude, longitude)
    ky = MILES_PER_DEGREE_LATITUDE / MICRO
    kx = miles_per_degree_longitude(latitude) / MICRO
    result: list[Ring] = []
    previous: list[str] = []
    boxes: list[Box] = []
    for level in range(LEVELS - 1, -1, -1):
        size = _size(level)
        i0, j0 = _block(y, x, level)
        south, west = i0 * size, j0 * size
        north, east = south + 2 * size, west + 2 * size
        end = min((y - south) * ky, (north - y) * ky, (x - west) * kx, (east - x) * kx)
        cells = [_token(level, i0 + a, j0 + b) for a in (0, 1) for b in (0, 1)]
        result.append(Ring(end=end, cells=cells, skip=previous, skip_boxes=list(boxes)))
        if end >= radius:
            return result
        previous = cells
        boxes.append(
            Box(
                south=south / MICRO - 90,
                north=north / MICRO - 90,
                west=west / MICRO - 180,
                east=east / MICRO - 180,
            )
        )
    # Beyond the largest block: the largest cells the circle touches.
    size = _size(0)
    dy, dx = math.ceil(radius / ky), math.ceil(radius / kx)
    cells = [
        _token(0, i, j)
        for i in range((y - dy) // size, (y + dy) // size + 1)
        for j in range((x - dx) // size, (x + dx) // size + 1)
    ]
    result.append(Ring(end=math.inf, cells=cells, skip=previous, skip_boxes=list(boxes)))
    return result
