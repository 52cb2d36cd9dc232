"""Browser tests: Playwright (from PyPI) driving Debian's Chromium against a live server.

Chromium is /usr/bin/chromium (``.ci/run`` and ``make test`` install it with apt-get when absent);
Playwright's own browser download is never used. Screenshots go to ``test-output/screenshots``.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KALATA_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("KALATA_TEST_OUTPUT", "test-output")) / "screenshots"
# Headless flags for this closed network: no background connections, no component updates.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium absent ({CHROMIUM}) : installez le paquet Debian « chromium ».")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(15_000)
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)  # a loaded 2-core machine: assertions wait longer
    yield p
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, locator=None) -> Path:
        """The whole page, or only ``locator`` (an element: a map, a table)."""
        path = SCREENSHOTS / f"{name}.png"
        if locator is not None:
            locator.screenshot(path=str(path))
        else:
            page.screenshot(path=str(path), full_page=True)
        return path

    return take


_caches = itertools.count()


@pytest.fixture(autouse=True)
def live_settings(settings, tmp_path):
    """The live server runs in this process: the settings changed here are its settings.

    Public pages neither cached nor held back (``KALATA_PUBLIC_*`` at 0: each request reads the
    round's state and renders it), a fresh local-memory cache per test (ids come back after the
    transactional flush), fast password hashing, uploads under ``tmp_path``.
    """
    from kalata.public.results import clear_memory

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"kalata-e2e-{next(_caches)}",
        }
    }
    settings.KALATA_PUBLIC_CACHE_SECONDS = 0
    settings.KALATA_PUBLIC_STATE_SECONDS = 0
    settings.KALATA_PUBLIC_REFRESH_SECONDS = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    clear_memory()
    yield
    clear_memory()


@pytest.fixture
def world(live_server):
    """The election of ``world.py`` in the live server's (transactional) database."""
    from tests.e2e.world import build_world

    return build_world()
