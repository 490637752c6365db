"""Transports, one package each, registered here by kind."""

from __future__ import annotations

from fixfirst.notify.models import TransportKind
from fixfirst.notify.transports import email, mattermost, ntfy, slack, sms, teams, webhook
from fixfirst.notify.transports.base import Transport, TransportError
from fixfirst.notify.transports.reporting import reporting

TRANSPORTS: dict[str, Transport] = {
    TransportKind.EMAIL: email.send,
    TransportKind.WEBHOOK: webhook.send,
    TransportKind.SLACK: slack.send,
    TransportKind.TEAMS: teams.send,
    TransportKind.MATTERMOST: mattermost.send,
    TransportKind.SMS: sms.send,
    TransportKind.NTFY: ntfy.send,
}
# A delivery to a channel marks the channel broken or working (notify.transports.reporting).
TRANSPORTS = {kind: reporting(send) for kind, send in TRANSPORTS.items()}

__all__ = ["TRANSPORTS", "Transport", "TransportError"]
