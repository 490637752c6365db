"""A real SMTP server on loopback (aiosmtpd) and an in-process worker for the notify tests.

``smtp.answers`` scripts the server: e.g. ``smtp.answers["DATA"] = ["451 4.7.1 try later"]``
answers the next DATA with 451, and later ones normally. ``smtp.stop()`` / ``smtp.start()``
take it down and bring it back on the same port.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fixfirst.notify.models import Delivery, DeliveryStatus


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.answers: dict[str, list[str]] = {"RCPT": [], "DATA": []}
        # Set to hold every DATA until released (to catch two senders at once).
        self.hold: threading.Event | None = None
        self.in_data = threading.Event()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def _scripted(self, verb: str) -> str | None:
        return self.answers[verb].pop(0) if self.answers[verb] else None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        answer = self._scripted("RCPT")
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.in_data.set()
        if self.hold is not None:
            while not self.hold.is_set():
                await asyncio.sleep(0.01)
        answer = self._scripted("DATA")
        if answer:
            return answer
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    """A running SMTP server; Django's SMTP backend points at it."""
    server = SmtpServer()
    # Overrides the locmem backend the root conftest sets for every test.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "FixFirst <fixfirst@provider.example>"
    # aiosmtpd logs every SMTP command at INFO.
    mail_log = logging.getLogger("mail.log")
    level = mail_log.level
    mail_log.setLevel(logging.WARNING)
    server.start()
    yield server
    if server.hold is not None:
        server.hold.set()
    server.stop()
    mail_log.setLevel(level)


@pytest.fixture
def run_worker():
    """Run the real worker in-process until the queue has nothing due."""

    def run() -> None:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", "--no-reload",
            "--interval", "0", verbosity=0,
        )  # fmt: skip

    return run


@pytest.fixture
def retry_time_comes():
    """Move every waiting retry (the delivery and its queued task) into the past."""

    def come() -> None:
        past = timezone.now() - dt.timedelta(seconds=1)
        Delivery.objects.filter(status=DeliveryStatus.PENDING).update(next_attempt_at=past)
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=past)

    return come
