"""Cells nest; the blocks of a distance search read every listing of the circle once."""

from __future__ import annotations

import math
import random

import pytest

from plainsight.directory.search import geo


def _reads(ring: geo.Ring, point: tuple[float, float]) -> bool:
    tokens = geo.cell_tokens(*point)
    if not tokens & set(ring.cells) or tokens & set(ring.skip):
        return False
    latitude, longitude = point
    return not any(
        box.south <= latitude < box.north and box.west <= longitude < box.east
        for box in ring.skip_boxes
    )


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(35.3836, -119.018), (34.0522, -118.2437), (37.8, -122.27)]
)
@pytest.mark.parametrize("radius", [5, 25, 100])
def test_every_point_of_the_circle_is_read_once_and_in_time(latitude, longitude, radius):
    rings = geo.rings(latitude, longitude, radius)
    rng = random.Random(radius)
    ky = geo.MILES_PER_DEGREE_LATITUDE
    kx = geo.miles_per_degree_longitude(latitude)
    for _ in range(3000):
        angle, distance = rng.uniform(0, 2 * math.pi), radius * math.sqrt(rng.random())
        point = (
            latitude + distance * math.sin(angle) / ky,
            longitude + distance * math.cos(angle) / kx,
        )
        reading = [n for n, ring in enumerate(rings) if _reads(ring, point)]
        assert len(reading) == 1, (point, reading)
        # Read no later than the first ring that promises everything this near.
        promised = next(n for n, ring in enumerate(rings) if distance < ring.end)
        assert reading[0] <= promised


def test_cells_nest_exactly():
    assert len(geo.cell_tokens(35.3836, -119.018)) == geo.LEVELS
    assert geo.cell_tokens(None, None) == {geo.NOWHERE}


def test_blocks_grow_from_the_smallest_cells_and_stay_small():
    rings = geo.rings(34.0522, -118.2437, 25)
    assert rings[0].cells[0].startswith(f"zq{geo.LEVELS - 1}a") and not rings[0].skip
    assert all(len(ring.cells) == 4 for ring in rings)
    ends = [ring.end for ring in rings]
    assert ends == sorted(ends) and ends[-1] >= 25
    wide = geo.rings(34.0522, -118.2437, 400)
    assert wide[-1].end == math.inf and len(wide[-1].cells) > 4
