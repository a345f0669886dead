"""What `make run` does after installing: prepare the embedded tier, then serve it.

Runs the two management commands the Makefile calls, against a temporary state folder:
preparing twice must work (a second `make run` reuses everything), and serving must
print the address, answer on it with the web server and start the task worker, and stop
both on Ctrl-C.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from django.conf import settings

from plainsight.directory.search.models import INDEX_FORMAT

BASE_DIR = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tmp_path: Path, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PLAINSIGHT_", "TEST_", "GUNICORN_"))
        and key not in {"DATABASE_URL", "CACHE_URL", "STATIC_ROOT", "MEDIA_ROOT"}
    }
    env.update(
        PLAINSIGHT_VAR_DIR=str(tmp_path / "var"),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def _get(port: int, path: str) -> tuple[int, str]:
    """(status, body) — or (status, Location) for a redirect, which is not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Language": "es-MX,es;q=0.9"})
        response = connection.getresponse()
        body = response.read().decode()
        if 300 <= response.status < 400:
            return response.status, response.getheader("Location", "")
        return response.status, body
    finally:
        connection.close()


def test_prepare_twice_then_serve_and_stop(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(tmp_path, port)
    for attempt in ("first", "second"):
        result = subprocess.run(
            [sys.executable, "manage.py", "prepare_embedded"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"{attempt} prepare failed:\n{result.stderr}"
    database = tmp_path / "var" / "plainsight.sqlite3"
    assert database.exists()
    # The demo directory is searchable from the first start: its search index is built.
    with closing(sqlite3.connect(database)) as db:
        (documents,) = db.execute("SELECT count(*) FROM directory_search_searchdocument").fetchone()
        (format_version,) = db.execute(
            "SELECT format_version FROM directory_search_searchindexstate"
        ).fetchone()
    assert documents > 0 and format_version == INDEX_FORMAT
    # WAL mode is a property of the database file itself.
    assert database.read_bytes()[18:20] == b"\x02\x02", "the database is not in WAL mode"

    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve_embedded"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        assert server.stdout is not None
        deadline = time.monotonic() + 90
        address = f"PlainSight is running at http://127.0.0.1:{port}/"
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            output.append(line)
            if address in line:
                break
        assert any(address in line for line in output), "".join(output)
        status, body = 0, ""
        while time.monotonic() < deadline:
            try:
                status, body = _get(port, "/es/")
                break
            except OSError:
                time.sleep(0.25)
        assert status == 200 and "Salida rápida" in body
        assert _get(port, "/") == (302, "/es/")
        # The task worker runs next to the web server.
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            output.append(line)
            if "Starting worker" in line or not line:
                break
        assert any("Starting worker" in line for line in output), "".join(output)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0, "".join(output)
    # Both children are gone: the port is free again.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
