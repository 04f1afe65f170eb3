"""
Sending a request upstream: a small HTTP/1.1 client on asyncio streams, or httpx.

The proxy's own cost per request is mostly its HTTP client's. A general client (httpx)
spends about a millisecond per request in Python before and after the socket work, more
than the whole lint of a 50 KB body; this one writes the request in one buffer, parses
the answer's head in a few string operations and hands body bytes on as they arrive, on
a pool of keep-alive connections. It speaks exactly what the proxy needs: HTTP/1.1 over
TCP or TLS, ``Content-Length``, chunked and read-until-close bodies, 1xx answers
skipped, and one retry of a request whose reused connection turned out to be closed
(nothing was read from it, so the upstream never saw the request).

`HttpxUpstream` wraps a caller's ``httpx.AsyncClient`` (custom transports, HTTP/2,
proxies, tests with ``httpx.MockTransport``) behind the same small interface.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final, Protocol
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import httpx

#: Largest response head (status line and headers) accepted.
_HEAD_LIMIT: Final = 64 * 1024
#: Largest piece of a request body written to the socket at once.
_WRITE_SLICE: Final = 256 * 1024
#: Most bytes handed on per read of a response body.
_READ_SIZE: Final = 64 * 1024
#: Headers a client sends that describe its own connection or request framing; the
#: request to the upstream gets its own.
_NOT_FORWARDED: Final = frozenset(
    {b"host", b"content-length", b"transfer-encoding", b"expect", b"connection",
     b"keep-alive", b"te", b"trailer", b"upgrade", b"proxy-connection"}
)

_NOTHING: Final = b""
_CLOSED: Final = "connection closed"
_CONNECT_TIMEOUT: Final = "connect timeout"
_READ_TIMEOUT: Final = "read timeout"
_HEAD_TOO_LARGE: Final = "response head too large"
_BAD_CHUNK: Final = "malformed chunk"


class UpstreamError(Exception):
    """The upstream did not give a (whole) answer; ``reason`` is safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UpstreamTimeout(UpstreamError):  # noqa: N818 - a kind of UpstreamError
    """The upstream sent nothing for the read timeout."""


class Response(Protocol):
    """An upstream answer whose body has not been read yet."""

    status: int
    #: Raw header pairs, names in lower case.
    headers: list[tuple[bytes, bytes]]

    def chunks(self) -> AsyncIterator[bytes]:
        """The body's bytes as they arrive (content-coding untouched, framing removed)."""
        ...

    async def aclose(self) -> None:
        """Give the connection back, or close it when the body was not read to the end."""
        ...


class Upstream(Protocol):
    """Where the proxy sends requests."""

    async def send(
        self, method: str, target: bytes, headers: list[tuple[bytes, bytes]],
        body: bytes | AsyncIterator[bytes] | None,
    ) -> Response:
        """Send one request; return once the answer's head has arrived."""
        ...

    async def aclose(self) -> None:
        """Close every pooled connection."""
        ...


class _Conn:
    """
    One connection, with a watchdog: no bytes for *timeout* seconds aborts it.

    One timer per request, re-armed lazily, instead of a timeout context per read: a
    streamed answer has hundreds of reads, and the timer costs a float store each.
    """

    __slots__ = ("last", "loop", "reader", "reused", "timed_out", "timeout", "timer", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.reused = False
        self.loop = asyncio.get_running_loop()
        self.timer: asyncio.TimerHandle | None = None
        self.timeout = 0.0
        self.last = 0.0
        self.timed_out = False

    def usable(self) -> bool:
        return not self.writer.is_closing() and not self.reader.at_eof()

    def arm(self, timeout: float) -> None:
        self.timeout, self.timed_out = timeout, False
        self.last = self.loop.time()
        if self.timer is None:
            self.timer = self.loop.call_at(self.last + timeout, self._check)

    def touch(self) -> None:
        self.last = self.loop.time()

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _check(self) -> None:
        self.timer = None
        if self.loop.time() - self.last >= self.timeout:
            self.timed_out = True
            self.writer.transport.abort()  # pending reads and writes fail at once
        else:
            self.timer = self.loop.call_at(self.last + self.timeout, self._check)

    def failure(self, exc: BaseException) -> UpstreamError:
        """The error to report for *exc* raised by a read or write on this connection."""
        if self.timed_out:
            return UpstreamTimeout(_READ_TIMEOUT)
        return UpstreamError(type(exc).__name__)

    def close(self) -> None:
        self.disarm()
        self.writer.close()


class SocketUpstream:
    """
    The built-in HTTP/1.1 client for one upstream base URL.

    Args:
        url: ``http://`` or ``https://`` base URL; its path prefixes every request.
        timeout: Seconds to wait for the connection's next bytes (or for a write).
        connect_timeout: Seconds to wait for a connection (TCP and TLS).
        max_idle: Most keep-alive connections kept open between requests.
        ssl_context: For ``https``; default `ssl.create_default_context`.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        connect_timeout: float = 10.0,
        max_idle: int = 100,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        parts = urlsplit(url)
        self.tls = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if self.tls else 80)
        default_port = self.port == (443 if self.tls else 80)
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.host_header = (host if default_port else f"{host}:{self.port}").encode("idna")
        self.base_path = parts.path.rstrip("/").encode()
        self.timeout = timeout
        self.connect_timeout = min(connect_timeout, timeout)
        self.max_idle = max_idle
        self._ssl = (ssl_context or ssl.create_default_context()) if self.tls else None
        self._idle: list[_Conn] = []

    async def send(
        self, method: str, target: bytes, headers: list[tuple[bytes, bytes]],
        body: bytes | AsyncIterator[bytes] | None,
    ) -> Response:
        """Send one request; return once the answer's head has arrived."""
        replayable = body is None or isinstance(body, bytes)
        head = self._head(method, target, headers, body)
        for _ in range(2):
            conn = self._take()
            fresh = conn is None
            if conn is None:
                conn = await self._connect()
            conn.arm(self.timeout)
            try:
                await self._write(conn, head, body)
                status, fields, closing = await self._read_head(conn)
            except UpstreamError:
                conn.close()
                raise
            except (OSError, asyncio.IncompleteReadError) as exc:
                conn.close()
                stale = not fresh and replayable and not conn.timed_out and (
                    not isinstance(exc, asyncio.IncompleteReadError) or not exc.partial
                )
                if stale:
                    continue  # a kept-alive connection the upstream had closed: retry
                raise conn.failure(exc) from exc
            except BaseException:  # cancelled (the client left): the connection is spent
                conn.close()
                raise
            return _SocketResponse(self, conn, method, status, fields, closing)
        raise UpstreamError(_CLOSED)  # pragma: no cover - loop returns or raises

    async def aclose(self) -> None:
        """Close every pooled connection."""
        idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    # -- connections ------------------------------------------------------------------

    def _take(self) -> _Conn | None:
        while self._idle:
            conn = self._idle.pop()
            if conn.usable():
                conn.reused = True
                return conn
            conn.close()
        return None

    def give_back(self, conn: _Conn) -> None:
        """Keep *conn* for the next request (its answer was read to the end)."""
        conn.disarm()
        if len(self._idle) < self.max_idle and conn.usable():
            self._idle.append(conn)
        else:
            conn.close()

    async def _connect(self) -> _Conn:
        try:
            async with asyncio.timeout(self.connect_timeout):
                reader, writer = await asyncio.open_connection(
                    self.host, self.port, ssl=self._ssl, limit=_HEAD_LIMIT,
                    server_hostname=self.host if self.tls else None,
                )
        except TimeoutError as exc:
            raise UpstreamTimeout(_CONNECT_TIMEOUT) from exc
        except OSError as exc:
            raise UpstreamError(type(exc).__name__) from exc
        return _Conn(reader, writer)

    # -- the request ------------------------------------------------------------------

    def _head(
        self, method: str, target: bytes, headers: list[tuple[bytes, bytes]],
        body: bytes | AsyncIterator[bytes] | None,
    ) -> bytes:
        lines = [b"%s %s HTTP/1.1\r\nhost: %s\r\n" % (
            method.encode("ascii"), _safe_target(self.base_path + target), self.host_header)]
        length: bytes | None = None
        for name, value in headers:
            lower = name.lower()
            if lower == b"content-length":
                length = value
            if lower in _NOT_FORWARDED or b"\r" in value or b"\n" in value:
                continue
            lines.append(b"%s: %s\r\n" % (name, value))
        if isinstance(body, bytes):
            if body or method not in ("GET", "HEAD", "DELETE", "OPTIONS"):
                lines.append(b"content-length: %d\r\n" % len(body))
        elif body is not None:
            lines.append(b"content-length: %s\r\n" % length.strip() if length is not None
                         else b"transfer-encoding: chunked\r\n")
        lines.append(b"\r\n")
        return b"".join(lines)

    async def _write(
        self, conn: _Conn, head: bytes, body: bytes | AsyncIterator[bytes] | None
    ) -> None:
        writer = conn.writer
        if body is None or isinstance(body, bytes):
            if not body:
                writer.write(head)
            elif len(body) <= _WRITE_SLICE:
                writer.writelines((head, body))
            else:  # a large body in slices: no 10 MB copies on the event loop
                writer.write(head)
                view = memoryview(body)
                for start in range(0, len(body), _WRITE_SLICE):
                    writer.write(view[start : start + _WRITE_SLICE])
                    await _drain(conn)
            await _drain(conn)
            return
        writer.write(head)
        chunked = head.endswith(b"transfer-encoding: chunked\r\n\r\n")
        async for piece in body:
            if not piece:
                continue
            if chunked:
                writer.writelines((b"%x\r\n" % len(piece), piece, b"\r\n"))
            else:
                writer.write(piece)
            await _drain(conn)
        if chunked:
            writer.write(b"0\r\n\r\n")
        await _drain(conn)

    # -- the answer -------------------------------------------------------------------

    async def _read_head(self, conn: _Conn) -> tuple[int, list[tuple[bytes, bytes]], bool]:
        try:
            while True:
                raw = await conn.reader.readuntil(b"\r\n\r\n")
                conn.touch()
                status, fields, closing = _parse_head(raw)
                if status >= 200 or status == 101:
                    return status, fields, closing
        except asyncio.LimitOverrunError as exc:
            raise UpstreamError(_HEAD_TOO_LARGE) from exc


async def _drain(conn: _Conn) -> None:
    if conn.writer.transport.get_write_buffer_size():
        await conn.writer.drain()
    conn.touch()


def _safe_target(target: bytes) -> bytes:
    # The request line ends at a space or a line break: escape any the path holds.
    if all(0x20 < b < 0x7F for b in target):
        return target
    return b"".join(bytes([b]) if 0x20 < b < 0x7F else b"%%%02X" % b for b in target)


def _parse_head(raw: bytes) -> tuple[int, list[tuple[bytes, bytes]], bool]:
    lines = raw[:-4].split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        msg = "malformed status line"
        raise UpstreamError(msg)
    status = int(parts[1])
    closing = parts[0] == b"HTTP/1.0"
    fields: list[tuple[bytes, bytes]] = []
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep or not name or name != name.strip() or line[:1] in (b" ", b"\t"):
            msg = "malformed header line"
            raise UpstreamError(msg)
        lower = name.lower()
        value = value.strip()
        if lower == b"connection":
            tokens = {t.strip().lower() for t in value.split(b",")}
            closing = (closing and b"keep-alive" not in tokens) or b"close" in tokens
        fields.append((lower, value))
    return status, fields, closing


class _SocketResponse:
    def __init__(
        self, pool: SocketUpstream, conn: _Conn, method: str, status: int,
        headers: list[tuple[bytes, bytes]], closing: bool,
    ) -> None:
        self.pool = pool
        self.conn: _Conn | None = conn
        self.status = status
        self.headers = headers
        self.closing = closing
        self.length: int | None = None
        self.chunked = False
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            self.length = 0
        else:
            for name, value in headers:
                if name == b"transfer-encoding":
                    self.chunked = value.lower().rstrip().endswith(b"chunked")
                elif name == b"content-length" and not self.chunked:
                    try:
                        self.length = int(value)
                    except ValueError:
                        self.length = None
            if self.chunked:
                self.length = None
            elif self.length is None:
                self.closing = True  # read until the upstream closes
        self.done = False

    async def chunks(self) -> AsyncIterator[bytes]:
        conn = self.conn
        assert conn is not None
        reader = conn.reader
        touch = conn.touch
        try:
            if self.chunked:
                while True:
                    line = await reader.readuntil(b"\r\n")
                    size = int(line.split(b";", 1)[0].strip(), 16)
                    if size == 0:
                        while await reader.readuntil(b"\r\n") != b"\r\n":
                            pass  # trailers: not forwarded
                        break
                    while size:
                        data = await reader.read(min(size, _READ_SIZE))
                        if not data:
                            raise asyncio.IncompleteReadError(_NOTHING, size)
                        touch()
                        size -= len(data)
                        yield data
                    if await reader.readexactly(2) != b"\r\n":
                        raise UpstreamError(_BAD_CHUNK)
            elif self.length is not None:
                remaining = self.length
                while remaining:
                    data = await reader.read(min(remaining, _READ_SIZE))
                    if not data:
                        raise asyncio.IncompleteReadError(_NOTHING, remaining)
                    touch()
                    remaining -= len(data)
                    yield data
            else:
                while True:
                    data = await reader.read(_READ_SIZE)
                    if not data:
                        break
                    touch()
                    yield data
        except UpstreamError:
            raise
        except (OSError, ValueError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError) as exc:
            raise conn.failure(exc) from exc
        if conn.timed_out:  # read until close, ended by the watchdog
            raise UpstreamTimeout(_READ_TIMEOUT)
        self.done = True

    async def aclose(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        if self.done and not self.closing:
            self.pool.give_back(conn)
        else:
            conn.close()


class HttpxUpstream:
    """A caller's ``httpx.AsyncClient`` behind the `Upstream` interface."""

    def __init__(self, client: httpx.AsyncClient, url: str, *, owns: bool = False) -> None:
        import httpx

        self.client = client
        self.base = httpx.URL(url)
        self.owns = owns

    async def send(
        self, method: str, target: bytes, headers: list[tuple[bytes, bytes]],
        body: bytes | AsyncIterator[bytes] | None,
    ) -> Response:
        """Send one request with the client; map its errors to `UpstreamError`."""
        import httpx

        base = self.base.raw_path.split(b"?")[0].rstrip(b"/")
        url = self.base.copy_with(raw_path=_safe_target(base + target))
        sent = [(n, v) for n, v in headers if n.lower() not in _NOT_FORWARDED]
        if not isinstance(body, bytes) and body is not None:
            sent += [(n, v) for n, v in headers if n.lower() == b"content-length"]
        request = self.client.build_request(method, url, headers=sent, content=body)
        # httpx adds its own defaults; a proxy must not (an Accept-Encoding the client
        # never sent would hand it a compressed body it cannot read).
        names = {n.lower() for n, _ in sent}
        for name in ("accept", "accept-encoding", "user-agent"):
            if name.encode() not in names and name in request.headers:
                del request.headers[name]
        try:
            response = await self.client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(type(exc).__name__) from exc
        except httpx.HTTPError as exc:
            raise UpstreamError(type(exc).__name__) from exc
        return _HttpxResponse(response)

    async def aclose(self) -> None:
        """Close the client when this object made it."""
        if self.owns:
            await self.client.aclose()


class _HttpxResponse:
    def __init__(self, response: Any) -> None:
        self.response = response
        self.status: int = response.status_code
        self.headers = [(n.lower(), v) for n, v in response.headers.raw]

    async def chunks(self) -> AsyncIterator[bytes]:
        import httpx

        try:
            async for chunk in self.response.aiter_raw():
                yield chunk
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(type(exc).__name__) from exc
        except httpx.HTTPError as exc:
            raise UpstreamError(type(exc).__name__) from exc

    async def aclose(self) -> None:
        await self.response.aclose()
