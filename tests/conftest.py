"""Shared fixtures. Law tests need no database; Django tests use pytest-django's ``db``."""
