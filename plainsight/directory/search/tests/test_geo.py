"""Cells nest, cover a search circle exactly once, and are read nearest first."""

from __future__ import annotations

import math
import random

import pytest

from plainsight.directory.search import geo


@pytest.mark.parametrize(("latitude", "longitude"), [(35.3836, -119.018), (34.0522, -118.2437)])
@pytest.mark.parametrize("radius", [5, 25, 100])
def test_every_point_of_the_circle_is_in_exactly_one_cell_read(latitude, longitude, radius):
    covered = {token for _distance, token in geo.cover(latitude, longitude, radius)}
    rng = random.Random(radius)
    kx = geo.miles_per_degree_longitude(latitude)
    for _ in range(2000):
        angle, distance = rng.uniform(0, 2 * math.pi), radius * math.sqrt(rng.random())
        point = (
            latitude + distance * math.sin(angle) / geo.MILES_PER_DEGREE_LATITUDE,
            longitude + distance * math.cos(angle) / kx,
        )
        assert len(geo.cell_tokens(*point) & covered) == 1, point


def test_cells_nest_exactly():
    tokens = sorted(geo.cell_tokens(35.3836, -119.018))
    assert len(tokens) == geo.LEVELS
    assert geo.cell_tokens(None, None) == {geo.NOWHERE}


def test_rings_read_nearest_first_and_say_what_is_left():
    rings = geo.rings(34.0522, -118.2437, 25)
    cover = geo.cover(34.0522, -118.2437, 25)
    assert sum(len(r.cells) for r in rings) == len(cover)
    assert all(len(r.cells) <= geo.CELLS_PER_QUERY for r in rings)
    distance = dict((token, d) for d, token in cover)
    for index, ring in enumerate(rings):
        later = [distance[t] for r in rings[index + 1 :] for t in r.cells]
        if later:
            assert ring.end == min(later)
        else:
            assert ring.end == math.inf
    # Small cells near the person, larger ones further out.
    assert rings[0].cells[0].startswith(f"zq{geo.LEVELS - 1}a")
    assert any(t.startswith("zq1a") or t.startswith("zq2a") for t in rings[-1].cells)
