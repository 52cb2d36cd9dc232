"""Fixtures of the public site tests: a fresh local-memory cache per test, and the scenario."""

from __future__ import annotations

import itertools

import pytest
from django.core.cache import cache
from django.test import override_settings

from kalata.public.results import clear_memory
from kalata.territory.services import load_territory
from tests.public.scenario import build_presidential

_counter = itertools.count()


@pytest.fixture(autouse=True)
def public_cache():
    """Each test its own local-memory cache; the round's state read at every request and a
    page rendered again as soon as it changes."""
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"kalata-public-tests-{next(_counter)}",
        }
    }
    with override_settings(
        CACHES=caches,
        KALATA_PUBLIC_STATE_SECONDS=0,
        KALATA_PUBLIC_CACHE_SECONDS=20,
        KALATA_PUBLIC_REFRESH_SECONDS=0,
        # Rendered again in the request's own thread, within the test's transaction (the
        # background renderer is tested with committed data, test_shared_cache.py).
        KALATA_PUBLIC_BACKGROUND_RENDER=False,
    ):
        cache.clear()
        clear_memory()
        yield
        clear_memory()


@pytest.fixture
def territory(db):
    return load_territory()


@pytest.fixture
def pres(territory):
    return build_presidential()
