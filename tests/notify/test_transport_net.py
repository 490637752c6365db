"""The one place for outbound HTTP (fixfirst.net): user agent, SSRF guard, no redirects, size
limit, timeouts; against a real HTTP server on loopback."""

from __future__ import annotations

import pytest

from fixfirst import net
from fixfirst.notify import channel_services
from fixfirst.notify.models import DeliveryStatus
from fixfirst.notify.services import queue_to_channel
from tests.notify.http_receiver import free_port, receiver_fixture  # noqa: F401 - fixture

# The worker runs in the test and closes the connection, as a real one does.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("ip", "public"),
    [
        ("8.8.8.8", True), ("2a00:1450:4001::1", True), ("127.0.0.1", False), ("::1", False),
        ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
        ("169.254.169.254", False), ("fe80::1", False), ("100.64.0.1", False),
        ("::ffff:127.0.0.1", False), ("fc00::1", False),
    ],
)  # fmt: skip
def test_only_public_addresses_without_the_setting(settings, ip, public):
    settings.FIXFIRST_ALLOW_PRIVATE_WEBHOOKS = False
    assert net.address_allowed(ip) is public


@pytest.mark.parametrize("ip", ["0.0.0.0", "::", "224.0.0.1", "ff02::1"])
def test_never_unspecified_or_multicast(settings, ip):
    settings.FIXFIRST_ALLOW_PRIVATE_WEBHOOKS = True
    assert not net.address_allowed(ip)


def test_loopback_is_refused_without_the_setting_and_nothing_is_sent(
    world, settings, receiver, run_worker
):
    channel = channel_services.save_channel(
        None, by=world.admin, name="internal", kind="slack", config={"url": receiver.url()}
    )
    settings.FIXFIRST_ALLOW_PRIVATE_WEBHOOKS = False
    (delivery,) = queue_to_channel(channel, title="x", reason="test.net")
    run_worker()
    delivery.refresh_from_db()
    channel.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and receiver.requests == []
    assert channel.is_broken and "may not connect" in channel.last_error


def test_localhost_by_name_is_refused_too(settings):
    settings.FIXFIRST_ALLOW_PRIVATE_WEBHOOKS = False
    with pytest.raises(net.BlockedAddress):
        net.request("GET", "http://localhost:9/")


@pytest.mark.parametrize("url", ["ftp://example.com/", "http://user:pw@example.com/", "/relative"])
def test_only_plain_http_and_https_addresses(url):
    with pytest.raises(net.RequestRefused):
        net.request("GET", url)


def test_sends_our_user_agent_and_reads_the_answer(receiver):
    answer = net.post(receiver.url("/x?a=1"), b"{}")
    assert answer.ok and answer.body == b"ok"
    assert receiver.requests[0].headers["user-agent"] == net.USER_AGENT
    assert receiver.requests[0].path == "/x?a=1"


def test_redirects_are_not_followed(receiver):
    receiver.default = (302, "moved")
    answer = net.request("GET", receiver.url())
    assert answer.status == 302 and len(receiver.requests) == 1


def test_the_answer_is_cut_at_the_size_limit(receiver):
    receiver.default = (200, "x" * 100_000)
    answer = net.request("GET", receiver.url(), max_bytes=1000)
    assert len(answer.body) == 1000 and answer.truncated


def test_a_slow_receiver_times_out(settings, receiver):
    settings.FIXFIRST_HTTP_READ_TIMEOUT = 0.2
    receiver.delay = 1.0
    with pytest.raises(OSError):
        net.request("GET", receiver.url())


def test_nobody_listening_is_a_network_error(settings):
    settings.FIXFIRST_ALLOW_PRIVATE_WEBHOOKS = True
    with pytest.raises(OSError):
        net.request("GET", f"http://127.0.0.1:{free_port()}/")


def test_a_header_with_a_line_break_is_refused(receiver):
    with pytest.raises(net.RequestRefused):
        net.request("GET", receiver.url(), headers={"X-Evil": "a\r\nInjected: 1"})
