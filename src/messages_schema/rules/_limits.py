"""
The ``LIM`` family: numeric and size limits on request parameters.

Ranges the schema states (``temperature`` and ``top_p`` in [0, 1], ``top_k`` ≥ 0,
``max_tokens`` ≥ 0, ``thinking.budget_tokens`` ≥ 1024) are structural (``SCH006``).
``max_tokens: 0`` is accepted by the API (it only pre-warms the prompt cache, API
inventory §1), so no rule asks for ``max_tokens`` ≥ 1.
"""

# Rule docstrings open with the "## What it does" heading that `messages-schema rule` shows.
# ruff: noqa: D205

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any, Final

from messages_schema.findings import Edit, Fix, Severity
from messages_schema.rules._context import Context
from messages_schema.rules._registry import Node, Rule, Status, Violation, register, rule

#: Largest body, in bytes, of ``POST /v1/messages`` and ``/v1/messages/count_tokens``:
#: "32 MB" in the API's "Request size limits" table (docs.anthropic.com/en/api/errors,
#: docs.anthropic.com/en/api/overview), read as MiB as the gateway reads it
#: (`messages_schema.gateway.API_BODY_LIMITS`), so no body the API takes is flagged.
MAX_REQUEST_BYTES: Final = 32 * 1024 * 1024
#: Largest body of ``POST /v1/messages/batches`` ("Batch API: 256 MB", same table).
MAX_BATCH_BYTES: Final = 256 * 1024 * 1024
#: The size limit `LIM008` applies to one document of each kind. A batch request item
#: is one part of a batch body: alone, it must fit the whole batch's limit.
SIZE_LIMITS: Final = {
    "request": MAX_REQUEST_BYTES,
    "count_tokens": MAX_REQUEST_BYTES,
    "batch_request": MAX_BATCH_BYTES,
}
#: The API's text for a body over the limit, HTTP 413 ``request_too_large``, sent by
#: Cloudflare before the request reaches the API (anthropics/anthropic-sdk-python#938).
TOO_LARGE_MESSAGE: Final = "Request exceeds the maximum size"

register(
    Rule(
        code="LIM008",
        name="request-too-large",
        severity=Severity.ERROR,
        node=Node.SCHEMA,
        kinds=frozenset(SIZE_LIMITS),
        since="0.2.0",
        status=Status.STABLE,
        doc=inspect.cleandoc(
            """
            ## What it does
            Flags a request body larger than the API accepts: 32 MiB for the Messages API
            and token counting, 256 MiB for a whole Message Batch (so for one batch item).

            The size is the body's bytes as sent: `lint(raw_bytes)` measures them, a
            caller that decoded the body itself passes `size=`, and `messages-schema
            check` measures each record (a pretty-printed file is measured as the
            compact JSON it would be sent as). A decoded value without `size` is not
            measured.

            ## Why is this bad?
            The API's "Request size limits" table (docs.anthropic.com/en/api/errors)
            gives 32 MB for the Messages and Token Counting APIs and 256 MB for the Batch
            API; a larger body is refused with HTTP 413 `request_too_large` by Cloudflare,
            before the API reads it. The limits are read as MiB, as the gateway reads
            them, so a body the API takes is never flagged.

            ## Example
            A conversation log with forty base64 screenshots inlined, 41 MB in all.

            Use instead: upload large files once with the Files API and refer to them by
            `file_id`, or send fewer images per request.

            ## API error
            `request_too_large`: `Request exceeds the maximum size` (HTTP 413;
            anthropics/anthropic-sdk-python#938).

            ## Applies to
            Requests, token counts, batch items.
            """
        ),
    )
)


def size_message(kind: str, size: int) -> str:
    """The `LIM008` message for a *kind* body of *size* bytes."""
    limit = SIZE_LIMITS[kind]
    if kind == "batch_request":
        return (
            f"This batch item alone is {size:,} bytes, over the {limit:,}-byte (256 MiB) "
            "limit of a whole Message Batch request; the API answers HTTP 413 "
            "request_too_large"
        )
    api = "Token Counting API" if kind == "count_tokens" else "Messages API"
    return (
        f"The request body is {size:,} bytes; the {api} accepts at most {limit:,} bytes "
        "(32 MiB) and answers HTTP 413 request_too_large"
    )


#: Most messages per request (API inventory §1, "SDK says").
MAX_MESSAGES: Final = 100_000
#: Longest ``metadata.user_id`` the docs allow (vercel/ai#12419 quoting the API reference).
MAX_USER_ID_LENGTH: Final = 256
#: ``local@domain.tld``, matched from each ``@``: one local-part character before it is
#: enough, and anchoring the domain at the ``@`` keeps the work linear in the length
#: (an unanchored ``[...]+@`` search backtracks quadratically on a long id without ``@``).
_EMAIL_LOCAL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
_EMAIL_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def _has_email(value: str) -> bool:
    """Whether *value* contains something shaped like an email address."""
    at = value.find("@")
    while at != -1:
        if at and value[at - 1] in _EMAIL_LOCAL and _EMAIL_DOMAIN.match(value, at + 1):
            return True
        at = value.find("@", at + 1)
    return False


@rule(
    "LIM001",
    "max-tokens-above-model-limit",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=("request", "batch_request"),
    memo="parameters",
    reads=("max_tokens", "model"),
)
def max_tokens_above_model_limit(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `max_tokens` larger than the model's maximum output (the capability table's
    `max_tokens`, which is `ModelInfo.max_tokens`). Beta headers that raise the ceiling
    (`output-128k-2025-02-19` on Claude Sonnet 3.7) are honoured; with any other
    `output-*` beta the check is skipped. Unknown models are skipped.

    `max_tokens: 0` is valid: it pre-warms the prompt cache without generating.

    ## Why is this bad?
    The API answers HTTP 400 instead of clamping the value.

    ## Example
    ```json
    {"model": "claude-opus-4-1-20250805", "max_tokens": 48000, "messages": []}
    ```

    ## Fix safety
    Unsafe: the fix lowers `max_tokens` to the model's maximum, which may shorten answers
    that relied on the (rejected) larger value.

    ## API error
    `max_tokens: 48000 > 32000, which is the maximum allowed number of output tokens for
    claude-opus-4-1-20250805` (anomalyco/opencode#2055, 2025-08-19; also
    ChatGPTNextWeb/NextChat#4964, 2024-07-10; anthropics/claude-code#11302, 2025-11-09).

    ## Applies to
    Requests and batch items (token counts have no `max_tokens`).
    """
    caps = ctx.capabilities
    value = body.get("max_tokens")
    if caps is None or not isinstance(value, int) or isinstance(value, bool):
        return
    betas = frozenset(ctx.config.betas)
    if betas:
        known = {beta for beta, _ in caps.max_tokens_with_beta}
        if any(b.startswith("output-") and b not in known for b in betas):
            return
    ceiling = caps.output_ceiling(betas)
    if ceiling is None or value <= ceiling:
        return
    yield Violation(
        message=(
            f"max_tokens: {value} > {ceiling}, which is the maximum allowed number of output "
            f"tokens for {ctx.model}"
        ),
        path=("max_tokens",),
        fix=Fix.unsafe(
            f"Lower `max_tokens` to {ceiling}",
            Edit(op="replace", path=("max_tokens",), value=ceiling),
        ),
    )


def _given(body: dict[str, Any], key: str) -> bool:
    return body.get(key) is not None


@rule(
    "LIM002",
    "temperature-with-top-p",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=("request", "batch_request"),
    gate=("top_p",),
    memo="parameters",
    reads=("model", "temperature", "top_p"),
)
def temperature_with_top_p(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a request that sets both `temperature` and `top_p` for a model that accepts only
    one of them (the capability table's `temperature_top_p_exclusive`: the 4.5-era models
    and later). Unknown models are skipped.

    ## Why is this bad?
    The API answers HTTP 400.

    ## Example
    ```json
    {"model": "claude-haiku-4-5", "max_tokens": 1024, "temperature": 0.7, "top_p": 0.9,
     "messages": [{"role": "user", "content": "Hi"}]}
    ```

    ## Fix safety
    Unsafe: the fix removes `top_p`, which changes sampling.

    ## API error
    `` `temperature` and `top_p` cannot both be specified for this model. Please use only
    one. `` — no path (BerriAI/litellm#15097, 2025-10-01, claude-sonnet-4-5-20250929;
    cloud-apim/otoroshi-llm-extension#140; anomalyco/opencode#28930, 2026-05-23).

    ## Applies to
    Requests and batch items.
    """
    caps = ctx.capabilities
    if caps is None or caps.temperature_top_p_exclusive is not True:
        return
    if _given(body, "temperature") and _given(body, "top_p"):
        yield Violation(
            message=(
                "`temperature` and `top_p` cannot both be specified for this model. "
                "Please use only one."
            ),
            path=("top_p",),
            fix=Fix.unsafe("Remove `top_p`", Edit(op="remove", path=("top_p",))),
            api_path="",
        )


def _stop_sequences(body: dict[str, Any]) -> list[Any]:
    value = body.get("stop_sequences")
    return value if isinstance(value, list) else []


@rule(
    "LIM003",
    "empty-stop-sequence",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=("request", "batch_request"),
    gate=("stop_sequences",),
    memo="parameters",
    reads=("stop_sequences",),
)
def empty_stop_sequence(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    r"""
    ## What it does
    Flags an empty string in `stop_sequences`.

    ## Why is this bad?
    An empty stop sequence would match everywhere; the API answers HTTP 400.

    ## Example
    ```json
    {"stop_sequences": ["", "\n"]}
    ```

    ## Fix safety
    Safe: the fix removes the empty entry, which could never have been used.

    ## API error
    `stop_sequences: each stop sequence must be non-empty` (MegaGrindStone/mcp-web-ui#5,
    2025-04-08; the API checks this before the whitespace rule, `LIM004`).

    ## Applies to
    Requests and batch items.
    """
    for i, item in enumerate(_stop_sequences(body)):
        if item == "":
            yield Violation(
                message="stop_sequences: each stop sequence must be non-empty",
                path=("stop_sequences", i),
                fix=Fix.safe(
                    "Remove the empty stop sequence", Edit(op="remove", path=("stop_sequences", i))
                ),
                api_error="each stop sequence must be non-empty",
                api_path="stop_sequences",
            )


@rule(
    "LIM004",
    "whitespace-stop-sequence",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=("request", "batch_request"),
    gate=("stop_sequences",),
    memo="parameters",
    reads=("stop_sequences",),
)
def whitespace_stop_sequence(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    r"""
    ## What it does
    Flags a stop sequence made only of whitespace, such as `"\n"`.

    ## Why is this bad?
    The API answers HTTP 400. Stopping at a blank line needs a prompt instruction or
    post-processing instead.

    ## Example
    ```json
    {"stop_sequences": ["\n"]}
    ```

    ## API error
    `stop_sequences: each stop sequence must contain non-whitespace` (BerriAI/litellm#3286,
    2024-04-25, `stop: ["\n"]`).

    ## Applies to
    Requests and batch items.
    """
    for i, item in enumerate(_stop_sequences(body)):
        if isinstance(item, str) and item != "" and not item.strip():
            yield Violation(
                message="stop_sequences: each stop sequence must contain non-whitespace",
                path=("stop_sequences", i),
                api_error="each stop sequence must contain non-whitespace",
                api_path="stop_sequences",
            )


@rule("LIM005", "too-many-messages", on=Node.DOCUMENT, severity=Severity.ERROR)
def too_many_messages(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a request with more than 100,000 items in `messages`.

    ## Why is this bad?
    The SDK documents 100,000 messages as the per-request limit (API inventory §1). The
    API's error text for it is not known.

    ## Example
    A log replay that concatenated every session into one request.

    ## Applies to
    Requests, token counts, batch items.
    """
    count = len(ctx.messages)
    if count > MAX_MESSAGES:
        yield Violation(
            message=f"messages: {count} messages exceed the limit of {MAX_MESSAGES} per request",
            path=("messages",),
        )


def _user_id(body: dict[str, Any]) -> str | None:
    metadata = body.get("metadata")
    value = metadata.get("user_id") if isinstance(metadata, dict) else None
    return value if isinstance(value, str) else None


@rule(
    "LIM006",
    "email-in-user-id",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=("request", "batch_request"),
    gate=("metadata",),
    memo="parameters",
    reads=("metadata",),
)
def email_in_user_id(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `metadata.user_id` that contains an email address.

    ## Why is this bad?
    `user_id` must be an opaque id (a uuid or a hash), never personal data; the API
    rejects values that look like email addresses with HTTP 400.

    ## Example
    ```json
    {"metadata": {"user_id": "jane.doe@example.com"}}
    ```

    Use instead: a uuid, or a salted hash of the address.

    ## API error
    `metadata.user_id: user_id appears to contain an email address. Please send a uuid or
    hash value in...` (BerriAI/litellm#10106, 2025-04-17; the rest of the text is cut off
    in the report). The API's exact detection rule is unknown; this rule looks for
    `name@domain.tld`.

    ## Applies to
    Requests and batch items.
    """
    value = _user_id(body)
    if value is not None and _has_email(value):
        yield Violation(
            message=(
                "metadata.user_id: user_id appears to contain an email address. Please send a "
                "uuid or hash value instead"
            ),
            path=("metadata", "user_id"),
            api_error=(
                "user_id appears to contain an email address. "
                "Please send a uuid or hash value in..."
            ),
        )


@rule(
    "LIM007",
    "user-id-too-long",
    on=Node.DOCUMENT,
    severity=Severity.WARNING,
    kinds=("request", "batch_request"),
    gate=("metadata",),
    memo="parameters",
    reads=("metadata",),
)
def user_id_too_long(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `metadata.user_id` longer than 256 characters.

    ## Why is this bad?
    The API reference gives `user_id` a maximum length of 256 (quoted in vercel/ai#12419).
    No API answer for a longer id has been reported, so this is a warning.

    ## Example
    A JSON blob of user attributes stored in `user_id`.

    ## Applies to
    Requests and batch items.
    """
    value = _user_id(body)
    if value is not None and len(value) > MAX_USER_ID_LENGTH:
        yield Violation(
            message=(
                f"metadata.user_id is {len(value)} characters; "
                f"the documented maximum is {MAX_USER_ID_LENGTH}"
            ),
            path=("metadata", "user_id"),
        )
