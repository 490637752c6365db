"""The IMAP side of inbound mail (stdlib imaplib): list unseen mails, fetch one, mark it seen.

Mails are fetched with ``BODY.PEEK`` so that reading never marks them; :meth:`Mailbox.mark_seen`
does that, and the caller calls it only after the mail's transaction has committed.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from dataclasses import dataclass
from types import TracebackType

from django.conf import settings

_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class ImapError(Exception):
    """The mailbox cannot be reached or refused a command."""


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    user: str
    password: str
    use_ssl: bool = True
    folder: str = "INBOX"
    timeout: float = 30.0

    @classmethod
    def from_settings(cls) -> ImapConfig | None:
        """The configured mailbox, or None while IMAP_HOST is empty (inbound mail is off)."""
        if not settings.IMAP_HOST:
            return None
        return cls(
            host=settings.IMAP_HOST,
            port=settings.IMAP_PORT,
            user=settings.IMAP_USER,
            password=settings.IMAP_PASSWORD,
            use_ssl=settings.IMAP_SSL,
            folder=settings.IMAP_FOLDER or "INBOX",
        )


@dataclass(frozen=True)
class FetchedMail:
    uid: str
    size: int  # as the server reports it
    raw: bytes
    headers_only: bool  # the mail was over the size limit: only its header was read


class Mailbox:
    """``with Mailbox(config) as box:`` a logged-in connection with the folder selected."""

    def __init__(self, config: ImapConfig) -> None:
        self.config = config
        self._imap: imaplib.IMAP4 | None = None

    def __enter__(self) -> Mailbox:
        c = self.config
        try:
            if c.use_ssl:
                context = ssl.create_default_context()
                self._imap = imaplib.IMAP4_SSL(
                    c.host, c.port, ssl_context=context, timeout=c.timeout
                )
            else:
                self._imap = imaplib.IMAP4(c.host, c.port, timeout=c.timeout)
            self._imap.login(c.user, c.password)
            status, data = self._imap.select(_quote(c.folder))
        except (imaplib.IMAP4.error, OSError) as exc:
            self.__exit__(None, None, None)
            raise ImapError(f"IMAP {c.host}:{c.port}: {exc}") from exc
        if status != "OK":
            self.__exit__(None, None, None)
            raise ImapError(f"IMAP folder {c.folder!r} cannot be opened: {_text(data)}")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        imap, self._imap = self._imap, None
        if imap is None:
            return
        try:
            if imap.state == "SELECTED":
                imap.close()
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass  # the connection is going away anyway

    def _command(self, *args: str) -> list[object]:
        if self._imap is None:
            raise ImapError("The mailbox is not open.")
        try:
            status, data = self._imap.uid(*args)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(f"IMAP UID {args[0]}: {exc}") from exc
        if status != "OK":
            raise ImapError(f"IMAP UID {args[0]} failed: {_text(data)}")
        return list(data)

    def unseen(self) -> list[str]:
        """UIDs of the mails not yet marked seen, oldest first."""
        data = self._command("SEARCH", "UNSEEN")
        first = data[0] if data else b""
        return [uid.decode() for uid in first.split()] if isinstance(first, bytes) else []

    def fetch(self, uid: str, max_bytes: int) -> FetchedMail | None:
        """The mail; only its header when it is larger than ``max_bytes``. None if it is gone."""
        data = self._command("FETCH", uid, "(RFC822.SIZE)")
        match = _SIZE.search(b" ".join(d for d in data if isinstance(d, bytes)))
        if match is None:
            return None
        size = int(match.group(1))
        headers_only = size > max_bytes
        part = "BODY.PEEK[HEADER]" if headers_only else "BODY.PEEK[]"
        for item in self._command("FETCH", uid, f"({part})"):
            if isinstance(item, tuple) and len(item) == 2:
                return FetchedMail(uid=uid, size=size, raw=item[1], headers_only=headers_only)
        return None

    def mark_seen(self, uid: str) -> None:
        self._command("STORE", uid, "+FLAGS.SILENT", r"(\Seen)")


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(data: object) -> str:
    if isinstance(data, list) and data and isinstance(data[0], bytes):
        return data[0].decode(errors="replace")
    return str(data)
