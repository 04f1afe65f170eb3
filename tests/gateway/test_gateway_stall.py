"""
A stream keeps flowing through ``messages-schema serve`` while a 10 MB batch is checked.

The proxy runs as its own process (``python -m messages_schema serve``), as an operator
runs it, so the measurement sees its event loop and its checking threads only; the fake
upstream and the clients run here. The upstream sends one event every 20 ms; the test
measures the largest gap between events arriving at the client while the proxy checks a
100,000-item batch (about 10 MB) for another client, and asserts it stays under 100 ms
beyond the largest gap seen while the same 10 MB passes through the same proxy unchecked
(to a route it does not validate): what moving the bytes and the machine's own jitter
cost, measured in the same run. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.support.clock import PINNED_TODAY

MODEL = "claude-sonnet-4-6"
WAIT = 20.0
TICK = 0.02
#: The issue's bound on a stall: no gap over 100 ms while a large body is checked.
BOUND = 0.100


class TickingUpstream:
    """An upstream whose /v1/messages streams one ping event every TICK seconds."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        size = 0  # counted, not joined: copying 10 MB here would stall this loop's stream
        while True:
            message = await receive()
            size += len(message.get("body", b""))
            if not message.get("more_body", False):
                break
        if scope["path"].startswith("/v1/messages/batches"):
            self.batches.append(size)
            payload = b'{"id":"msgbatch_01","type":"message_batch"}'
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": payload})
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})
        deadline = time.monotonic() + WAIT
        gone = asyncio.ensure_future(receive())  # http.disconnect when the client leaves
        while time.monotonic() < deadline and not gone.done():
            await send({"type": "http.response.body", "more_body": True,
                        "body": b'event: ping\ndata: {"type": "ping"}\n\n'})
            await asyncio.sleep(TICK)
        gone.cancel()
        await send({"type": "http.response.body", "body": b""})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TickingUpstream, int]]:
    upstream = TickingUpstream()
    config = uvicorn.Config(upstream, host="127.0.0.1", port=0, log_level="warning",
                            lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started:
        assert time.monotonic() < deadline, "upstream did not start"
        assert thread.is_alive(), "upstream stopped"
        time.sleep(0.01)
    upstream_port = server.servers[0].sockets[0].getsockname()[1]
    # The day is an input: the proxy process reads it from the project config.
    folder = tmp_path_factory.mktemp("serve")
    (folder / "pyproject.toml").write_text(
        f'[tool.messages-schema]\ntoday = "{PINNED_TODAY.isoformat()}"\n', encoding="utf-8")
    port = free_port()
    log = (folder / "serve.log").open("wb")
    proxy = subprocess.Popen(
        [sys.executable, "-m", "messages_schema", "serve", "--upstream",
         f"http://127.0.0.1:{upstream_port}", "--port", str(port), "--log-level", "warning"],
        cwd=folder, stdout=subprocess.DEVNULL, stderr=log,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")},
    )
    try:
        while True:
            assert time.monotonic() < deadline, "proxy did not start"
            assert proxy.poll() is None, (folder / "serve.log").read_text(errors="replace")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield upstream, port
    finally:
        proxy.terminate()
        proxy.wait(WAIT)
        log.close()
        server.should_exit = True
        thread.join(WAIT)


def batch_body(items: int) -> bytes:
    params = {"model": MODEL, "max_tokens": 64,
              "messages": [{"role": "user", "content": "Summarise the attached note, please."}]}
    requests = [{"custom_id": f"item-{i}", "params": params} for i in range(items)]
    return json.dumps({"requests": requests}).encode()


def stream_gaps(port: int, until: threading.Event, started: threading.Event) -> list[float]:
    """Open a stream through the proxy; return the gaps between events until *until*."""
    body = json.dumps({"model": MODEL, "max_tokens": 64, "stream": True,
                       "messages": [{"role": "user", "content": "Hi"}]})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    conn.request("POST", "/v1/messages", body, {"content-type": "application/json",
                                                "anthropic-version": "2023-06-01"})
    response = conn.getresponse()
    assert response.status == 200
    gaps: list[float] = []
    last = None
    deadline = time.monotonic() + WAIT
    buffer = b""
    while not until.is_set() and time.monotonic() < deadline:
        chunk = response.read1(65536)
        if not chunk:
            break
        buffer += chunk
        events = buffer.count(b"\n\n")
        buffer = buffer.rsplit(b"\n\n", 1)[-1]
        now = time.monotonic()
        if events:
            if last is not None:
                gaps.append(now - last)
            last = now
            started.set()
    conn.close()
    return gaps


def post_batch(port: int, body: bytes, path: str = "/v1/messages/batches") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT * 3)
    conn.request("POST", path, body, {"content-type": "application/json",
                                      "anthropic-version": "2023-06-01"})
    status = conn.getresponse().status
    conn.close()
    return status


def gaps_while_posting(port: int, body: bytes, path: str) -> tuple[list[float], float]:
    """Gaps of a stream through the proxy while *body* is posted to *path*; post seconds."""
    stop, started = threading.Event(), threading.Event()
    result: dict[str, Any] = {}

    def listen() -> None:
        result["gaps"] = stream_gaps(port, stop, started)

    listener = threading.Thread(target=listen)
    listener.start()
    assert started.wait(WAIT)
    posted_from = time.monotonic()
    status = post_batch(port, body, path)
    seconds = time.monotonic() - posted_from
    time.sleep(max(0.0, 1.0 - seconds))  # at least a second of the machine's own jitter
    stop.set()
    listener.join(WAIT)
    assert status == 200
    return result["gaps"], seconds


def test_stream_keeps_flowing_while_a_10mb_batch_is_checked(
    served: tuple[TickingUpstream, int],
) -> None:
    """Checking a 10 MB batch adds no gap over 100 ms to a stream through the same proxy.

    A check that blocks the event loop stalls the stream on every attempt; a busy machine
    (other test workers, other jobs) can preempt the proxy once in a while. So the pair of
    measurements is taken up to three times, and one clean attempt is required.
    """
    upstream, port = served
    body = batch_body(100_000)
    assert len(body) > 10_000_000

    attempts: list[tuple[float, float, float]] = []
    for _ in range(3):
        # The control: the same 10 MB through the same proxy to a route it does not check.
        # Receiving and forwarding 10 MB, and this machine's own jitter, cost what they cost.
        moved, _ = gaps_while_posting(port, body, "/v1/messages/batches/control")
        checked, seconds = gaps_while_posting(port, body, "/v1/messages/batches")
        # The check took a while (else the test proves nothing), and events kept coming.
        assert seconds > 5 * TICK
        assert len(checked) >= seconds / TICK / 4
        attempts.append((max(checked), max(moved), seconds))
        if max(checked) <= BOUND + max(moved):
            break

    assert upstream.batches == [len(body)] * (2 * len(attempts))
    assert any(gap <= BOUND + control for gap, control, _ in attempts), attempts
