"""Grid cells as full-text tokens, so the full-text index also narrows by place.

Every document with a position carries the token of its 0.2° cell (about 22 by 18 km
in California) and of its 1° cell; a document without one carries ``zgnone``. A
distance search adds the cells its search box covers, at the finer size when that is
at most 40 cells, as one more "any of these" group of the full-text query: the
database's own index then intersects words, filters and place in one pass, and the
exact distance is checked on what is left.
"""

from __future__ import annotations

import math

FINE = 0.2
COARSE = 1.0
MAX_FINE_CELLS = 40
NOWHERE = "zgnone"


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


def box_tokens(latitude: float, longitude: float, dlat: float, dlon: float) -> list[str]:
    """The cells that cover a search box (centre ± dlat, ± dlon degrees)."""
    for size in (FINE, COARSE):
        rows = range(_index(latitude - dlat, 90, size), _index(latitude + dlat, 90, size) + 1)
        columns = range(
            _index(longitude - dlon, 180, size), _index(longitude + dlon, 180, size) + 1
        )
        if size == COARSE or len(rows) * len(columns) <= MAX_FINE_CELLS:
            return [_token(size, i, j) for i in rows for j in columns]
    raise AssertionError("unreachable")
