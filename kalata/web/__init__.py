"""Shared web layer: the base template, the stylesheet, security settings helpers."""
