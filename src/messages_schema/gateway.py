"""
A validating gateway for the Messages API: an ASGI middleware and a streaming proxy.

`ValidatingMiddleware` is pure ASGI 3 and needs only the standard library and this
package, so it wraps Starlette, FastAPI or the bare proxy alike. It checks the bodies of
``POST /v1/messages``, ``POST /v1/messages/count_tokens`` and ``POST
/v1/messages/batches`` and answers the ones the API would reject with the API's own
error envelope (API inventory §10)::

    {"type": "error",
     "error": {"type": "invalid_request_error", "message": "max_tokens: Field required"},
     "request_id": "req_gw_..."}

so clients' error handling applies unchanged. Accepted bodies are forwarded byte for
byte. `make_proxy_app` puts the middleware in front of a streaming reverse proxy
(the optional ``serve`` extra: httpx and uvicorn); ``messages-schema serve`` runs it.

Neither ever logs a payload or a credential header: the access log holds the method,
path, status, duration, mode, decision and finding codes only.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, MutableMapping
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import attrs
import orjson

from messages_schema import _jsonio
from messages_schema.config import LintConfig
from messages_schema.exceptions import ConfigError
from messages_schema.findings import Finding, Severity
from messages_schema.linter import Linter

if TYPE_CHECKING:
    import httpx

__all__ = ["ValidatingMiddleware", "make_proxy_app"]

Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
ASGIApp: TypeAlias = Callable[[Scope, Receive, Send], Awaitable[None]]
Mode: TypeAlias = Literal["enforce", "report", "normalize"]
Normalizer: TypeAlias = Callable[[Any], Any]

#: The modes `ValidatingMiddleware` runs in.
MODES: Final = ("enforce", "report", "normalize")

#: What the body of each validated ``POST`` route is.
ROUTES: Final[dict[str, str]] = {
    "/v1/messages": "request",
    "/v1/messages/count_tokens": "count_tokens",
    "/v1/messages/batches": "batches",
}

#: The API's request size limits: 32 MB for the Messages API, 256 MB for Message
#: Batches (anthropics/anthropic-sdk-python#938, maintainer comment 2026-08-05). Read
#: as MiB so the gateway never refuses a body the API takes.
API_BODY_LIMITS: Final[dict[str, int]] = {
    "request": 32 * 1024 * 1024,
    "count_tokens": 32 * 1024 * 1024,
    "batches": 256 * 1024 * 1024,
}

#: Response header listing the codes of the findings on a validated request.
FINDINGS_HEADER: Final = b"x-messages-schema-findings"

#: The API's text for a missing version header: ``anthropic-version: header is required``
#: (envoyproxy/ai-gateway#1909, 2026-03-02, with a ``request_id``;
#: PipedreamHQ/pipedream#9697, 2024-01-04; yrvelez/claudeR#1, 2023-12-28), HTTP 400
#: ``invalid_request_error``.
MISSING_VERSION_MESSAGE: Final = "anthropic-version: header is required"

#: The API's 413 text (anthropics/anthropic-sdk-python#938, 2025-04-14;
#: anthropics/claude-code#14567, 2025-12-19), error type ``request_too_large``.
TOO_LARGE_MESSAGE: Final = "Request exceeds the maximum size"

#: The API's prefix for an undecodable body (anthropics/claude-code#6508, 2025-08-25).
INVALID_JSON_PREFIX: Final = "The request body is not valid JSON: "

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

#: Headers httpx adds to every request; dropped again unless the client sent them.
_CLIENT_DEFAULT_HEADERS: Final = (b"accept", b"accept-encoding", b"user-agent")

#: Most distinct ``anthropic-beta`` sets whose `Linter` is kept.
_LINTER_CACHE_SIZE: Final = 128
#: Largest response checked on the event loop itself; bigger ones go to a thread.
_INLINE_CHECK_BYTES: Final = 64 * 1024
#: Most bytes of a response body kept aside for report-only response checks.
_RESPONSE_TAP_LIMIT: Final = 64 * 1024 * 1024


@attrs.frozen
class Problem:
    """
    One reason to reject a request, in the API's terms.

    Attributes:
        code: A rule code (``SCH002``) or, for checks the gateway makes itself, a
            kebab-case label (``missing-anthropic-version``, ``duplicate-custom-id``).
        api_path: The API's dotted path, or ``""`` when the API's message has none.
        text: The message after the path: the API's verbatim text when known.
        severity: How bad it is; only errors reject.
        order: Sort key: path segments (indices numerically), then code.
    """

    code: str
    api_path: str
    text: str
    severity: Severity = Severity.ERROR
    order: tuple[Any, ...] = ()

    @property
    def message(self) -> str:
        """The envelope's ``error.message``: ``"<api_path>: <text>"``, or bare *text*."""
        if not self.api_path or self.text.startswith(f"{self.api_path}: "):
            return self.text
        return f"{self.api_path}: {self.text}"

    @classmethod
    def from_finding(cls, finding: Finding, *, prefix: tuple[Any, ...] = ()) -> Problem:
        """Wrap *finding*, preferring its verbatim `Finding.api_error`; *prefix* is a path."""
        api_path = finding.api_path
        if prefix:
            head = ".".join(str(s) for s in prefix)
            api_path = f"{head}.{api_path}" if api_path else head
        return cls(
            code=finding.code,
            api_path=api_path,
            text=finding.api_error or finding.message,
            severity=finding.severity,
            order=_order((*prefix, *finding.path), finding.code),
        )


def _order(path: Iterable[Any], code: str) -> tuple[Any, ...]:
    # Same ordering as Finding.sort_key: indices numerically, keys by name, then code.
    return (tuple((0, f"{s:020d}") if isinstance(s, int) else (1, str(s)) for s in path), code)


def error_envelope(error_type: str, message: str, request_id: str | None) -> bytes:
    """Return the API's error envelope as JSON bytes (API inventory §10)."""
    envelope: dict[str, Any] = {"type": "error", "error": {"type": error_type, "message": message}}
    if request_id is not None:
        envelope["request_id"] = request_id
    return orjson.dumps(envelope)


def new_request_id() -> str:
    """
    Return an id for a response the gateway makes itself.

    The API's ids look like ``req_011CX24paaNdfCaRyUMhnjB5``; ``req_gw_`` marks the
    gateway as the author, so support tickets never chase a request the API never saw.
    """
    return f"req_gw_{secrets.token_hex(12)}"


class ValidatingMiddleware:
    """
    ASGI middleware: answer the API's 400 for request bodies the API would reject.

    Validated routes are ``POST /v1/messages`` (kind ``request``),
    ``POST /v1/messages/count_tokens`` (kind ``count_tokens``) and
    ``POST /v1/messages/batches`` (``{"requests": [items]}``, each item checked as kind
    ``batch_request``, paths prefixed ``requests.N.``; duplicate ``custom_id`` values are
    reported too). Every other route, method and scope type (``lifespan``,
    ``websocket``) passes through untouched.

    For a validated request the middleware:

    1. answers 413 ``request_too_large`` when ``Content-Length`` or the bytes read so
       far exceed *max_body_bytes* (reading stops there);
    2. answers 400 when the ``anthropic-version`` header is missing, as the API does;
    3. lints the body with a `Linter` for *config* plus the request's
       ``anthropic-beta`` values (one linter per distinct set, cached), so beta-only
       fields pass exactly when the header unlocks them;
    4. in ``enforce`` mode answers 400 with the first error finding (sorted by path,
       then code), in ``report`` mode forwards anyway, and in ``normalize`` mode
       forwards ``normalize_request(body)`` instead of the original bytes.

    Accepted bodies reach *app* byte for byte. Responses to validated requests carry
    ``x-messages-schema-findings: CODE,...`` when there were findings. One JSON access
    log line per validated request goes to *logger*; it never holds a payload or a
    header value.

    Args:
        app: The ASGI application to protect.
        config: What to check; ``anthropic-beta`` values are added per request.
        mode: ``enforce`` (reject), ``report`` (log and forward) or ``normalize``
            (reject errors, forward the normalized body).
        max_body_bytes: Largest body accepted on every route; ``None`` uses the
            API's own limits (32 MiB, 256 MiB for batches).
        logger: Where access log lines go (default ``messages_schema.gateway``).
        require_version: Answer 400 when ``anthropic-version`` is missing.
        normalizer: The function ``normalize`` mode applies (default
            `messages_schema.normalize.normalize_request`).

    Raises:
        ConfigError: An unknown *mode*, a non-positive *max_body_bytes*, or
            ``normalize`` mode without a normalizer available.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        config: LintConfig | None = None,
        mode: Mode = "enforce",
        max_body_bytes: int | None = None,
        logger: logging.Logger | None = None,
        require_version: bool = True,
        normalizer: Normalizer | None = None,
        strict_batches: bool = False,
    ) -> None:
        if mode not in MODES:
            msg = f"mode must be one of {', '.join(MODES)}, not {mode!r}"
            raise ConfigError(msg)
        if max_body_bytes is not None and (
            isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int)
            or max_body_bytes <= 0
        ):
            msg = f"max_body_bytes must be a positive integer, not {max_body_bytes!r}"
            raise ConfigError(msg)
        self.app = app
        self.config = config or LintConfig()
        self.mode: Mode = mode
        self.max_body_bytes = max_body_bytes
        self.logger = logger or logging.getLogger("messages_schema.gateway")
        self.require_version = require_version
        #: Reject a batch for any item's error, not only for the structural ones the
        #: API itself rejects at creation (see `_batch_problems`).
        self.strict_batches = strict_batches
        self.normalizer: Normalizer | None = None
        if mode == "normalize":
            self.normalizer = normalizer or _default_normalizer()
        self._linters: dict[frozenset[str], Linter] = {}
        # Build the header-less linter and compile the validators now, so the first
        # request does not pay a third of a second for them.
        linter = self._linter_for(())
        sample: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": "."}]}
        linter.lint(sample, kind="count_tokens")
        linter.lint({**sample, "max_tokens": 1}, kind="request")
        linter.lint({"custom_id": "c", "params": {**sample, "max_tokens": 1}},
                    kind="batch_request")

    # -- the ASGI door ----------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check validated routes; pass everything else to the wrapped app untouched."""
        kind = _route_kind(scope)
        if kind is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        record = _Record(method=str(scope["method"]), path=str(scope.get("path", "")))
        try:
            await self._handle(scope, receive, send, kind, record)
        finally:
            record.ms = round((time.perf_counter() - started) * 1000, 3)
            self._log(record)

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, kind: str, record: _Record
    ) -> None:
        headers = _Headers.read(scope.get("headers") or ())
        limit = self.max_body_bytes or API_BODY_LIMITS[kind]

        if headers.content_length is not None and headers.content_length > limit:
            await self._reject(send, record, 413, "request_too_large", TOO_LARGE_MESSAGE,
                               decision="too_large")
            return
        if self.require_version and not headers.version and self.mode != "report":
            record.codes, record.findings = ["missing-anthropic-version"], 1
            await self._reject(send, record, 400, "invalid_request_error",
                               MISSING_VERSION_MESSAGE, decision="reject")
            return

        body = await _read_body(receive, limit)
        if body is _TOO_LARGE:
            await self._reject(send, record, 413, "request_too_large", TOO_LARGE_MESSAGE,
                               decision="too_large")
            return
        if body is _DISCONNECTED:
            record.decision = "disconnect"
            return
        assert isinstance(body, bytes)

        if headers.encoded:
            # A compressed body cannot be judged here; the API decides (API inventory
            # §10 lists request_body_encoding_* codes). Never reject what we cannot read.
            record.decision = "skip"
            await self._forward(scope, receive, send, body, record=record, codes=())
            return

        problems, value = self._check(body, kind, headers.betas)
        if self.require_version and not headers.version:  # report mode only, see above
            problems.insert(0, Problem("missing-anthropic-version", "", MISSING_VERSION_MESSAGE))
        record.codes = list(dict.fromkeys(p.code for p in problems))
        record.findings = len(problems)
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if errors and self.mode != "report":
            await self._reject(send, record, 400, "invalid_request_error", errors[0].message,
                               decision="reject")
            return

        if self.mode == "normalize" and value is not None:
            rewritten = self._normalize(value, kind)
            if rewritten is not None:
                record.decision = "normalize"
                await self._forward(
                    _with_body_length(scope, len(rewritten)), receive, send, rewritten,
                    record=record, codes=record.codes,
                )
                return
        record.decision = "forward"
        await self._forward(scope, receive, send, body, record=record, codes=record.codes)

    # -- checking ---------------------------------------------------------------------

    def _linter_for(self, betas: Iterable[str]) -> Linter:
        key = frozenset(betas)
        linter = self._linters.get(key)
        if linter is None:
            config = self.config
            if key - set(config.betas):
                config = attrs.evolve(config, betas=(*config.betas, *sorted(key)))
            linter = Linter(config)
            if len(self._linters) >= _LINTER_CACHE_SIZE:  # random headers must not grow it
                self._linters.pop(next(iter(self._linters)))
            self._linters[key] = linter
        return linter

    def _check(
        self, body: bytes, kind: str, betas: tuple[str, ...]
    ) -> tuple[list[Problem], Any]:
        """Return the problems of *body* sorted by path then code, and the decoded value."""
        try:
            value = _jsonio.decode(body)
        except _jsonio.InvalidJSON as exc:
            detail = str(exc).removeprefix("Invalid JSON: ")
            return [Problem("SCH000", "", INVALID_JSON_PREFIX + detail)], None
        linter = self._linter_for(betas)
        if kind != "batches":
            return [Problem.from_finding(f) for f in linter.lint(value, kind=kind)], value
        problems = _batch_problems(linter, value, strict=self.strict_batches)
        return sorted(problems, key=lambda p: p.order), value

    def _normalize(self, value: Any, kind: str) -> bytes | None:
        assert self.normalizer is not None
        try:
            if kind == "batches":
                rewritten = {
                    **value,
                    "requests": [
                        {**item, "params": self.normalizer(item["params"])}
                        for item in value["requests"]
                    ],
                }
            else:
                rewritten = self.normalizer(value)
        except Exception:  # a normalizer bug must not drop the request
            self.logger.warning(
                _json_line({"event": "normalize_failed", "path": kind}), extra={}
            )
            return None
        return orjson.dumps(rewritten)

    # -- answering --------------------------------------------------------------------

    async def _reject(
        self,
        send: Send,
        record: _Record,
        status: int,
        error_type: str,
        message: str,
        *,
        decision: str,
    ) -> None:
        request_id = new_request_id()
        payload = error_envelope(error_type, message, request_id)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            (b"request-id", request_id.encode()),
        ]
        if record.codes:
            headers.append((FINDINGS_HEADER, ",".join(record.codes).encode()))
        record.status, record.decision, record.request_id = status, decision, request_id
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload, "more_body": False})

    async def _forward(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        body: bytes,
        *,
        record: _Record,
        codes: Iterable[str],
    ) -> None:
        header = ",".join(codes).encode()
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: http.disconnect, as the server says

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message.get("status")
                if header:
                    message = dict(message)
                    message["headers"] = [*message.get("headers", ()), (FINDINGS_HEADER, header)]
            await send(message)

        await self.app(scope, replay, send_wrapper)

    def _log(self, record: _Record) -> None:
        fields = {
            "event": "request",
            "method": record.method,
            "path": record.path,
            "status": record.status,
            "ms": record.ms,
            "mode": self.mode,
            "decision": record.decision,
            "findings": record.findings,
            "codes": record.codes,
        }
        if record.request_id is not None:
            fields["request_id"] = record.request_id
        level = logging.WARNING if record.findings and self.mode == "report" else logging.INFO
        self.logger.log(level, _json_line(fields), extra={"gateway": fields})


# -- helpers ---------------------------------------------------------------------------


@attrs.define
class _Record:
    """What the access log line says about one request."""

    method: str
    path: str
    status: int | None = None
    ms: float = 0.0
    decision: str = "forward"
    findings: int = 0
    codes: list[str] = attrs.Factory(list)
    request_id: str | None = None


@attrs.frozen
class _Headers:
    """The request headers the middleware reads; never logged."""

    content_length: int | None
    version: bool
    betas: tuple[str, ...]
    encoded: bool

    @classmethod
    def read(cls, raw: Iterable[tuple[bytes, bytes]]) -> _Headers:
        length: int | None = None
        version = False
        betas: list[str] = []
        encoded = False
        for name, value in raw:
            lower = name.lower()
            if lower == b"content-length" and length is None:
                try:
                    length = int(value)
                except ValueError:
                    length = None
            elif lower == b"anthropic-version":
                version = version or bool(value.strip())
            elif lower == b"anthropic-beta":
                # Comma-joined (API inventory §0.1), possibly repeated.
                betas.extend(
                    part.strip() for part in value.decode("latin-1").split(",") if part.strip()
                )
            elif lower == b"content-encoding":
                encoded = encoded or value.strip().lower() not in (b"", b"identity")
        return cls(length, version, tuple(dict.fromkeys(betas)), encoded)


def _route_kind(scope: Scope) -> str | None:
    if scope.get("type") != "http" or scope.get("method") != "POST":
        return None
    path = str(scope.get("path", ""))
    root = str(scope.get("root_path") or "")
    if root and path.startswith(root):  # Starlette >= 0.33 keeps the mount in ``path``
        path = path[len(root) :] or "/"
    return ROUTES.get(path)


_TOO_LARGE: Final = object()
_DISCONNECTED: Final = object()


async def _read_body(receive: Receive, limit: int) -> bytes | object:
    """Read the whole body, or stop as soon as it exceeds *limit* bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return _DISCONNECTED
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                return _TOO_LARGE
            chunks.append(bytes(chunk))
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _batch_problems(linter: Linter, value: Any, *, strict: bool = False) -> Iterable[Problem]:
    """
    Check a ``POST /v1/messages/batches`` body: the envelope, each item, unique ids.

    The API validates the batch body's *shape* when the batch is created, items'
    ``params`` included: an invalid ``custom_id`` (anthropics/anthropic-sdk-python#984)
    or an unknown key in ``params`` (anthropic-sdk-python#1152) rejects the whole batch.
    Other problems of an item (an image that does not match its media type, unpaired
    tool results...) do not: the batch is accepted and that item comes back as an
    ``errored`` result (anthropics/anthropic-sdk-typescript#682). So only ``SCH``
    findings of items reject here; the others are reported as warnings, unless
    *strict*.

    The envelope messages are pydantic's, as the API's own are
    (``requests.0.custom_id: String should have at most 64 characters``,
    anthropics/anthropic-sdk-python#984, 2025-06-24).
    """
    if not isinstance(value, dict):
        yield Problem(
            "SCH003", "", "Input should be a valid dictionary", order=_order((), "SCH003")
        )
        return
    for key in value:
        if key != "requests":
            yield Problem("SCH002", key, "Extra inputs are not permitted",
                          order=_order((key,), "SCH002"))
    items = value.get("requests")
    if "requests" not in value:
        yield Problem("SCH001", "requests", "Field required", order=_order(("requests",), "SCH001"))
        return
    if not isinstance(items, list):
        yield Problem("SCH003", "requests", "Input should be a valid list",
                      order=_order(("requests",), "SCH003"))
        return
    first_use: dict[str, int] = {}
    for i, item in enumerate(items):
        for finding in linter.lint(item, kind="batch_request"):
            # Semantic findings carry the path an errored result reports, relative to
            # `params` (anthropic-sdk-typescript#682); put them back under it here.
            inside = not finding.code.startswith("SCH") and finding.path[:1] == ("params",)
            head: tuple[Any, ...] = ("requests", i, "params") if inside else ("requests", i)
            problem = Problem.from_finding(finding, prefix=head)
            if not strict and problem.severity is Severity.ERROR and not finding.code.startswith(
                "SCH"
            ):
                problem = attrs.evolve(problem, severity=Severity.WARNING)
            yield problem
        custom_id = item.get("custom_id") if isinstance(item, dict) else None
        if not isinstance(custom_id, str):
            continue
        if custom_id in first_use:
            # Documented as "Must be unique for each request within the Message Batch"
            # (tryAGI/Anthropic#67 quoting the OpenAPI spec); the API's text is unknown.
            yield Problem(
                "duplicate-custom-id",
                f"requests.{i}.custom_id",
                f"custom_id `{custom_id}` is already used by requests.{first_use[custom_id]};"
                " each custom_id must be unique within the Message Batch",
                order=_order(("requests", i, "custom_id"), "duplicate-custom-id"),
            )
        else:
            first_use[custom_id] = i


def _with_body_length(scope: Scope, length: int) -> Scope:
    headers = [
        (name, value)
        for name, value in scope.get("headers") or ()
        if name.lower() not in (b"content-length", b"transfer-encoding")
    ]
    headers.append((b"content-length", str(length).encode()))
    return {**scope, "headers": headers}


def _default_normalizer() -> Normalizer:
    try:
        from messages_schema.normalize import normalize_request
    except ImportError as exc:
        msg = (
            "mode='normalize' needs messages_schema.normalize.normalize_request, which"
            f" could not be imported ({exc}); pass normalizer=... or use another mode"
        )
        raise ConfigError(msg) from exc
    func: Normalizer = normalize_request
    return func


def _json_line(fields: dict[str, Any]) -> str:
    return orjson.dumps(fields).decode()


# -- the proxy -------------------------------------------------------------------------


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
) -> ASGIApp:
    """
    Return an ASGI reverse proxy to *upstream* with `ValidatingMiddleware` in front.

    The proxy forwards the method, path, query, headers (hop-by-hop headers dropped,
    ``Host`` set for the upstream) and body, and streams the upstream's answer back
    unbuffered: status, headers and body unchanged, server-sent events chunk by chunk.
    With *check_responses*, ``/v1/messages`` answers are also linted, report-only:
    JSON bodies as kind ``response`` (or ``error``), event streams as kind ``stream``,
    from a copy taken while the chunks pass; findings are logged, never acted on.

    Args:
        upstream: Base URL, such as ``https://api.anthropic.com``.
        client: An ``httpx.AsyncClient`` to send with (the caller closes it); by
            default the proxy makes one and closes it at lifespan shutdown.
        config: What to check, passed to `ValidatingMiddleware`.
        max_body_bytes: Passed to `ValidatingMiddleware`.
        mode: The middleware's mode; ``None`` forwards without checking requests.
        check_responses: Lint upstream answers (report-only).
        logger: Where log lines go (default ``messages_schema.gateway``).
        timeout: Seconds to wait for the upstream's next bytes.

    Raises:
        ConfigError: The ``serve`` extra (httpx) is not installed, or *upstream* is
            not an http(s) URL.

    .. versionadded:: 0.1.0
    """
    try:
        import httpx
    except ImportError as exc:  # pragma: no cover - exercised through the CLI
        msg = "make_proxy_app needs the serve extra: pip install 'messages-schema[serve]'"
        raise ConfigError(msg) from exc
    if not upstream.startswith(("http://", "https://")):
        msg = f"upstream must be an http:// or https:// URL, not {upstream!r}"
        raise ConfigError(msg)
    forwarder = _Forwarder(
        httpx.URL(upstream),
        client=client,
        timeout=timeout,
        check_responses=check_responses,
        config=config or LintConfig(),
        logger=logger or logging.getLogger("messages_schema.gateway"),
    )
    if mode is None:
        return forwarder
    return ValidatingMiddleware(
        forwarder, config=config, mode=mode, max_body_bytes=max_body_bytes, logger=logger
    )


class _Forwarder:
    """The bare streaming reverse proxy behind `make_proxy_app`."""

    def __init__(
        self,
        upstream: httpx.URL,
        *,
        client: httpx.AsyncClient | None,
        timeout: float,
        check_responses: bool,
        config: LintConfig,
        logger: logging.Logger,
    ) -> None:
        import httpx

        self.upstream = upstream
        self._owns_client = client is None
        self.client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx.Limits(max_connections=1000, max_keepalive_connections=100),
            follow_redirects=False,
        )
        self.check_responses = check_responses
        self.linter = Linter(config)
        self.logger = logger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
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
                if self._owns_client:
                    await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _url(self, scope: Scope) -> httpx.URL:
        base = self.upstream.raw_path.split(b"?")[0].rstrip(b"/")
        raw_path: bytes = scope.get("raw_path") or str(scope["path"]).encode()
        raw_path = raw_path.split(b"?")[0]
        query: bytes = scope.get("query_string") or b""
        target = base + raw_path + (b"?" + query if query else b"")
        return self.upstream.copy_with(raw_path=target)

    async def _proxy(self, scope: Scope, receive: Receive, send: Send) -> None:
        import anyio
        import httpx

        headers = _forward_headers(scope.get("headers") or ())
        method = str(scope["method"])
        body_done = anyio.Event()
        client_gone = False

        async def body() -> AsyncIterator[bytes]:
            nonlocal client_gone
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    client_gone = True  # the upstream sees a short body and gives up
                    body_done.set()
                    return
                chunk = message.get("body", b"")
                if chunk:
                    yield bytes(chunk)
                if not message.get("more_body", False):
                    body_done.set()
                    return

        has_body = method not in ("GET", "HEAD", "OPTIONS", "DELETE") or any(
            n in {b"content-length", b"transfer-encoding"} for n, _ in headers
        )
        request = self.client.build_request(
            method, self._url(scope), headers=headers, content=body() if has_body else None
        )
        # httpx adds its own defaults; a proxy must not (an Accept-Encoding the client
        # never sent would hand it a compressed body it cannot read).
        sent_names = {name.lower() for name, _ in headers}
        for name in _CLIENT_DEFAULT_HEADERS:
            if name not in sent_names and name.decode() in request.headers:
                del request.headers[name.decode()]
        if not has_body:
            body_done.set()
        try:
            response = await self.client.send(request, stream=True)
        except httpx.HTTPError as exc:
            if client_gone:
                return
            if isinstance(exc, httpx.TimeoutException):
                await _send_gateway_error(send, 504, "timeout_error", "The upstream timed out")
                self._log_upstream_failure(scope, "timeout")
                return
            await _send_gateway_error(send, 502, "api_error", "The upstream is unavailable")
            self._log_upstream_failure(scope, type(exc).__name__)
            return
        if client_gone:
            await response.aclose()
            return
        tap = self._tap(scope, response)
        try:
            async with anyio.create_task_group() as group:
                disconnected = False

                async def watch() -> None:
                    nonlocal disconnected
                    await body_done.wait()
                    while True:
                        message = await receive()
                        if message["type"] == "http.disconnect":
                            disconnected = True
                            group.cancel_scope.cancel()
                            return

                group.start_soon(watch)
                await send(
                    {
                        "type": "http.response.start",
                        "status": response.status_code,
                        "headers": _response_headers(response.headers.raw),
                    }
                )
                async for chunk in response.aiter_raw():
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    if tap is not None:
                        tap.feed(chunk)
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                group.cancel_scope.cancel()
        finally:
            await response.aclose()
        if tap is not None:
            # A client may hang up as soon as it has read ``message_stop``; what passed
            # is still worth checking, and the log line says it was cut short.
            await self._report(scope, response.status_code, tap, disconnected=disconnected)

    def _tap(self, scope: Scope, response: httpx.Response) -> _Tap | None:
        if not self.check_responses or _route_kind(scope) != "request":
            return None
        if response.headers.get("content-encoding", "identity").lower() != "identity":
            return None
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "text/event-stream" and response.status_code == 200:
            try:
                return _Tap("stream")
            except ImportError:  # messages_schema.stream unavailable: no stream checks
                return None
        if content_type == "application/json":
            return _Tap("response" if response.status_code == 200 else "error")
        return None

    async def _report(
        self, scope: Scope, status: int, tap: _Tap, *, disconnected: bool = False
    ) -> None:
        import anyio.to_thread

        if tap.size <= _INLINE_CHECK_BYTES:  # cheaper than a thread hop
            findings = tap.findings(self.linter)
        else:  # do not hold the event loop (other streams) for a long lint
            findings = await anyio.to_thread.run_sync(tap.findings, self.linter)
        fields: dict[str, Any] = {
            "event": "response",
            "path": str(scope.get("path", "")),
            "status": status,
            "kind": tap.kind,
            "checked": not tap.truncated,
            "client_disconnected": disconnected,
            "findings": len(findings),
            "codes": list(dict.fromkeys(f.code for f in findings)),
        }
        level = logging.WARNING if findings else logging.INFO
        self.logger.log(level, _json_line(fields), extra={"gateway": fields})

    def _log_upstream_failure(self, scope: Scope, reason: str) -> None:
        fields = {"event": "upstream_error", "path": str(scope.get("path", "")), "reason": reason}
        self.logger.error(_json_line(fields), extra={"gateway": fields})


class _Tap:
    """
    A side copy of a response for report-only checks; the client's stream is not held.

    Event streams go through `messages_schema.stream.SSEDecoder` chunk by chunk as they
    pass, and the decoded events are checked when the stream ends; JSON bodies are
    checked whole at their end. Past *_RESPONSE_TAP_LIMIT* bytes the copy is dropped.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._chunks: list[bytes] = []
        self._events: list[Any] = []
        self.size = 0
        self.truncated = False
        self._decoder: Any = None
        if kind == "stream":
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

    def findings(self, linter: Linter) -> list[Finding]:
        if self.truncated:
            return []
        if self._decoder is not None:
            from messages_schema.stream import stream_findings

            self._events.extend(self._decoder.close())
            return sorted(stream_findings(self._events, linter=linter), key=Finding.sort_key)
        return linter.lint(b"".join(self._chunks), kind=self.kind)


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
        and lower != b"host"  # httpx sets Host for the upstream
    ]


def _response_headers(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    raw = list(raw)
    named = _connection_tokens(raw)
    return [
        (name.lower(), value)
        for name, value in raw
        if (lower := name.lower()) not in HOP_BY_HOP
        and lower not in named
        and not lower.startswith(b"proxy-")
    ]


async def _send_gateway_error(send: Send, status: int, error_type: str, message: str) -> None:
    request_id = new_request_id()
    payload = error_envelope(error_type, message, request_id)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"request-id", request_id.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload, "more_body": False})
