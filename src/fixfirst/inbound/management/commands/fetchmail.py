"""``fixfirst fetchmail``: read the inbound mailbox once and print what became of each mail."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fixfirst.inbound.imap import ImapConfig, ImapError
from fixfirst.inbound.poll import BATCH, poll_mailbox


class Command(BaseCommand):
    help = "Poll the inbound IMAP mailbox once (the worker also does this every 30 seconds)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--limit", type=int, default=BATCH, help=f"Most mails to read (default {BATCH})."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        config = ImapConfig.from_settings()
        if config is None:
            raise CommandError("Inbound mail is off: set IMAP_HOST (see docs/email.md).")
        try:
            summary = poll_mailbox(config, limit=options["limit"])
        except ImapError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{config.user}@{config.host} {config.folder}: {summary}")
