"""Django settings for Kalata, read from the environment.

- ``KALATA_DATA_DIR``: folder for the SQLite file and uploads (default: ``./data``).
- ``DATABASE_URL``: e.g. ``postgres://user@127.0.0.1:5432/kalata``; default: SQLite in DATA_DIR.
- ``KALATA_SECRET_KEY``: required when ``KALATA_DEBUG`` is off.
- ``KALATA_DEBUG``: ``1`` for development (default ``1`` outside production).
- ``KALATA_ALLOWED_HOSTS``: comma-separated host names.
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
        return dj_database_url.parse(url, conn_max_age=60)
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
TIME_ZONE = "Africa/Bamako"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "commission:login"
LOGIN_REDIRECT_URL = "commission:index"

# Caches: each web worker keeps its own small in-memory cache of rendered public pages (short
# TTL, keyed on the latest definitive change); a reverse proxy can cache them too (Cache-Control).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kalata",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

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
