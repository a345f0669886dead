"""Project-wide test configuration."""

from __future__ import annotations

import pytest


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database the suite runs on (make test vs make test-postgres)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    name = database.get("TEST", {}).get("NAME") or (
        "in memory" if database["ENGINE"].endswith("sqlite3") else f"test_{database['NAME']}"
    )
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} ({name})"
