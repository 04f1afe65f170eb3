"""
The ``THK`` family: extended thinking, its budget, sampling limits and thinking blocks.

``thinking.type`` is ``enabled`` (a fixed ``budget_tokens``), ``adaptive`` (the model
decides), ``disabled`` or ``between_tools`` (thinking off, progress notes between tool
calls come back as thinking blocks). A request without ``thinking`` runs in the model's
default mode (`Context.thinking_mode`): ``adaptive`` on Claude Sonnet 5, Opus 5, Fable
and Mythos, ``disabled`` before them. Every rule declares the modes it applies to
(``thinking_modes=``, and a "Thinking modes" section with the evidence) and is not run
in the others, nor when the mode is unknown; where the evidence only covers
``enabled``, it applies to ``enabled`` only.

Structural facts are the ``SCH`` family's: a ``thinking`` block needs ``thinking`` and
``signature`` (``SCH001``) and cannot carry ``cache_control`` (``SCH002``;
``messages.1.content.0.thinking.cache_control: Extra inputs are not permitted``,
router-for-me/CLIProxyAPI#512, 2025-12-13); ``budget_tokens`` is at least 1024
(``SCH006``).

The sampling and ``tool_choice`` rules do not apply to token counts, which take none of
those parameters and generate nothing.
"""

# Rule docstrings open with the "## What it does" heading that `messages-schema rule` shows.
# ruff: noqa: D205

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from messages_schema.findings import Edit, Fix, Severity
from messages_schema.rules._context import Context
from messages_schema.rules._facts import THINKING_TYPES
from messages_schema.rules._registry import THINKING_MODES, Node, Violation, rule

_GENERATING_KINDS = ("request", "batch_request")

#: The API's text for a budget that is not below ``max_tokens`` (no path prefix).
BUDGET = "`max_tokens` must be greater than `thinking.budget_tokens`."
#: The API's text for a temperature other than 1 with thinking (2026 wording).
TEMPERATURE = (
    "`temperature` may only be set to 1 when thinking is enabled or in adaptive mode. "
    "Please consult our documentation at "
    "https://platform.claude.com/docs/en/build-with-claude/extended-thinking"
)
#: The API's text for ``top_k`` with thinking.
TOP_K = (
    "`top_k` must be unset when thinking is enabled. Please consult our documentation at "
    "https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
    "#important-considerations-when-using-extended-thinking"
)
#: The API's text for a forced tool choice with thinking.
FORCED_TOOL = "Thinking may not be enabled when tool_choice forces tool use."
#: The API's text for a tool-use loop whose assistant turn lacks a leading thinking block
#: (``{found}`` is the first block's type; "preceeding" is the API's spelling).
MISSING_THINKING = (
    "Expected `thinking` or `redacted_thinking`, but found `{found}`. When `thinking` is "
    "enabled, a final `assistant` message must start with a thinking block (preceeding the "
    "lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking "
    "blocks from previous turns. To avoid this requirement, disable `thinking`. Please "
    "consult our documentation at "
    "https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
)
#: The API's text for a message holding thinking blocks that does not start with one.
NOT_FIRST = (
    "If an assistant message contains any thinking blocks, the first block must be "
    "`thinking` or `redacted_thinking`. Found `{found}`."
)
#: The API's text for a final assistant message that ends with a thinking block.
THINKING_LAST = "The final block in an assistant message cannot be `thinking`."
#: The API's text for thinking blocks in the final assistant message with thinking off.
THINKING_WHILE_DISABLED = (
    "When thinking is disabled, an `assistant` message in the final position cannot contain "
    "`thinking`. To use thinking blocks, enable `thinking` in your request."
)


def _number(value: Any) -> float | None:
    """*value* when it is a JSON number (not a boolean), else None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return None


@rule(
    "THK001",
    "budget-not-below-max-tokens",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=_GENERATING_KINDS,
    fixable=True,
    thinking_modes=("enabled",),
    gate=("thinking",),
    memo="parameters",
    reads=("max_tokens", "model", "thinking"),
)
def budget_not_below_max_tokens(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags `thinking: {"type": "enabled", "budget_tokens": B}` with `B` greater than or
    equal to `max_tokens`. Thinking tokens count against `max_tokens`, so the budget
    must leave room for the answer.

    `max_tokens: 0` (a cache pre-warm that generates nothing) is not flagged.

    ## Why is this bad?
    The API rejects the request before generating anything.

    ## Example
    ```json
    {"max_tokens": 1024, "thinking": {"type": "enabled", "budget_tokens": 1024}}
    ```

    ## Fix safety
    Unsafe: lowers `budget_tokens` to `max_tokens - 1` when that is still at least
    1024; the model gets less room to think.

    ## API error
    `` `max_tokens` must be greater than `thinking.budget_tokens`. `` with no path prefix
    (trailing period) — a raw 400 body quoted in a public test fixture; a Go comment
    records a live 400 on 2026-09-02 with `max_tokens` 1024 and a budget of 1024, so
    equality is rejected. Secondary evidence ([code]) only, but the limit is also
    stated in the API inventory (§5.2, §12 item 3).

    ## Thinking modes
    `enabled` only: `budget_tokens` exists only there (API inventory §5.2).

    ## Applies to
    Requests and batch items (token counts have no `max_tokens`).
    """
    if ctx.thinking is None:
        return
    budget = _number(ctx.thinking.get("budget_tokens"))
    max_tokens = _number(body.get("max_tokens"))
    if budget is None or max_tokens is None or max_tokens <= 0 or budget < max_tokens:
        return
    fix = None
    if isinstance(max_tokens, int) and max_tokens - 1 >= 1024:
        fix = Fix.unsafe(
            f"Lower `thinking.budget_tokens` to {max_tokens - 1}",
            Edit(op="replace", path=("thinking", "budget_tokens"), value=max_tokens - 1),
        )
    yield Violation(
        message=f"{BUDGET} (`budget_tokens` {budget} >= `max_tokens` {max_tokens})",
        path=("thinking", "budget_tokens"),
        fix=fix,
        api_error=BUDGET,
        api_path="",
    )


@rule(
    "THK002",
    "temperature-with-thinking",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=_GENERATING_KINDS,
    fixable=True,
    thinking_modes=("enabled", "adaptive"),
    gate=("temperature",),
    memo="parameters",
    reads=("model", "temperature", "thinking"),
)
def temperature_with_thinking(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags `temperature` set to anything but 1 while `thinking.type` is `enabled` or
    `adaptive`. Leaving `temperature` out is fine (it defaults to 1).

    ## Why is this bad?
    Thinking runs at temperature 1 only; the API rejects other values.

    ## Example
    ```json
    {"temperature": 0, "thinking": {"type": "enabled", "budget_tokens": 2048}}
    ```

    ## Fix safety
    Unsafe: removes `temperature`, so sampling is less deterministic than asked.

    ## API error
    Today: `` `temperature` may only be set to 1 when thinking is enabled or in adaptive
    mode. Please consult our documentation at
    https://platform.claude.com/docs/en/build-with-claude/extended-thinking `` (no path
    prefix) — MayDay-wpf/snow-app#42 (2026-08-04); dotCipher/opencode-claude-bridge#1
    (2026-03-23, live-verified with `temperature` 0.5 and adaptive thinking). Until 2025
    the text ended at "when thinking is enabled." and linked docs.anthropic.com
    (MartialBE/one-hub#529, 2025-03-05); live probe in workglow-dev/libs#746 (2026-08-13).

    ## Thinking modes
    `enabled` and `adaptive`, including a model's default adaptive mode: the API's
    text says "when thinking is enabled or in adaptive mode", and dotCipher/opencode-claude-bridge#1
    (2026-03-23) verified it live with adaptive thinking. Models that think by default
    (Claude Sonnet 5 and later) reject a non-default `temperature` anyway
    (anthropics/skills model-migration.md, 2026-07-01). Quiet with thinking off.

    ## Applies to
    Requests and batch items.
    """
    temperature = _number(body.get("temperature"))
    if temperature is None or temperature == 1:
        return
    yield Violation(
        message=f"`temperature` is {temperature}, but thinking allows only 1",
        path=("temperature",),
        fix=Fix.unsafe(
            "Remove `temperature` (it defaults to 1)", Edit(op="remove", path=("temperature",))
        ),
        api_error=TEMPERATURE,
        api_path="",
    )


@rule(
    "THK003",
    "top-k-with-thinking",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=_GENERATING_KINDS,
    fixable=True,
    thinking_modes=("enabled",),
    gate=("top_k",),
    memo="parameters",
    reads=("model", "thinking", "top_k"),
)
def top_k_with_thinking(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags `top_k` set while `thinking.type` is `enabled`.

    Adaptive thinking is not checked: the evidence only covers `enabled`.

    ## Why is this bad?
    Thinking does not support `top_k` sampling; the API rejects the request.

    ## Example
    ```json
    {"top_k": 40, "thinking": {"type": "enabled", "budget_tokens": 2048}}
    ```

    ## Fix safety
    Unsafe: removes `top_k`.

    ## API error
    `` `top_k` must be unset when thinking is enabled. Please consult our documentation
    at <URL> `` (no path prefix), where `<URL>` is
    `https://docs.claude.com/en/docs/build-with-claude/extended-thinking`
    `#important-considerations-when-using-extended-thinking` (one string) —
    quarkiverse/quarkus-langchain4j#1812 (2025-09-25); with a docs.anthropic.com URL in
    danny-avila/LibreChat#6023 (2025-02-25).

    ## Thinking modes
    `enabled` only: every report of this text sent `enabled`.

    ## Applies to
    Requests and batch items.
    """
    if _number(body.get("top_k")) is None:
        return
    yield Violation(
        message="`top_k` must be unset when thinking is enabled",
        path=("top_k",),
        fix=Fix.unsafe("Remove `top_k`", Edit(op="remove", path=("top_k",))),
        api_error=TOP_K,
        api_path="",
    )


@rule(
    "THK004",
    "top-p-with-thinking",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=_GENERATING_KINDS,
    fixable=True,
    thinking_modes=("enabled",),
    gate=("top_p",),
    memo="parameters",
    reads=("model", "thinking", "top_p"),
)
def top_p_with_thinking(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags `top_p` below 0.95 while `thinking.type` is `enabled`. Values from 0.95 to 1
    are allowed with thinking.

    Adaptive thinking is not checked: the evidence only covers `enabled`.

    ## Why is this bad?
    Thinking needs near-full nucleus sampling; the API rejects lower values.

    ## Example
    ```json
    {"top_p": 0.9, "thinking": {"type": "enabled", "budget_tokens": 2048}}
    ```

    ## Fix safety
    Unsafe: removes `top_p`.

    ## API error
    Today's text is not known. Until 2025 any `top_p` was rejected with
    `top_p must be unset when thinking is enabled. Please consult our documentation at
    ...` (Cyclenerd/google-cloud-litellm-proxy#59, 2025-02-25, Vertex; n8n#14288,
    Bedrock). Since then values in [0.95, 1] are allowed (docs; SEMOSS/Semoss#1655,
    2025-11-13: "Need to set top_p to at least .95 when using extended thinking"). This
    rule follows today's behaviour.

    ## Thinking modes
    `enabled` only: every report sent `enabled`.

    ## Applies to
    Requests and batch items.
    """
    top_p = _number(body.get("top_p"))
    if top_p is None or top_p >= 0.95:
        return
    yield Violation(
        message=f"`top_p` is {top_p}; with thinking enabled it must be at least 0.95 (or unset)",
        path=("top_p",),
        fix=Fix.unsafe("Remove `top_p`", Edit(op="remove", path=("top_p",))),
        api_path="",
    )


@rule(
    "THK005",
    "forced-tool-choice-with-thinking",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=_GENERATING_KINDS,
    fixable=True,
    thinking_modes=("enabled",),
    gate=("tool_choice",),
    memo="parameters",
    reads=("model", "thinking", "tool_choice"),
)
def forced_tool_choice_with_thinking(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags `tool_choice` of type `any` or `tool` while `thinking.type` is `enabled` or
    `adaptive`. `auto` and `none` are fine.

    ## Why is this bad?
    Forcing a tool call skips the thinking the model would do first; the API rejects
    the combination.

    ## Example
    ```json
    {"tool_choice": {"type": "any"}, "thinking": {"type": "enabled", "budget_tokens": 2048}}
    ```

    ## Fix safety
    Unsafe: switches `tool_choice` to `auto`, so the model may answer without a tool.

    ## API error
    `Thinking may not be enabled when tool_choice forces tool use.` (no path prefix) —
    mastra-ai/mastra#7507 (2025-09-05, api.anthropic.com); live probe in
    workglow-dev/libs#746 (2026-08-13): `tool` and `any` rejected, `auto` accepted. The
    probe used `enabled`; adaptive mode is thinking too and is covered.

    ## Thinking modes
    `enabled` only. `adaptive` with `tool_choice: {"type": "any"}` is accepted: HTTP 200
    on claude-opus-4-6 in pydantic/pydantic-ai's cassettes
    `test_anthropic_opus_46_adaptive_thinking_accepts_tool_output[unified].yaml` and
    `test_anthropic_count_tokens_with_adaptive_thinking_and_output_tools.yaml` (2026-08).
    (Models that reject forced tool choice outright, such as Claude Opus 5.5, do so in
    every mode; that is not this rule.)

    ## Applies to
    Requests and batch items.
    """
    choice = body.get("tool_choice")
    if not isinstance(choice, dict) or choice.get("type") not in ("any", "tool"):
        return
    auto: dict[str, Any] = {"type": "auto"}
    if isinstance(choice.get("disable_parallel_tool_use"), bool):
        auto["disable_parallel_tool_use"] = choice["disable_parallel_tool_use"]
    yield Violation(
        message=f"`tool_choice` type `{choice['type']}` forces tool use, which thinking forbids",
        path=("tool_choice", "type"),
        fix=Fix.unsafe(
            "Use `tool_choice` `auto`", Edit(op="replace", path=("tool_choice",), value=auto)
        ),
        api_error=FORCED_TOOL,
        api_path="",
    )


@rule(
    "THK006",
    "final-assistant-without-thinking",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=_GENERATING_KINDS,
    thinking_modes=("enabled",),
    gate=("@loop_without_thinking",),
)
def final_assistant_without_thinking(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    With `thinking.type` `enabled`, when the request ends in a tool-use loop (the last
    user turn carries `tool_result` blocks), flags the assistant turn of that loop when
    it does not start with a `thinking` or `redacted_thinking` block.

    Without interleaved thinking the model thinks once, at the start of the loop, and
    later rounds of the same loop carry no thinking block. So the rule walks back over
    the loop's rounds (assistant turns alternating with user turns that hold
    `tool_result` blocks) and fires only when none of its assistant turns starts with
    thinking; the finding points at the first of them.

    Adaptive thinking is not checked: the model may legitimately skip thinking.

    ## Why is this bad?
    The API needs the thinking that led to the pending tool calls. Clients that drop
    thinking blocks from history (to save tokens, or when converting from another
    format) get the 400 on the next tool round.

    ## Example
    ```json
    {"thinking": {"type": "enabled", "budget_tokens": 2048}, "messages": [
      {"role": "user", "content": "Weather in Paris?"},
      {"role": "assistant", "content": [
        {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {}}]},
      {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "toolu_01", "content": "18 C"}]}]}
    ```

    ## API error
    `` messages.N.content.0.type: Expected `thinking` or `redacted_thinking`, but found
    `text`. When `thinking` is enabled, a final `assistant` message must start with a
    thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks).
    We recommend you include thinking blocks from previous turns. To avoid this
    requirement, disable `thinking`. Please consult our documentation at
    https://docs.claude.com/en/docs/build-with-claude/extended-thinking `` ("preceeding"
    is the API's spelling) — lbjlaq/Antigravity-Manager#139 (2025-12-28),
    anthropics/claude-code#20705 (2026-01-25); `found `tool_use`` in
    anomalyco/opencode#3077. Before about 2025-09 the URL was on docs.anthropic.com.

    ## Thinking modes
    `enabled` only: with `adaptive` the model may legitimately skip thinking.

    ## Applies to
    Requests and batch items.
    """
    facts = ctx.conversation
    if facts.tool_loop is None:
        return
    start, last = facts.tool_loop
    found: str | None = None
    where = -1
    for t in range(start, last + 1, 2):
        first = _first_block(facts, t)
        if first is None:
            continue
        if first[1] in THINKING_TYPES:
            return
        if found is None:
            where, found = first
    if found is None:
        return
    mf = facts.by_message[where]
    path: tuple[str | int, ...] = (
        ("messages", where, "content") if mf.string else ("messages", where, "content", 0, "type")
    )
    text = MISSING_THINKING.format(found=found)
    yield Violation(
        message=text, path=path, api_error=text, api_path=f"messages.{where}.content.0.type"
    )


def _first_block(facts: Any, turn: int) -> tuple[int, str] | None:
    """``(message, type)`` of the first block of a merged turn, or None if it has none."""
    for i in facts.turns[turn].messages:
        mf = facts.by_message[i]
        if mf.blocks > 0:
            return (i, mf.first_type) if mf.first_type is not None else None
    return None


@rule(
    "THK007",
    "thinking-not-first",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=_GENERATING_KINDS,
    thinking_modes=("enabled", "adaptive"),
    gate=("@thinking_not_first",),
)
def thinking_not_first(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    With thinking `enabled` or `adaptive`, flags an assistant message that holds
    `thinking` or `redacted_thinking` blocks but does not start with one.

    It fires only when the merged assistant turn does not start with thinking either:
    the evidence does not say whether the check runs before or after the API merges
    consecutive assistant messages, and this fires only where both readings agree.
    With thinking off it is not checked.

    ## Why is this bad?
    Thinking blocks must come first in the message they belong to. Clients that
    rebuild messages from stored parts put the text first and get the 400.

    ## Example
    ```json
    {"role": "assistant", "content": [{"type": "text", "text": "Sure."},
      {"type": "thinking", "thinking": "...", "signature": "..."}]}
    ```

    ## API error
    `messages.N.content.0: If an assistant message contains any thinking blocks, the
    first block must be `thinking` or `redacted_thinking`. Found `text`.` — with
    backticks in lbjlaq/Antigravity-Manager#690 (2026-01-15, Vertex), without them in
    anthropics/claude-code#20705 (2026-01-25). It applies to any assistant message, not
    only the final one.

    ## Thinking modes
    `enabled` and `adaptive`, including a model's default adaptive mode (thinking is on
    in both: anthropics/claude-code#20705, 2026-01-25). Quiet with thinking off, where
    thinking blocks of earlier turns are ignored.

    ## Applies to
    Requests and batch items.
    """
    facts = ctx.conversation
    for i in facts.thinking_messages:
        mf = facts.by_message[i]
        if mf.first_type in THINKING_TYPES:
            continue
        first = _first_block(facts, mf.turn)
        if first is not None and first[1] in THINKING_TYPES:
            continue
        text = NOT_FIRST.format(found=mf.first_type)
        yield Violation(
            message=text,
            path=("messages", i, "content", 0),
            api_error=text,
            api_path=f"messages.{i}.content.0",
        )


@rule(
    "THK008",
    "thinking-block-last",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=_GENERATING_KINDS,
    fixable=True,
    thinking_modes=THINKING_MODES,
    gate=("@prefill",),
)
def thinking_block_last(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a request whose final message is an `assistant` message ending with a
    `thinking` block.

    Only the final message is checked: an earlier assistant message that ends with (or
    is only) thinking is replayed history and is accepted.

    ## Why is this bad?
    A thinking block cannot serve as a prefill. Clients converting from formats where
    reasoning is a separate item (the OpenAI Responses API) produce it.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Hi"},
      {"role": "assistant", "content": [
        {"type": "thinking", "thinking": "...", "signature": "..."}]}]}
    ```

    ## Fix safety
    Unsafe: removes the trailing thinking block (the model thinks again).

    ## API error
    `messages.N: The final block in an assistant message cannot be `thinking`.` —
    tailcallhq/forgecode#2107 (2025-12-11, api.anthropic.com); measured in
    router-for-me/CLIProxyAPI#5321 (2026-08-28, claude-haiku-4-5): a trailing thinking
    message is rejected, the same message in an earlier turn is accepted.
    `redacted_thinking` is not covered by the evidence and is not flagged.

    ## Thinking modes
    Every mode: the final assistant message is a prefill whatever the thinking
    configuration, and a thinking block cannot end it (tailcallhq/forgecode#2107 and
    router-for-me/CLIProxyAPI#5321 do not depend on the mode).

    ## Applies to
    Requests and batch items.
    """
    final = ctx.conversation.final_assistant
    if final is None or final.string or final.last_type != "thinking" or final.blocks < 1:
        return
    i, j = final.position, final.blocks - 1
    yield Violation(
        message=THINKING_LAST,
        path=("messages", i, "content", j),
        fix=Fix.unsafe(
            "Remove the trailing `thinking` block",
            Edit(op="remove", path=("messages", i, "content", j)),
        ),
        api_error=THINKING_LAST,
        api_path=f"messages.{i}",
    )


@rule(
    "THK009",
    "thinking-blocks-while-disabled",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=_GENERATING_KINDS,
    fixable=True,
    thinking_modes=("disabled",),
    gate=("@thinking_blocks",),
)
def thinking_blocks_while_disabled(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    With thinking off (`{"type": "disabled"}`, or no `thinking` on a model that does not
    think by default), flags `thinking` blocks in the assistant message in final position:
    the final message when it is an assistant message (a prefill), or, when the request
    ends in a tool-use loop, the assistant turn whose calls the last user turn answers.

    Thinking blocks in earlier turns are fine with thinking off (they are ignored), and
    `between_tools` mode, which returns thinking blocks itself, is not checked.

    ## Why is this bad?
    The thinking that led to the pending calls or the prefill cannot be continued with
    thinking off. Clients that switch thinking off mid-conversation, or proxies that
    disable it for tool calls, hit this.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Weather?"},
      {"role": "assistant", "content": [{"type": "thinking", "thinking": "...", "signature": "..."},
        {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {}}]},
      {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "toolu_01", "content": "18 C"}]}]}
    ```

    ## Fix safety
    Unsafe: removes the thinking blocks of that turn (alternatively, enable thinking).
    Not offered when a message other than the final one would be left empty.

    ## API error
    `messages.N.content.M: When thinking is disabled, an `assistant` message in the
    final position cannot contain `thinking`. To use thinking blocks, enable `thinking`
    in your request.` — tailcallhq/forgecode#1853 (2025-11-07, api.anthropic.com,
    claude-sonnet-4-5), #1195 (2025-07-22, Vertex), microsoft/vscode#282326 (2025-12-09).
    Those reports come from agents in a tool-use loop (`messages.1`, `messages.3` of
    requests that end in a tool result), which is why "final position" covers the turn
    of the pending calls. `redacted_thinking` is not covered by the evidence and is not
    flagged.

    ## Thinking modes
    `disabled` only: an explicit `{"type": "disabled"}`, or no `thinking` on a model
    whose default is off (claude-sonnet-4-5 in tailcallhq/forgecode#1853, claude-sonnet-4
    in #1195). Quiet on models that think by default: claude-sonnet-5 returns a `thinking`
    block unasked, and the next request that sends it back without `thinking` is
    answered HTTP 200 (activeagents/activeagent cassette `test_agent_tools_request.yml`,
    2026-07). Quiet for `between_tools`, which returns thinking blocks itself, and when
    the model (so its default) is unknown.

    ## Applies to
    Requests and batch items.
    """
    facts = ctx.conversation
    final = facts.final_assistant
    if final is not None:
        turn = final.turn
    elif facts.tool_loop is not None:
        turn = facts.tool_loop[1]
    else:
        return
    messages = ctx.messages
    hits: list[tuple[int, int]] = []
    for i in facts.turns[turn].messages:
        content = messages[i].get("content")
        hits.extend(
            (i, j)
            for j in facts.by_message[i].thinking
            if isinstance(content, list) and content[j].get("type") == "thinking"
        )
    if not hits:
        return
    fix: Fix | None = None
    emptied = [
        i
        for i in {i for i, _ in hits}
        if facts.by_message[i].blocks == sum(1 for m, _ in hits if m == i) and i != facts.last_index
    ]
    if not emptied:
        edits = [Edit(op="remove", path=("messages", i, "content", j)) for i, j in reversed(hits)]
        fix = Fix.unsafe("Remove the `thinking` blocks", *edits)
    i, j = hits[0]
    yield Violation(
        message=THINKING_WHILE_DISABLED,
        path=("messages", i, "content", j),
        fix=fix,
        api_error=THINKING_WHILE_DISABLED,
        api_path=f"messages.{i}.content.{j}",
    )


CLEAR_THINKING = "`clear_thinking_20251015` strategy requires `thinking` to be enabled"


@rule(
    "THK010",
    "clear-thinking-without-thinking",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    since="0.2.0",
    thinking_modes=frozenset({"disabled"}),
    gate=("context_management",),
)
def clear_thinking_without_thinking(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `context_management.edits` entry of type `clear_thinking_20251015` in a request
    whose thinking is off.

    ## Why is this bad?
    The edit clears earlier thinking blocks; without thinking there are none to manage,
    and the API answers HTTP 400.

    ## Example
    ```json
    {"model": "claude-sonnet-4-6", "max_tokens": 1024,
     "context_management": {"edits": [{"type": "clear_thinking_20251015"}]},
     "messages": [{"role": "user", "content": "Hi"}]}
    ```
    (sent with `anthropic-beta: context-management-2025-06-27`).

    ## Fix safety
    No fix: turn thinking on or drop the edit.

    ## API error
    `` `clear_thinking_20251015` strategy requires `thinking` to be enabled ``
    (anthropics/claude-code#11971, 2025-11-19).

    ## Thinking modes
    `disabled` only: an explicit `{"type": "disabled"}`, or no `thinking` on a model that
    does not think by default (the capability table's `thinking_default`). Quiet when
    thinking is on, and when the model's default is unknown.

    ## Applies to
    Requests, token counts, batch items.
    """
    management = body.get("context_management")
    edits = management.get("edits") if isinstance(management, dict) else None
    if not isinstance(edits, list):
        return
    for i, edit in enumerate(edits):
        if isinstance(edit, dict) and edit.get("type") == "clear_thinking_20251015":
            yield Violation(
                message=CLEAR_THINKING,
                path=("context_management", "edits", i),
                api_error=CLEAR_THINKING,
                api_path="",
            )
