"""Security basics: the production settings pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path


def test_check_deploy_is_clean_for_production_settings(tmp_path: Path):
    env = {
        **os.environ,
        "KALATA_DEBUG": "0",
        "KALATA_SECRET_KEY": secrets.token_urlsafe(64),
        "KALATA_ALLOWED_HOSTS": "resultats.example.ml",
        "KALATA_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kalata.settings",
    }
    # The browser tests allow Django's ORM in Playwright's event loop for their own process;
    # a production environment never sets it (check --deploy warns about it).
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path):
    env = {
        **os.environ,
        "KALATA_DEBUG": "0",
        "KALATA_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kalata.settings",
    }
    env.pop("KALATA_SECRET_KEY", None)
    proc = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "KALATA_SECRET_KEY" in proc.stderr


def test_security_headers_on_a_response(client):
    response = client.get("/admin/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_are_french_whatever_the_browser_language(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "fr"


def test_the_language_switch_cookie_chooses_english(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/admin/login/")
    assert response["Content-Language"] == "en"
