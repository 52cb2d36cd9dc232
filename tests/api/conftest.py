"""Fixtures of the API tests: the ``world`` of ``api_fixtures.py``, results cache off."""

from __future__ import annotations

import pytest

from .api_fixtures import World, build_world


@pytest.fixture
def world(db, settings) -> World:
    settings.KALATA_API_RESULTS_CACHE_SECONDS = 0
    return build_world()
