"""No visitor IP address or user agent is written anywhere (security.md, goal 2).

Unique made-up addresses and a user agent are sent, as REMOTE_ADDR and in every header
that carries them (X-Forwarded-For, X-Real-IP, Forwarded, Client-IP, User-Agent, client
hints), to every URL of the project with GET and POST, anonymously and logged in; then
the database (every row of every table), the cache, uploaded files, every log record at
DEBUG, the process output and Django's error reports (the e-mail to ADMINS and the
DEBUG technical page of a forced 500) are searched for them, also in encoded forms.

The same is then checked against the real server: gunicorn started with
config/gunicorn.conf.py, whose access and error logs must hold none of the values, nor a
query string.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django.utils.log import AdminEmailHandler

from plainsight.testing.trace import (
    Haystack,
    LogCapture,
    VisitorCanary,
    cache_entries,
    database_rows,
    describe,
    files_under,
    find_canaries,
)
from plainsight.testing.urls import iter_routes

BASE_DIR = Path(settings.BASE_DIR)


def _boom(request: Any) -> HttpResponse:
    # The technical 500 page shows local variables: keep the request's META in one.
    meta = dict(request.META)
    raise RuntimeError(f"boom with {len(meta)} request keys")


def _urlpatterns() -> list:
    from config import urls

    return [path("boom/", _boom), *urls.urlpatterns]


urlpatterns = _urlpatterns()
handler404 = "plainsight.core.views.error_404"
handler500 = "plainsight.core.views.error_500"


def _paths() -> list[str]:
    """Every URL pattern's sample path, in every language, plus a few extra."""
    paths = {"/", "/en/no-such-page/", "/static/css/public.css", "/boom/"}
    for route in iter_routes():
        paths.add(route.sample_path)
        if route.sample_path.startswith("/en/"):
            for code, _name in settings.LANGUAGES:
                paths.add(f"/{code}/" + route.sample_path.removeprefix("/en/"))
    return sorted(paths)


def _sweep(client: Client, canary: VisitorCanary) -> int:
    environ = canary.wsgi_environ()
    count = 0
    for url in _paths():
        client.get(url, **environ)  # type: ignore[arg-type]
        client.post(url, {"next": "/es/", "language": "es"}, **environ)  # type: ignore[arg-type]
        count += 2
    return count


@pytest.fixture
def capture(settings: Any) -> Iterator[tuple[LogCapture, AdminEmailHandler]]:
    """All logging at DEBUG, and Django's error e-mail to ADMINS, while a test runs."""
    settings.ROOT_URLCONF = __name__
    settings.ADMINS = ["errors@example.org"]
    mailer = AdminEmailHandler(include_html=True)
    request_logger = __import__("logging").getLogger("django.request")
    request_logger.addHandler(mailer)
    try:
        with LogCapture() as logs:
            yield logs, mailer
    finally:
        request_logger.removeHandler(mailer)


def _everything(logs: LogCapture, capfd: pytest.CaptureFixture[str], media: Path) -> Haystack:
    haystack = Haystack()
    haystack.extend(database_rows())
    haystack.extend(cache_entries())
    haystack.extend(files_under(media))
    haystack.extend(logs.parts())
    out, err = capfd.readouterr()
    haystack.add("standard output", out)
    haystack.add("standard error", err)
    for number, message in enumerate(mail.outbox):
        haystack.add(f"error e-mail {number} subject", str(message.subject))
        haystack.add(f"error e-mail {number} body", str(message.body))
        for alternative in getattr(message, "alternatives", []):
            haystack.add(f"error e-mail {number} html", str(alternative[0]))
    return haystack


@pytest.mark.django_db
def test_no_trace_of_the_visitor_anywhere(
    capture: tuple[LogCapture, AdminEmailHandler],
    capfd: pytest.CaptureFixture[str],
    settings: Any,
    tmp_path: Path,
) -> None:
    logs, _mailer = capture
    canary = VisitorCanary.new()

    anonymous = Client(raise_request_exception=False)
    requests = _sweep(anonymous, canary)

    staff = get_user_model().objects.create_user(
        username="canary-staff", email="canary-staff@example.org", password=None
    )
    logged_in = Client(raise_request_exception=False)
    logged_in.force_login(staff)
    requests += _sweep(logged_in, canary)
    assert requests > 20

    # The forced 500 produced an error report by e-mail (the content is checked below).
    assert any("boom" in message.body for message in mail.outbox), "no error e-mail was sent"

    # DEBUG's technical error page, as HTML and as text.
    settings.DEBUG = True
    debug_client = Client(raise_request_exception=False)
    html = debug_client.get("/boom/", **canary.wsgi_environ())  # type: ignore[arg-type]
    text = debug_client.get(
        "/boom/",
        HTTP_ACCEPT="text/plain",
        **canary.wsgi_environ(),  # type: ignore[arg-type]
    )
    assert html.status_code == 500 and b"RuntimeError" in html.content
    assert text.status_code == 500 and b"RuntimeError" in text.content
    assert b"META" in html.content and b"REMOTE_ADDR" in html.content

    haystack = _everything(logs, capfd, tmp_path / "media")
    haystack.add("technical 500 page (html)", html.content)
    haystack.add("technical 500 page (text)", text.content)
    assert len(logs.records) > 0, "the log capture saw nothing: it is not working"

    findings = find_canaries(canary, haystack)
    assert not findings, "the visitor left a trace:\n" + describe(findings)


@pytest.mark.django_db
def test_the_search_finds_a_trace_when_the_visitor_is_not_forgotten(
    capture: tuple[LogCapture, AdminEmailHandler],
    capfd: pytest.CaptureFixture[str],
    settings: Any,
    tmp_path: Path,
) -> None:
    """The proof above can fail: without ForgetVisitorMiddleware it finds the canaries."""
    logs, _mailer = capture
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "plainsight.core.middleware.ForgetVisitorMiddleware"
    ]
    canary = VisitorCanary.new()
    Client(raise_request_exception=False).get("/boom/", **canary.wsgi_environ())  # type: ignore[arg-type]
    findings = find_canaries(canary, _everything(logs, capfd, tmp_path / "media"))
    found = {finding.label for finding in findings}
    assert {"REMOTE_ADDR", "User-Agent", "X-Forwarded-For (IPv4)", "X-Real-IP"} <= found
    assert any(f.where.startswith("error e-mail") for f in findings)


# --- The real server: gunicorn with config/gunicorn.conf.py -------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(tmp_path: Path, port: int, access_log: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PLAINSIGHT_", "GUNICORN_", "TEST_"))
        and key not in {"DATABASE_URL", "CACHE_URL", "STATIC_ROOT", "MEDIA_ROOT"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PLAINSIGHT_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            "GUNICORN_ACCESS_LOG": str(access_log),
            "LOG_LEVEL": "DEBUG",
        }
    )
    return env


def _request(port: int, method: str, url: str, headers: dict[str, str], body: str = "") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            method,
            url,
            body=body.encode() or None,
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _malformed_request(port: int, canary: VisitorCanary) -> int:
    """A request gunicorn itself rejects: its warning names the client's address."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            f"GET /en/?q={canary.query_token} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"User-Agent: {canary.user_agent}\r\nNot a header line\r\n\r\n".encode()
        )
        reply = sock.recv(1024)
    return int(reply.split()[1])


def _wait_until_serving(port: int, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start listening in time")


def test_live_server_logs_no_address_agent_or_query(tmp_path: Path) -> None:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    assert gunicorn.exists() or shutil.which("gunicorn"), "gunicorn is not installed"
    port = _free_port()
    access_log = tmp_path / "access.log"
    error_log = tmp_path / "error.log"
    output_log = tmp_path / "output.log"
    env = _server_env(tmp_path, port, access_log)

    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    subprocess.run(
        [sys.executable, "manage.py", "createcachetable"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=120,
    )

    canary = VisitorCanary.new()
    with output_log.open("wb") as output:
        server = subprocess.Popen(
            [
                str(gunicorn),
                "-c",
                str(BASE_DIR / "config" / "gunicorn.conf.py"),
                "--error-logfile",
                str(error_log),
                "config.wsgi:application",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_serving(port, server, time.monotonic() + 60)
            headers = canary.http_headers()
            query = f"?q={canary.query_token}&next=/{canary.query_token}/"
            statuses = {}
            for url in ("/", "/en/", "/es/", "/en/safety/", "/en/no-such-page/", "/staff/"):
                statuses[url] = _request(port, "GET", url + query, headers)
            statuses["static"] = _request(port, "GET", "/static/css/public.css" + query, headers)
            statuses["POST /en/"] = _request(port, "POST", "/en/" + query, headers, "a=1")
            statuses["setlang"] = _request(
                port, "POST", "/i18n/setlang/" + query, headers, f"q={canary.query_token}"
            )
            statuses["malformed"] = _malformed_request(port, canary)
            assert statuses["/en/"] == 200 and statuses["/es/"] == 200, statuses
            assert statuses["/en/no-such-page/"] == 404, statuses
            assert statuses["static"] == 200, statuses
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    access = access_log.read_text()
    # The access log is written, in the IP-free format, with paths but no query strings.
    assert '"GET /en/safety/"' in access and " 200 " in access, access
    assert "?" not in access, access
    errors = error_log.read_text()
    # gunicorn's own warning about the malformed request is kept, without the address.
    assert "Invalid request from ip=-" in errors, errors
    assert "ip=127" not in errors, errors
    haystack = Haystack()
    haystack.add("gunicorn access log", access)
    haystack.add("gunicorn error log", error_log.read_bytes())
    haystack.add("server output", output_log.read_bytes())
    haystack.extend(files_under(tmp_path / "var"))
    for database_file in sorted(tmp_path.glob("live.sqlite3*")):  # with -wal and -shm
        haystack.add(f"database file {database_file.name}", database_file.read_bytes())
    if os.environ.get("SHOW_LOGS"):
        print(access, error_log.read_text(), output_log.read_text(), sep="\n----\n")
    findings = find_canaries(canary, haystack)
    assert not findings, "the server wrote a visitor trace:\n" + describe(findings)
