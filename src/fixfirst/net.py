"""The one place for outbound HTTP (STYLE example 3).

Every request FixFirst makes to another server goes through :func:`request`:

- a connect timeout and a read timeout (``FIXFIRST_HTTP_CONNECT_TIMEOUT`` / ``_READ_TIMEOUT``)
  and an overall deadline, so one slow receiver cannot hold a worker;
- at most ``max_bytes`` of the answer are read (the rest is dropped, ``truncated`` says so);
- ``User-Agent: FixFirst/<version>``;
- redirects are never followed (a 3xx is handed back like any other answer);
- an SSRF guard: the host name is resolved once, every address it resolves to must be public
  (not loopback, private, link-local, CGNAT, multicast ...), and the connection goes to exactly
  that vetted address, so a DNS answer that changes between check and connect cannot smuggle in
  an internal one. ``FIXFIRST_ALLOW_PRIVATE_WEBHOOKS = True`` lifts the guard for private
  networks (self-hosted Mattermost on the LAN, and the tests' loopback receivers); callers pass
  ``allow_private=True`` for addresses an operator configured in the settings.

Errors: :class:`RequestRefused` (and its :class:`BlockedAddress`) when the request will never be
sent as asked, so retrying is pointless; ``OSError`` for everything on the network (refused,
reset, timed out, TLS, DNS), which may well work later.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
MAX_RESPONSE_BYTES = 64 * 1024
_CHUNK = 8192


def _version() -> str:
    try:
        return metadata.version("fixfirst")
    except metadata.PackageNotFoundError:
        return "0"


USER_AGENT = f"FixFirst/{_version()}"


class RequestRefused(Exception):
    """The request cannot be sent as asked (bad address, bad header); retrying cannot help."""


class BlockedAddress(RequestRefused):
    """The host resolves to an address outbound requests may not reach."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased
    body: bytes = b""
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def text(self, limit: int = 300) -> str:
        """The start of the body as text, for error messages."""
        return self.body[:limit].decode(errors="replace").strip()


def private_allowed() -> bool:
    return bool(getattr(settings, "FIXFIRST_ALLOW_PRIVATE_WEBHOOKS", False))


def _timeouts() -> tuple[float, float]:
    connect = float(getattr(settings, "FIXFIRST_HTTP_CONNECT_TIMEOUT", CONNECT_TIMEOUT))
    read = float(getattr(settings, "FIXFIRST_HTTP_READ_TIMEOUT", READ_TIMEOUT))
    return connect, read


def address_allowed(ip: str, *, allow_private: bool = False) -> bool:
    """Whether a connection to ``ip`` is allowed. Never the unspecified or a multicast address;
    anything not globally routable only with ``allow_private`` (or the setting)."""
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_unspecified or address.is_multicast:
        return False
    return address.is_global or allow_private or private_allowed()


def check_url(url: str) -> SplitResult:
    """An http(s) URL with a host and no credentials in it; else RequestRefused."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RequestRefused(f"{url!r} is not an http(s) address.")
    if parts.username or parts.password:
        raise RequestRefused("The address must not contain a user name or password.")
    try:
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError as exc:
        raise RequestRefused(f"{url!r} has an invalid port.") from exc
    return parts


def resolve(host: str, port: int, *, allow_private: bool = False) -> str:
    """One vetted IP address for ``host``; every address it resolves to must be allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"Cannot resolve {host}: {exc}") from exc
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = str(sockaddr[0])
        if not address_allowed(ip, allow_private=allow_private):
            raise BlockedAddress(f"{host} resolves to {ip}, which FixFirst may not connect to.")
    return str(infos[0][4][0])


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    allow_private: bool = False,
    max_bytes: int = MAX_RESPONSE_BYTES,
) -> Answer:
    """Send one HTTP request and return the answer, whatever its status."""
    parts = check_url(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    ip = resolve(parts.hostname or "", port, allow_private=allow_private)
    connect_timeout, read_timeout = _timeouts()
    deadline = time.monotonic() + connect_timeout + 2 * read_timeout
    conn_class: Any = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    conn = conn_class(parts.hostname, port, timeout=read_timeout)

    def connect_to_vetted(_address: Any, _timeout: Any, source: Any) -> socket.socket:
        # TLS still checks the certificate against the host name; only the TCP target is pinned.
        sock = socket.create_connection((ip, port), connect_timeout, source)
        sock.settimeout(read_timeout)
        return sock

    conn._create_connection = connect_to_vetted
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    sent_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    try:
        try:
            conn.request(method, path, body=body, headers=sent_headers)
        except (ValueError, UnicodeError) as exc:
            # http.client refuses header values with line breaks or outside Latin-1.
            raise RequestRefused(f"Cannot send this request: {exc}") from exc
        response = conn.getresponse()
        data = bytearray()
        while len(data) < max_bytes:
            if time.monotonic() > deadline:
                raise TimeoutError("The answer took too long to arrive.")
            chunk = response.read(min(_CHUNK, max_bytes - len(data)))
            if not chunk:
                break
            data += chunk
        truncated = len(data) >= max_bytes and bool(response.read(1))
        return Answer(
            status=response.status,
            headers={k.lower(): v for k, v in response.getheaders()},
            body=bytes(data),
            truncated=truncated,
        )
    except http.client.HTTPException as exc:
        raise OSError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        conn.close()


def post(
    url: str,
    body: bytes,
    *,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
    allow_private: bool = False,
) -> Answer:
    """POST ``body`` (already serialised: the exact bytes are sent on every retry)."""
    return request(
        "POST",
        url,
        body=body,
        headers={"Content-Type": content_type, **(headers or {})},
        allow_private=allow_private,
    )
