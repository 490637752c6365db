"""Parsers that turn each monitoring tool's payload into NormalizedAlerts: pure functions,
no database, one package per source with its sample payloads."""
