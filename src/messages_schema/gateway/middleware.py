"""
`ValidatingMiddleware`: answer the API's own error for request bodies the API would reject.

Pure ASGI 3 on the standard library and this package, so it wraps Starlette, FastAPI or
the bare proxy alike.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import pickle
import re
import time
from collections.abc import Callable, Iterable
from typing import Any, Final, Literal, TypeAlias

import attrs

from messages_schema.config import API_VERSIONS, LintConfig
from messages_schema.exceptions import ConfigError
from messages_schema.gateway import _encoding, _paths
from messages_schema.gateway._checks import Checker, CheckPool, Verdict
from messages_schema.gateway._errors import (
    API_BODY_LIMITS,
    ENCODING_INVALID,
    ENCODING_UNSUPPORTED,
    FINDINGS_HEADER,
    MISSING_VERSION_MESSAGE,
    TOO_LARGE_AFTER_DECODING,
    TOO_LARGE_MESSAGE,
    ASGIApp,
    Message,
    Receive,
    Scope,
    Send,
    http_date,
    invalid_version_message,
    json_line,
    send_error,
)
from messages_schema.gateway._log import RECORD_KEY, Record, emit

Mode: TypeAlias = Literal["enforce", "report", "normalize"]
Normalizer: TypeAlias = Callable[[Any], Any]

#: The modes `ValidatingMiddleware` runs in.
MODES: Final = ("enforce", "report", "normalize")

#: Largest decoded body checked on the event loop itself (a lint of this much takes
#: about a millisecond); larger bodies are checked in the thread pool, so streams
#: passing through the same gateway keep flowing.
INLINE_CHECK_BYTES: Final = 256 * 1024
#: Largest compressed body decoded on the event loop (its output is bounded by the
#: deflate ratio, about 1000:1, so a few MB at worst).
_INLINE_DECODE_BYTES: Final = 4 * 1024
#: An ``anthropic-version`` value's shape: a ``YYYY-MM-DD`` date.
_VERSION_SHAPE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ValidatingMiddleware:
    """
    ASGI middleware: answer the API's 400 for request bodies the API would reject.

    Validated routes are ``POST /v1/messages`` (kind ``request``),
    ``POST /v1/messages/count_tokens`` (kind ``count_tokens``) and
    ``POST /v1/messages/batches`` (``{"requests": [items]}``, each item checked as kind
    ``batch_request``, paths prefixed ``requests.N.``). A path is matched the way an
    HTTP stack routes it: ``//v1/messages``, ``/v1/messages/``, ``/v1/./messages``,
    ``/v1/%6Dessages`` and the like are the same route, and the wrapped app receives
    the canonical path, so what is forwarded is what was checked. The query string
    (``?beta=true``) is kept and never changes the route. Every other route, method
    and scope type (``lifespan``, ``websocket``) passes through untouched.

    For a validated request the middleware:

    1. answers 413 ``request_too_large`` when ``Content-Length`` or the bytes read so
       far exceed *max_body_bytes* (reading stops there);
    2. answers 400 when the ``anthropic-version`` header is missing or is not a
       ``YYYY-MM-DD`` date, in the API's words (``anthropic-version: header is
       required``, ``anthropic-version: "v2" is not a valid version``);
    3. decodes a ``Content-Encoding`` body (``gzip``, ``deflate``, ``br``, ``zstd``)
       with the size limit applied to the decoded bytes (a compression bomb is a 413,
       ``error.details.error_code`` ``request_body_too_large_after_decoding``); an
       encoding it cannot decode is answered 400 ``request_body_encoding_unsupported``
       and corrupt data 400 ``request_body_encoding_invalid``, as the API does;
    4. lints the body with a `Linter` for *config* plus the request's
       ``anthropic-beta`` values and its ``anthropic-version`` as
       `LintConfig.api_version` (one linter per distinct pair, cached), so beta-only
       fields pass exactly when the header unlocks them, and what a version removed
       (``VER``) is an error exactly under that version. A date this package does not
       know (`messages_schema.config.API_VERSIONS`) is checked by the newest version's
       rules and forwarded; without the header, *config*'s version applies. Bodies over
       `INLINE_CHECK_BYTES` are checked in a pool of *check_processes* worker
       processes, so the event loop (and every stream through it) keeps moving;
    5. in ``enforce`` mode answers 400 with the error the API reports first
       (structural findings before semantic ones, then by path, then code), in
       ``report`` mode forwards anyway, and in ``normalize`` mode forwards
       ``normalize_request(body)`` instead of the original bytes.

    Batches: the API rejects a batch at creation only for its shape (the envelope and
    each item's structure, ``SCH``) and for a ``custom_id`` used twice (``BATCH001``);
    an item that is well-formed but would fail is accepted and comes back ``errored``.
    The middleware does the same: those item findings are forwarded as warnings and
    listed in the findings header. *strict_batches* rejects them too.

    Accepted bodies reach *app* byte for byte (compressed ones still compressed).
    Responses to validated requests carry ``x-messages-schema-findings: CODE,...``
    (rule codes only) when there were findings. One JSON access log line per validated
    request goes to *logger*; it never holds a payload or a header value.

    Args:
        app: The ASGI application to protect.
        config: What to check; ``anthropic-beta`` values are added per request, and
            ``anthropic-version`` replaces ``api_version`` when the request has one.
        mode: ``enforce`` (reject), ``report`` (log and forward) or ``normalize``
            (reject errors, forward the normalized body).
        max_body_bytes: Largest body accepted on every route, compressed or decoded;
            ``None`` uses the API's own limits (32 MiB, 256 MiB for batches).
        logger: Where access log lines go (default ``messages_schema.gateway``).
        require_version: Answer 400 when ``anthropic-version`` is missing or not a date.
        normalizer: The function ``normalize`` mode applies (default
            `messages_schema.normalize.normalize_request`).
        strict_batches: Reject a batch for any item's error, not only for what the API
            rejects at creation.
        check_processes: Worker processes that check large bodies (at most this many
            at once); ``0`` checks them in a thread instead (the event loop then pauses
            while a huge body is parsed).

    Raises:
        ConfigError: An unknown *mode*, a non-positive *max_body_bytes*, a negative
            *check_processes*, or ``normalize`` mode without a normalizer available.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       Path normalisation, ``Content-Encoding`` bodies, checks off the event loop,
       *strict_batches* and *check_processes*; structural errors are reported first;
       each request is checked under its own ``anthropic-version``.
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
        check_processes: int = 1,
    ) -> None:
        if mode not in MODES:
            msg = f"mode must be one of {', '.join(MODES)}, not {mode!r}"
            raise ConfigError(msg)
        if max_body_bytes is not None and not _positive_int(max_body_bytes):
            msg = f"max_body_bytes must be a positive integer, not {max_body_bytes!r}"
            raise ConfigError(msg)
        if not (check_processes == 0 or _positive_int(check_processes)) or isinstance(
            check_processes, bool
        ):
            msg = f"check_processes must be 0 or a positive integer, not {check_processes!r}"
            raise ConfigError(msg)
        self.app = app
        self.config = config or LintConfig()
        self.mode: Mode = mode
        self.max_body_bytes = max_body_bytes
        self.logger = logger or logging.getLogger("messages_schema.gateway")
        self.require_version = require_version
        self.strict_batches = strict_batches
        self.check_processes = check_processes
        self.normalizer: Normalizer | None = None
        if mode == "normalize":
            self.normalizer = normalizer or _default_normalizer()
        self.checker = Checker(self.config, strict_batches=strict_batches)
        self._pool = (
            CheckPool(self.config, strict_batches=strict_batches, processes=check_processes)
            if check_processes else None
        )
        self._normalizer_pickles = self.normalizer is not None and _pickles(self.normalizer)
        #: Add a ``Date`` header to the gateway's own answers (the proxy sets it: its
        #: server adds none, so that the upstream's is not doubled).
        self.date_header = False
        # Compile the validators now, so the first request does not pay for them.
        self.checker.warm_up()

    # -- the ASGI door ----------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check validated routes; pass everything else to the wrapped app untouched."""
        route = _paths.match(scope) if scope["type"] == "http" else None
        if route is None:
            if scope["type"] == "lifespan" and self._pool is not None:
                receive = self._lifespan_receive(receive)
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        record = Record(method="POST", path=route.path)
        if route.rewritten:
            scope = _paths.rewrite(scope, route)
            record.extra["path_rewritten"] = True
        else:
            scope = {**scope}
        scope[RECORD_KEY] = record
        try:
            await self._handle(scope, receive, send, route.kind, record)
        finally:
            record.ms = round((time.perf_counter() - started) * 1000, 3)
            level = (
                logging.WARNING
                if (record.findings and self.mode == "report") or record.outcome != "complete"
                else logging.INFO
            )
            emit(self.logger, level, record.fields(self.mode))

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, kind: str, record: Record
    ) -> None:
        headers = _Headers.read(scope.get("headers") or ())
        limit = self.max_body_bytes or API_BODY_LIMITS[kind]

        if headers.content_length is not None and headers.content_length > limit:
            await self._reject(send, record, 413, "request_too_large", TOO_LARGE_MESSAGE,
                               decision="too_large")
            return
        api_version, judged = api_version_of(headers.version, self.config.api_version)
        if judged != "known":
            record.extra["anthropic_version"] = judged
        if self.require_version and judged in ("missing", "invalid") and self.mode != "report":
            message = (MISSING_VERSION_MESSAGE if headers.version is None
                       else invalid_version_message(headers.version))
            await self._reject(send, record, 400, "invalid_request_error", message,
                               decision="reject")
            return

        body = await _read_body(receive, limit)
        if body is _TOO_LARGE:
            await self._reject(send, record, 413, "request_too_large", TOO_LARGE_MESSAGE,
                               decision="too_large")
            return
        if body is _DISCONNECTED:
            record.decision, record.outcome = "disconnect", "client_disconnected"
            return
        assert isinstance(body, bytes)

        if headers.codings:
            record.extra["encoding"] = ",".join(headers.codings)[:64]
        record.api_version = api_version
        try:
            verdict = await self._verdict(body, headers.codings, limit, kind, headers.betas,
                                          api_version, record)
        except _encoding.DecodedTooLarge as exc:
            await self._reject(send, record, 413, "request_too_large", str(exc),
                               decision="too_large", error_code=TOO_LARGE_AFTER_DECODING)
            return
        except _encoding.EncodingError as exc:
            unsupported = isinstance(exc, _encoding.UnsupportedEncoding)
            if self.mode == "report":  # cannot check it; the API will answer
                record.extra["checked"] = False
                await self._forward(scope, receive, send, body, record=record)
                return
            await self._reject(
                send, record, 400, "invalid_request_error", str(exc),
                decision="unsupported_encoding" if unsupported else "invalid_encoding",
                error_code=ENCODING_UNSUPPORTED if unsupported else ENCODING_INVALID,
            )
            return
        record.codes, record.findings = verdict.codes, verdict.count
        if verdict.first_error is not None and self.mode != "report":
            await self._reject(send, record, 400, "invalid_request_error",
                               verdict.first_error[1], decision="reject")
            return
        if verdict.normalize_failed:
            self.logger.warning(json_line({"event": "normalize_failed", "path": kind}))
        if verdict.normalized is not None:
            record.decision = "normalize"
            await self._forward(_with_body(scope, len(verdict.normalized)), receive, send,
                                verdict.normalized, record=record)
            return
        await self._forward(scope, receive, send, body, record=record)

    def _lifespan_receive(self, receive: Receive) -> Receive:
        async def watched() -> Message:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start_workers()  # warm while the server starts, not on a request
            elif message["type"] == "lifespan.shutdown":
                self.close()
            return message

        return watched

    # -- checking ---------------------------------------------------------------------

    async def _verdict(
        self, body: bytes, codings: list[str], limit: int, kind: str, betas: tuple[str, ...],
        api_version: str, record: Record,
    ) -> Verdict:
        """Check *body* here when small, in a worker process (or thread) when large."""
        normalizer = self.normalizer if self.mode == "normalize" else None
        if codings and len(body) <= _INLINE_DECODE_BYTES:
            body, codings = _encoding.decode(body, codings, limit), []
        if not codings and len(body) <= INLINE_CHECK_BYTES:
            return self.checker.verdict(body, [], limit, kind, betas, normalizer, api_version)
        if self._pool is not None and (normalizer is None or self._normalizer_pickles):
            record.extra["checked_in"] = "process"
            return await self._pool.verdict(body, codings, limit, kind, betas, normalizer,
                                            api_version)
        record.extra["checked_in"] = "thread"
        return await asyncio.to_thread(self.checker.verdict, body, codings, limit, kind, betas,
                                       normalizer, api_version)

    def start_workers(self) -> None:
        """Start the checking processes now rather than on the first large body."""
        if self._pool is not None:
            self._pool.start()

    def close(self) -> None:
        """Stop the checking processes (they also stop at interpreter exit)."""
        if self._pool is not None:
            self._pool.close()

    def _linter_for(self, betas: Iterable[str], api_version: str | None = None) -> Any:
        # Kept for callers of 0.1.0; `Checker.linter_for` is the one used.
        return self.checker.linter_for(betas, api_version)

    @property
    def _linters(self) -> dict[tuple[frozenset[str], str], Any]:
        return self.checker._linters

    # -- answering --------------------------------------------------------------------

    async def _reject(
        self,
        send: Send,
        record: Record,
        status: int,
        error_type: str,
        message: str,
        *,
        decision: str,
        error_code: str | None = None,
    ) -> None:
        extra = [(FINDINGS_HEADER, ",".join(record.codes).encode())] if record.codes else []
        if self.date_header:
            extra.append((b"date", http_date()))
        record.status, record.decision = status, decision
        record.request_id = await send_error(send, status, error_type, message,
                                             error_code=error_code, extra_headers=extra)
        record.responded = True

    async def _forward(
        self, scope: Scope, receive: Receive, send: Send, body: bytes, *, record: Record
    ) -> None:
        header = ",".join(record.codes).encode()
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            message = await receive()  # after the body: http.disconnect, as the server says
            if message["type"] == "http.disconnect" and not record.responded:
                record.outcome = "client_disconnected"
            return message

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message.get("status")
                if header:
                    message = dict(message)
                    message["headers"] = [*message.get("headers", ()), (FINDINGS_HEADER, header)]
            elif not message.get("more_body", False):
                record.responded = True
            await send(message)

        await self.app(scope, replay, send_wrapper)


# -- helpers ---------------------------------------------------------------------------


def _pickles(func: Any) -> bool:
    try:
        pickle.dumps(func)
    except Exception:  # lambdas, closures: checked in a thread instead
        return False
    return True


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


@attrs.frozen
class _Headers:
    """The request headers the middleware reads; never logged."""

    content_length: int | None
    #: The ``anthropic-version`` value (repeats joined by ``", "``; ``None``: none).
    version: str | None
    betas: tuple[str, ...]
    codings: list[str]

    @classmethod
    def read(cls, raw: Iterable[tuple[bytes, bytes]]) -> _Headers:
        length: int | None = None
        versions: list[str] = []
        betas: list[str] = []
        encodings: list[bytes] = []
        for name, value in raw:
            lower = name.lower()
            if lower == b"content-length" and length is None:
                try:
                    length = int(value)
                except ValueError:
                    length = None
            elif lower == b"anthropic-version":
                if text := value.decode("latin-1").strip():
                    versions.append(text)
            elif lower == b"anthropic-beta":
                # Comma-joined (API inventory §0.1), possibly repeated.
                betas.extend(
                    part.strip() for part in value.decode("latin-1").split(",") if part.strip()
                )
            elif lower == b"content-encoding":
                encodings.append(value)
        codings = _encoding.tokens(encodings) if encodings else []
        # A repeated header reaches the API joined, and the joined value is judged
        # (`"2023-06-01, 2023-06-01" is not a valid version`, decolua/9router#1227).
        version = ", ".join(versions) if versions else None
        return cls(length, version, tuple(dict.fromkeys(betas)), codings)


def api_version_of(value: str | None, default: str) -> tuple[str, str]:
    """
    The API version to check a request with, and what its header value was.

    Returns ``(version, judged)``: *judged* is ``"known"`` (one of
    `messages_schema.config.API_VERSIONS`, checked as itself), ``"unknown"`` (a
    well-formed date this package does not know: checked by the newest version's rules,
    the upstream judges it), ``"missing"`` or ``"invalid"`` (not a ``YYYY-MM-DD`` date,
    which the API answers with a 400); those two are checked as *default*.
    """
    if value is None:
        return default, "missing"
    if value in API_VERSIONS:
        return value, "known"
    if _VERSION_SHAPE.fullmatch(value) is None:
        return default, "invalid"
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return default, "invalid"
    return API_VERSIONS[-1], "unknown"


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


def _with_body(scope: Scope, length: int) -> Scope:
    """*scope* for a rewritten, uncompressed body of *length* bytes."""
    headers = [
        (name, value)
        for name, value in scope.get("headers") or ()
        if name.lower() not in (b"content-length", b"transfer-encoding", b"content-encoding")
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
