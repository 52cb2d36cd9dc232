"""Polling-station minutes (double entry), centralisation, outcomes and proclamations."""
