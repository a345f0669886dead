"""HSDS API benchmark: server time of every list and detail endpoint on a big directory.

    .venv/bin/python -m bench.directory_api --services 100000 --db sqlite
    .venv/bin/python -m bench.directory_api --services 100000 --db postgres

Uses the same cached, generated directory as ``bench.directory_search`` (see
``bench.directory_db``), then requests ``/api/hsds/…`` through Django's test client —
the whole stack but the network — for a mix of parameters per endpoint: plain pages,
deep pages, ``full=true``, ``search``, ``modified_after``, ``taxonomy_term_id``,
``organization_id``, proximity and ``postcode``, and the detail endpoints. For each
mix it prints p50/p95/max server time, the p95 CPU time of this process (the whole
request on SQLite; without the database server's share on PostgreSQL: a figure that
the machine's other work hardly changes), how many timed requests it made (at most
``--budget`` seconds of them: a mix taking seconds per request stops early), the number
of SQL queries per request and the size of the JSON. Prints numbers; never fails on
them (``make bench`` is not a test).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench import directory_db
from bench.harness import Timings

SEARCH_WORDS = ["shelter", "legal", "food pantry", "clinic", "youth", "Bakersfield", "zzyzx"]


@dataclass
class Mix:
    """One endpoint with one kind of parameters: ``make(i)`` gives the i-th request."""

    label: str
    make: Callable[[int], tuple[str, dict[str, Any]]]


@dataclass
class Sample:
    ids: dict[str, list[str]]
    cities: list[tuple[float, float, str]]


def _sample(rng: random.Random) -> Sample:
    """Ids to ask for, drawn once (in a stable order, so runs compare)."""
    from plainsight.directory import models, selectors

    def pick(queryset: Any, count: int = 500) -> list[str]:
        ids = sorted(str(pk) for pk in queryset.values_list("pk", flat=True)[:5000])
        return rng.sample(ids, min(count, len(ids)))

    from bench.directory_data import CITIES

    public = models.Service.objects.filter(status__in=selectors.PUBLIC_SERVICE_STATUSES)
    return Sample(
        ids={
            "service": pick(public),
            "service_at_location": pick(
                models.ServiceAtLocation.objects.filter(service__in=public.values("pk")[:5000])
            ),
            "organization": pick(models.Organization.objects.all()),
            "taxonomy_term": pick(models.TaxonomyTerm.objects.all()),
        },
        cities=[(c[4], c[5], c[3]) for c in CITIES],
    )


def _mixes(sample: Sample, rng: random.Random) -> list[Mix]:
    ids = sample.ids

    def one(kind: str) -> str:
        return rng.choice(ids[kind])

    def city() -> tuple[float, float, str]:
        return rng.choice(sample.cities)

    def near() -> dict[str, Any]:
        lat, lon, _zip = city()
        return {"lat": lat, "lon": lon}

    def page(low: int, high: int) -> int:
        return rng.randint(low, high)

    def listing(label: str, path: str, params: Callable[[int], dict[str, Any]]) -> Mix:
        return Mix(label, lambda i: (f"/api/hsds/{path}", params(i)))

    def word(i: int) -> str:
        return SEARCH_WORDS[i % len(SEARCH_WORDS)]

    def since(i: int) -> str:
        # Alternately: everything has changed since, and nothing has.
        return ("2026-10-01T00:00:00Z", "2026-12-01T00:00:00Z")[i % 2]

    mixes = []
    for path in ("services", "service_at_locations"):
        mixes += [
            listing(f"{path} page 1-20", path, lambda i: {"page": page(1, 20)}),
            listing(f"{path} page ~1000", path, lambda i: {"page": page(990, 1010)}),
            listing(f"{path} full=true", path, lambda i: {"page": page(1, 200), "full": "true"}),
            listing(f"{path} search=", path, lambda i: {"search": word(i)}),
            listing(f"{path} search= page 5", path, lambda i: {"search": word(i % 4), "page": 5}),
            listing(f"{path} modified_after=", path, lambda i: {"modified_after": since(i)}),
            listing(
                f"{path} taxonomy_term_id=",
                path,
                lambda i: {"taxonomy_term_id": one("taxonomy_term")},
            ),
            listing(
                f"{path} taxonomy_term_id= page 20",
                path,
                lambda i: {"taxonomy_term_id": one("taxonomy_term"), "page": 20},
            ),
            listing(
                f"{path} organization_id=", path, lambda i: {"organization_id": one("organization")}
            ),
            listing(f"{path} lat/lon (40 km)", path, lambda i: near()),
            listing(
                f"{path} lat/lon full=true page 3",
                path,
                lambda i: {**near(), "full": "true", "page": 3},
            ),
            listing(f"{path} postcode=", path, lambda i: {"postcode": city()[2]}),
            listing(
                f"{path} postcode= proximity=",
                path,
                lambda i: {"postcode": city()[2], "proximity": 20_000},
            ),
            listing(
                f"{path} search= + term + lat/lon",
                path,
                lambda i: {
                    "search": word(i % 4),
                    "taxonomy_term_id": one("taxonomy_term"),
                    **near(),
                },
            ),
        ]
    orgs = "/api/hsds/organizations"
    terms = "/api/hsds/taxonomy_terms"
    mixes += [
        Mix("organizations page 1-20", lambda i: (orgs, {"page": page(1, 20)})),
        Mix("organizations page ~600", lambda i: (orgs, {"page": page(590, 610)})),
        Mix("organizations full=true", lambda i: (orgs, {"page": page(1, 200), "full": "true"})),
        Mix(
            "organizations full=true full_service=true",
            lambda i: (orgs, {"page": page(1, 200), "full": "true", "full_service": "true"}),
        ),
        Mix(
            "organizations search=",
            lambda i: (orgs, {"search": ["hope", "valley", "zzyzx"][i % 3]}),
        ),
        Mix(
            "organizations taxonomy_term_id=",
            lambda i: (orgs, {"taxonomy_term_id": one("taxonomy_term")}),
        ),
        Mix("taxonomies", lambda i: ("/api/hsds/taxonomies", {})),
        Mix("taxonomy_terms", lambda i: (terms, {})),
        Mix("taxonomy_terms search=", lambda i: (terms, {"search": ["food", "legal", "x"][i % 3]})),
        Mix("services/{id}", lambda i: (f"/api/hsds/services/{one('service')}", {})),
        Mix(
            "service_at_locations/{id}",
            lambda i: (f"/api/hsds/service_at_locations/{one('service_at_location')}", {}),
        ),
        Mix("organizations/{id}", lambda i: (f"/api/hsds/organizations/{one('organization')}", {})),
        Mix(
            "organizations/{id} full_service",
            lambda i: (
                f"/api/hsds/organizations/{one('organization')}",
                {"full_service": "true"},
            ),
        ),
        Mix(
            "taxonomy_terms/{id}",
            lambda i: (f"/api/hsds/taxonomy_terms/{one('taxonomy_term')}", {}),
        ),
    ]
    return mixes


@dataclass
class Measured:
    timings: Timings
    cpu: Timings
    queries: int
    size: int
    total: int | None


def _measure(client: Any, mix: Mix, *, requests: int, warmup: int, budget: float) -> Measured:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries = 0
    size = 0
    total = None
    # Warm-up requests are not timed; they count the queries (capturing slows a little).
    for index in range(warmup):
        path, params = mix.make(index)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, params)
        assert response.status_code == 200, (path, params, response.content[:300])
        queries = max(queries, len(captured))
    samples: list[float] = []
    cpu: list[float] = []
    deadline = time.perf_counter() + budget
    for index in range(warmup, warmup + requests):
        if samples and time.perf_counter() > deadline:
            break  # a very slow mix reports the requests it had time for
        path, params = mix.make(index)
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, params)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (path, params, response.content[:300])
        size = max(size, len(response.content))
        if total is None and "total_items" in (payload := response.json()):
            total = payload["total_items"]
    return Measured(Timings(samples), Timings(cpu), queries, size, total)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per mix (40)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per mix (3)")
    parser.add_argument("--only", default="", help="only the mixes whose label contains this")
    parser.add_argument(
        "--budget", type=float, default=120, help="seconds of timed requests per mix at most (120)"
    )
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args(argv)

    where = directory_db.configure(args.db, args.services)
    print(f"HSDS API benchmark: {args.db}, {args.services:,} services ({where})")
    directory_db.prepare(args.services, regenerate=args.regenerate)

    from django.test import Client

    rng = random.Random(11)
    mixes = [m for m in _mixes(_sample(rng), rng) if args.only in m.label]
    client = Client()
    started_load = os.getloadavg()
    print(
        f"  {args.requests} timed requests per mix after {args.warmup} untimed;"
        f" machine load {started_load[0]:.2f} {started_load[1]:.2f} {started_load[2]:.2f}"
        f" on {os.cpu_count()} CPUs"
    )
    width = max(len(m.label) for m in mixes)
    print(
        f"  {'endpoint and parameters':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}  {'max ms':>8}"
        f"  {'p95 CPU':>8}  {'n':>3}"
        f"  {'queries':>7}  {'KB':>6}  {'total_items':>11}"
    )
    worst = 0.0
    for mix in mixes:
        measured = _measure(
            client, mix, requests=args.requests, warmup=args.warmup, budget=args.budget
        )
        t = measured.timings
        worst = max(worst, t.p95)
        total = "" if measured.total is None else f"{measured.total:,}"
        print(
            f"  {mix.label:<{width}}  {t.p50:8.1f}  {t.p95:8.1f}  {t.max:8.1f}"
            f"  {measured.cpu.p95:8.1f}  {len(t.samples):3d}"
            f"  {measured.queries:7d}  {measured.size / 1024:6.1f}  {total:>11}",
            flush=True,
        )
    load = os.getloadavg()
    print(
        f"  slowest p95: {worst:.1f} ms; machine load at the end"
        f" {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
