"""
The ``VER`` family: what changed with an ``anthropic-version``.

The API answers by the version header a request carries (`LintConfig.api_version`,
``--api-version``, ``api-version = ...``, the gateway's request header). Version
``2026-10-21``, the one SDK 2.x sends, made three things a 400 that ``2023-06-01``
accepts; the official versioning page lists exactly these, for the Messages API, token
counting and each request of a batch:
"A request that places a `document` block directly in an `assistant` message returns a
400 error.", "Sending a `text` block with a non-empty `citations` array in a `user`
message, directly or inside a `search_result` block, returns a 400 error." and "The
`temperature`, `top_p`, and `top_k` request parameters are removed."
(platform.claude.com/docs/en/api/versioning, /docs/en/api/migration-2026-10-21).
"""

# Rule docstrings open with the "## What it does" heading that `messages-schema rule` shows.
# ruff: noqa: D205

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from messages_schema.findings import Edit, Fix, Severity
from messages_schema.rules._context import Context
from messages_schema.rules._registry import Node, Violation, rule

#: The first version without sampling parameters, assistant documents or user citations.
V2026_10_21: Final = "2026-10-21"
_SAMPLING: Final = ("temperature", "top_p", "top_k")


def _at_least(ctx: Context, version: str) -> bool:
    # Versions are ISO dates, so text order is date order.
    return ctx.config.api_version >= version


@rule(
    "VER001",
    "sampling-parameter-removed",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    since="0.2.0",
    fixable=True,
    kinds=("request", "batch_request", "count_tokens"),
    gate=("temperature", "top_p", "top_k"),
)
def sampling_parameter_removed(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags `temperature`, `top_p` or `top_k` in a request sent with
    `anthropic-version: 2026-10-21` or later, whatever their value (even the default, even
    `null`).

    ## Why is this bad?
    Version 2026-10-21 removed the three parameters on every model: "The `temperature`,
    `top_p`, and `top_k` request parameters are removed. A request that sends any of them
    returns a 400" (official versioning page). Version 2023-06-01 still accepts them
    where the model does (see `MOD007`, `LIM002`).

    ## Example
    ```json
    {"model": "claude-sonnet-4-6", "max_tokens": 1024, "temperature": 1,
     "messages": [{"role": "user", "content": "Hi"}]}
    ```
    with `anthropic-version: 2026-10-21` (`--api-version 2026-10-21`).

    ## Fix safety
    Unsafe: removing the parameter changes sampling where an older version honoured it.

    ## API error
    `temperature: Extra inputs are not permitted` (live probe on claude-sonnet-4-6 and
    claude-sonnet-5-5 with 2026-10-21, qiita.com/Synthorai, 2026-10).

    ## Applies to
    Requests, token counts and batch items.
    """
    if not _at_least(ctx, V2026_10_21):
        return
    for key in _SAMPLING:
        if key in body:
            yield Violation(
                message=(
                    f"`{key}` was removed in API version {V2026_10_21} "
                    f"(this request is checked as {ctx.config.api_version}): "
                    "Extra inputs are not permitted"
                ),
                path=(key,),
                api_error="Extra inputs are not permitted",
                fix=Fix.unsafe(f"Remove `{key}`", Edit(op="remove", path=(key,))),
            )


@rule(
    "VER002",
    "document-in-assistant-message",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    since="0.2.0",
    kinds=("request", "batch_request", "count_tokens"),
    gate=("@media",),
)
def document_in_assistant_message(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `document` block placed directly in an `assistant` message of a request sent
    with `anthropic-version: 2026-10-21` or later.

    ## Why is this bad?
    "A request that places a `document` block directly in an `assistant` message returns
    a 400 error." (official versioning page, 2026-10-21). Version 2023-06-01 accepts it.
    Documents inside `tool_result` content are not affected.

    ## Example
    ```json
    {"model": "claude-sonnet-4-6", "max_tokens": 1024, "messages": [
      {"role": "user", "content": "Summarise it."},
      {"role": "assistant", "content": [{"type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": "..."}}]},
      {"role": "user", "content": "Go on."}]}
    ```

    ## Fix safety
    No fix: move the document into a user message.

    ## API error
    Not quoted in any public report yet.

    ## Applies to
    Requests, token counts and batch items.
    """
    if not _at_least(ctx, V2026_10_21):
        return
    for i, message in enumerate(ctx.messages):
        if not isinstance(message, dict) or message.get("role") != "assistant":
            continue
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for j, block in enumerate(content):
            if isinstance(block, dict) and block.get("type") == "document":
                yield Violation(
                    message=(
                        f"a `document` block in an `assistant` message is rejected since API "
                        f"version {V2026_10_21}: move it into a user message"
                    ),
                    path=("messages", i, "content", j),
                )


def _cited_texts(content: Any, where: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    """Paths of text blocks with a non-empty `citations` list, in search results too."""
    if not isinstance(content, list):
        return
    for j, block in enumerate(content):
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "text":
            citations = block.get("citations")
            if isinstance(citations, list) and citations:
                yield (*where, j, "citations")
        elif kind == "search_result":
            yield from _cited_texts(block.get("content"), (*where, j, "content"))


@rule(
    "VER003",
    "citations-on-user-text",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    since="0.2.0",
    fixable=True,
    kinds=("request", "batch_request", "count_tokens"),
)
def citations_on_user_text(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `text` block with a non-empty `citations` list in a `user` message, directly
    or inside a `search_result` block, in a request sent with
    `anthropic-version: 2026-10-21` or later.

    ## Why is this bad?
    "Sending a `text` block with a non-empty `citations` array in a `user` message,
    directly or inside a `search_result` block, returns a 400 error." (official
    versioning page, 2026-10-21). An empty or absent `citations` is fine, and 2023-06-01
    accepts citations there.

    ## Example
    ```json
    {"model": "claude-sonnet-4-6", "max_tokens": 1024, "messages": [
      {"role": "user", "content": [{"type": "text", "text": "As quoted.",
        "citations": [{"type": "char_location", "cited_text": "x", "document_index": 0,
                       "document_title": null, "start_char_index": 0, "end_char_index": 1}]}]}]}
    ```

    ## Fix safety
    Unsafe: removing `citations` drops the link to the source.

    ## API error
    Not quoted in any public report yet.

    ## Applies to
    Requests, token counts and batch items.
    """
    if not _at_least(ctx, V2026_10_21):
        return
    for i, message in enumerate(ctx.messages):
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        for path in _cited_texts(message.get("content"), ("messages", i, "content")):
            yield Violation(
                message=(
                    "`citations` on a `text` block of a `user` message are rejected since API "
                    f"version {V2026_10_21}"
                ),
                path=path,
                fix=Fix.unsafe("Remove `citations`", Edit(op="remove", path=path)),
            )
