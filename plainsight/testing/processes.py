"""Run real ``manage.py`` processes against the test database, and mark engine-only tests.

Tests that need several processes (task workers, schedulers, ``audit_verify``'s exit
status) start them with ``manage_py``; the child uses the same settings module and the
test database of the current connection. SQLite's in-memory test database cannot be
shared with another process, so such tests are ``postgres_only`` (or use a file).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, connections

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://…)"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="needs SQLite")


def test_database_url(alias: str = "default") -> str:
    """A DATABASE_URL naming the database the tests are using right now."""
    conn = connections[alias]
    params = conn.settings_dict
    if conn.vendor == "postgresql":
        user = quote(params.get("USER") or "", safe="")
        password = params.get("PASSWORD") or ""
        credentials = f"{user}:{quote(password, safe='')}" if password else user
        host = params.get("HOST") or "127.0.0.1"
        port = params.get("PORT") or "5432"
        return f"postgres://{credentials}@{host}:{port}/{quote(params['NAME'], safe='')}"
    if conn.vendor == "sqlite" and not conn.is_in_memory_db():  # type: ignore[attr-defined]
        return f"sqlite:///{params['NAME']}"
    raise RuntimeError("the test database cannot be reached from another process")


test_database_url.__test__ = False  # type: ignore[attr-defined]  # not a test for pytest


def child_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": test_database_url(),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TEST_DATABASE_NAME", None)
    env.update(extra)
    return env


def manage_py(*args: str, **popen: Any) -> subprocess.Popen[str]:
    """Start ``manage.py <args>`` on the test database; the caller waits for it."""
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen(  # noqa: S603 — fixed interpreter and script
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        cwd=settings.BASE_DIR,
        env=child_env(),
        text=True,
        **popen,
    )


def run_manage_py(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py <args>`` on the test database to completion."""
    process = manage_py(*args)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
