"""
The proxy's upstream client (aiohttp) on loopback: what it sends, reuses, retries, refuses.

Each test sends exact bytes to a real proxy (``make_proxy_app`` under uvicorn, as
``messages-schema serve`` runs it) in front of an upstream that records what reaches it:
a uvicorn app, a raw socket server where connection handling itself is under test, or a
TLS server with a certificate made for the test. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from messages_schema import ConfigError
from messages_schema.gateway import make_proxy_app
from messages_schema.gateway._upstream import AiohttpUpstream, UpstreamError, env_proxy
from tests.support.served import Served

WAIT = 5.0
MODEL = "claude-sonnet-4-6"
VALID = json.dumps({"model": MODEL, "max_tokens": 16,
                    "messages": [{"role": "user", "content": "Hi"}]}).encode()
MESSAGE = json.dumps({
    "id": "msg_01", "type": "message", "role": "assistant", "model": MODEL,
    "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn",
    "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1},
}).encode()


class Recorder:
    """Records each request (peer, raw path, query, headers, body); answers by path."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        self.seen.append({"peer": tuple(scope["client"]), "raw_path": scope["raw_path"],
                          "query": scope["query_string"], "headers": scope["headers"],
                          "body": b"".join(chunks)})
        path = scope["path"]
        if path.endswith("/redirect"):
            await send({"type": "http.response.start", "status": 307,
                        "headers": [(b"location", b"/elsewhere"), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        if dict(scope["headers"]).get(b"x-test") == b"stall":  # a stream that stops
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/event-stream")]})
            await send({"type": "http.response.body", "more_body": True,
                        "body": b'event: ping\ndata: {"type": "ping"}\n\n'})
            await asyncio.sleep(WAIT)
            return
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/json"), (b"set-cookie", b"session=upstream-1")]})
        await send({"type": "http.response.body", "body": MESSAGE})


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[Recorder, int]]:
    upstream = Recorder()
    with Served(upstream) as upstream_port:
        proxy = make_proxy_app(f"http://127.0.0.1:{upstream_port}/base", timeout=0.5,
                               check_processes=0)
        with Served(proxy) as port:
            yield upstream, port


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="messages_schema.gateway")
    return caplog


def request_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    lines = [json.loads(r.getMessage()) for r in caplog.records
             if r.name == "messages_schema.gateway"]
    return [line for line in lines if line["event"] == "request"]


def exchange(port: int, method: str, target: str, headers: dict[str, str],
             body: bytes | None = None) -> tuple[http.client.HTTPResponse, bytes]:
    """Send exactly these headers (no Host, no Accept-Encoding added) and read the answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
    conn.putheader("host", "gateway.test")
    for name, value in headers.items():
        conn.putheader(name, value)
    if body is not None:
        conn.putheader("content-length", str(len(body)))
    conn.endheaders(body)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    return response, raw


def test_connections_to_the_upstream_are_kept_alive(stack: tuple[Recorder, int]) -> None:
    """Two requests from two clients, one after the other: one upstream connection."""
    upstream, port = stack
    before = len(upstream.seen)

    for _ in range(2):
        response, _ = exchange(port, "GET", "/v1/models", {"x-api-key": "sk-test"})
        assert response.status == 200

    first, second = upstream.seen[before:]
    assert first["peer"] == second["peer"]


def test_nothing_is_added_kept_or_followed(stack: tuple[Recorder, int]) -> None:
    """No default headers, no cookie jar, no redirect: the upstream's answers pass as sent."""
    upstream, port = stack
    before = len(upstream.seen)

    first, _ = exchange(port, "POST", "/v1/messages",
                        {"anthropic-version": "2023-06-01", "x-api-key": "sk-test"}, VALID)
    second, _ = exchange(port, "POST", "/v1/messages",
                         {"anthropic-version": "2023-06-01", "x-api-key": "sk-test"}, VALID)
    moved, _ = exchange(port, "GET", "/v1/redirect", {})

    assert (first.status, second.status) == (200, 200)
    assert first.getheader("set-cookie") == "session=upstream-1"
    for seen in upstream.seen[before:]:
        names = {name for name, _ in seen["headers"]}
        assert not names & {b"cookie", b"user-agent", b"accept", b"accept-encoding",
                            b"content-type"}
        assert dict(seen["headers"])[b"host"].startswith(b"127.0.0.1:")
    assert (moved.status, moved.getheader("location")) == (307, "/elsewhere")
    assert len(upstream.seen) == before + 3  # the redirect was not followed


@pytest.mark.parametrize(("target", "raw_path", "query"), [
    ("/v1//messages/?beta=true", b"/base/v1/messages", b"beta=true"),
    ("/v1/files/a%2Fb/../c?q=%20x&r", b"/base/v1/files/a%2Fb/../c", b"q=%20x&r"),
    ("/v1/models/claude%20x", b"/base/v1/models/claude%20x", b""),
])
def test_the_path_is_forwarded_exactly(
    stack: tuple[Recorder, int], target: str, raw_path: bytes, query: bytes
) -> None:
    """Below the upstream's base path: the canonical path of a checked route, else as sent."""
    upstream, port = stack
    body = VALID if "messages" in target else None

    response, _ = exchange(port, "POST" if body else "GET", target,
                           {"anthropic-version": "2023-06-01"}, body)

    assert response.status == 200
    assert (upstream.seen[-1]["raw_path"], upstream.seen[-1]["query"]) == (raw_path, query)


@pytest.mark.parametrize(("base", "target", "origin", "path_qs"), [
    ("http://[::1]:8080/base/", b"//v1/./messages?beta=true",
     "http://[::1]:8080", "/base//v1/./messages?beta=true"),
    ("https://bücher.example", b"/v1/files/a%2Fb/../c?q=%20x&r",
     "https://xn--bcher-kva.example", "/v1/files/a%2Fb/../c?q=%20x&r"),
    ("https://api.anthropic.com", b"/v1/a b#c\r\n",
     "https://api.anthropic.com", "/v1/a%20b%23c%0D%0A"),
])
def test_the_upstream_url_keeps_the_target_as_sent(
    base: str, target: bytes, origin: str, path_qs: str
) -> None:
    """IPv6 and IDNA hosts are written as URLs need; the target is not normalized."""
    url = AiohttpUpstream(base, timeout=1.0, trust_env=False).url_for(target)

    assert str(url) == origin + path_qs
    assert url.raw_path_qs == path_qs


@pytest.mark.parametrize("length", [True, False], ids=["content-length", "chunked"])
def test_a_body_still_arriving_is_streamed_upstream(
    stack: tuple[Recorder, int], length: bool
) -> None:
    """An unchecked route's body sent in parts reaches the upstream whole, framed as sent."""
    upstream, port = stack
    parts = [b'{"file": "', b"x" * 100_000, b'"}']
    body = b"".join(parts)
    framing = (b"content-length: %d" % len(body)) if length else b"transfer-encoding: chunked"
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(b"POST /v1/files HTTP/1.1\r\nhost: g\r\n%s\r\n\r\n" % framing)
        for part in parts:
            sock.sendall(part if length else b"%x\r\n%s\r\n" % (len(part), part))
            time.sleep(0.05)
        if not length:
            sock.sendall(b"0\r\n\r\n")
        answer = sock.recv(65536)

    assert answer.startswith(b"HTTP/1.1 200")
    seen = upstream.seen[-1]
    headers = dict(seen["headers"])
    assert seen["body"] == body
    if length:
        assert headers[b"content-length"] == str(len(body)).encode()
    else:
        assert headers[b"transfer-encoding"] == b"chunked"


def test_a_client_leaving_mid_upload_ends_the_upstream_request(
    stack: tuple[Recorder, int],
) -> None:
    """Half a streamed body, then the client is gone: the upstream request ends too."""
    upstream, port = stack
    before = len(upstream.seen)
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(b"POST /v1/files HTTP/1.1\r\nhost: g\r\ncontent-length: 200000\r\n\r\n")
        sock.sendall(b"x" * 50_000)
        time.sleep(0.2)

    deadline = time.monotonic() + WAIT
    while len(upstream.seen) == before:
        assert time.monotonic() < deadline, "the upstream request never ended"
        time.sleep(0.01)
    assert len(upstream.seen[-1]["body"]) < 200_000
    response, _ = exchange(port, "GET", "/v1/models", {})  # the proxy still serves
    assert response.status == 200


def test_an_answer_that_stops_is_cut_after_the_read_timeout(
    stack: tuple[Recorder, int], logs: pytest.LogCaptureFixture
) -> None:
    """No bytes for the read timeout (0.5 s) mid-stream: an error event ends the stream."""
    port = stack[1]
    started = time.monotonic()
    body = json.dumps({"model": MODEL, "max_tokens": 16, "stream": True,
                       "messages": [{"role": "user", "content": "Hi"}]}).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(b"POST /v1/messages HTTP/1.1\r\nhost: g\r\nanthropic-version: 2023-06-01"
                     b"\r\nx-test: stall\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
        received = b""
        while not received.endswith(b"0\r\n\r\n"):
            data = sock.recv(65536)
            if not data:
                break
            received += data

    assert time.monotonic() - started < WAIT - 1  # cut by the timeout, not the upstream
    assert b"event: ping" in received
    assert b"event: error" in received
    (line,) = request_lines(logs)
    assert (line["outcome"], line["reason"]) == ("upstream_broken", "SocketTimeoutError")


class DroppingServer:
    """
    A raw HTTP/1.1 server whose first connection answers one request with keep-alive,
    then takes the next request and closes without an answer: a kept-alive connection
    closed under the client. Later connections answer every request.
    """

    def __init__(self) -> None:
        self.requests: list[tuple[int, bytes]] = []  # (connection number, request line)
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.port = 0

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        number = self.connections
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                self.requests.append((number, head.split(b"\r\n", 1)[0]))
                if number == 1 and len(self.requests) > 1:
                    break  # the request arrived; the connection closes unanswered
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                             b"content-length: %d\r\n\r\n%s" % (len(MESSAGE), MESSAGE))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    def __enter__(self) -> DroppingServer:
        self.thread.start()
        server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self.loop).result(WAIT)
        self.server = server
        self.port = server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(WAIT)
        self.loop.close()


@pytest.mark.parametrize(("method", "target", "status", "sent"), [
    ("GET", "/v1/models", 200, 3),  # idempotent: sent again on a new connection
    ("POST", "/v1/messages", 502, 2),  # the upstream may have acted on it: never twice
])
def test_a_closed_kept_alive_connection_retries_only_idempotent_requests(
    method: str, target: str, status: int, sent: int, logs: pytest.LogCaptureFixture
) -> None:
    """The retry aiohttp makes (RFC 9112 §9.3.1) and the one it does not."""
    with DroppingServer() as upstream:
        proxy = make_proxy_app(f"http://127.0.0.1:{upstream.port}", timeout=WAIT,
                               check_processes=0)
        with Served(proxy) as port:
            headers = {"anthropic-version": "2023-06-01", "x-api-key": "sk-test"}
            body = VALID if method == "POST" else None
            first, _ = exchange(port, method, target, headers, body)
            second, raw = exchange(port, method, target, headers, body)

    assert first.status == 200
    assert second.status == status
    assert len(upstream.requests) == sent
    assert [number for number, _ in upstream.requests][:2] == [1, 1]
    if status == 502:
        assert json.loads(raw)["error"]["type"] == "api_error"
        assert request_lines(logs)[-1]["outcome"] == "upstream_error"


# -- TLS ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    openssl = shutil.which("openssl")
    assert openssl is not None, "the openssl command is needed to make a test certificate"
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )
    return key, cert


def test_an_https_upstream_is_reached_over_tls(certificate: tuple[Path, Path]) -> None:
    """With the certificate trusted the request goes through; untrusted, it never does."""
    key, cert = certificate
    upstream = Recorder()

    async def send(client: AiohttpUpstream) -> tuple[int, bytes]:
        try:
            response = await client.send("POST", b"/v1/messages",
                                         [(b"x-api-key", b"sk-test")], VALID)
            body = b"".join([chunk async for chunk in response.chunks()])
            await response.aclose()
            return response.status, body
        finally:
            await client.aclose()

    with Served(upstream, ssl_keyfile=str(key), ssl_certfile=str(cert)) as port:
        url = f"https://127.0.0.1:{port}"
        trusting = ssl.create_default_context(cafile=str(cert))
        status, body = asyncio.run(send(AiohttpUpstream(url, timeout=WAIT,
                                                        ssl_context=trusting)))
        with pytest.raises(UpstreamError, match="Certificate"):
            asyncio.run(send(AiohttpUpstream(url, timeout=WAIT)))

    assert (status, body) == (200, MESSAGE)
    assert len(upstream.seen) == 1
    assert upstream.seen[0]["body"] == VALID


# -- proxies from the environment -------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.mark.parametrize(("env", "url", "expected"), [
    ({}, "https://api.anthropic.com", None),
    ({"HTTPS_PROXY": "http://proxy:3128"}, "https://api.anthropic.com", "http://proxy:3128"),
    ({"https_proxy": "proxy:3128"}, "https://api.anthropic.com", "http://proxy:3128"),
    ({"HTTPS_PROXY": "http://proxy:3128"}, "http://10.0.0.1:8080", None),
    ({"HTTP_PROXY": "http://proxy:3128"}, "http://10.0.0.1:8080", "http://proxy:3128"),
    ({"ALL_PROXY": "http://proxy:3128"}, "https://api.anthropic.com", "http://proxy:3128"),
    ({"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "anthropic.com"},
     "https://api.anthropic.com", None),
    ({"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "*"}, "https://api.anthropic.com", None),
    ({"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "example.com"},
     "https://api.anthropic.com", "http://proxy:3128"),
])
def test_the_proxy_is_read_from_the_environment(
    clean_env: pytest.MonkeyPatch, env: dict[str, str], url: str, expected: str | None
) -> None:
    """HTTPS_PROXY / HTTP_PROXY by scheme, else ALL_PROXY; NO_PROXY exempts a host."""
    for name, value in env.items():
        clean_env.setenv(name, value)

    assert env_proxy(url) == expected


def test_a_socks_proxy_is_a_config_error(clean_env: pytest.MonkeyPatch) -> None:
    """aiohttp speaks no SOCKS: refused at start-up rather than bypassed."""
    clean_env.setenv("HTTPS_PROXY", "socks5://proxy:1080")

    with pytest.raises(ConfigError, match="proxy"):
        make_proxy_app("https://api.anthropic.com")


def test_requests_go_through_the_environments_proxy(clean_env: pytest.MonkeyPatch) -> None:
    """With HTTP_PROXY set, the upstream request is sent to the proxy, for the upstream."""
    proxy_server = Recorder()
    with Served(proxy_server) as proxy_port:
        clean_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy_port}")
        gateway = make_proxy_app("http://upstream.test:8080", check_processes=0)
        with Served(gateway) as port:
            response, _ = exchange(port, "GET", "/v1/models", {"x-api-key": "sk-test"})

    assert response.status == 200
    (seen,) = proxy_server.seen
    assert dict(seen["headers"])[b"host"] == b"upstream.test:8080"
    assert seen["raw_path"] == b"/v1/models"
