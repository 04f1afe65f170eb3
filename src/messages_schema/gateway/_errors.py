"""
What the gateway answers itself: the API's error envelope, its texts and limits, `Problem`.

Every answer the gateway makes instead of the API has the API's shape (API inventory
§10), so a client's error handling applies unchanged, and a ``req_gw_`` request id, so
support tickets never chase a request the API never saw.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from email.utils import formatdate
from typing import Any, Final, TypeAlias

import attrs
import orjson

from messages_schema.findings import Finding, Severity

Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
ASGIApp: TypeAlias = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The API's request size limits: 32 MB for the Messages API, 256 MB for Message
#: Batches (anthropics/anthropic-sdk-python#938, maintainer comment 2026-08-05). Read
#: as MiB so the gateway never refuses a body the API takes. A compressed body is held
#: to the same limit once decoded (the API's ``request_body_too_large_after_decoding``).
API_BODY_LIMITS: Final[dict[str, int]] = {
    "request": 32 * 1024 * 1024,
    "count_tokens": 32 * 1024 * 1024,
    "batches": 256 * 1024 * 1024,
}

#: The API's text for a missing version header: ``anthropic-version: header is required``
#: (envoyproxy/ai-gateway#1909, 2026-03-02, with a ``request_id``;
#: PipedreamHQ/pipedream#9697, 2024-01-04; yrvelez/claudeR#1, 2023-12-28), HTTP 400
#: ``invalid_request_error``.
MISSING_VERSION_MESSAGE: Final = "anthropic-version: header is required"


def invalid_version_message(value: str) -> str:
    """
    The API's text for an ``anthropic-version`` value it does not know (HTTP 400).

    ``anthropic-version: "2023-10-01" is not a valid version``, error type
    ``invalid_request_error`` (directus-labs/extensions#285, 2026-01-11); a repeated
    header is judged joined: ``"2023-06-01, 2023-06-01"`` (decolua/9router#1227).
    """
    return f'anthropic-version: "{value}" is not a valid version'

#: The API's 413 text (anthropics/anthropic-sdk-python#938, 2025-04-14;
#: anthropics/claude-code#14567, 2025-12-19), error type ``request_too_large``.
TOO_LARGE_MESSAGE: Final = "Request exceeds the maximum size"

#: The API's prefix for an undecodable body (anthropics/claude-code#6508, 2025-08-25).
INVALID_JSON_PREFIX: Final = "The request body is not valid JSON: "

#: ``error.details.error_code`` values the API sends for request bodies it cannot
#: decode, and their HTTP status. The SDK maps each to its own exception class
#: (``anthropic`` 2.17.0, ``_error_classes.py``: ``RequestBodyEncodingUnsupportedError``,
#: ``RequestBodyEncodingInvalidError``, ``RequestBodyTooLargeAfterDecodingError``).
#: The API's message texts for them have not been reported publicly; ours say what
#: happened in the API's style.
ENCODING_UNSUPPORTED: Final = "request_body_encoding_unsupported"
ENCODING_INVALID: Final = "request_body_encoding_invalid"
TOO_LARGE_AFTER_DECODING: Final = "request_body_too_large_after_decoding"

#: Response header listing the rule codes of the findings on a validated request.
FINDINGS_HEADER: Final = b"x-messages-schema-findings"


def _order(path: Iterable[Any], code: str) -> tuple[Any, ...]:
    # Structural (SCH) findings first, as the API validates the shape before anything
    # else; then by path (indices numerically, keys by name), then by code.
    return (
        0 if code.startswith("SCH") else 1,
        tuple((0, f"{s:020d}") if isinstance(s, int) else (1, str(s)) for s in path),
        code,
    )


@attrs.frozen
class Problem:
    """
    One reason to reject a request, in the API's terms.

    Attributes:
        code: The rule code (``SCH002``, ``BATCH001``).
        api_path: The API's dotted path, or ``""`` when the API's message has none.
        text: The message after the path: the API's verbatim text when known.
        severity: How bad it is; only errors reject.
        order: Sort key: structural (``SCH``) codes first, then path segments
            (indices numerically), then code. The API reports one error: the first.
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
    def at(cls, code: str, path: tuple[Any, ...], text: str, *,
           severity: Severity = Severity.ERROR) -> Problem:
        """A problem at *path* (its API path is the dotted *path*)."""
        return cls(code, ".".join(str(s) for s in path), text, severity, _order(path, code))

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


def error_envelope(
    error_type: str, message: str, request_id: str | None, *, error_code: str | None = None
) -> bytes:
    """
    Return the API's error envelope as JSON bytes (API inventory §10).

    *error_code*, when given, goes to ``error.details.error_code``, where the SDK reads
    it to pick a precise exception class.
    """
    error: dict[str, Any] = {"type": error_type, "message": message}
    if error_code is not None:
        error["details"] = {"error_code": error_code}
    envelope: dict[str, Any] = {"type": "error", "error": error}
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


async def send_error(
    send: Send,
    status: int,
    error_type: str,
    message: str,
    *,
    error_code: str | None = None,
    extra_headers: Iterable[tuple[bytes, bytes]] = (),
) -> str:
    """Send a whole error response in the API's envelope; return its request id."""
    request_id = new_request_id()
    payload = error_envelope(error_type, message, request_id, error_code=error_code)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"request-id", request_id.encode()),
        *extra_headers,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload, "more_body": False})
    return request_id


_date_cache: list[Any] = [-1.0, b""]


def http_date() -> bytes:
    """
    The current time as an HTTP ``Date`` value, formatted at most once a second.

    A response header, never a verdict: ``email.utils.formatdate`` reads the wall clock
    (verdicts take the day from `messages_schema.config.utc_today` only).
    """
    now = time.monotonic()
    if now - _date_cache[0] >= 1.0:
        _date_cache[0], _date_cache[1] = now, formatdate(usegmt=True).encode()
    value: bytes = _date_cache[1]
    return value


def json_line(fields: dict[str, Any]) -> str:
    """One log line: *fields* as compact JSON."""
    return orjson.dumps(fields).decode()
