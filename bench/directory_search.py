"""Directory search benchmark (issue 4, item 8).

    .venv/bin/python -m bench.directory_search --services 100000 --db sqlite
    .venv/bin/python -m bench.directory_search --services 100000 --db postgres
    .venv/bin/python -m bench.directory_search --services 1000000 --db postgres

Generates a statewide directory (cached: a SQLite file under var/bench/, or the
``bench_search`` PostgreSQL database, reused while it holds the same generated data),
builds the search index, then times a mix of typical public searches — words +
distance from a ZIP code + two filters — through ``engine.search``, the function the
page calls. The same searches then run the way reference directory implementations
search: SQL ``LIKE '%word%'`` on name and description, the same filters as plain SQL,
and a great-circle distance computed in SQL for every row, sorted by distance; with the
count of matches a pager needs, as they run it (``_reference_sql``). Then a
whole results page goes through Django's test client (wall-clock and CPU time, after a
few pages that load the templates; compressed size), and memory is reported
(tracemalloc peak while searching, ru_maxrss of the process).
Prints numbers; never fails on them (``make bench`` is not a test).
"""

from __future__ import annotations

import argparse
import gzip
import math
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import directory_db

BASE_DIR = Path(__file__).resolve().parent.parent
TERMS = [
    "shelter", "legal help", "abogado", "food", "comida", "counseling", "immigration",
    "trabajo", "job training", "refugio", "lawyer", "sheltr", "clinic", "domestic violence",
    "ayuda legal", "bus pass", "ropa", "trafficking", "inmigracion", "therapy", "english classes",
    "unpaid wages", "crisis line", "youth", "alimentos",
]  # fmt: skip
RADII = [10, 25, 25, 25, 50]


@dataclass
class Query:
    text: str
    zip_code: str
    latitude: float
    longitude: float
    radius: int
    filters: dict[str, Any]


def _queries(count: int, seed: int = 7) -> list[Query]:
    from bench.directory_data import TERMS as TAXONOMY
    from bench.directory_data import sample_places

    rng = random.Random(seed)
    filters: list[Callable[[], dict[str, Any]]] = [
        lambda: {"free": True},
        lambda: {"no_police_report": True},
        lambda: {"language": "es"},
        lambda: {"open_now": True},
        lambda: {"any_immigration_status": True},
        lambda: {"age": rng.choice([15, 25, 40])},
        lambda: {"category": rng.choice([t[0] for t in TAXONOMY if not t[3]])},
    ]
    queries = []
    for city, lat, lon, zip_code in sample_places(rng, count):
        chosen: dict[str, Any] = {}
        for make in rng.sample(filters, 2):
            chosen.update(make())
        queries.append(
            Query(
                text=rng.choice(TERMS),
                zip_code=zip_code,
                latitude=lat,
                longitude=lon,
                radius=rng.choice(RADII),
                filters=chosen,
            )
        )
        del city
    return queries


def _category_ids() -> dict[str, str]:
    from plainsight.directory.models import TaxonomyTerm

    return {code: str(pk) for code, pk in TaxonomyTerm.objects.values_list("code", "id")}


def _place(query: Query) -> Any:
    from plainsight.directory.search.places import Place

    return Place(
        kind="zip",
        label=query.zip_code,
        latitude=query.latitude,
        longitude=query.longitude,
        state="CA",
        county_fips="",
        zips=(query.zip_code,),
    )


def _request(query: Query, categories: dict[str, str]) -> Any:
    from plainsight.directory.search.engine import SearchRequest

    filters = dict(query.filters)
    if "category" in filters:
        filters["category"] = categories[filters["category"]]
    return SearchRequest(text=query.text, place=_place(query), radius_miles=query.radius, **filters)


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95, ordered[-1]


def _reference_sql(query: Query, categories: dict[str, str]) -> tuple[str, str, list[Any]]:
    """How reference directories search: LIKE + a great-circle distance for every row.

    Two statements, as they run them: the page (20 nearest matches) and the number of
    matches for the pager. ORServices (sarapis/orservices, ``ExploreController`` and
    ``ServiceController``: ``3959 * acos(...) AS distance``, ``'like', '%'.$find.'%'``,
    then ``->count()`` and ``->paginate()``) and Ohana API (codeforamerica/ohana-api:
    Kaminari's ``total_count`` in its ``X-Total-Count`` header) both count. Returns
    (page SQL, count SQL, parameters of both).
    """
    from django.db import connection

    params: list[Any] = [query.latitude, query.longitude, query.latitude]
    distance = (
        "(3959 * acos(min(1.0, cos(radians(%s)) * cos(radians(l.latitude))"
        " * cos(radians(l.longitude) - radians(%s))"
        " + sin(radians(%s)) * sin(radians(l.latitude)))))"
    )
    if connection.vendor == "postgresql":
        distance = distance.replace("min(1.0,", "least(1.0,")
    where = ["s.status = 'active'", "l.latitude IS NOT NULL"]
    for word in query.text.lower().split():
        where.append("(lower(s.name) LIKE %s OR lower(s.description) LIKE %s)")
        params += [f"%{word}%", f"%{word}%"]
    filters = query.filters
    if filters.get("free"):
        where.append("s.free_of_charge = %s")
        params.append(True)
    if filters.get("no_police_report"):
        where.append("s.police_report_required = %s")
        params.append(False)
    if filters.get("any_immigration_status"):
        where.append("s.immigration_status_neutral = %s")
        params.append(True)
    if "age" in filters:
        where.append(
            "(s.minimum_age IS NULL OR s.minimum_age <= %s)"
            " AND (s.maximum_age IS NULL OR s.maximum_age >= %s)"
        )
        params += [filters["age"], filters["age"]]
    if "language" in filters:
        where.append(
            "EXISTS (SELECT 1 FROM directory_language g WHERE g.service_id = s.id AND g.code = %s)"
        )
        params.append(filters["language"])
    if "category" in filters:
        where.append(
            "EXISTS (SELECT 1 FROM directory_attribute a WHERE a.link_id = s.id"
            " AND a.taxonomy_term_id IN (SELECT t.id FROM directory_taxonomyterm t"
            " WHERE t.id = %s OR t.parent_id = %s))"
        )
        params += [categories[filters["category"]]] * 2
    if filters.get("open_now"):
        where.append(
            "(s.open_24_7 OR EXISTS (SELECT 1 FROM directory_schedule h WHERE h.service_id = s.id"
            " AND h.byday LIKE %s AND h.opens_at <= %s AND h.closes_at > %s))"
        )
        params += ["%TU%", "10:00:00", "10:00:00"]
    found = (
        f"SELECT * FROM (SELECT s.id, s.name, {distance} AS distance"  # noqa: S608
        " FROM directory_service s"
        " JOIN directory_serviceatlocation sal ON sal.service_id = s.id"
        " JOIN directory_location l ON l.id = sal.location_id"
        f" WHERE {' AND '.join(where)}) found"
        " WHERE distance <= %s"
    )
    params.append(query.radius)
    count = f"SELECT COUNT(*) FROM ({found}) matches"  # noqa: S608
    return f"{found} ORDER BY distance LIMIT 20", count, params


def _time_searches(
    queries: list[Query], categories: dict[str, str]
) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU milliseconds per search (CPU: this process, SQLite included)."""
    from plainsight.directory.search.engine import search

    samples = []
    cpu = []
    found = 0
    for query in queries:
        request = _request(query, categories)
        started, started_cpu = time.perf_counter(), time.process_time()
        results = search(request)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        found += results.total
    return samples, cpu, found


def _time_reference(
    queries: list[Query], categories: dict[str, str]
) -> tuple[list[float], list[float]]:
    """Milliseconds per reference search: its page statement alone, and page + count."""
    from django.db import connection

    pages, searches = [], []
    with connection.cursor() as cursor:
        for query in queries:
            page_sql, count_sql, params = _reference_sql(query, categories)
            started = time.perf_counter()
            cursor.execute(page_sql, params)
            cursor.fetchall()
            paged = time.perf_counter()
            cursor.execute(count_sql, params)
            cursor.fetchone()
            ended = time.perf_counter()
            pages.append((paged - started) * 1000)
            searches.append((ended - started) * 1000)
    return pages, searches


def _page(queries: list[Query]) -> tuple[list[float], list[float], int, int, int]:
    """Wall-clock and CPU milliseconds per results page, and the largest page's size."""
    from django.test import Client

    client = Client()

    def post(query: Query) -> Any:
        data = {"q": query.text, "near": "93301", "radius": "25", "free": "on", "language": "es"}
        return client.post("/en/find-help/", data)

    for query in queries[:5]:
        post(query)  # templates loaded and compiled, as in a running server
    samples = []
    cpu = []
    html = b""
    for query in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        response = post(query)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.status_code
        if len(response.content) > len(html):
            html = response.content
    css = sum(
        len(gzip.compress((BASE_DIR / "plainsight" / "static" / "css" / name).read_bytes(), 6))
        for name in ("public.css", "find-help.css")
    )
    return samples, cpu, len(html), len(gzip.compress(html, 6)), css


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--reference-queries", type=int, default=40)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args(argv)

    where = directory_db.configure(args.db, args.services)
    print(f"directory search benchmark: {args.db}, {args.services:,} services ({where})")
    directory_db.prepare(args.services, regenerate=args.regenerate)

    categories = _category_ids()
    queries = _queries(args.queries)
    _time_searches(queries[:30], categories)  # warm the caches, as a running server has

    load = os.getloadavg()[0]
    samples, cpu, found = _time_searches(queries, categories)
    p50, p95, worst = _percentiles(samples)
    c50, c95, _cmax = _percentiles(cpu)
    print(
        f"  typical search (words + distance + 2 filters), {len(samples)} queries:"
        f" p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms"
        f" (CPU of this process: p50 {c50:.1f} ms, p95 {c95:.1f} ms;"
        f" at least {found / len(samples):.0f} matches per search on average;"
        f" machine load {load:.1f} on {os.cpu_count()} CPUs)"
    )
    # Memory apart: tracing allocations slows every search down.
    tracemalloc.start()
    _time_searches(queries[:50], categories)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    reference_queries = queries[: args.reference_queries]
    page_only, reference = _time_reference(reference_queries, categories)
    mine = samples[: len(reference)]
    r50, r95, rmax = _percentiles(reference)
    o50, o95, _ = _percentiles(page_only)
    m50, m95, _ = _percentiles(mine)
    print(
        f"  reference search (LIKE + great-circle over every row; the page and the count"
        f" of matches, as paged reference directories run it), {len(reference)} queries:"
        f" p50 {r50:.1f} ms, p95 {r95:.1f} ms, max {rmax:.1f} ms"
        f" (its page statement alone: p50 {o50:.1f} ms, p95 {o95:.1f} ms)"
    )
    print(
        f"  speed-up on the same queries: x{r50 / m50:.0f} (p50), x{r95 / m95:.0f} (p95);"
        f" against the page statement alone x{o50 / m50:.0f} (p50), x{o95 / m95:.0f} (p95)"
    )

    page_samples, page_cpu, html_size, html_gzip, css_gzip = _page(queries[: args.pages])
    g50, g95, _ = _percentiles(page_samples)
    gc50, gc95, _ = _percentiles(page_cpu)
    print(
        f"  results page through Django (POST, 20 results max): p50 {g50:.1f} ms,"
        f" p95 {g95:.1f} ms (CPU of this process: p50 {gc50:.1f} ms, p95 {gc95:.1f} ms);"
        f" largest HTML {html_size / 1024:.1f} KB,"
        f" {html_gzip / 1024:.1f} KB gzip + CSS {css_gzip / 1024:.1f} KB gzip"
        f" = {(html_gzip + css_gzip) / 1024:.1f} KB"
    )
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  memory: tracemalloc peak while searching {peak / 1e6:.1f} MB; ru_maxrss {rss_mb:.0f} MB"
    )
    target = 20 if args.services <= 100_000 else 50
    verdicts = [
        f"p95 <= {target} ms: {'yes' if p95 <= target else 'NO'}",
        f"speed-up >= 20x: {'yes' if r50 / m50 >= 20 else 'NO'}"
        f" (against the page statement alone: {'yes' if o50 / m50 >= 20 else 'NO'})",
        f"page <= 40 KB: {'yes' if html_gzip + css_gzip <= 40 * 1024 else 'NO'}",
    ]
    print("  targets: " + "; ".join(verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
