"""
`make_proxy_app`: a streaming reverse proxy to the Messages API with the middleware in front.

The proxy forwards the method, path, query, headers (hop-by-hop ones dropped, ``Host``
set for the upstream) and body, and streams the answer back unbuffered: status, headers
and body unchanged, server-sent events chunk by chunk. It cancels the upstream request
as soon as the client leaves, and its log line says how each request ended (see
`messages_schema.gateway._log.OUTCOMES`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TYPE_CHECKING, Any, Final

from messages_schema.config import LintConfig
from messages_schema.exceptions import ConfigError
from messages_schema.findings import Finding
from messages_schema.gateway import _encoding, _paths
from messages_schema.gateway._errors import (
    ASGIApp,
    Receive,
    Scope,
    Send,
    http_date,
    json_line,
    send_error,
)
from messages_schema.gateway._log import RECORD_KEY, Record, emit
from messages_schema.gateway._upstream import (
    AiohttpUpstream,
    HttpxUpstream,
    Response,
    Upstream,
    UpstreamError,
    UpstreamTimeout,
)
from messages_schema.gateway.middleware import Mode, ValidatingMiddleware
from messages_schema.linter import Linter

if TYPE_CHECKING:
    import httpx

__all__ = ["HOP_BY_HOP", "Forwarder", "make_proxy_app"]

#: Headers that describe one connection and are never forwarded (RFC 9110 §7.6.1).
HOP_BY_HOP: Final = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)

#: Largest JSON answer checked on the event loop itself; bigger ones, and event streams,
#: go to the background thread.
_INLINE_CHECK_BYTES: Final = 64 * 1024
#: Most response checks waiting (deferred, or for the background thread).
_BACKGROUND_LIMIT: Final = 1000
#: How long after a small stream ended it is checked on the event loop.
_DEFERRED_CHECK_SECONDS: Final = 0.05
#: Most bytes of a response body kept aside for report-only response checks.
_RESPONSE_TAP_LIMIT: Final = 64 * 1024 * 1024
#: Stream findings that only say the stream ended early: not the upstream's fault when
#: the client hung up.
_END_OF_STREAM_CODES: Final = frozenset({"SSE011", "SSE012", "SSE013"})
#: What a client of a cut event stream is told, as the API tells of its own mid-stream
#: failures (an ``error`` event; the SDK raises it as an ``APIStatusError``).
_BROKEN_STREAM_EVENT: Final = (
    b'\n\nevent: error\ndata: {"type":"error","error":{"type":"api_error",'
    b'"message":"The upstream connection was lost mid-stream"}}\n\n'
)


def make_proxy_app(
    upstream: str,
    *,
    client: httpx.AsyncClient | None = None,
    config: LintConfig | None = None,
    mode: Mode | None = "enforce",
    max_body_bytes: int | None = None,
    check_responses: bool = True,
    logger: logging.Logger | None = None,
    timeout: float = 600.0,
    strict_batches: bool = False,
    check_processes: int = 1,
) -> ASGIApp:
    """
    Return an ASGI reverse proxy to *upstream* with `ValidatingMiddleware` in front.

    The proxy forwards the method, path, query, headers (hop-by-hop headers dropped,
    ``Host`` set for the upstream) and body, and streams the upstream's answer back
    unbuffered: status, headers and body unchanged, server-sent events chunk by chunk.
    When the client disconnects, the upstream request is cancelled. With
    *check_responses*, ``/v1/messages`` answers are also linted, report-only: JSON
    bodies as kind ``response`` (or ``error``), event streams as kind ``stream``, from
    a copy taken while the chunks pass (a compressed answer is decoded from that copy;
    the client gets the upstream's bytes); findings are logged, never acted on.

    Serve it with the server's own ``Server`` and ``Date`` headers off (uvicorn:
    ``server_header=False, date_header=False``, as ``messages-schema serve`` does): the
    upstream's are forwarded, and the proxy adds a ``Date`` to answers without one.

    Args:
        upstream: Base URL, such as ``https://api.anthropic.com``.
        client: An ``httpx.AsyncClient`` to send with (the caller closes it); by
            default the proxy sends with aiohttp's client (a keep-alive pool closed at
            lifespan shutdown), through the proxy that ``HTTPS_PROXY`` / ``HTTP_PROXY`` /
            ``ALL_PROXY`` name for *upstream* unless ``NO_PROXY`` covers it.
        config: What to check, passed to `ValidatingMiddleware`.
        mode: The middleware's mode; ``None`` forwards without checking requests.
        max_body_bytes: Passed to `ValidatingMiddleware`.
        check_responses: Lint upstream answers (report-only).
        logger: Where log lines go (default ``messages_schema.gateway``).
        timeout: Seconds to wait for the upstream's next bytes, counted from when the
            request is sent (504 before the answer starts; a cut answer after). A given
            *client* uses its own timeouts instead.
        strict_batches: Passed to `ValidatingMiddleware`.
        check_processes: Passed to `ValidatingMiddleware`.

    Raises:
        ConfigError: *upstream* is not an http(s) URL, *timeout* is not positive, the
            environment names a proxy for it that is not an http(s) URL, or aiohttp is
            missing and no *client* is given.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       aiohttp's client by default (httpx for a given *client*); *strict_batches*,
       *check_processes*.
    """
    if not upstream.startswith(("http://", "https://")):
        msg = f"upstream must be an http:// or https:// URL, not {upstream!r}"
        raise ConfigError(msg)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        msg = f"timeout must be a positive number of seconds, not {timeout!r}"
        raise ConfigError(msg)
    logger = logger or logging.getLogger("messages_schema.gateway")
    sender: Upstream
    if client is not None:
        sender = HttpxUpstream(client, upstream)
    else:
        sender = AiohttpUpstream(upstream, timeout=float(timeout))
    forwarder = Forwarder(sender, check_responses=check_responses,
                          config=config or LintConfig(), logger=logger)
    forwarder.client = client
    if mode is None:
        return forwarder
    app = ValidatingMiddleware(
        forwarder, config=config, mode=mode, max_body_bytes=max_body_bytes, logger=logger,
        strict_batches=strict_batches, check_processes=check_processes,
    )
    app.date_header = True
    return app


class Forwarder:
    """
    The bare streaming reverse proxy behind `make_proxy_app`.

    Attributes:
        upstream: Where requests go.
        client: The caller's ``httpx.AsyncClient``, when one was given.
    """

    def __init__(
        self, upstream: Upstream, *, check_responses: bool, config: LintConfig,
        logger: logging.Logger,
    ) -> None:
        self.upstream = upstream
        self.client: Any = None
        self.check_responses = check_responses
        self.linter = Linter(config)
        self.logger = logger
        self._background: concurrent.futures.ThreadPoolExecutor | None = None
        self._pending = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer lifespan events; proxy HTTP requests; ignore websockets."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":  # websockets: nothing upstream speaks them here
            return
        await self._proxy(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.upstream.aclose()
                if self._background is not None:
                    self._background.shutdown(wait=False)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _proxy(self, scope: Scope, receive: Receive, send: Send) -> None:
        record: Record | None = scope.get(RECORD_KEY)
        exchange = _Exchange(scope, record)
        first = await receive()
        if first["type"] == "http.disconnect":
            exchange.gone()
            return
        body: bytes | AsyncIterator[bytes] | None
        if not first.get("more_body", False):
            body = bytes(first.get("body", b""))
            exchange.body_done.set()
        else:
            body = _stream_body(bytes(first.get("body", b"")), receive, exchange)
        task = asyncio.current_task()
        assert task is not None
        watcher = asyncio.ensure_future(_watch(receive, exchange, task))
        try:
            await self._exchange(exchange, send, body)
        except asyncio.CancelledError:
            if not exchange.client_gone or task.uncancel() > 0:
                raise  # not ours: the server is stopping
            exchange.gone()
        except _ClientGone:
            exchange.gone()
        finally:
            exchange.finished = True
            watcher.cancel()
        if exchange.client_gone:
            self._note(exchange, "client_disconnected")
            if exchange.tap is not None:  # what passed before the client left
                await self._report(exchange, exchange.status, exchange.tap)

    async def _exchange(
        self, exchange: _Exchange, send: Send, body: bytes | AsyncIterator[bytes] | None
    ) -> None:
        scope = exchange.scope
        method = str(scope["method"])
        target = _target(scope)
        headers = _forward_headers(scope.get("headers") or ())
        try:
            response = await self.upstream.send(method, target, headers, body)
        except UpstreamError as exc:
            if exchange.client_gone:
                raise _ClientGone from exc
            timeout = isinstance(exc, UpstreamTimeout)
            status = 504 if timeout else 502
            request_id = await send_error(
                send, status, "timeout_error" if timeout else "api_error",
                "The upstream timed out" if timeout else "The upstream is unavailable",
                extra_headers=[(b"date", http_date())],
            )
            exchange.responded = True
            self._note(exchange, "upstream_timeout" if timeout else "upstream_error",
                       status=status, reason=exc.reason, request_id=request_id)
            return
        chunks: Any = response.chunks()  # an async generator: closed below
        try:
            tap = exchange.tap = self._tap(scope, response)
            exchange.status = response.status
            out_headers = _response_headers(response.headers)
            await send({"type": "http.response.start", "status": response.status,
                        "headers": out_headers})
            try:
                async for chunk in chunks:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    if tap is not None:
                        tap.feed(chunk)
            except UpstreamError as exc:
                if tap is not None and tap.kind == "stream":
                    await send({"type": "http.response.body", "body": _BROKEN_STREAM_EVENT,
                                "more_body": False})
                    exchange.responded = True
                # Otherwise the answer stays unfinished: the server then drops the
                # connection, and the client sees a cut body, not a short one.
                self._note(exchange, "upstream_broken", reason=exc.reason)
                if tap is not None:
                    await self._report(exchange, response.status, tap)
                return
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            exchange.responded = True
        finally:
            await chunks.aclose()
            await response.aclose()
        if tap is not None:
            await self._report(exchange, response.status, tap)

    def _note(self, exchange: _Exchange, outcome: str, *, status: int | None = None,
              reason: str | None = None, request_id: str | None = None) -> None:
        record = exchange.record
        if record is not None:
            record.outcome = outcome
            if reason is not None:
                record.extra["reason"] = reason
            if request_id is not None:
                record.request_id = request_id
        if outcome in ("upstream_error", "upstream_timeout", "upstream_broken"):
            fields: dict[str, Any] = {
                "event": "upstream_error",
                "path": str(exchange.scope.get("path", "")),
                "outcome": outcome,
                "reason": reason,
            }
            if status is not None:
                fields["status"] = status
            emit(self.logger, logging.ERROR, fields)

    def _tap(self, scope: Scope, response: Response) -> _Tap | None:
        if not self.check_responses:
            return None
        route = _paths.match(scope)
        if route is None or route.kind != "request":
            return None
        content_type = b""
        codings: list[bytes] = []
        for name, value in response.headers:
            if name == b"content-type":
                content_type = value.split(b";")[0].strip().lower()
            elif name == b"content-encoding":
                codings.append(value)
        if content_type == b"text/event-stream" and response.status == 200:
            kind = "stream"
        elif content_type == b"application/json":
            kind = "response" if response.status == 200 else "error"
        else:
            return None
        return _Tap(kind, _encoding.tokens(codings))

    async def _report(self, exchange: _Exchange, status: int, tap: _Tap) -> None:
        """
        Check the copy of an answer and log what was found; report-only.

        Checks never stand in the way of the next request. A small JSON answer is checked
        at once (tens of microseconds). A small event stream (a quarter to a millisecond)
        is checked on the event loop `_DEFERRED_CHECK_SECONDS` after it ended: a client's
        next request, typically sent at once on the same connection, is served first.
        A large answer is checked on the proxy's one background thread. At most
        `_BACKGROUND_LIMIT` checks wait; past it an answer goes unchecked
        (``"reason": "busy"``) rather than queued without bound.
        """
        job = functools.partial(self._check_and_log, str(exchange.scope.get("path", "")),
                                status, tap, exchange.client_gone)
        small = tap.size <= _INLINE_CHECK_BYTES
        if small and tap.kind != "stream":
            job()
            return
        with self._lock:
            busy = self._pending >= _BACKGROUND_LIMIT
            if not busy:
                self._pending += 1
        if busy:
            self._log_response(job.args[0], status, tap, job.args[3], [], "busy")
            return
        if small:
            asyncio.get_running_loop().call_later(_DEFERRED_CHECK_SECONDS, self._run, job)
            return
        if self._background is None:
            self._background = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="messages-schema-response-check")
        self._background.submit(self._run, job)

    def _run(self, job: Callable[[], None]) -> None:
        try:
            job()
        except Exception:  # report-only: a failing check must not take anything down
            self.logger.error(json_line({"event": "response_check_failed"}))
        finally:
            with self._lock:  # on the loop or the background thread
                self._pending -= 1

    def _check_and_log(self, path: str, status: int, tap: _Tap, cut: bool) -> None:
        findings, reason = tap.findings(self.linter)
        if cut and tap.kind == "stream":
            # The client hung up: that the stream has no end is not the upstream's doing.
            findings = [f for f in findings if f.code not in _END_OF_STREAM_CODES]
        self._log_response(path, status, tap, cut, findings, reason)

    def _log_response(self, path: str, status: int, tap: _Tap, cut: bool,
                      findings: list[Finding], reason: str | None) -> None:
        fields: dict[str, Any] = {
            "event": "response",
            "path": path,
            "status": status,
            "kind": tap.kind,
            "checked": reason is None,
            "client_disconnected": cut,
            "findings": len(findings),
            "codes": list(dict.fromkeys(f.code for f in findings)),
        }
        if tap.codings:
            fields["encoding"] = ",".join(tap.codings)[:64]
        if reason is not None:
            fields["reason"] = reason
        emit(self.logger, logging.WARNING if findings else logging.INFO, fields)

    def wait_for_checks(self, timeout: float = 5.0) -> None:
        """Block until every response check queued so far has run (for tests)."""
        deadline = time.monotonic() + timeout
        while self._pending:
            if time.monotonic() > deadline:
                msg = f"{self._pending} response checks still pending"
                raise TimeoutError(msg)
            time.sleep(0.005)


class _ClientGone(Exception):  # noqa: N818 - a state, not an error
    """The client disconnected while its body was being streamed upstream."""


class _Exchange:
    """The state of one proxied request shared by the proxy and its watcher."""

    __slots__ = ("body_done", "client_gone", "finished", "record", "responded", "scope",
                 "status", "tap")

    def __init__(self, scope: Scope, record: Record | None) -> None:
        self.scope = scope
        self.record = record
        self.body_done = asyncio.Event()
        self.client_gone = False
        self.finished = False
        self.responded = False
        self.tap: _Tap | None = None
        self.status = 0

    def gone(self) -> None:
        self.client_gone = True


async def _watch(receive: Receive, exchange: _Exchange, task: asyncio.Task[Any]) -> None:
    """Cancel *task* (the upstream call and the copying) when the client disconnects."""
    await exchange.body_done.wait()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            if not exchange.finished and not exchange.responded:
                exchange.gone()
                task.cancel()
            return


async def _stream_body(first: bytes, receive: Receive, exchange: _Exchange) -> AsyncIterator[bytes]:
    """A request body still arriving: passed upstream as it comes."""
    if first:
        yield first
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            exchange.gone()
            raise _ClientGone
        chunk = message.get("body", b"")
        if chunk:
            yield bytes(chunk)
        if not message.get("more_body", False):
            exchange.body_done.set()
            return


def _target(scope: Scope) -> bytes:
    raw_path: bytes = scope.get("raw_path") or str(scope["path"]).encode()
    raw_path = raw_path.split(b"?", 1)[0]
    root = str(scope.get("root_path") or "").encode()
    if root and raw_path.startswith(root):  # forward the path below our own mount
        raw_path = raw_path[len(root):] or b"/"
    query: bytes = scope.get("query_string") or b""
    return raw_path + b"?" + query if query else raw_path


class _Tap:
    """
    A side copy of a response for report-only checks; the client's stream is not held.

    Uncompressed event streams go through `messages_schema.stream.SSEDecoder` chunk by
    chunk as they pass, and the decoded events are checked when the stream ends; JSON
    bodies, and compressed answers of either kind, are kept and checked whole at their
    end (decoded from the copy). Past `_RESPONSE_TAP_LIMIT` bytes the copy is dropped.
    """

    def __init__(self, kind: str, codings: list[str]) -> None:
        self.kind = kind
        self.codings = codings
        self._chunks: list[bytes] = []
        self._events: list[Any] = []
        self.size = 0
        self.truncated = False
        self._decoder: Any = None
        if kind == "stream" and not codings:
            from messages_schema.stream import SSEDecoder

            self._decoder = SSEDecoder()

    def feed(self, chunk: bytes) -> None:
        if self.truncated:
            return
        self.size += len(chunk)
        if self.size > _RESPONSE_TAP_LIMIT:
            self.truncated, self._chunks, self._events = True, [], []
            return
        if self._decoder is not None:
            self._events.extend(self._decoder.feed(chunk))
        else:
            self._chunks.append(chunk)

    def findings(self, linter: Linter) -> tuple[list[Finding], str | None]:
        """The findings, and why the answer was not checked (``None``: it was)."""
        if self.truncated:
            return [], "too_large"
        if self._decoder is not None:
            from messages_schema.stream import stream_findings

            self._events.extend(self._decoder.close())
            return sorted(stream_findings(self._events, linter=linter),
                          key=Finding.sort_key), None
        body = b"".join(self._chunks)
        if self.codings:
            try:
                body = _encoding.decode(body, self.codings, _RESPONSE_TAP_LIMIT)
            except _encoding.UnsupportedEncoding:
                return [], "unsupported_encoding"
            except _encoding.EncodingError:
                return [], "invalid_encoding"
        return linter.lint(body, kind=self.kind), None


def _connection_tokens(headers: Iterable[tuple[bytes, bytes]]) -> set[bytes]:
    tokens: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            tokens.update(t.strip().lower() for t in value.split(b",") if t.strip())
    return tokens


def _forward_headers(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    raw = list(raw)
    named = _connection_tokens(raw)
    return [
        (name, value)
        for name, value in raw
        if (lower := name.lower()) not in HOP_BY_HOP
        and lower not in named
        and not lower.startswith(b"proxy-")
        and lower != b"host"  # the upstream gets its own
    ]


def _response_headers(raw: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    named = _connection_tokens(raw)
    out = [
        (name, value)
        for name, value in raw
        if name not in HOP_BY_HOP and name not in named and not name.startswith(b"proxy-")
    ]
    if not any(name == b"date" for name, _ in out):
        out.append((b"date", http_date()))
    return out

