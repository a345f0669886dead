"""Public start page ("Get help now"): server time, bytes on the wire, memory.

The page a frightened person opens first, often on a slow phone connection: it must be
fast to produce and small to send. Measured through Django's test client (the whole
middleware stack and the real database), without network or a web server.
"""

from __future__ import annotations

from functools import partial

from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.harness import Bench, gzip_size, peak_memory


def _static_bytes(path: str) -> bytes:
    found = finders.find(path)
    assert isinstance(found, str), f"static file {path} not found"
    with open(found, "rb") as handle:
        return handle.read()


def run(bench: Bench) -> None:
    client = Client()
    for language in ("en", "es"):
        path = f"/{language}/"
        response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"

        timings = bench.time_calls(partial(client.get, path), times=bench.requests)
        bench.record_timings(f"{path} server time", timings)
        # Measured apart: tracing allocations slows every request down.
        with peak_memory() as memory:
            for _ in range(20):
                client.get(path)

        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        bench.record(f"{path} database queries", len(queries), "per request")
        bench.record(f"{path} HTML size", len(response.content), "bytes")
        bench.record(f"{path} HTML size gzip", gzip_size(response.content), "bytes")
        bench.record(f"{path} peak Python memory (20 requests)", memory["python_peak_kib"], "KiB")

    css = _static_bytes("css/public.css")
    script = _static_bytes("js/quick-exit.js")
    html = client.get("/en/").content
    bench.record(
        "page weight gzip (HTML + CSS + JS)", sum(map(gzip_size, (html, css, script))), "bytes"
    )
    bench.record("process peak RSS", memory["process_peak_rss_kib"], "KiB")
