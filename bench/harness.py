"""What a benchmark module gets, and the helpers it measures with.

A benchmark is one file, ``bench/bench_<name>.py``, with a docstring (its first line is
the title) and a function::

    def run(bench: Bench) -> None:
        bench.record("requests per second", 1234.5, "req/s")

``run`` is called once, after Django is set up against a freshly migrated throw-away
database (a temporary SQLite file in WAL mode, or a ``test_…`` database on the
PostgreSQL server when ``DATABASE_URL`` points at one), so a benchmark may create the
data it needs. Data generators used by several benchmarks belong next to them in
``bench/``.
"""

from __future__ import annotations

import gzip
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Result:
    metric: str
    value: float
    unit: str


@dataclass
class Timings:
    """Durations in milliseconds."""

    samples: list[float]

    def percentile(self, q: float) -> float:
        ordered = sorted(self.samples)
        if not ordered:
            return 0.0
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
        return ordered[index]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def max(self) -> float:
        return max(self.samples)


@dataclass
class Bench:
    """Options from the command line and the results a benchmark records."""

    requests: int
    results: list[Result] = field(default_factory=list)

    def record(self, metric: str, value: float, unit: str) -> None:
        self.results.append(Result(metric, value, unit))

    def time_calls(self, call: Callable[[], Any], *, times: int, warmup: int = 5) -> Timings:
        """Run ``call`` ``warmup`` times unmeasured, then ``times`` times measured."""
        for _ in range(warmup):
            call()
        samples = []
        for _ in range(times):
            start = time.perf_counter()
            call()
            samples.append((time.perf_counter() - start) * 1000)
        return Timings(samples)

    def record_timings(self, label: str, timings: Timings) -> None:
        self.record(f"{label} p50", timings.p50, "ms")
        self.record(f"{label} p95", timings.p95, "ms")
        self.record(f"{label} max", timings.max, "ms")


def gzip_size(content: bytes) -> int:
    """Bytes on the wire with the gzip level reverse proxies use by default (6)."""
    return len(gzip.compress(content, compresslevel=6, mtime=0))


@contextmanager
def peak_memory() -> Iterator[dict[str, float]]:
    """Peak Python allocations inside the block (KiB) and the process's peak RSS (KiB)."""
    measured: dict[str, float] = {}
    tracemalloc.start()
    try:
        yield measured
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        measured["python_peak_kib"] = peak / 1024
        # ru_maxrss is in KiB on Linux (bytes on macOS).
        measured["process_peak_rss_kib"] = float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
