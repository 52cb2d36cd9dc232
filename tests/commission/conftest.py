"""Fixtures of the commission screens' tests (the country is described in ``helpers``)."""

from __future__ import annotations

import pytest

from .helpers import Country, build_country


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def country(db, fast_passwords, media) -> Country:
    return build_country()
