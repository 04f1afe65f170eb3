"""
No request the upstream would route as a Messages call gets past the proxy unchecked.

Each spelling of a validated path, and each ``Content-Encoding`` of a body, is sent to a
real proxy (uvicorn on loopback, as ``messages-schema serve`` runs it) in front of a
recording upstream, with a body the API would reject and with one it accepts. Every
variant must be checked (the invalid body answered 400 by the gateway, the valid one
forwarded to exactly the canonical path, so the upstream gets what was checked) or
refused in the API's envelope; none reaches the upstream unchecked.
"""

from __future__ import annotations

import gzip
import http.client
import json
import logging
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import brotli
import pytest
import zstandard

from messages_schema.gateway import make_proxy_app
from tests.support.served import Served

WAIT = 5.0
LIMIT = 1_000_000
MODEL = "claude-sonnet-4-6"
VALID: dict[str, Any] = {"model": MODEL, "max_tokens": 16,
                         "messages": [{"role": "user", "content": "Hi"}]}
INVALID = {**VALID, "max_tokens": "many"}
COUNT_VALID = {"model": MODEL, "messages": [{"role": "user", "content": "Hi"}]}
BATCH_VALID = {"requests": [{"custom_id": "a", "params": VALID}]}


class Recorder:
    """An upstream that records what reaches it and answers 200 with a Message."""

    def __init__(self) -> None:
        self.seen: list[tuple[bytes, bytes, dict[bytes, bytes], bytes]] = []

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
        self.seen.append((scope["raw_path"], scope["query_string"], dict(scope["headers"]),
                          b"".join(chunks)))
        payload = json.dumps({
            "id": "msg_01", "type": "message", "role": "assistant", "model": MODEL,
            "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn",
            "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1},
        }).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": payload})


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[Recorder, int]]:
    upstream = Recorder()
    with Served(upstream, log_level="warning") as upstream_port:
        proxy = make_proxy_app(f"http://127.0.0.1:{upstream_port}", max_body_bytes=LIMIT,
                               check_processes=0)
        with Served(proxy, log_level="warning") as port:
            yield upstream, port


@pytest.fixture
def gateway_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="messages_schema.gateway")
    return caplog


def post(port: int, target: str, body: bytes, **headers: str) -> tuple[int, dict[str, Any]]:
    """POST *body* to *target* exactly as written (no client-side path clean-up)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    conn.request("POST", target, body, {"content-type": "application/json",
                                        "anthropic-version": "2023-06-01",
                                        "x-api-key": "sk-test", **headers})
    response = conn.getresponse()
    answer = json.loads(response.read() or b"null")
    conn.close()
    return response.status, answer


PATHS = [
    # (as sent, canonical path the upstream must receive, query it must receive, valid body)
    ("/v1/messages", b"/v1/messages", b"", VALID),
    ("//v1/messages", b"/v1/messages", b"", VALID),
    ("/v1/messages/", b"/v1/messages", b"", VALID),
    ("/v1//messages", b"/v1/messages", b"", VALID),
    ("/v1/./messages", b"/v1/messages", b"", VALID),
    ("/v1/batches/../messages", b"/v1/messages", b"", VALID),
    ("/v1/%6Dessages", b"/v1/messages", b"", VALID),
    ("/v1/%256Dessages", b"/v1/messages", b"", VALID),
    ("/v1/messages%2F", b"/v1/messages", b"", VALID),
    ("/V1/Messages", b"/v1/messages", b"", VALID),
    ("/v1/messages?beta=true", b"/v1/messages", b"beta=true", VALID),
    ("//v1/messages/?beta=true", b"/v1/messages", b"beta=true", VALID),
    ("/v1/messages/count_tokens/", b"/v1/messages/count_tokens", b"", COUNT_VALID),
    ("/v1/messages//count_tokens", b"/v1/messages/count_tokens", b"", COUNT_VALID),
    ("/v1/messages/batches/", b"/v1/messages/batches", b"", BATCH_VALID),
    ("/v1/./messages/batches?beta=true", b"/v1/messages/batches", b"beta=true", BATCH_VALID),
]


def invalid_for(valid: dict[str, Any]) -> dict[str, Any]:
    if "requests" in valid:
        return {"requests": [{"custom_id": "a", "params": INVALID}]}
    return {**valid, "max_tokens": "many"} if "max_tokens" in valid else {**valid, "top_k": "x"}


@pytest.mark.parametrize(("target", "canonical", "query", "valid"), PATHS,
                         ids=[p[0] for p in PATHS])
def test_every_spelling_of_a_route_is_checked(
    stack: tuple[Recorder, int], target: str, canonical: bytes, query: bytes,
    valid: dict[str, Any],
) -> None:
    """An invalid body is the gateway's 400; a valid one reaches the canonical path."""
    upstream, port = stack
    before = len(upstream.seen)

    status, answer = post(port, target, json.dumps(invalid_for(valid)).encode())

    assert status == 400
    assert answer["type"] == "error"
    assert answer["error"]["type"] == "invalid_request_error"
    assert answer["request_id"].startswith("req_gw_")
    assert len(upstream.seen) == before

    body = json.dumps(valid).encode()
    status, _ = post(port, target, body)

    assert status == 200
    assert len(upstream.seen) == before + 1
    raw_path, seen_query, _, seen_body = upstream.seen[-1]
    assert (raw_path, seen_query, seen_body) == (canonical, query, body)


def test_a_rewritten_path_is_logged(
    stack: tuple[Recorder, int], gateway_logs: pytest.LogCaptureFixture
) -> None:
    """The log line names the canonical path and says it was rewritten."""
    post(stack[1], "//v1/messages/", json.dumps(INVALID).encode())

    lines = [json.loads(r.getMessage()) for r in gateway_logs.records
             if r.name == "messages_schema.gateway"]
    (line,) = [line for line in lines if line["event"] == "request"]
    assert (line["path"], line["path_rewritten"], line["decision"]) == (
        "/v1/messages", True, "reject")


def deflate_raw(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


ENCODINGS: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("gzip", gzip.compress),
    ("x-gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", deflate_raw),
    ("br", brotli.compress),
    ("zstd", zstandard.ZstdCompressor().compress),
    ("gzip, br", lambda data: brotli.compress(gzip.compress(data))),
    ("identity", lambda data: data),
]


@pytest.mark.parametrize(("coding", "compress"), ENCODINGS,
                         ids=[f"{c}-{i}" for i, (c, _) in enumerate(ENCODINGS)])
def test_compressed_bodies_are_checked_decoded_and_forwarded_as_sent(
    stack: tuple[Recorder, int], coding: str, compress: Callable[[bytes], bytes]
) -> None:
    """An invalid compressed body is the API's 400; a valid one goes on compressed."""
    upstream, port = stack
    before = len(upstream.seen)

    status, answer = post(port, "/v1/messages", compress(json.dumps(INVALID).encode()),
                          **{"content-encoding": coding})

    assert status == 400
    assert answer["error"]["message"] == "max_tokens: Input should be a valid integer"
    assert len(upstream.seen) == before

    sent = compress(json.dumps(VALID).encode())
    status, _ = post(port, "/v1/messages", sent, **{"content-encoding": coding})

    assert status == 200
    _, _, headers, body = upstream.seen[-1]
    assert body == sent
    assert headers[b"content-encoding"] == coding.encode()


@pytest.mark.parametrize("coding", ["compress", "x-unknown", "gzip, snappy"])
def test_an_encoding_the_gateway_cannot_decode_is_refused(
    stack: tuple[Recorder, int], coding: str
) -> None:
    """Refused with the API's code for it, never forwarded."""
    upstream, port = stack
    before = len(upstream.seen)

    status, answer = post(port, "/v1/messages", gzip.compress(json.dumps(VALID).encode()),
                          **{"content-encoding": coding})

    assert status == 400
    assert answer["error"]["type"] == "invalid_request_error"
    assert answer["error"]["details"] == {"error_code": "request_body_encoding_unsupported"}
    assert len(upstream.seen) == before


def test_a_corrupt_compressed_body_is_refused(stack: tuple[Recorder, int]) -> None:
    """Bytes that are not gzip are the API's request_body_encoding_invalid."""
    upstream, port = stack
    before = len(upstream.seen)

    status, answer = post(port, "/v1/messages", gzip.compress(json.dumps(VALID).encode())[:-9],
                          **{"content-encoding": "gzip"})

    assert status == 400
    assert answer["error"]["details"] == {"error_code": "request_body_encoding_invalid"}
    assert len(upstream.seen) == before


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd"])
def test_a_compression_bomb_is_413(stack: tuple[Recorder, int], coding: str) -> None:
    """A small body that decodes past the limit is 413, decoding stopped at the limit."""
    upstream, port = stack
    before = len(upstream.seen)
    padding = b" " * (LIMIT * 4)
    bomb_source = b'{"model": "m",' + padding + b'"max_tokens": 1, "messages": []}'
    compress = dict(ENCODINGS)[coding]
    bomb = compress(bomb_source)
    assert len(bomb) < LIMIT // 10

    status, answer = post(port, "/v1/messages", bomb, **{"content-encoding": coding})

    assert status == 413
    assert answer["error"]["type"] == "request_too_large"
    assert answer["error"]["details"] == {
        "error_code": "request_body_too_large_after_decoding"}
    assert len(upstream.seen) == before
