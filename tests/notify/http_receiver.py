"""A real HTTP server on loopback that records what it receives and answers as scripted.

    receiver.answers = [(410, "channel_is_archived")]   # the next request gets this
    receiver.default = (200, "ok")                      # then every other one
    receiver.delay = 1.0                                # answer only after a second

``receiver.requests`` holds (method, path, headers with lower-case names, body) per request.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.answers: list[tuple[int, str]] = []
        self.default: tuple[int, str] = (200, "ok")
        self.delay = 0.0
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with outer.lock:
                    outer.requests.append(
                        Received(
                            self.command,
                            self.path,
                            {k.lower(): v for k, v in self.headers.items()},
                            body,
                        )
                    )
                    status, text = outer.answers.pop(0) if outer.answers else outer.default
                if outer.delay:
                    time.sleep(outer.delay)
                data = text.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting (timeout tests)

            do_POST = do_GET = do_PUT = _handle  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/hook") -> str:
        return self.base + path

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(name="receiver")
def receiver_fixture(settings):
    """A running receiver; private addresses allowed, as loopback is one."""
    settings.FIXFIRST_ALLOW_PRIVATE_WEBHOOKS = True
    server = Receiver()
    server.start()
    yield server
    server.stop()
