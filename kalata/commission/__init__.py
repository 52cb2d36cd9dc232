"""Kalata commission web layer."""
