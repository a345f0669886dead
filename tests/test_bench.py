"""The benchmark runner works (a smoke run: numbers are printed, never judged)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from bench.__main__ import discover, load, title


def test_every_benchmark_module_has_a_title_and_a_run_function() -> None:
    names = discover()
    assert "public_start_page" in names
    for name in names:
        module = load(name)
        assert title(module) and callable(module.run)


def test_runner_prints_numbers_for_the_start_page(tmp_path: Path) -> None:
    # Always the embedded SQLite tier: on PostgreSQL the benchmark database would sit
    # next to this test run's own.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEST_") and k != "DATABASE_URL"}
    env["PLAINSIGHT_VAR_DIR"] = str(tmp_path / "var")
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--requests", "3", "public_start_page"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "/en/ server time p95" in result.stdout
    assert "page weight gzip" in result.stdout
