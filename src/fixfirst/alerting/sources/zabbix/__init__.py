"""Zabbix, through FixFirst's webhook media type (``media_type.js``, set up as README.md says)."""

from fixfirst.alerting.sources.zabbix.parser import parse

__all__ = ["parse"]
