"""
The proxy end to end on loopback: the real ``anthropic`` client -> proxy -> fake upstream.

Both servers are uvicorn instances on free ports of 127.0.0.1, started in background
threads for this module and stopped at its end; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import anthropic
import pytest
import uvicorn

from messages_schema.gateway import make_proxy_app

API_KEY = "sk-test-e2e-SECRET-0123456789"
MODEL = "claude-sonnet-4-6"
LIMIT = 200_000
WAIT = 5.0

MESSAGE: dict[str, Any] = {
    "id": "msg_01e2e",
    "type": "message",
    "role": "assistant",
    "model": MODEL,
    "content": [{"type": "text", "text": "Hello from upstream"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 5, "output_tokens": 4},
}


class FakeUpstream:
    """A pure ASGI stand-in for the API: counts requests, answers JSON or SSE."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[bytes, bytes], bytes]] = []
        self.gate = threading.Event()  # the streaming test opens it from the client side

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.requests.append((scope["path"], dict(scope["headers"]), body))
        if json.loads(body or b"{}").get("stream"):
            await self._stream(send)
            return
        payload = json.dumps(MESSAGE).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/json"), (b"request-id", b"req_upstream_01")]})
        await send({"type": "http.response.body", "body": payload})

    async def _stream(self, send: Any) -> None:
        def frame(event: str, data: dict[str, Any]) -> bytes:
            return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()

        start = {**MESSAGE, "content": [], "stop_reason": None,
                 "usage": {"input_tokens": 5, "output_tokens": 1}}
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})

        async def emit(data: bytes) -> None:
            await send({"type": "http.response.body", "body": data, "more_body": True})
            await asyncio.sleep(0.01)

        await emit(frame("message_start", {"type": "message_start", "message": start}))
        await emit(frame("content_block_start", {"type": "content_block_start", "index": 0,
                                                 "content_block": {"type": "text", "text": ""}}))
        await emit(frame("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                 "delta": {"type": "text_delta", "text": "Hel"}}))
        # Hold the rest until the client has seen the first delta: a buffering proxy
        # would never deliver it, and the bounded wait below would fail the test.
        deadline = time.monotonic() + WAIT
        while not self.gate.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        await emit(frame("ping", {"type": "ping"}))
        await emit(frame("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                 "delta": {"type": "text_delta", "text": "lo"}}))
        await emit(frame("content_block_stop", {"type": "content_block_stop", "index": 0}))
        await emit(frame("message_delta", {"type": "message_delta",
                                           "delta": {"stop_reason": "end_turn",
                                                     "stop_sequence": None},
                                           "usage": {"output_tokens": 2}}))
        await send({"type": "http.response.body",
                    "body": frame("message_stop", {"type": "message_stop"})})


class Served:
    """A uvicorn server on a free loopback port, in a background thread."""

    def __init__(self, app: Any) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                lifespan="on", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + WAIT
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                pytest.fail("uvicorn did not start in time")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(WAIT)
        assert not self.thread.is_alive(), "uvicorn did not stop in time"


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[FakeUpstream, str, str]]:
    upstream = FakeUpstream()
    with Served(upstream) as upstream_url:
        proxy = make_proxy_app(upstream_url, mode="enforce", max_body_bytes=LIMIT)
        with Served(proxy) as proxy_url:
            yield upstream, upstream_url, proxy_url


@pytest.fixture
def client(stack: tuple[FakeUpstream, str, str]) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=stack[2], api_key=API_KEY, max_retries=0,
                             timeout=WAIT) as client:
        yield client


@pytest.fixture
def gateway_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="messages_schema.gateway")
    return caplog


def ask(text: str = "Hi") -> dict[str, Any]:
    return {"model": MODEL, "max_tokens": 32, "messages": [{"role": "user", "content": text}]}


class TestThroughTheProxy:
    def test_valid_request_returns_the_upstream_message(
        self, stack: tuple[FakeUpstream, str, str], client: anthropic.Anthropic
    ) -> None:
        """A valid request reaches the upstream, key included, and its Message comes back."""
        upstream = stack[0]
        before = len(upstream.requests)

        message = client.messages.create(**ask())

        assert message.id == MESSAGE["id"]
        assert message.content[0].text == "Hello from upstream"  # type: ignore[union-attr]
        assert message._request_id == "req_upstream_01"
        path, headers, _ = upstream.requests[before]
        assert path == "/v1/messages"
        assert headers[b"authorization"] == f"Bearer {API_KEY}".encode()

    def test_streaming_passes_chunk_by_chunk(
        self, stack: tuple[FakeUpstream, str, str], client: anthropic.Anthropic
    ) -> None:
        """The first delta reaches the client while the upstream still holds the rest."""
        upstream = stack[0]
        upstream.gate.clear()
        texts = []

        with client.messages.stream(**ask()) as stream:
            for text in stream.text_stream:
                if not texts:
                    assert not upstream.gate.is_set()
                    upstream.gate.set()
                texts.append(text)
            final = stream.get_final_message()

        assert texts == ["Hel", "lo"]
        assert final.content[0].text == "Hello"  # type: ignore[union-attr]
        assert final.stop_reason == "end_turn"

    def test_invalid_request_is_the_apis_400_and_never_forwarded(
        self, stack: tuple[FakeUpstream, str, str], client: anthropic.Anthropic
    ) -> None:
        """An invalid body raises BadRequestError with the API's envelope; upstream sees nothing."""
        upstream = stack[0]
        before = len(upstream.requests)

        with pytest.raises(anthropic.BadRequestError) as caught:
            client.messages.create(**ask(), extra_body={"response_format": {"type": "json"}})

        error = caught.value
        assert error.status_code == 400
        assert isinstance(error.body, dict)
        assert error.body["type"] == "error"
        assert error.body["error"] == {
            "type": "invalid_request_error",
            "message": "response_format: Extra inputs are not permitted",
        }
        assert error.request_id == error.body["request_id"]
        assert error.request_id is not None
        assert error.request_id.startswith("req_gw_")
        assert "response_format: Extra inputs are not permitted" in error.message
        assert len(upstream.requests) == before

    def test_beta_header_unlocks_a_beta_field(
        self, stack: tuple[FakeUpstream, str, str], client: anthropic.Anthropic
    ) -> None:
        """A beta field passes with its anthropic-beta header and is refused without it."""
        upstream = stack[0]
        before = len(upstream.requests)
        beta = "context-management-2025-06-27"

        message = client.beta.messages.create(**ask(), betas=[beta],
                                              context_management={"edits": []})
        with pytest.raises(anthropic.BadRequestError) as caught:
            client.messages.create(**ask(), extra_body={"context_management": {"edits": []}})

        assert message.id == MESSAGE["id"]
        assert len(upstream.requests) == before + 1
        assert upstream.requests[before][1][b"anthropic-beta"] == beta.encode()
        assert caught.value.body["error"]["message"] == (  # type: ignore[index]
            "context_management: Extra inputs are not permitted"
        )

    def test_each_request_is_checked_under_its_own_api_version(
        self, stack: tuple[FakeUpstream, str, str], client: anthropic.Anthropic,
        gateway_logs: pytest.LogCaptureFixture,
    ) -> None:
        """temperature: refused under the SDK's 2026-10-21 (VER001), forwarded under 2023-06-01."""
        upstream = stack[0]
        before = len(upstream.requests)

        with pytest.raises(anthropic.BadRequestError) as caught:
            client.messages.create(**ask(), extra_body={"temperature": 1})
        message = client.messages.create(**ask(), extra_body={"temperature": 1},
                                          extra_headers={"anthropic-version": "2023-06-01"})

        assert caught.value.body["error"] == {  # type: ignore[index]
            "type": "invalid_request_error",
            "message": "temperature: Extra inputs are not permitted",
        }
        assert caught.value.request_id.startswith("req_gw_")  # type: ignore[union-attr]
        assert message.id == MESSAGE["id"]
        assert len(upstream.requests) == before + 1
        _, headers, body = upstream.requests[before]
        assert headers[b"anthropic-version"] == b"2023-06-01"
        assert json.loads(body)["temperature"] == 1
        lines = [json.loads(r.getMessage()) for r in gateway_logs.records
                 if r.name == "messages_schema.gateway"]
        assert [(line["api_version"], line["decision"]) for line in lines
                if line["event"] == "request"] == [("2026-10-21", "reject"),
                                                   ("2023-06-01", "forward")]

    def test_a_version_that_is_not_a_date_is_the_apis_400(
        self, stack: tuple[FakeUpstream, str, str], client: anthropic.Anthropic
    ) -> None:
        """An anthropic-version value that is not a date is refused in the API's words."""
        upstream = stack[0]
        before = len(upstream.requests)

        with pytest.raises(anthropic.BadRequestError) as caught:
            client.messages.create(**ask(), extra_headers={"anthropic-version": "latest"})

        assert caught.value.status_code == 400
        assert caught.value.body["error"] == {  # type: ignore[index]
            "type": "invalid_request_error",
            "message": 'anthropic-version: "latest" is not a valid version',
        }
        assert len(upstream.requests) == before

    def test_oversized_body_is_413(
        self, stack: tuple[FakeUpstream, str, str], client: anthropic.Anthropic
    ) -> None:
        """A body over the proxy's limit is answered 413 request_too_large."""
        upstream = stack[0]
        before = len(upstream.requests)

        with pytest.raises(anthropic.APIStatusError) as caught:
            client.messages.create(**ask("x" * (LIMIT + 1)))

        assert caught.value.status_code == 413
        assert caught.value.body["error"]["type"] == "request_too_large"  # type: ignore[index]
        assert len(upstream.requests) == before

    def test_logs_hold_no_key(
        self,
        stack: tuple[FakeUpstream, str, str],
        client: anthropic.Anthropic,
        gateway_logs: pytest.LogCaptureFixture,
    ) -> None:
        """Accepted, rejected and streamed requests log lines without the key or the prompt."""
        client.messages.create(**ask("PROMPT-TEXT"))
        with pytest.raises(anthropic.BadRequestError):
            client.messages.create(**ask("PROMPT-TEXT"), extra_body={"bogus": 1})
        stack[0].gate.set()
        with client.messages.stream(**ask("PROMPT-TEXT")) as stream:
            stream.until_done()
        # The proxy logs its lines when the response is done (a stream's check on its
        # background thread); give them a moment.
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and (sum(
            '"event":"request"' in r.getMessage() for r in gateway_logs.records
        ) < 3 or sum('"event":"response"' in r.getMessage() for r in gateway_logs.records) < 2):
            time.sleep(0.01)

        lines = [json.loads(r.getMessage()) for r in gateway_logs.records
                 if r.name == "messages_schema.gateway"]
        decisions = [line["decision"] for line in lines if line["event"] == "request"]
        assert decisions == ["forward", "reject", "forward"]
        checked = [(line["kind"], line["findings"]) for line in lines
                   if line["event"] == "response"]
        assert checked == [("response", 0), ("stream", 0)]
        assert API_KEY not in gateway_logs.text
        assert "sk-test" not in gateway_logs.text
        assert "PROMPT-TEXT" not in gateway_logs.text
