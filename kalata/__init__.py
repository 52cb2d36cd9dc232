"""Kalata — election management and results for Mali (Loi n°02-007 du 12 février 2002 modifiée)."""

__version__ = "0.1.0"
