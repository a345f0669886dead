"""Run the benchmarks: ``python -m bench [--requests N] [name ...]``.

Discovers every ``bench/bench_*.py`` module, runs each against a throw-away database and
prints its numbers. Nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from bench.harness import Bench

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    return sorted(
        info.name.removeprefix("bench_")
        for info in pkgutil.iter_modules([str(HERE)])
        if info.name.startswith("bench_")
    )


def load(name: str) -> ModuleType:
    module = importlib.import_module(f"bench.bench_{name}")
    if not callable(getattr(module, "run", None)):
        raise SystemExit(f"bench/bench_{name}.py has no run(bench) function")
    return module


def title(module: ModuleType) -> str:
    return (module.__doc__ or module.__name__).strip().splitlines()[0]


def format_value(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests (200)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args(argv)

    available = discover()
    if args.list:
        print("\n".join(available))
        return 0
    unknown = sorted(set(args.names) - set(available))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(available)}")
    names = args.names or available

    workdir = Path(tempfile.mkdtemp(prefix="plainsight-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # The embedded tier's shape: a SQLite file in WAL mode, not an in-memory database.
        os.environ["TEST_SQLITE_NAME"] = str(workdir / "bench.sqlite3")

    import django
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    django.setup()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite" and not os.environ.get("TEST_DATABASE_NAME"):
        # Not Django's default test_<name>: a test run may be using that one right now.
        connection.settings_dict["TEST"]["NAME"] = f"{old_name}_bench"
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(
        f"PlainSight benchmarks · Python {platform.python_version()} · Django "
        f"{django.get_version()} · {connection.vendor} ({connection.settings_dict['NAME']}) · "
        f"{os.cpu_count()} CPU · {args.requests} requests each · "
        f"database ready in {time.perf_counter() - started:.1f}s"
    )
    try:
        for name in names:
            module = load(name)
            bench = Bench(requests=args.requests)
            started = time.perf_counter()
            module.run(bench)
            elapsed = time.perf_counter() - started
            print(f"\n{name} — {title(module)} ({elapsed:.1f}s)")
            width = max((len(r.metric) for r in bench.results), default=10)
            for result in bench.results:
                print(
                    f"  {result.metric:<{width}}  {format_value(result.value):>12}  {result.unit}"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
