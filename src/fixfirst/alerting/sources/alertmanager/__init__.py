"""Prometheus Alertmanager webhook receiver payloads (``version: "4"``)."""

from fixfirst.alerting.sources.alertmanager.parser import group_alerts, parse, parse_alert

__all__ = ["group_alerts", "parse", "parse_alert"]
