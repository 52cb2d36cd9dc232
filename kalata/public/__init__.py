"""Kalata public web layer."""
