"""config/settings.py read in a fresh interpreter with a chosen environment.

Production (PLAINSIGHT_ENV=production) must refuse to start with DEBUG on or without its
own long random secret, and must turn on HSTS and secure cookies; with no environment at
all the embedded defaults must give a working, safe development set-up.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
GOOD_SECRET = secrets.token_urlsafe(60)

# Prints the settings a test looks at, as JSON.
PROBE = """
import json
import config.settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "PRODUCTION": s.PRODUCTION,
    "SECRET_KEY": s.SECRET_KEY,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_PROXY_SSL_HEADER": getattr(s, "SECURE_PROXY_SSL_HEADER", None),
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "LANGUAGE_COOKIE_SECURE": s.LANGUAGE_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
    "DATABASE": {k: s.DATABASES["default"].get(k) for k in ("ENGINE", "NAME", "OPTIONS")},
    "CACHE_BACKEND": s.CACHES["default"]["BACKEND"],
    "STATICFILES_BACKEND": s.STORAGES["staticfiles"]["BACKEND"],
    "TIME_ZONE": s.TIME_ZONE,
    "LANGUAGES": [code for code, _name in s.LANGUAGES],
    "VAR_DIR": str(s.VAR_DIR),
    "ADMINS": s.ADMINS,
}))
"""


def _clean_env(**overrides: str) -> dict[str, str]:
    """The test process's environment without any PlainSight or Django setting."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PLAINSIGHT_", "SECURE_", "SESSION_", "TEST_"))
        and key not in {"DATABASE_URL", "CACHE_URL", "STATIC_ROOT", "MEDIA_ROOT", "TASKS_BACKEND"}
    }
    env.update(overrides)
    return env


def _load(env: dict[str, str], code: str = PROBE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings(env: dict[str, str]) -> dict[str, Any]:
    result = _load(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    base = {
        "PLAINSIGHT_ENV": "production",
        "PLAINSIGHT_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SECRET_KEY": GOOD_SECRET,
        "DJANGO_ALLOWED_HOSTS": "help.example.org",
        "DATABASE_URL": "postgres://plainsight@db.example.org:5432/plainsight",
    }
    base.update(overrides)
    return _clean_env(**{k: v for k, v in base.items() if v is not None})


def _assert_refused(result: subprocess.CompletedProcess[str], why: str) -> None:
    assert result.returncode != 0, f"production started although {why}"
    assert "ImproperlyConfigured" in result.stderr and "Refusing to start" in result.stderr


@pytest.mark.parametrize("debug", ["1", "true", "True", "yes", "on"])
def test_production_refuses_debug(tmp_path: Path, debug: str) -> None:
    result = _load(_production_env(tmp_path, DJANGO_DEBUG=debug))
    _assert_refused(result, f"DJANGO_DEBUG={debug}")
    assert "DJANGO_DEBUG" in result.stderr


def test_production_refuses_a_missing_secret(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    _assert_refused(_load(env), "no DJANGO_SECRET_KEY is set")
    # It must not fall back to (or create) the embedded per-checkout key.
    assert not (tmp_path / "var" / "secret_key").exists()


@pytest.mark.parametrize(
    "secret",
    [
        "",
        "short",
        "x" * 49,
        "django-insecure-" + secrets.token_urlsafe(60),
    ],
    ids=["empty", "short", "49-chars", "django-insecure"],
)
def test_production_refuses_a_weak_secret(tmp_path: Path, secret: str) -> None:
    result = _load(_production_env(tmp_path, DJANGO_SECRET_KEY=secret))
    _assert_refused(result, f"the secret was {secret[:20]!r}…")
    if secret:
        assert secret not in result.stderr, "the refused secret was echoed in the error"


def test_production_sets_hsts_secure_cookies_and_no_debug(tmp_path: Path) -> None:
    values = _settings(_production_env(tmp_path))
    assert values["PRODUCTION"] is True
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == GOOD_SECRET
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["ALLOWED_HOSTS"] == ["help.example.org"]
    assert values["DATABASE"]["ENGINE"] == "django.db.backends.postgresql"
    # JIT compiles a costly-looking count for longer than the count runs.
    assert values["DATABASE"]["OPTIONS"]["options"] == "-c jit=off"
    assert values["STATICFILES_BACKEND"].startswith("whitenoise.storage.CompressedManifest")
    assert values["ADMINS"] == [], "error mails would carry request data off the server"


def test_production_allows_no_host_unless_told(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["DJANGO_ALLOWED_HOSTS"]
    assert _settings(env)["ALLOWED_HOSTS"] == []


def test_production_passes_djangos_deployment_checks(tmp_path: Path) -> None:
    env = _production_env(
        tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # HSTS preload is left to each deployment: once a domain is on the browsers' preload
    # list it cannot easily leave it, and a coalition may not control its parent domain.
    issues = set(re.findall(r"\((\w+\.[EW]\d+)\)", output)) - {"security.W021"}
    assert not issues, output


def test_embedded_defaults_work_with_no_environment(tmp_path: Path) -> None:
    """What `make run` gets on a laptop with nothing configured."""
    env = _clean_env()
    values = _settings(env)
    assert values["PRODUCTION"] is False
    assert values["DEBUG"] is False
    assert values["VAR_DIR"] == str(BASE_DIR / "var")
    assert len(values["SECRET_KEY"]) >= 50
    assert not values["SECRET_KEY"].startswith("django-insecure")
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert values["DATABASE"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASE"]["NAME"] == str(BASE_DIR / "var" / "plainsight.sqlite3")
    assert "journal_mode=WAL" in values["DATABASE"]["OPTIONS"]["init_command"]
    assert values["CACHE_BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert values["TIME_ZONE"] == "America/Los_Angeles"
    assert values["LANGUAGES"] == ["en", "es"]
    # Served over plain http on 127.0.0.1: secure-only cookies would break the login.
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    # A second start reads the same key (sessions survive a restart).
    assert _settings(env)["SECRET_KEY"] == values["SECRET_KEY"]


def test_embedded_secret_is_random_per_checkout_and_private(tmp_path: Path) -> None:
    first = _settings(_clean_env(PLAINSIGHT_VAR_DIR=str(tmp_path / "a")))
    second = _settings(_clean_env(PLAINSIGHT_VAR_DIR=str(tmp_path / "b")))
    assert first["SECRET_KEY"] != second["SECRET_KEY"]
    key_file = tmp_path / "a" / "secret_key"
    assert key_file.read_text().strip() == first["SECRET_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_embedded_defaults_run_djangos_system_checks(tmp_path: Path) -> None:
    env = _clean_env(PLAINSIGHT_VAR_DIR=str(tmp_path / "var"))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
