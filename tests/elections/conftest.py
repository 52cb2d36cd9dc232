"""Fixtures for the election tests: the real territory (703 communes, 49 cercles, missions)."""

from __future__ import annotations

import pytest

from kalata.territory.services import load_territory


@pytest.fixture
def territory(db):
    """The territory of arrêté n°03-1879 and the seeded missions, loaded in the test database."""
    return load_territory()
