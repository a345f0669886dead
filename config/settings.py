"""PlainSight settings.

Every value comes from the environment with a safe embedded default, so that
``make run`` works on a laptop with nothing configured, while production
(``PLAINSIGHT_ENV=production``) refuses to start with DEBUG on or without its
own secret key. See README.md, section "Production", for every variable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP  # type: ignore[import-not-found,unused-ignore]
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# "development" (make run), "test" (pytest) or "production".
PLAINSIGHT_ENV = env("PLAINSIGHT_ENV", "development")
PRODUCTION = PLAINSIGHT_ENV == "production"

# Local state of the embedded tier (SQLite file, secret key, media) lives here,
# git-ignored.
VAR_DIR = Path(env("PLAINSIGHT_VAR_DIR", str(BASE_DIR / "var")))


def _embedded_secret_key() -> str:
    """A random key created once per checkout, so no shared default key exists."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY") or ("" if PRODUCTION else _embedded_secret_key())

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("Refusing to start: DJANGO_DEBUG is on in production.")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "Refusing to start: set DJANGO_SECRET_KEY to a random value of 50+ characters."
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "plainsight.core",
    "plainsight.accounts",
    "plainsight.partners",
    "plainsight.audit",
    # --- directory (issue 4: HSDS resource directory) ---
    "plainsight.directory",
    "plainsight.directory.search",
    "plainsight.directory.upkeep",
    # --- end directory ---
]

MIDDLEWARE = [
    # Outermost: forget who the visitor is before anything can log or store it.
    "plainsight.core.middleware.ForgetVisitorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "plainsight.core.middleware.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "plainsight" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plainsight.core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# Embedded default: one SQLite file in WAL mode. Production: DATABASE_URL=postgres://…
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'plainsight.sqlite3'}")
if PRODUCTION and DATABASE_URL.startswith("sqlite"):
    # Allowed (the embedded tier is a real deployment), but say so loudly in the docs.
    pass
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the task worker writes; IMMEDIATE avoids
        # "database is locked" upgrades from read to write transactions.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_SQLITE_NAME") or None}
else:
    DATABASES["default"].setdefault("TEST", {})
    if env("TEST_DATABASE_NAME"):
        DATABASES["default"]["TEST"]["NAME"] = env("TEST_DATABASE_NAME")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache ----------------------------------------------------------------------------
# The embedded tier uses the database (shared by web and worker processes; no
# per-process state). Scale-out sets CACHE_URL=redis://…
CACHE_URL = env("CACHE_URL", "")
if CACHE_URL.startswith("redis"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "plainsight_cache",
        }
    }

# --- Tasks ----------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Passwords: no composition rules; length and a common/breached-password check ----
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# --- Sessions: idle timeout and absolute lifetime (enforced in accounts middleware) -----
SESSION_COOKIE_AGE = int(env("SESSION_IDLE_SECONDS", str(15 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = int(env("SESSION_ABSOLUTE_SECONDS", str(8 * 60 * 60)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LOGIN_URL = "/staff/login/"

# --- Languages and time ---------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# The deployment's time zone: dates and opening hours are shown in it.
TIME_ZONE = env("PLAINSIGHT_TIME_ZONE", "America/Los_Angeles")
LANGUAGE_COOKIE_NAME = "plainsight_language"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "plainsight" / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("MEDIA_ROOT", str(VAR_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_ALLOW_ALL_ORIGINS = False

# --- Security headers -----------------------------------------------------------------
# Django's built-in CSP with a per-request nonce; nothing inline, nothing third-party.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "geolocation=(), camera=(), microphone=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "63072000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SECURE = PRODUCTION
if env_bool("BEHIND_TLS_PROXY", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Deployment facts shown on public pages --------------------------------------------
PLAINSIGHT_SITE_NAME = env("PLAINSIGHT_SITE_NAME", "PlainSight")
PLAINSIGHT_COALITION_NAME = env(
    "PLAINSIGHT_COALITION_NAME", "Kern Coalition Against Human Trafficking"
)
# Where quick exit goes: a neutral page that reveals nothing.
QUICK_EXIT_URL = env("QUICK_EXIT_URL", "https://www.google.com/search?q=weather")

# --- Logging: no visitor IP or user agent, ever ----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # runserver's request log carries the full request line; PlainSight's servers
        # log through gunicorn's IP-free format instead.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
# Error reports carry request.META; ForgetVisitorMiddleware has already scrubbed it,
# and no mail handler is configured (ADMINS stays empty unless set).
ADMINS: list[tuple[str, str]] = []

# Directory upkeep: a listing not verified for this many days joins the staleness queue.
DIRECTORY_STALE_AFTER_DAYS = int(env("DIRECTORY_STALE_AFTER_DAYS", "180"))

# The deployment profile (region, local help lines), see plainsight/core/deployment.py.
PLAINSIGHT_DEPLOYMENT = Path(
    env("PLAINSIGHT_DEPLOYMENT", str(BASE_DIR / "deployments" / "kern-ca.json"))
)
