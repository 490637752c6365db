"""Polling the inbound mailbox; the schedule stands next to the job."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from fixfirst.core.periodic import periodic
from fixfirst.inbound.imap import ImapConfig
from fixfirst.inbound.poll import poll_mailbox


@periodic(every=dt.timedelta(seconds=30))
@task()
def fetch_mail() -> dict[str, int]:
    """Read new mail from IMAP_HOST; does nothing while no mailbox is configured.

    An unreachable mailbox fails the task (visible in the task results) and the next run,
    30 s later, tries again.
    """
    config = ImapConfig.from_settings()
    if config is None:
        return {}
    return poll_mailbox(config).as_dict()
