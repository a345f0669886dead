"""PlainSight settings.

Every value comes from the environment with a safe embedded default, so that
``make run`` works on a laptop with nothing configured, while production
(``PLAINSIGHT_ENV=production``) refuses to start with DEBUG on or without its
own secret key. See README.md, section "Production", for every variable.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
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
    # Periodic jobs and the alerts they raise (f2-audit-tasks).
    "plainsight.scheduler",
    # --- f2-accounts: login with two factors (allauth) and lockout (axes) -------------
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    # --- end f2-accounts ---------------------------------------------------------------
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
    # f2-accounts: no-referrer makes browsers post "Origin: null"; see the class.
    "plainsight.core.middleware.SameOriginNullOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # --- f2-accounts: allauth, session lifetime, forced second factor, lockout --------
    "allauth.account.middleware.AccountMiddleware",
    "plainsight.accounts.middleware.SessionLifetimeMiddleware",
    "plainsight.accounts.middleware.RequireSecondFactorMiddleware",
    # Axes last: it turns a flagged lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
    # --- end f2-accounts ---------------------------------------------------------------
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
        # "database is locked" upgrades from read to write transactions. mmap: each
        # request opens a new connection, whose own page cache starts empty; reading the
        # file through the operating system's cache instead makes a directory search
        # about 5% cheaper (bench/directory_search.py). Up to SQLite's own limit (2 GB):
        # a statewide directory's file is 700 MB and its search index, written last,
        # lay beyond a 256 MB map (searches 7-9 % slower). Address space, not memory.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA mmap_size=2147418112;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_SQLITE_NAME") or None}
else:
    # No JIT compilation: PostgreSQL compiles any query it estimates as costly, which
    # for the short queries of a web request (a count over a big directory) takes
    # longer — hundreds of milliseconds — than running them.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
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

# --- Periodic jobs, system alerts (f2-audit-tasks) -------------------------------------
# `manage.py run_scheduler` enqueues the jobs of plainsight/scheduler/jobs.py; any
# `manage.py run_worker` runs them. Alerts (e.g. a broken audit chain) are shown to
# platform admins on the staff home and e-mailed to these addresses when set. A separate
# list rather than ADMINS on purpose: setting ADMINS also turns on Django's error e-mails,
# which carry request data (POST bodies) that must never leave the server.
PLAINSIGHT_ALERT_EMAILS = env_list("PLAINSIGHT_ALERT_EMAILS", "")
# Finished task results (with their tracebacks) are deleted after this many days.
PLAINSIGHT_TASK_RESULT_DAYS = int(env("PLAINSIGHT_TASK_RESULT_DAYS", "14"))

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
# Database sessions whose every-request expiry refresh is skipped, not turned into
# "400 Bad Request", while a long import holds the (SQLite) database: see the module.
SESSION_ENGINE = "plainsight.accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = int(env("SESSION_ABSOLUTE_SECONDS", str(8 * 60 * 60)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# For the browser session only (Django's default keeps it a year): whoever checks the
# visitor's phone must not find that this site was visited (tests/test_public_cookies.py).
CSRF_COOKIE_AGE = None
# A refused form is shown again with what was typed where the view can (Find help).
CSRF_FAILURE_VIEW = "plainsight.core.views.csrf_failure"

# --- f2-accounts: staff login (django-allauth + MFA), lockout (django-axes) ------------
# See docs/decisions/staff-login-and-key-custody-hooks.md.
LOGIN_URL = "account_login"  # /staff/account/login/
LOGIN_REDIRECT_URL = "/staff/"
AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out usernames before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "plainsight.accounts.adapters.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]  # sign-up itself is closed (adapter)
ACCOUNT_EMAIL_VERIFICATION = "none"  # invitations vouch for the address
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False  # never a long-lived "remember me" session
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
ACCOUNT_REAUTHENTICATION_TIMEOUT = int(env("REAUTHENTICATION_SECONDS", "300"))
ACCOUNT_EMAIL_NOTIFICATIONS = False
# Visitor addresses are erased (ForgetVisitorMiddleware: every client is 0.0.0.0), so
# any per-IP limit would be one global limit: only per-account and per-user limits.
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": "10/300s/key",
    "signup": None,
    "reset_password": None,
    "reset_password_from_key": None,
    "request_login_code": None,
    "confirm_email": None,
    "verify_phone": None,
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_ADAPTER = "plainsight.accounts.adapters.StaffMFAAdapter"
MFA_FORMS = {
    "authenticate": "plainsight.accounts.forms.StaffMFAAuthenticateForm",
    "reauthenticate": "plainsight.accounts.forms.StaffMFAReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False  # a password is always needed: it unwraps the keys
MFA_PASSKEY_SIGNUP_ENABLED = False
MFA_TOTP_TOLERANCE = 1  # one 30-second step of clock drift; replays still refused
MFA_TOTP_ISSUER = env("PLAINSIGHT_SITE_NAME", "PlainSight")
MFA_RECOVERY_CODES_SHOW_ONCE = True
MFA_TRUST_ENABLED = False  # no "trust this browser": two factors at every login
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", DEBUG)
# Lockout by username only; no IP address or user agent is ever stored (see
# plainsight/accounts/lockout.py).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "plainsight.accounts.lockout.username_from_credentials"
AXES_CLIENT_IP_CALLABLE = "plainsight.accounts.lockout.no_client_address"
AXES_CLIENT_STR_CALLABLE = "plainsight.accounts.lockout.client_description"
AXES_LOCKOUT_CALLABLE = "plainsight.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # logins are in the audit log; no second, richer trail
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "login", "email", "password", "code", "ip_address"]
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# Axes warns that locking by username alone lets an attacker lock an account out. That
# is the trade-off chosen: PlainSight does not know client addresses, by promise.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Invitations and access resets: how long a one-time link stays valid.
ACCOUNT_INVITATION_VALID_DAYS = int(env("ACCOUNT_INVITATION_VALID_DAYS", "7"))
ACCOUNT_RESET_VALID_HOURS = int(env("ACCOUNT_RESET_VALID_HOURS", "72"))
# Outgoing mail (invitation links) only when a mail server is configured; otherwise
# mail goes nowhere and admins hand links over themselves.
_EMAIL_HOST = env("EMAIL_HOST", "")
PLAINSIGHT_SEND_EMAIL = bool(_EMAIL_HOST)
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": int(env("EMAIL_PORT", "587")),
                "username": env("EMAIL_HOST_USER", ""),
                "password": env("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
        if _EMAIL_HOST
        else {"BACKEND": "plainsight.accounts.mail.MailDisabledBackend"}
    )
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "plainsight@localhost")
# --- end f2-accounts ------------------------------------------------------------------

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

# --- Key custody (plainsight.keys; branch f2-keys) --------------------------------------
# See docs/runbooks/keys.md and docs/decisions/0002-key-custody.md. When merging with
# other branches keep this block whole: it appends the app and inserts the middleware
# right after AuthenticationMiddleware (it needs request.session and request.user).
INSTALLED_APPS += ["plainsight.keys"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "plainsight.keys.middleware.KeyringMiddleware",
)
# Argon2id limits for wrapping organization keys under staff passwords. Defaults cost
# about 0.2 s and 64 MiB per wrap; production refuses (check keys.E002) anything below
# libsodium's interactive limits. Tests may set 1 / 8192 (libsodium's minimum).
KEYS_ARGON2_OPSLIMIT = int(env("KEYS_ARGON2_OPSLIMIT", "3"))
KEYS_ARGON2_MEMLIMIT = int(env("KEYS_ARGON2_MEMLIMIT", str(64 * 1024 * 1024)))
# How long an invitation / access-reset link can be used.
KEYS_PENDING_GRANT_SECONDS = int(env("KEYS_PENDING_GRANT_SECONDS", str(72 * 60 * 60)))
# The keyring cookie: "__Host-plainsight_keys" when Secure (production), path "/",
# HttpOnly, SameSite=Strict.
KEYS_COOKIE_SECURE = SESSION_COOKIE_SECURE
KEYS_COOKIE_SAMESITE = "Strict"
KEYS_COOKIE_PATH = "/"
# Where staff open PlainSight (scheme and host, no path): management commands that print
# one-time links (staff_invite, keys_provision, keys_recover) put it in front of
# /staff/account/welcome/#<access code>. The staff app itself uses the request's host.
PLAINSIGHT_BASE_URL = env("PLAINSIGHT_BASE_URL", "http://127.0.0.1:8000")
