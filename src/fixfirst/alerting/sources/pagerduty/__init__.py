"""PagerDuty Events API v2: alert events, change events, and the answers clients expect."""

from fixfirst.alerting.sources.pagerduty.change import ChangeEvent, parse_change
from fixfirst.alerting.sources.pagerduty.checks import MAX_BODY_BYTES
from fixfirst.alerting.sources.pagerduty.events import parse, routing_key_of

__all__ = ["MAX_BODY_BYTES", "ChangeEvent", "parse", "parse_change", "routing_key_of"]
