"""The webhook transport against a real HTTP server on loopback: signed, retried, given up."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from fixfirst.net import Answer
from fixfirst.notify.models import Delivery, DeliveryStatus
from fixfirst.notify.services import queue_webhook
from fixfirst.notify.transports import outbound
from fixfirst.notify.transports.base import TransportError
from fixfirst.notify.transports.webhook import signing

SECRET = "whsec_aW5jaWRlbnQtdGVzdC1zZWNyZXQtMzItYnl0ZXMhISE="


class Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[dict, bytes]] = []
        self.answers: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(outer.answers.pop(0) if outer.answers else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}/in?x=1"


@pytest.fixture
def receiver():
    r = Receiver()
    thread = threading.Thread(target=r.server.serve_forever, daemon=True)
    thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


def test_signature_matches_the_spec_test_vector():
    body = b'{"type":"incident.created","timestamp":"2026-01-01T00:00:00Z","data":{"id":"INC-42"}}'
    assert (
        signing.sign(SECRET, "msg_01HZX3EXAMPLE", 1767225600, body)
        == "v1,3DdrNGQYB3JbOqt6HugGAJSbVfqUAMY4xngbaqFH1/E="
    )


@pytest.mark.django_db(transaction=True)
def test_delivered_signed_with_the_exact_bytes(receiver, run_worker):
    delivery = queue_webhook(
        url=receiver.url,
        payload={"hello": "wörld"},
        secret=SECRET,
        reason="test",
        allow_private=True,
    )
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    [(headers, body)] = receiver.requests
    assert json.loads(body) == {"hello": "wörld"} and body == delivery.body.encode()
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == expected
    assert headers["content-type"] == "application/json"


@pytest.mark.django_db(transaction=True)
def test_server_error_is_retried_with_the_same_id(receiver, run_worker, retry_time_comes):
    receiver.answers = [503]
    delivery = queue_webhook(
        url=receiver.url, payload={}, secret=SECRET, reason="test", allow_private=True
    )
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and "503" in delivery.last_error
    retry_time_comes()
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    ids = {h["webhook-id"] for h, _b in receiver.requests}
    assert len(receiver.requests) == 2 and len(ids) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("code", [404, 410, 301])
def test_client_errors_and_redirects_give_up_at_once(receiver, run_worker, code):
    receiver.answers = [code]
    delivery = queue_webhook(
        url=receiver.url, payload={}, secret=SECRET, reason="test", allow_private=True
    )
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempt_count == 1


@pytest.mark.django_db(transaction=True)
def test_loopback_is_refused_unless_allowed(receiver, run_worker):
    delivery = queue_webhook(url=receiver.url, payload={}, secret=SECRET, reason="test")
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "may not connect to" in delivery.last_error
    assert receiver.requests == []


@pytest.mark.django_db(transaction=True)
def test_refused_connection_is_temporary(run_worker):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    delivery = queue_webhook(
        url=f"http://127.0.0.1:{port}/",
        payload={},
        secret=SECRET,
        reason="test",
        allow_private=True,
    )
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_error


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"url": "ftp://example.org/"}, "url"),
        ({"url": "https://user:pw@example.org/"}, "url"),
        ({"secret": "not base64 !"}, "secret"),
        ({"secret": ""}, "secret"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_input_queues_nothing(db, kwargs, field):
    args = {
        "url": "https://example.org/hook",
        "payload": {},
        "secret": SECRET,
        "reason": "test",
        **kwargs,
    }
    with pytest.raises(ValidationError) as exc:
        queue_webhook(**args)
    assert field in exc.value.message_dict
    assert not Delivery.objects.exists()


def test_classification():
    outbound.check(Answer(204))
    for code, permanent in [
        (400, True),
        (408, False),
        (429, False),
        (500, False),
        (502, False),
        (410, True),
        (302, True),
    ]:
        with pytest.raises(TransportError) as exc:
            outbound.check(Answer(code))
        assert exc.value.permanent is permanent, code
