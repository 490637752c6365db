"""One pass over the mailbox: fetch each unseen mail, receive it, then mark it seen.

A mail is marked seen only after its own transaction has committed. A crash in between leaves
it unseen, so the next pass fetches it again, and the unique Message-ID makes that a no-op.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from fixfirst.inbound import services
from fixfirst.inbound.imap import ImapConfig, Mailbox
from fixfirst.inbound.models import InboundStatus

logger = logging.getLogger(__name__)

# Mails handled per pass; the rest wait for the next pass, so that one pass stays short.
BATCH = 100


@dataclass
class PollSummary:
    fetched: int = 0
    duplicates: int = 0
    failed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, int]:
        statuses = {status: self.outcomes[status] for status in InboundStatus.values}
        return {
            "fetched": self.fetched,
            **statuses,
            "duplicates": self.duplicates,
            "failed": self.failed,
        }

    def __str__(self) -> str:
        o = self.outcomes
        return (
            f"{self.fetched} fetched: {o[InboundStatus.ACCEPTED_NEW]} new incidents, "
            f"{o[InboundStatus.ACCEPTED_REPLY]} replies, {o[InboundStatus.REJECTED]} rejected, "
            f"{o[InboundStatus.IGNORED]} ignored, {self.duplicates} already seen, "
            f"{self.failed} failed"
        )


def poll_mailbox(config: ImapConfig, *, limit: int = BATCH) -> PollSummary:
    """Read up to ``limit`` unseen mails. Raises ImapError when the mailbox cannot be read."""
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("poll_mailbox runs outside a transaction: it commits mail by mail.")
    summary = PollSummary()
    with Mailbox(config) as box:
        for uid in box.unseen()[:limit]:
            fetched = box.fetch(uid, settings.FIXFIRST_INBOUND_MAX_BYTES)
            if fetched is None:
                continue  # expunged by someone else meanwhile
            summary.fetched += 1
            try:
                message, created = services.receive(fetched.raw, size=fetched.size)
            except Exception:  # noqa: BLE001 - one bad mail must not block the others
                # Left unseen: the next pass tries again, and the log says why it failed.
                logger.exception("inbound mail uid=%s could not be handled", uid)
                summary.failed += 1
                continue
            box.mark_seen(uid)
            if created:
                summary.outcomes[message.status] += 1
            else:
                summary.duplicates += 1
    return summary
