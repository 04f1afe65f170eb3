"""
Sending a request upstream: aiohttp's client by default, or a caller's httpx client.

The proxy's own cost per request is mostly its HTTP client's. Measured per request on
loopback (README, "Validating gateway"), aiohttp's client, whose HTTP parser is llhttp
in C, costs about a third of httpcore's and a quarter of httpx's CPU time; both of
those parse with h11 in Python under anyio. HTTP framing in a security component is left
to that parser: `AiohttpUpstream` only chooses what is sent and maps errors.

`HttpxUpstream` wraps a caller's ``httpx.AsyncClient`` (custom transports, HTTP/2, SOCKS
proxies, tests with ``httpx.MockTransport``) behind the same small interface.
"""

from __future__ import annotations

import re
import ssl
import urllib.request
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final, Protocol
from urllib.parse import urlsplit

from messages_schema.exceptions import ConfigError

if TYPE_CHECKING:
    import aiohttp
    import httpx
    import yarl

#: Headers a client sends that describe its own connection or request framing; the
#: request to the upstream gets its own.
_NOT_FORWARDED: Final = frozenset(
    {b"host", b"content-length", b"transfer-encoding", b"expect", b"connection",
     b"keep-alive", b"te", b"trailer", b"upgrade", b"proxy-connection"}
)
#: Headers HTTP clients add on their own; a proxy sends them only when its client did
#: (an ``Accept-Encoding`` the client never sent would bring it a body it cannot read).
_CLIENT_DEFAULTS: Final = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
#: Methods sent without a body when the client sent none.
_BODILESS: Final = frozenset({"GET", "HEAD", "DELETE", "OPTIONS", "TRACE"})
#: Proxy URL schemes aiohttp speaks.
_PROXY_SCHEMES: Final = ("http", "https")
#: Bytes a request target cannot carry as they are.
_UNSAFE_IN_TARGET: Final = re.compile(rb"[^\x21-\x22\x24-\x7e]")
#: Longest upstream header line accepted (aiohttp's default is 8 KiB).
_MAX_FIELD: Final = 64 * 1024


class UpstreamError(Exception):
    """The upstream did not give a (whole) answer; ``reason`` is safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UpstreamTimeout(UpstreamError):  # noqa: N818 - a kind of UpstreamError
    """The upstream sent nothing for the read timeout (or did not connect in time)."""


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


def env_proxy(url: str) -> str | None:
    """
    The proxy the environment names for *url*, as httpx reads it with ``trust_env``.

    ``HTTPS_PROXY`` / ``HTTP_PROXY`` by the upstream's scheme, else ``ALL_PROXY`` (either
    case); none when ``NO_PROXY`` covers the upstream's host.

    Raises:
        ConfigError: The proxy is not an ``http://`` or ``https://`` URL (aiohttp speaks
            no SOCKS: pass ``client=httpx.AsyncClient(...)`` for one).
    """
    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    host = parts.hostname or ""
    # The standard library's NO_PROXY matching (urllib's own), untyped in typeshed.
    bypass: Any = getattr(urllib.request, "proxy_bypass_environment")  # noqa: B009
    if not host or bypass(f"{host}:{parts.port}" if parts.port else host, proxies):
        return None
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy:
        return None
    if "://" not in proxy:  # HTTP_PROXY=host:port, as curl and httpx take it
        proxy = f"http://{proxy}"
    if urlsplit(proxy).scheme not in _PROXY_SCHEMES:
        msg = (
            f"the proxy for {parts.scheme} in the environment must be an http:// or https://"
            " URL; for another kind give make_proxy_app a client=httpx.AsyncClient(...)"
        )
        raise ConfigError(msg)
    return proxy


class AiohttpUpstream:
    """
    Requests to one upstream base URL through an ``aiohttp.ClientSession``.

    The session (made on first use, on the serving event loop) keeps connections alive
    without a limit on how many are open at once (a proxy must not queue a request
    behind long streams), sends no cookies, follows no redirect, decodes no
    content-coding and adds none of its default headers the client did not send. aiohttp
    replays a request whose pooled connection turned out to be closed only for
    idempotent methods (RFC 9112 §9.3.1); a ``POST`` is never sent twice, since the
    upstream may have acted on it. Connections whose close has already arrived are
    dropped before they are reused, and idle ones after 15 seconds.

    Args:
        url: ``http://`` or ``https://`` base URL; its path prefixes every request.
        timeout: Seconds to wait for the upstream's next bytes (the read timeout of every
            request, from the moment it is sent).
        connect_timeout: Seconds to wait for a connection (TCP and TLS).
        ssl_context: For ``https``; default: aiohttp's (the system's trust store).
        proxy: ``http(s)://`` proxy URL; default: the environment's (`env_proxy`).
        trust_env: Read the proxy from the environment when *proxy* is not given.

    Raises:
        ConfigError: aiohttp is not installed, or the environment's proxy is not an
            http(s) URL.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        connect_timeout: float = 10.0,
        ssl_context: ssl.SSLContext | None = None,
        proxy: str | None = None,
        trust_env: bool = True,
    ) -> None:
        try:
            import aiohttp  # noqa: F401 - fail at start-up, not on the first request
        except ImportError as exc:
            msg = (
                "the proxy's upstream client needs aiohttp: pip install"
                " 'messages-schema[serve]', or give make_proxy_app a client=httpx.AsyncClient"
            )
            raise ConfigError(msg) from exc
        import yarl

        parts = urlsplit(url)
        self.scheme = parts.scheme
        self.host = parts.hostname or ""
        self.port = parts.port
        self.base_path = parts.path.rstrip("/").encode()
        # Scheme, host (IDNA, IPv6 brackets) and port, as yarl writes them.
        self._origin = str(yarl.URL.build(scheme=self.scheme, host=self.host, port=self.port))
        self.timeout = timeout
        self.connect_timeout = min(connect_timeout, timeout)
        self.ssl_context = ssl_context
        self.proxy = proxy if proxy is not None or not trust_env else env_proxy(url)
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        import aiohttp

        connector = aiohttp.TCPConnector(
            limit=0, ssl=self.ssl_context if self.ssl_context is not None else True,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            trust_env=False,  # the proxy is chosen here; no ~/.netrc credentials upstream
            skip_auto_headers=_CLIENT_DEFAULTS,
            requote_redirect_url=False,
            max_field_size=_MAX_FIELD,
            timeout=aiohttp.ClientTimeout(
                total=None, connect=None, sock_connect=self.connect_timeout,
                sock_read=self.timeout,
            ),
        )
        return self._session

    async def send(
        self, method: str, target: bytes, headers: list[tuple[bytes, bytes]],
        body: bytes | AsyncIterator[bytes] | None,
    ) -> Response:
        """Send one request; return once the answer's head has arrived."""
        import aiohttp

        session = self._session or self._open()
        url = self.url_for(target)
        sent = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in _request_headers(
            headers, streamed=body is not None and not isinstance(body, bytes))]
        data: bytes | AsyncIterator[bytes] | None = body
        if body == b"" and method in _BODILESS:
            data = None
        try:
            response = await session.request(
                method, url, headers=sent, data=data, allow_redirects=False, proxy=self.proxy,
            )
        except TimeoutError as exc:  # aiohttp's timeouts are TimeoutErrors
            raise UpstreamTimeout(type(exc).__name__) from exc
        except (aiohttp.ClientError, ValueError) as exc:  # ValueError: a bad header value
            raise UpstreamError(type(exc).__name__) from exc
        return _AiohttpResponse(response)

    def url_for(self, target: bytes) -> yarl.URL:
        """The upstream URL for a request *target* (path and query), byte for byte."""
        import yarl

        # Taken as already encoded, yarl neither normalizes the path nor requotes it.
        return yarl.URL(self._origin + _safe_target(self.base_path + target).decode("ascii"),
                        encoded=True)

    async def aclose(self) -> None:
        """Close every pooled connection."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()


def _request_headers(
    headers: list[tuple[bytes, bytes]], *, streamed: bool
) -> list[tuple[bytes, bytes]]:
    # A body still arriving keeps the client's Content-Length (chunked without one);
    # a whole body gets its own length from the client library.
    return [
        (name, value)
        for name, value in headers
        if ((lower := name.lower()) not in _NOT_FORWARDED
            or (streamed and lower == b"content-length"))
        and b"\r" not in value and b"\n" not in value
    ]


def _safe_target(target: bytes) -> bytes:
    # A request line ends at a space or a line break, and a URL's path at '#': escape
    # any the path holds, so exactly this path is what the upstream receives.
    if _UNSAFE_IN_TARGET.search(target) is None:
        return target
    return _UNSAFE_IN_TARGET.sub(lambda m: b"%%%02X" % m[0][0], target)


class _AiohttpResponse:
    __slots__ = ("done", "headers", "response", "status")

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response
        self.status: int = response.status
        self.headers = [(n.lower(), v) for n, v in response.raw_headers]
        self.done = False

    async def chunks(self) -> AsyncIterator[bytes]:
        import aiohttp

        try:
            async for data in self.response.content.iter_any():
                yield data
        except TimeoutError as exc:
            raise UpstreamTimeout(type(exc).__name__) from exc
        except aiohttp.ClientError as exc:  # a cut body: ClientPayloadError and the like
            raise UpstreamError(type(exc).__name__) from exc
        self.done = True

    async def aclose(self) -> None:
        if self.done:
            self.response.release()  # read to the end: the connection goes back to the pool
        else:
            self.response.close()  # unread or cut: the connection cannot be reused


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
        sent = _request_headers(headers,
                                streamed=body is not None and not isinstance(body, bytes))
        request = self.client.build_request(method, url, headers=sent, content=body)
        # httpx adds its own defaults; a proxy must not (see `_CLIENT_DEFAULTS`).
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
