"""Grafana unified alerting webhook contact point payloads (``version`` "1", or "4" from the
Mimir-compatible integration)."""

from fixfirst.alerting.sources.grafana.parser import parse

__all__ = ["parse"]
