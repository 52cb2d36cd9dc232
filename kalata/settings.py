"""Django settings for Kalata, read from the environment.

- ``KALATA_DATA_DIR``: folder for the SQLite file and uploads (default: ``./data``).
- ``DATABASE_URL``: e.g. ``postgres://user@127.0.0.1:5432/kalata``; default: SQLite in DATA_DIR.
- ``KALATA_SECRET_KEY``: required when ``KALATA_DEBUG`` is off.
- ``KALATA_DEBUG``: ``1`` for development (default ``1`` outside production).
- ``KALATA_ALLOWED_HOSTS``: comma-separated host names.
- ``KALATA_DB_PREPARE``: ``0`` to send the hot path's statements unprepared (PostgreSQL behind a
  transaction-pooling PgBouncer older than 1.21); default ``1``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KALATA_DATA_DIR", Path.cwd() / "data")).resolve()

DEBUG = os.environ.get("KALATA_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("KALATA_SECRET_KEY") or (
    "kalata-development-only-key-never-in-production" if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError("KALATA_SECRET_KEY doit être défini en production / must be set")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("KALATA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "kalata.territory",
    "kalata.audit",
    "kalata.elections",
    "kalata.results",
    "kalata.accounts",
    "kalata.web",
    "kalata.public",
    "kalata.commission",
    "kalata.api",
]

MIDDLEWARE = [
    # First: a public page rendered a moment ago is answered from this worker's memory before
    # any other middleware runs (kalata/public/middleware.py).
    "kalata.public.middleware.CachedPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kalata.web.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

AUTHENTICATION_BACKENDS = ["kalata.accounts.backends.ThrottledModelBackend"]

ROOT_URLCONF = "kalata.urls"
WSGI_APPLICATION = "kalata.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60)
        if config["ENGINE"] == "django.db.backends.postgresql" and (
            os.environ.get("KALATA_DB_PREPARE", "1") != "0"
        ):
            # Prepared statements for the few fixed statements of the entry hot path (their
            # cursors bind parameters on the server: kalata.audit.services.prepared_cursor);
            # every other query keeps Django's client-side binding, never prepared.
            # KALATA_DB_PREPARE=0 behind a transaction-pooling PgBouncer older than 1.21
            # (docs/deploy.md).
            config.setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "kalata.sqlite3"),
        "OPTIONS": {
            "timeout": 30,
            # Writers take the lock at BEGIN (no "database is locked" on upgrade); WAL lets the
            # public pages read while clerks write.
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
# French is the source language (msgids); the English catalogue is kalata/locale/en (issue #4).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Bamako"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "commission:login"
LOGIN_REDIRECT_URL = "commission:index"


# Caches: the rendered public pages, the rounds' states and the API's results, shared by the
# workers so that a page is rendered once for all of them per change of the data
# (kalata/public/caching.py; docs/deploy.md, section 5). ``KALATA_CACHE``:
#   ``file`` (default in production: Django's file cache in ``$KALATA_DATA_DIR/cache``),
#   ``file:/some/folder``, ``database`` (Django's database cache, table ``kalata_cache``, made
#   by ``kalata manage createcachetable``; shared by several machines), ``locmem`` (each process
#   its own: the default in development and tests).
def _caches() -> dict:
    spec = os.environ.get("KALATA_CACHE", "locmem" if DEBUG else "file").strip()
    kind, _, where = spec.partition(":")
    if kind == "file":
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": where or str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    if kind == "database":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": where or "kalata_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    if kind == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kalata",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    raise RuntimeError(
        f"KALATA_CACHE={spec!r} : « file », « file:/dossier », « database » ou « locmem »"
    )


CACHES = {"default": _caches()}

# Security. Sessions expire: clerks share machines in the commissions.
# Four hours without activity ends a session (renewed on every request), and closing the
# browser ends it too.
SESSION_COOKIE_AGE = int(os.environ.get("KALATA_SESSION_SECONDS", str(4 * 3600)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("KALATA_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("KALATA_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if os.environ.get("KALATA_BEHIND_PROXY") == "1":
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in os.environ.get("KALATA_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
    ]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
