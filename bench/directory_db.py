"""The benchmark directory's database, shared by the directory benchmarks.

``prepare`` points Django at a cached database (a SQLite file under ``var/bench/``, or
the PostgreSQL database of ``BENCH_POSTGRES_URL``), fills it with the deterministic
directory of ``bench.directory_data`` when it does not already hold the same one, and
(re)builds the search index when its format changed. A one-row ``bench_marker`` table
records what the database holds, so a second run starts within seconds.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 6
# Bump when the search index's format changes: the data is kept, the index rebuilt.
INDEX_VERSION = 14
# One database per directory size (``<url>_<services>``), so the 100,000 and 1,000,000
# runs keep their data.
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_search"
)


def configure(db: str, services: int) -> str:
    """Point Django at the benchmark database before it starts; returns where it is."""
    if db == "sqlite":
        path = BASE_DIR / "var" / "bench" / f"directory-{services}-v{GENERATOR_VERSION}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        where = str(path)
    else:
        url = f"{POSTGRES_URL}_{services}"
        _create_postgres_database(url)
        os.environ["DATABASE_URL"] = url
        where = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    return where


def _create_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def state(services: int) -> str:
    """ "ready", "index" (data there, index to rebuild) or "data" (generate everything)."""
    from plainsight.directory.models import Service
    from plainsight.directory.search.models import SearchIndexState

    value = marker()
    if value != f"v{GENERATOR_VERSION}:{services}" and not value.startswith(
        f"v{GENERATOR_VERSION}:{services}:"
    ):
        return "data"
    if Service.objects.count() != services:
        return "data"
    index = SearchIndexState.objects.filter(id=1).first()
    if value != full_marker(services) or index is None or not index.document_count:
        return "index"
    return "ready"


def full_marker(services: int) -> str:
    return f"v{GENERATOR_VERSION}:{services}:index{INDEX_VERSION}"


def marker(value: str | None = None) -> str:
    """A one-row table that says which generated directory the database holds."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_marker (value varchar(100))")
        if value is not None:
            cursor.execute("DELETE FROM bench_marker")
            cursor.execute("INSERT INTO bench_marker (value) VALUES (%s)", [value])
            return value
        cursor.execute("SELECT value FROM bench_marker")
        row = cursor.fetchone()
        return row[0] if row else ""


def wipe_directory() -> None:
    from django.db import connection

    from plainsight.directory import models as m
    from plainsight.directory.search import models as s

    tables = [
        model._meta.db_table
        for model in (
            s.SearchHours, s.SearchDocument, s.SearchToken, s.SearchWord, s.SearchSpelling,
            s.SearchFacet, s.SearchIndexState, m.Attribute, m.Phone, m.Schedule, m.Language,
            m.ServiceArea, m.ServiceCapacity, m.Address, m.ServiceAtLocation, m.Location,
            m.Service, m.Organization, m.TaxonomyTerm, m.Taxonomy, m.Unit,
        )
    ]  # fmt: skip
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")
        else:
            from plainsight.directory.search import fts

            fts.bulk_load_begin()
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - model table names
            fts.bulk_load_end()


def generate(services: int) -> tuple[str, float]:
    """Fill the database with the benchmark's own deterministic generator.

    (plainsight.directory.synthetic builds richer HSDS records for import tests but is
    slower; the benchmarks need volume and a realistic category/place mix.)
    """
    from django.db import transaction

    from bench.directory_data import generate as fill

    started = time.perf_counter()
    wipe_directory()
    with transaction.atomic():
        fill(services, seed=2026)
    return "bench.directory_data", time.perf_counter() - started


def prepare(services: int, *, regenerate: bool = False) -> None:
    """Migrate, then generate the directory and build its search index unless cached."""
    from django.core.management import call_command
    from django.db import connection

    from plainsight.directory.search.models import SearchDocument
    from plainsight.directory.search.services import search_index_rebuild
    from plainsight.directory.services import directory_statistics_refresh

    call_command("migrate", verbosity=0, interactive=False)
    current = "data" if regenerate else state(services)
    if current == "data":
        generator, seconds = generate(services)
        print(f"  generated with {generator} in {seconds:.1f} s")
        marker(f"v{GENERATOR_VERSION}:{services}")
        # As after an import of this size (see import_job_run).
        directory_statistics_refresh()
    if current in ("data", "index"):
        started = time.perf_counter()
        search_index_rebuild(batch_size=2000)
        print(f"  search index built in {time.perf_counter() - started:.1f} s")
        marker(full_marker(services))
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        print("  using the directory and index built earlier (--regenerate to rebuild)")
    if connection.vendor == "postgresql":
        _vacuum()
    print(f"  {SearchDocument.objects.count():,} search documents")


def _vacuum() -> None:
    """What autovacuum does on a normal server, done now: the benchmark's server may run
    without it, and index-only scans need the visibility map it keeps. Quick once done."""
    from django.apps import apps
    from django.db import connection

    tables = [
        model._meta.db_table
        for label in ("directory", "directory_search")
        for model in apps.get_app_config(label).get_models()
    ]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) " + ", ".join(tables))
