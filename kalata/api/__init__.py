"""Kalata api web layer."""
