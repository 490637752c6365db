"""Generic JSON webhooks, read through a per-integration field mapping."""

from fixfirst.alerting.sources.webhook.parser import DEFAULT_MAPPING, mapping_errors, parse

__all__ = ["DEFAULT_MAPPING", "mapping_errors", "parse"]
