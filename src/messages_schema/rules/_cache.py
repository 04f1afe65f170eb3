"""
The ``CACHE`` family: ``cache_control`` breakpoints (count, empty text, TTL order).

``cache_control`` on ``thinking`` / ``redacted_thinking`` blocks is a structural error
(``SCH002``, the API answers ``...thinking.cache_control: Extra inputs are not
permitted``); no rule here repeats it.
"""

# Rule docstrings open with the "## What it does" heading that `messages-schema rule` shows.
# ruff: noqa: D205

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from messages_schema._types import Path
from messages_schema.findings import Severity
from messages_schema.rules._context import Context
from messages_schema.rules._locate import api_location
from messages_schema.rules._registry import Node, Violation, rule

#: Most cache breakpoints the API accepts per request.
MAX_CACHE_BREAKPOINTS: Final = 4


def breakpoints(ctx: Context) -> tuple[tuple[Path, dict[str, Any]], ...]:
    """
    Every block-level ``cache_control`` in the API's processing order: tools, system, messages.

    Returns ``(path of the object carrying it, the cache_control object)`` pairs. Blocks
    nested in ``tool_result`` content are included in place. The top-level (automatic)
    ``cache_control`` is not: see `too_many_cache_breakpoints`.
    """
    key = "cache.breakpoints"
    if key in ctx.memo:
        cached: tuple[tuple[Path, dict[str, Any]], ...] = ctx.memo[key]
        return cached
    out: list[tuple[Path, dict[str, Any]]] = []

    def visit(obj: Any, path: Path) -> None:
        if isinstance(obj, dict) and isinstance(obj.get("cache_control"), dict):
            out.append((path, obj["cache_control"]))

    for t, tool in enumerate(ctx.tools):
        visit(tool, ("tools", t))
    system = ctx.document.get("system")
    if isinstance(system, list):
        for s, block in enumerate(system):
            visit(block, ("system", s))
    # The messages' breakpoints come from the shared conversation pass (`_facts.scan`).
    out.extend(ctx.conversation.breakpoints)
    result = tuple(out)
    ctx.memo[key] = result
    return result


@rule(
    "CACHE001",
    "too-many-cache-breakpoints",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    gate=("@cache_count",),
)
def too_many_cache_breakpoints(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a request with more than 4 blocks carrying `cache_control`, counted across
    `tools`, `system` and `messages` (blocks inside `tool_result` content included).

    The top-level (automatic) `cache_control` is not counted: whether it takes a slot of
    its own when its target block has none is not documented in any public report, and a
    rule that fires on accepted traffic costs more than one that misses. The finding
    points at the fifth breakpoint.

    ## Why is this bad?
    The API answers HTTP 400.

    ## Example
    Five tool definitions each marked `{"cache_control": {"type": "ephemeral"}}`.

    ## API error
    `A maximum of 4 blocks with cache_control may be provided. Found 5.` — no path
    (tghamm/Anthropic.SDK#50, 2024-09-26; ObservedObserver/async-code#34, 2025-10-06;
    griffinmartin/opencode-claude-auth#121, 2026-04-03). bug-ops/zeph#1568 confirms the
    count spans tools, system and messages.

    ## Applies to
    Requests, token counts, batch items.
    """
    found = breakpoints(ctx)
    if len(found) > MAX_CACHE_BREAKPOINTS:
        path, _ = found[MAX_CACHE_BREAKPOINTS]
        yield Violation(
            message=(
                f"A maximum of {MAX_CACHE_BREAKPOINTS} blocks with cache_control may be "
                f"provided. Found {len(found)}."
            ),
            path=(*path, "cache_control"),
            api_path="",
        )


@rule(
    "CACHE002",
    "cache-control-on-empty-text",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    gate=("@cache_empty_text",),
)
def cache_control_on_empty_text(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `text` block with `"text": ""` that carries `cache_control`.

    ## Why is this bad?
    The API answers HTTP 400. This check runs before the generic "text content blocks must
    be non-empty" one, so the error names the cache marker.

    ## Example
    ```json
    {"type": "text", "text": "", "cache_control": {"type": "ephemeral"}}
    ```

    ## API error
    `messages.29.content.0.text: cache_control cannot be set for empty text blocks`
    (NousResearch/hermes-agent#1216, 2026-03-14; stakpak/agent#511; anthropics/claude-code#55302,
    2026-05-01; vercel/eve#2753, 2026-08-30). The path ends with the block's tag `text`.

    ## Applies to
    Requests, token counts, batch items: message content blocks.
    """
    # Reads the breakpoints the other CACHE rules collect, instead of a call per block.
    for path, _ in breakpoints(ctx):
        if len(path) != 4 or path[0] != "messages":
            continue
        _, i, _, j = path
        block = ctx.messages[int(i)]["content"][int(j)]
        if block.get("type") != "text" or block.get("text") != "":
            continue
        yield Violation(
            message="cache_control cannot be set for empty text blocks",
            path=(*path, "cache_control"),
            api_path=api_location(ctx, (*path, "text"), drop=1),
        )


@rule(
    "CACHE003",
    "cache-ttl-out-of-order",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    gate=("@cache_long_ttl",),
)
def cache_ttl_out_of_order(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `cache_control` with `ttl: "1h"` that comes after one with `ttl: "5m"` (or no
    `ttl`, which means 5 minutes) in the order the API processes blocks: `tools`, then
    `system`, then `messages`.

    ## Why is this bad?
    Longer-lived cache entries must come first; the API answers HTTP 400.

    ## Example
    ```json
    {"system": [{"type": "text", "text": "A", "cache_control": {"type": "ephemeral"}},
                {"type": "text", "text": "B", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]}
    ```

    ## API error
    `messages.0.content.4.cache_control.ttl: a ttl='1h' cache_control block must not come
    after a ttl='5m' cache_control block. Note that blocks are processed in the following
    order: `tools`, `system`, `messages`.` (cnighswonger/claude-code-cache-fix#44,
    2026-04-19; `system.1.cache_control.ttl` in kristianvast/hermes-claude-auth#31; the
    default TTL counting as 5m: vellum-ai/vellum-assistant#22191). The path is the later
    block plus `.cache_control.ttl`, without the `ephemeral` tag.

    ## Applies to
    Requests, token counts, batch items.
    """
    text = (
        "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. "
        "Note that blocks are processed in the following order: `tools`, `system`, `messages`."
    )
    seen_short = False
    for path, control in breakpoints(ctx):
        ttl = control.get("ttl", "5m")
        if ttl == "1h" and seen_short:
            yield Violation(
                message=text,
                path=(*path, "cache_control", "ttl"),
                api_path=api_location(ctx, path, append=".cache_control.ttl"),
            )
        elif ttl in ("5m", None):
            seen_short = True


@rule(
    "CACHE004",
    "top-level-cache-ttl-conflict",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    gate=("cache_control",),
)
def top_level_cache_ttl_conflict(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a top-level (automatic) `cache_control` with the default 5-minute TTL when the
    block it applies to (the last content block of the last message) already has a
    `cache_control` with `ttl: "1h"`.

    The reverse case (top-level `1h`, block `5m`) has no public report and is not flagged.

    ## Why is this bad?
    The API answers HTTP 400.

    ## Example
    ```json
    {"cache_control": {"type": "ephemeral"},
     "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi",
       "cache_control": {"type": "ephemeral", "ttl": "1h"}}]}]}
    ```

    Use instead: drop one of the two markers, or give them the same TTL.

    ## API error
    `Top-level cache_control has ttl='5m' but the target block already has cache_control
    with ttl='1h'` (vellum-ai/vellum-assistant#23414, 2026-04-03, quoted in a pull request;
    medium confidence, path unknown).

    ## Applies to
    Requests, token counts, batch items.
    """
    top = body.get("cache_control")
    if not isinstance(top, dict) or top.get("ttl", "5m") not in ("5m", None):
        return
    messages = ctx.messages
    if not messages or not isinstance(messages[-1], dict):
        return
    content = messages[-1].get("content")
    if not isinstance(content, list) or not content or not isinstance(content[-1], dict):
        return
    control = content[-1].get("cache_control")
    if isinstance(control, dict) and control.get("ttl") == "1h":
        yield Violation(
            message=(
                "Top-level cache_control has ttl='5m' but the target block already has "
                "cache_control with ttl='1h'"
            ),
            path=("cache_control",),
        )
