"""
How proxied requests end, through a real proxy on loopback: disconnects, timeouts, cuts.

The proxy (``make_proxy_app``, served by uvicorn as ``messages-schema serve`` serves it)
sits in front of an upstream whose behaviour each test picks with a request header.
Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import gzip
import http.client
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from messages_schema.gateway import make_proxy_app
from tests.support.served import Served

WAIT = 5.0
MODEL = "claude-sonnet-4-6"
MESSAGE = {
    "id": "msg_01", "type": "message", "role": "assistant", "model": MODEL,
    "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn",
    "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1},
}
PING = b'event: ping\ndata: {"type": "ping"}\n\n'
START = ("event: message_start\ndata: " + json.dumps({"type": "message_start", "message": {
    **MESSAGE, "content": [], "stop_reason": None}}) + "\n\n").encode()


class Upstream:
    """Behaves as the ``x-test`` header says; records disconnects it saw."""

    def __init__(self) -> None:
        self.disconnected = threading.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        while (await receive()).get("more_body", False):
            pass
        behaviour = dict(scope["headers"]).get(b"x-test", b"").decode()
        gone = asyncio.ensure_future(receive())
        gone.add_done_callback(lambda _: self.disconnected.set())
        if behaviour == "slow":  # thinks for a long time; the client leaves meanwhile
            await asyncio.wait([gone], timeout=WAIT)
            return
        if behaviour == "hang":  # answers nothing: the proxy's timeout is 0.5 s
            await asyncio.wait([gone], timeout=WAIT)
            return
        if behaviour in ("stream", "cut"):
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/event-stream")]})
            await send({"type": "http.response.body", "body": START, "more_body": True})
            if behaviour == "cut":
                msg = "the upstream dies mid-stream"
                raise RuntimeError(msg)
            deadline = time.monotonic() + WAIT
            while not gone.done() and time.monotonic() < deadline:
                await send({"type": "http.response.body", "body": PING, "more_body": True})
                await asyncio.sleep(0.01)
            return
        gone.cancel()
        payload = json.dumps(MESSAGE).encode()
        headers = [(b"content-type", b"application/json"), (b"server", b"fake-api"),
                   (b"date", b"Mon, 07 Dec 2026 10:00:00 GMT")]
        if behaviour == "gzip-bad":  # compressed, and not a valid Message
            payload = gzip.compress(json.dumps({"id": "msg_01", "type": "message"}).encode())
            headers.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[Upstream, int]]:
    upstream = Upstream()
    with Served(upstream) as upstream_port:
        proxy = make_proxy_app(f"http://127.0.0.1:{upstream_port}", timeout=0.5,
                               check_processes=0)
        with Served(proxy) as port:
            yield upstream, port


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="messages_schema.gateway")
    return caplog


def lines(caplog: pytest.LogCaptureFixture, event: str) -> list[dict[str, Any]]:
    out = [json.loads(r.getMessage()) for r in caplog.records
           if r.name == "messages_schema.gateway"]
    return [line for line in out if line["event"] == event]


def wait_for(predicate: Any) -> None:
    deadline = time.monotonic() + WAIT
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def request(behaviour: str, *, stream: bool = False) -> bytes:
    body = json.dumps({"model": MODEL, "max_tokens": 16, "stream": stream,
                       "messages": [{"role": "user", "content": "Hi"}]}).encode()
    return (b"POST /v1/messages HTTP/1.1\r\nhost: t\r\ncontent-type: application/json\r\n"
            b"anthropic-version: 2023-06-01\r\nx-test: %s\r\ncontent-length: %d\r\n\r\n"
            % (behaviour.encode(), len(body)) + body)


def post(port: int, behaviour: str, body: bytes | None = None) -> tuple[Any, bytes]:
    """POST and read the whole answer: (the response, with its headers; the raw body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    if body is None:
        body = json.dumps({"model": MODEL, "max_tokens": 16,
                           "messages": [{"role": "user", "content": "Hi"}]}).encode()
    conn.request("POST", "/v1/messages", body, {"content-type": "application/json",
                                                "anthropic-version": "2023-06-01",
                                                "x-test": behaviour})
    response = conn.getresponse()
    raw = response.read()  # http.client does not decode a content-coding
    conn.close()
    return response, raw


def test_one_server_and_one_date_header(stack: tuple[Upstream, int]) -> None:
    """The upstream's Server and Date come through once; the gateway's answers get a Date."""
    response, _ = post(stack[1], "json")

    assert response.status == 200
    assert response.headers.get_all("server") == ["fake-api"]
    assert response.headers.get_all("date") == ["Mon, 07 Dec 2026 10:00:00 GMT"]

    rejected, _ = post(stack[1], "json", b"{}")

    assert rejected.status == 400
    assert len(rejected.headers.get_all("date") or []) == 1
    assert rejected.headers.get_all("server") is None


def test_compressed_answer_is_checked_from_a_copy(
    stack: tuple[Upstream, int], logs: pytest.LogCaptureFixture
) -> None:
    """A gzip answer reaches the client as sent; its decoded copy is checked."""
    response, raw = post(stack[1], "gzip-bad")

    assert response.headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(raw)) == {"id": "msg_01", "type": "message"}
    wait_for(lambda: lines(logs, "response"))
    (line,) = lines(logs, "response")
    assert (line["checked"], line["encoding"]) == (True, "gzip")
    assert line["findings"] > 0
    assert "SCH001" in line["codes"]


def test_client_leaving_cancels_the_upstream_call(
    stack: tuple[Upstream, int], logs: pytest.LogCaptureFixture
) -> None:
    """A client that hangs up while the upstream thinks: the upstream call is cancelled."""
    upstream, port = stack
    upstream.disconnected.clear()
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(request("slow"))
        time.sleep(0.2)

    assert upstream.disconnected.wait(WAIT)
    wait_for(lambda: lines(logs, "request"))
    (line,) = lines(logs, "request")
    assert (line["status"], line["outcome"], line["decision"]) == (
        None, "client_disconnected", "forward")


def test_client_cutting_a_stream_is_not_a_broken_stream(
    stack: tuple[Upstream, int], logs: pytest.LogCaptureFixture
) -> None:
    """A stream the client cuts: upstream cancelled, logged as a disconnect, no SSE011."""
    upstream, port = stack
    upstream.disconnected.clear()
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(request("stream", stream=True))
        received = b""
        while b"ping" not in received:
            received += sock.recv(65536)

    assert upstream.disconnected.wait(WAIT)
    wait_for(lambda: lines(logs, "request"))
    (line,) = lines(logs, "request")
    assert (line["status"], line["outcome"]) == (200, "client_disconnected")
    wait_for(lambda: lines(logs, "response"))  # a stream is checked a little later
    (checked,) = lines(logs, "response")
    assert checked["client_disconnected"] is True
    assert "SSE011" not in checked["codes"]


def test_upstream_timeout_is_504_and_logged(
    stack: tuple[Upstream, int], logs: pytest.LogCaptureFixture
) -> None:
    """No answer within the timeout: 504 timeout_error, outcome upstream_timeout."""
    response, raw = post(stack[1], "hang")
    answer = json.loads(raw)

    assert response.status == 504
    assert answer["error"]["type"] == "timeout_error"
    wait_for(lambda: lines(logs, "request"))
    (line,) = lines(logs, "request")
    assert (line["status"], line["outcome"]) == (504, "upstream_timeout")


def test_upstream_cutting_a_stream_is_a_broken_stream(
    stack: tuple[Upstream, int], logs: pytest.LogCaptureFixture
) -> None:
    """A stream the upstream cuts ends with an error event; logged as upstream_broken."""
    with socket.create_connection(("127.0.0.1", stack[1]), timeout=WAIT) as sock:
        sock.sendall(request("cut", stream=True))
        received = b""
        while not received.endswith(b"0\r\n\r\n"):
            data = sock.recv(65536)
            if not data:
                break
            received += data

    assert b"event: error" in received
    assert b'"type":"api_error"' in received
    wait_for(lambda: lines(logs, "request"))
    (line,) = lines(logs, "request")
    assert line["outcome"] == "upstream_broken"
    wait_for(lambda: lines(logs, "response"))  # a stream is checked a little later
    (checked,) = lines(logs, "response")
    assert checked["client_disconnected"] is False
    assert "SSE011" in checked["codes"]
