"""What the HTTP transports share: the request goes through ``fixfirst.net``, the answer is
read the same way everywhere (docs/notifications.md, "Transports").

- 2xx: accepted.
- 408, 425, 429 and 5xx: the receiver is busy or broken for now; retry with back-off.
- 3xx and every other 4xx: the address or the message is wrong; retrying cannot help, so the
  error is permanent (and marks the channel broken).
"""

from __future__ import annotations

from collections.abc import Mapping

from fixfirst import net
from fixfirst.notify.transports.base import TransportError

_TRANSIENT_4XX = frozenset({408, 425, 429})


def send(
    url: str,
    body: bytes,
    *,
    method: str = "POST",
    content_type: str = "application/json",
    headers: Mapping[str, str] | None = None,
    allow_private: bool = False,
) -> net.Answer:
    """Send one request; network trouble is a temporary TransportError, a refused one permanent."""
    try:
        return net.request(
            method,
            url,
            body=body,
            headers={"Content-Type": content_type, **(headers or {})},
            allow_private=allow_private,
        )
    except net.RequestRefused as exc:
        raise TransportError(str(exc), permanent=True) from exc
    except OSError as exc:
        raise TransportError(f"{type(exc).__name__}: {exc}") from exc


def check(answer: net.Answer, explain: Mapping[str, str] | None = None) -> None:
    """Return on 2xx, else raise TransportError. ``explain`` maps an error code the service
    puts in its body (Slack's ``channel_is_archived``) to advice for the person who fixes it."""
    if answer.ok:
        return
    text = answer.text()
    message = f"HTTP {answer.status}" + (f": {text}" if text else "")
    advice = (explain or {}).get(text)
    if advice:
        message += f" ({advice})"
    if 300 <= answer.status < 400:
        raise TransportError(f"{message} (redirects are not followed)", permanent=True)
    if answer.status in _TRANSIENT_4XX or answer.status >= 500:
        if retry_after := answer.headers.get("retry-after"):
            message += f" (Retry-After: {retry_after})"
        raise TransportError(message)
    raise TransportError(message, permanent=answer.status >= 400)
