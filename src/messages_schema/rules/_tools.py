"""
The ``TOOL`` family: tool definitions, ``tool_choice``, and ``tool_use`` / ``tool_result``
pairing.

Pairing rules read the shared one-pass facts (``Context.conversation``): turns merged the
way the API merges them, the ``tool_use`` ids of each assistant turn and the
``tool_result`` blocks of each user turn, with whether each sits in the leading run.

Structural constraints are not repeated here: ``tool_use.id`` and
``tool_result.tool_use_id`` must match ``^[a-zA-Z0-9_-]+$`` (``SCH008``), custom tool
names ``^[a-zA-Z0-9_-]{1,128}$`` and ``tool_use.name`` at most 200 characters
(``SCH007`` / ``SCH008``), and response-only fields echoed back on request blocks (such
as ``caller: null`` on ``tool_use``) are accepted by the schema.
"""

# Rule docstrings open with the "## What it does" heading that `messages-schema rule` shows.
# ruff: noqa: D205

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any, Final

import orjson
from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]
from jsonschema.exceptions import best_match  # type: ignore[import-untyped, unused-ignore]

from messages_schema.findings import Applicability, Edit, Fix, Severity
from messages_schema.rules._context import Context
from messages_schema.rules._registry import Node, Violation, rule

_GENERATING_KINDS = ("request", "batch_request")

#: The API's text for unanswered ``tool_use`` ids (2025-06 onwards), with the ids filled in.
UNANSWERED = (
    "`tool_use` ids were found without `tool_result` blocks immediately after: {ids}. "
    "Each `tool_use` block must have a corresponding `tool_result` block in the next message."
)
#: The API's text for a ``tool_result`` answering nothing in the previous message.
UNEXPECTED = (
    "unexpected `tool_use_id` found in `tool_result` blocks: {id}. "
    "Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
)
#: The API's text for a repeated ``tool_use`` id.
DUPLICATE_ID = "`tool_use` ids must be unique"
#: The API's text for two tools with one name.
DUPLICATE_NAME = "Tool names must be unique."
#: The API's text for an ``input_schema`` that is not valid JSON Schema (2026-08 URL).
INVALID_SCHEMA = (
    "JSON schema is invalid. It must match JSON Schema draft 2020-12 "
    "(https://json-schema.org/draft/2020-12). Learn more about tool use at "
    "https://platform.claude.com/docs/en/agents-and-tools/tool-use/overview."
)
#: The API's text for ``oneOf`` / ``allOf`` / ``anyOf`` at the top of an ``input_schema``.
TOP_LEVEL_COMBINATOR = "input_schema does not support oneOf, allOf, or anyOf at the top level"
#: The API's text for an error ``tool_result`` without content.
EMPTY_ERROR_RESULT = "content cannot be empty if `is_error` is true"

#: Text put into the ``tool_result`` blocks that the ``TOOL001`` fix adds.
MISSING_RESULT_TEXT = "The tool call was not executed: no result was recorded."
#: Text put into empty error results by the ``TOOL009`` fix.
EMPTY_ERROR_TEXT = "The tool call failed."

#: ``input_schema`` documents larger than this many nodes are not meta-validated.
MAX_SCHEMA_NODES = 20_000
#: ``input_schema`` documents nested deeper than this are not meta-validated.
MAX_SCHEMA_DEPTH = 64


@rule(
    "TOOL001",
    "tool-use-without-tool-result",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    fixable=True,
    gate=("@unanswered_tool_use",),
)
def tool_use_without_tool_result(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags an assistant turn with `tool_use` blocks whose ids are not all answered by
    `tool_result` blocks at the start of the next user turn.

    Turns are merged the way the API merges consecutive same-role messages, so results
    split over two consecutive user messages still count. Only the leading run of
    `tool_result` blocks counts: a `tool_result` placed after a `text` block does not
    answer anything. An assistant turn at the very end of the request (nothing follows
    yet) is not flagged. Server tools (`server_tool_use` with their results inline) are
    not client tool calls and are ignored.

    ## Why is this bad?
    Every client tool call must be answered in the very next message before the
    conversation can continue. Agents hit this when they drop a result, append a user
    note before the results, or insert a message between call and result.

    ## Example
    ```json
    {"messages": [
      {"role": "user", "content": "Weather in Paris?"},
      {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01",
        "name": "get_weather", "input": {"city": "Paris"}}]},
      {"role": "user", "content": "Any news?"}]}
    ```

    ## Fix safety
    Unsafe: answers each missing id with
    `{"type": "tool_result", "tool_use_id": ..., "is_error": true, "content": "..."}` at
    the start of the next user message. The model is told the call was not executed,
    which may not match what really happened. When a result for a missing id exists
    but is misplaced, the fix instead moves the `tool_result` blocks of each user
    message to its start (the `tool_results_first` step of `normalize_request`).

    ## API error
    `messages.N: `tool_use` ids were found without `tool_result` blocks immediately
    after: <id1>, <id2>. Each `tool_use` block must have a corresponding `tool_result`
    block in the next message.` with N the assistant message index and the ids joined
    with `, ` — anthropics/claude-code#1577 (2025-06-04), #6242 (2025-08-21, three ids),
    #12526 (2025-11-27); lbjlaq/Antigravity-Manager#654 (2026-01-15, Vertex).

    A `tool_result` after a `text` block triggers this same error (live-verified in
    QwenLM/qwen-code#8165, 2026-07-30, and NousResearch/hermes-agent#58732, 2026-07-05).
    Until about 2025-03 the wording was `messages.N: Did not find 1 `tool_result`
    block(s) at the beginning of this message. ...` with N the *user* message
    (anthropics/claude-code#37, 2025-02-24); this rule follows today's wording.

    ## Applies to
    Requests, token counts, batch items.
    """
    facts = ctx.conversation
    turns = facts.turns
    for t in range(len(turns) - 1):
        turn = turns[t]
        if not turn.uses or turn.role != "assistant":
            continue
        reply = turns[t + 1]
        leading = {tid for _, _, tid, lead in reply.results if lead}
        if all(uid in leading for _, _, uid in turn.uses):
            continue
        missing = list(dict.fromkeys(uid for _, _, uid in turn.uses if uid not in leading))
        n = next(i for i, _, uid in turn.uses if uid == missing[0])
        text = UNANSWERED.format(ids=", ".join(missing))
        placed_late = {tid for _, _, tid, lead in reply.results if not lead}
        if placed_late.intersection(missing):
            fix: Fix | None = Fix(
                applicability=Applicability.UNSAFE,
                message="Move the `tool_result` blocks to the start of the user message",
                step="tool_results_first",
            )
        else:
            fix = _answer_fix(ctx.messages, reply.first, missing)
        yield Violation(
            message=text,
            path=("messages", n),
            fix=fix,
            api_error=text,
            api_path=f"messages.{n}",
        )


def _answer_fix(messages: list[Any], target: int, ids: list[str]) -> Fix | None:
    results: list[Any] = [
        {
            "type": "tool_result",
            "tool_use_id": uid,
            "is_error": True,
            "content": MISSING_RESULT_TEXT,
        }
        for uid in ids
    ]
    title = "Answer the missing ids with error `tool_result` blocks"
    content = messages[target].get("content")
    if isinstance(content, list):
        # Each is inserted at index 0; edits sharing a path are applied in order, so
        # the last result goes first and the blocks end up in `ids` order.
        edits = [
            Edit(op="add", path=("messages", target, "content", 0), value=block)
            for block in reversed(results)
        ]
        return Fix.unsafe(title, *edits)
    if isinstance(content, str):
        value = [*results, {"type": "text", "text": content}] if content else results
        edit = Edit(op="replace", path=("messages", target, "content"), value=value)
        return Fix.unsafe(title, edit)
    return None


@rule(
    "TOOL002",
    "tool-result-without-tool-use",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    fixable=True,
    gate=("@unmatched_tool_result",),
)
def tool_result_without_tool_use(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `tool_result` block in a user turn whose `tool_use_id` names no `tool_use`
    block of the assistant turn right before it (including a `tool_result` in the first
    message, or one answering a call from an earlier round).

    ## Why is this bad?
    A result must answer a call from the previous message. Orphans appear when history
    is truncated or compacted between a call and its result.

    ## Example
    ```json
    {"messages": [
      {"role": "user", "content": "6 x 7?"},
      {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "toolu_01", "content": "42"}]}]}
    ```

    ## Fix safety
    Unsafe: removes the block, so the model no longer sees that result. Offered only
    when the message keeps another block.

    ## API error
    `messages.N.content.M: unexpected `tool_use_id` found in `tool_result` blocks: <id>.
    Each `tool_result` block must have a corresponding `tool_use` block in the previous
    message.` with the path of the offending block (no type tag) —
    anthropics/claude-code#13460 (2025-12-09), #18947 (2026-01-18, `messages.0.content.0`),
    decocms/studio#1803 (2025-11-07).

    ## Applies to
    Requests, token counts, batch items.
    """
    facts = ctx.conversation
    turns = facts.turns
    for t, turn in enumerate(turns):
        if not turn.results or turn.role != "user":
            continue
        prev = turns[t - 1] if t > 0 and turns[t - 1].role == "assistant" else None
        known = {uid for _, _, uid in prev.uses} if prev is not None else set()
        orphans = [(i, j, tid) for i, j, tid, _ in turn.results if tid not in known]
        if not orphans:
            continue
        per_message = Counter(i for i, _, _ in orphans)
        for i, j, tid in orphans:
            fix = None
            if facts.by_message[i].blocks > per_message[i]:
                fix = Fix.unsafe(
                    "Remove the unmatched `tool_result` block",
                    Edit(op="remove", path=("messages", i, "content", j)),
                )
            text = UNEXPECTED.format(id=tid)
            yield Violation(
                message=text,
                path=("messages", i, "content", j),
                fix=fix,
                api_error=text,
                api_path=f"messages.{i}.content.{j}",
            )


@rule(
    "TOOL003",
    "duplicate-tool-use-id",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    gate=("@duplicate_uses",),
)
def duplicate_tool_use_id(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `tool_use` block whose `id` was already used by an earlier `tool_use` block
    anywhere in the request. Each repeat is reported, the first use is not.

    ## Why is this bad?
    Results are matched to calls by id, so ids must be unique. Repeats appear when a
    client replays a turn twice or generates its own ids.

    ## Example
    ```json
    {"role": "assistant", "content": [
      {"type": "tool_use", "id": "toolu_01", "name": "a", "input": {}},
      {"type": "tool_use", "id": "toolu_01", "name": "b", "input": {}}]}
    ```

    ## API error
    `messages.N.content.M: `tool_use` ids must be unique` at the second occurrence —
    trycua/cua#524, anthropics/claude-code#20901 (2026-01-26), #21317, #21083. Some
    reports show it without backticks (claude-code#28515, anthropic-sdk-csharp#53),
    probably markdown stripping.

    ## Applies to
    Requests, token counts, batch items.
    """
    for i, j, uid in ctx.conversation.duplicate_uses:
        yield Violation(
            message=f"{DUPLICATE_ID} (`{uid}` is used again)",
            path=("messages", i, "content", j),
            api_error=DUPLICATE_ID,
            api_path=f"messages.{i}.content.{j}",
        )


@rule("TOOL004", "duplicate-tool-name", on=Node.DOCUMENT, severity=Severity.ERROR, gate=("tools",))
def duplicate_tool_name(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a tool whose `name` was already taken by an earlier item of `tools` (custom
    and server tools alike; toolsets have no name).

    ## Why is this bad?
    The model calls tools by name, so names must be unique. Clients that merge tools
    from several MCP servers hit this.

    ## Example
    ```json
    {"tools": [{"name": "search", "input_schema": {"type": "object"}},
               {"name": "search", "input_schema": {"type": "object"}}]}
    ```

    ## API error
    `tools: Tool names must be unique.` (bare `tools` path, trailing period) —
    anthropics/claude-code#10687 (2025-10-31), #14205, LibreChat#13162 (2026-05-17),
    XSpoonAi/spoon-core#16 (2025-06-03). The finding points at the later tool.

    ## Applies to
    Requests, token counts, batch items.
    """
    yield from _tools_verdicts(ctx)["TOOL004"]


def _is_custom(tool: Any) -> bool:
    return isinstance(tool, dict) and tool.get("type", "custom") in ("custom", None)


def _within_bounds(schema: Any) -> bool:
    """Whether *schema* has at most `MAX_SCHEMA_NODES` nodes and `MAX_SCHEMA_DEPTH` levels."""
    stack: list[tuple[Any, int]] = [(schema, 0)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_SCHEMA_NODES or depth > MAX_SCHEMA_DEPTH:
            return False
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return True


@functools.cache
def _meta_validator() -> Any:
    # No format checker: user `pattern`s are never compiled, and no remote `$ref` is
    # ever retrieved (the 2020-12 meta-schemas ship with `jsonschema`).
    return Draft202012Validator(Draft202012Validator.META_SCHEMA)


@functools.lru_cache(maxsize=512)
def _schema_problem(encoded: bytes) -> str | None:
    """Return why the JSON Schema *encoded* is invalid under draft 2020-12, or None."""
    schema = orjson.loads(encoded)
    if not _within_bounds(schema):
        return None
    error = best_match(_meta_validator().iter_errors(schema))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path)
    detail = error.message if len(error.message) <= 200 else error.message[:197] + "..."
    return f"{detail} (at `/{where}`)" if where else detail


@rule("TOOL005", "invalid-input-schema", on=Node.DOCUMENT, severity=Severity.ERROR, gate=("tools",))
def invalid_input_schema(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Meta-validates each custom tool's `input_schema` against the JSON Schema draft
    2020-12 meta-schema: `"required": true` (a draft-03 habit), `"type": "str"`,
    `"exclusiveMinimum": true` (draft-04), `"properties": []` and the like.

    Formats are not asserted (a `pattern` is never compiled) and no remote `$ref` is
    retrieved. Schemas larger than 20,000 nodes or deeper than 64 levels are skipped.
    Results are cached per distinct schema, as the same tools come with every request
    of a conversation.

    ## Why is this bad?
    The API validates every tool's schema before it runs the request and rejects the
    whole request for one bad tool. Tool schemas generated by MCP servers or older
    libraries often use pre-2020-12 keywords.

    ## Example
    ```json
    {"name": "lookup", "input_schema": {"type": "object",
      "properties": {"q": {"type": "string", "required": true}}}}
    ```

    ## API error
    `tools.N.custom.input_schema: JSON schema is invalid. It must match JSON Schema draft
    2020-12 (https://json-schema.org/draft/2020-12). Learn more about tool use at
    https://platform.claude.com/docs/en/agents-and-tools/tool-use/overview.` —
    anthropics/claude-code#86664 / #86665 (2026-08-14). The closing URL changed over
    time: `https://docs.anthropic.com/en/docs/tool-use` (claude-code#5486, 2025-08-10),
    then `https://docs.claude.com/en/docs/tool-use` (claude-code#8900, 2025-10-04, to
    #63673, 2026-05-29); match on the text before "Learn more".

    ## Applies to
    Requests, token counts, batch items.
    """
    yield from _tools_verdicts(ctx)["TOOL005"]


@rule(
    "TOOL006",
    "input-schema-top-level-combinator",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    gate=("tools",),
)
def input_schema_top_level_combinator(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a custom tool whose `input_schema` has `oneOf`, `allOf` or `anyOf` at its top
    level.

    ## Why is this bad?
    The API needs a plain object schema at the top of `input_schema` and rejects
    combinators there, although they are valid JSON Schema. Schemas generated from
    union types (zod `z.union`, pydantic unions) produce them.

    ## Example
    ```json
    {"name": "act", "input_schema": {"anyOf": [{"type": "object"}, {"type": "object"}]}}
    ```

    ## API error
    `tools.N.custom.input_schema: input_schema does not support oneOf, allOf, or anyOf at
    the top level` — anthropics/claude-code#40075 (2026-03-28); home-assistant/core#160565
    and #160462 (top-level `anyOf` rejected).

    ## Applies to
    Requests, token counts, batch items.
    """
    yield from _tools_verdicts(ctx)["TOOL006"]


def _is_toolset(tool: Any) -> bool:
    kind = tool.get("type") if isinstance(tool, dict) else None
    return isinstance(kind, str) and "_toolset_" in kind


@rule(
    "TOOL007",
    "tool-choice-unknown-tool",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=_GENERATING_KINDS,
    gate=("tool_choice",),
)
def tool_choice_unknown_tool(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags `tool_choice: {"type": "tool", "name": ...}` naming no tool in `tools`.

    Not checked when the request defines a toolset (`computer_toolset_…`,
    `browser_toolset_…`, whose members are named by the toolset) or sends
    `mcp_servers` (their tools are not listed in `tools`).

    ## Why is this bad?
    The model is forced to call a tool that does not exist, so the request cannot be
    served. It happens when a tool is renamed or filtered out but `tool_choice` is not
    updated.

    ## Example
    ```json
    {"tools": [{"name": "get_weather", "input_schema": {"type": "object"}}],
     "tool_choice": {"type": "tool", "name": "get_wether"}}
    ```

    ## API error
    Not known: no public report quotes the text (api-evidence §2, §13). It is an error
    here because forcing a call to an undefined tool cannot be honoured; the API's
    exact wording and path may differ from this finding's.

    ## Applies to
    Requests and batch items.
    """
    choice = body.get("tool_choice")
    if not isinstance(choice, dict) or choice.get("type") != "tool":
        return
    name = choice.get("name")
    if not isinstance(name, str) or name in ctx.tool_names:
        return
    if "mcp_servers" in body or any(_is_toolset(t) for t in ctx.tools):
        return
    yield Violation(
        message=f"`tool_choice` forces tool `{name}`, which `tools` does not define",
        path=("tool_choice", "name"),
    )


@rule(
    "TOOL008",
    "allowed-and-blocked-domains",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    gate=("tools",),
)
def allowed_and_blocked_domains(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `web_search` or `web_fetch` tool that sets both `allowed_domains` and
    `blocked_domains` (both non-empty lists).

    ## Why is this bad?
    The two filters are mutually exclusive: a tool either allow-lists or block-lists
    domains.

    ## Example
    ```json
    {"type": "web_search_20250305", "name": "web_search",
     "allowed_domains": ["example.com"], "blocked_domains": ["spam.example"]}
    ```

    ## API error
    Not known: no public report quotes the text. The API inventory (§4, §12 item 7)
    records the two fields as mutually exclusive, as the tool documentation does.
    Empty lists are not flagged, as the evidence does not say how they are treated.

    ## Applies to
    Requests, token counts, batch items.
    """
    yield from _tools_verdicts(ctx)["TOOL008"]


@rule("TOOL010", "empty-domain-list", on=Node.DOCUMENT, severity=Severity.ERROR,
      since="0.2.0", fixable=True,
    gate=("tools",),
)  # fmt: skip
def empty_domain_list(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `web_search` or `web_fetch` server tool whose `allowed_domains` or
    `blocked_domains` is an empty list.

    ## Why is this bad?
    The API does not guess whether an empty list means "nothing" or "no filter"; it
    answers HTTP 400. Leave the key out (or send `null`) for no filter.

    ## Example
    ```json
    {"type": "web_search_20250305", "name": "web_search", "blocked_domains": []}
    ```

    ## Fix safety
    Safe: removes the empty list, which is what the API asks for.

    ## API error
    `tools.0.web_search_20250305.blocked_domains: Empty list of domains is ambiguous.
    Provide at least one domain or null.` (CherryHQ/cherry-studio#10374, 2025-09-26).

    ## Applies to
    Requests, token counts, batch items.
    """
    yield from _tools_verdicts(ctx)["TOOL010"]


@rule("TOOL011", "invalid-property-name", on=Node.DOCUMENT, severity=Severity.ERROR,
      since="0.2.0",
    gate=("tools",),
)  # fmt: skip
def invalid_property_name(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a custom tool whose `input_schema.properties` has a key that is not 1 to 64
    letters, digits, `_`, `.` or `-` (a space, a colon, a non-ASCII letter, 65 characters
    or more). Nested objects' property names are not checked: the evidence covers the
    top level only.

    ## Why is this bad?
    The API answers HTTP 400. MCP servers and generated tools sometimes carry such names.

    ## Example
    ```json
    {"name": "lookup", "input_schema": {"type": "object",
     "properties": {"user name": {"type": "string"}}}}
    ```

    ## Fix safety
    No fix: the tool's implementation reads the key.

    ## API error
    `tools.37.custom.input_schema.properties: Property keys should match pattern
    '^[a-zA-Z0-9_.-]{1,64}$'` (Gitlawb/openclaude#714, 2026-04-15, claude-sonnet-4-6).

    ## Applies to
    Requests, token counts, batch items.
    """
    yield from _tools_verdicts(ctx)["TOOL011"]


@rule("TOOL012", "prefill-with-forced-tool-choice", on=Node.DOCUMENT, severity=Severity.ERROR,
      since="0.2.0", kinds=("request", "batch_request"),
    gate=("tool_choice",),
)  # fmt: skip
def prefill_with_forced_tool_choice(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a request that forces tool use (`tool_choice` of type `any` or `tool`) and ends
    with an `assistant` message (a prefill).

    ## Why is this bad?
    A forced tool call must start the answer, so the API refuses to continue a prefilled
    one: HTTP 400. With `tool_choice` `auto` (or none) a prefill is not flagged.

    ## Example
    ```json
    {"tool_choice": {"type": "any"}, "tools": [...], "messages": [
      {"role": "user", "content": "Route this."},
      {"role": "assistant", "content": "The next agent is"}]}
    ```

    ## Fix safety
    No fix: drop the prefill or let the model choose.

    ## API error
    `Your API request included an `assistant` message in the final position, which would
    pre-fill the `assistant` response. When using tools, pre-filling the `assistant`
    response is not supported.` (inngest/agent-kit#41, 2025-01-10,
    claude-3-5-haiku-latest, with `tool_choice: any`).

    ## Applies to
    Requests and batch items.
    """
    choice = body.get("tool_choice")
    messages = ctx.messages
    if not (isinstance(choice, dict) and choice.get("type") in ("any", "tool")) or not messages:
        return
    last = messages[-1]
    if isinstance(last, dict) and last.get("role") == "assistant":
        text = (
            "Your API request included an `assistant` message in the final position, which "
            "would pre-fill the `assistant` response. When using tools, pre-filling the "
            "`assistant` response is not supported."
        )
        yield Violation(message=text, path=("messages", len(messages) - 1), api_error=text,
                        api_path="")


@rule(
    "TOOL009",
    "empty-error-tool-result",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    fixable=True,
    gate=("@empty_error_results",),
)
def empty_error_tool_result(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `tool_result` with `is_error: true` whose `content` is `""` or `[]`.

    A missing `content` key is not flagged: no report shows what the API does with it.

    ## Why is this bad?
    An error result must say what went wrong. Clients produce empty ones when a tool
    raises without a message.

    ## Example
    ```json
    {"type": "tool_result", "tool_use_id": "toolu_01", "is_error": true, "content": ""}
    ```

    ## Fix safety
    Unsafe: puts a generic error text into `content`.

    ## API error
    `messages.N.content.M.tool_result: content cannot be empty if `is_error` is true` —
    jlevy/markform#153 (2026-02-16); bytedance/trae-agent#231 (2025-07-30, backticks
    stripped). Seen for both `""` and `[]`. The path ends at the block's type tag.

    ## Applies to
    Requests, token counts, batch items.
    """
    for i, j in ctx.conversation.empty_error_results:
        yield Violation(
            message=f"error `tool_result` has empty `content`: {EMPTY_ERROR_RESULT}",
            path=("messages", i, "content", j),
            fix=Fix.unsafe(
                "Describe the error in `content`",
                Edit(
                    op="replace",
                    path=("messages", i, "content", j, "content"),
                    value=EMPTY_ERROR_TEXT,
                ),
            ),
            api_error=EMPTY_ERROR_RESULT,
            api_path=f"messages.{i}.content.{j}.tool_result",
        )


# -- TOOL004-006 and TOOL008 read only `tools`: one verdict per distinct tools list ------
#
# Callers send the same tool definitions with every turn of a conversation, so the four
# verdicts are memoised by the list's JSON text: a repeated list costs one `orjson.dumps`
# and a lookup instead of four walks and a meta-validation per tool.


def _tools_verdicts(ctx: Context) -> dict[str, tuple[Violation, ...]]:
    """The violations of the rules that read only `tools` (TOOL004-006, 008, 010, 011)."""
    key = "tools.verdicts"
    verdicts: dict[str, tuple[Violation, ...]] | None = ctx.memo.get(key)
    if verdicts is None:
        try:
            encoded = orjson.dumps(ctx.tools)
        except (TypeError, orjson.JSONEncodeError):  # not JSON (a Python value): no memo
            verdicts = _check_tools(ctx.tools)
        else:
            verdicts = _verdicts_of(encoded)
        ctx.memo[key] = verdicts
    return verdicts


@functools.lru_cache(maxsize=256)
def _verdicts_of(encoded: bytes) -> dict[str, tuple[Violation, ...]]:
    return _check_tools(orjson.loads(encoded))


def _check_tools(tools: list[Any]) -> dict[str, tuple[Violation, ...]]:
    return {
        "TOOL004": tuple(_duplicate_tool_name(tools)),
        "TOOL005": tuple(_invalid_input_schema(tools)),
        "TOOL006": tuple(_input_schema_top_level_combinator(tools)),
        "TOOL008": tuple(_allowed_and_blocked_domains(tools)),
        "TOOL010": tuple(_empty_domain_list(tools)),
        "TOOL011": tuple(_invalid_property_name(tools)),
    }


def _duplicate_tool_name(tools: list[Any]) -> Iterator[Violation]:
    seen: set[str] = set()
    for t, tool in enumerate(tools):
        name = tool.get("name") if isinstance(tool, dict) else None
        if not isinstance(name, str):
            continue
        if name in seen:
            yield Violation(
                message=f"{DUPLICATE_NAME} (`{name}` is defined again)",
                path=("tools", t),
                api_error=DUPLICATE_NAME,
                api_path="tools",
            )
        seen.add(name)


def _invalid_input_schema(tools: list[Any]) -> Iterator[Violation]:
    for t, tool in enumerate(tools):
        if not _is_custom(tool):
            continue
        schema = tool.get("input_schema")
        if not isinstance(schema, dict):
            continue
        try:
            problem = _schema_problem(orjson.dumps(schema))
        except Exception:  # unencodable or pathological input: no verdict
            continue
        if problem is None:
            continue
        yield Violation(
            message=f"`input_schema` is not valid JSON Schema draft 2020-12: {problem}",
            path=("tools", t, "input_schema"),
            api_error=INVALID_SCHEMA,
            api_path=f"tools.{t}.custom.input_schema",
        )


def _input_schema_top_level_combinator(tools: list[Any]) -> Iterator[Violation]:
    for t, tool in enumerate(tools):
        if not _is_custom(tool):
            continue
        schema = tool.get("input_schema")
        if not isinstance(schema, dict):
            continue
        found = [k for k in ("oneOf", "allOf", "anyOf") if k in schema]
        if found:
            yield Violation(
                message=f"{TOP_LEVEL_COMBINATOR} (found `{found[0]}`)",
                path=("tools", t, "input_schema", found[0]),
                api_error=TOP_LEVEL_COMBINATOR,
                api_path=f"tools.{t}.custom.input_schema",
            )


def _allowed_and_blocked_domains(tools: list[Any]) -> Iterator[Violation]:
    for t, tool in enumerate(tools):
        kind = tool.get("type") if isinstance(tool, dict) else None
        if not isinstance(kind, str) or not kind.startswith(("web_search_", "web_fetch_")):
            continue
        allowed = tool.get("allowed_domains")
        blocked = tool.get("blocked_domains")
        if isinstance(allowed, list) and isinstance(blocked, list) and allowed and blocked:
            yield Violation(
                message="`allowed_domains` and `blocked_domains` cannot both be set",
                path=("tools", t, "blocked_domains"),
            )


_SEARCH_TOOL_PREFIXES: Final = ("web_search_", "web_fetch_")
_PROPERTY_NAME: Final = re.compile(r"[a-zA-Z0-9_.-]{1,64}")
EMPTY_DOMAINS: Final = "Empty list of domains is ambiguous. Provide at least one domain or null."


def _empty_domain_list(tools: list[Any]) -> Iterator[Violation]:
    for t, tool in enumerate(tools):
        kind = tool.get("type") if isinstance(tool, dict) else None
        if not isinstance(kind, str) or not kind.startswith(_SEARCH_TOOL_PREFIXES):
            continue
        for key in ("allowed_domains", "blocked_domains"):
            if tool.get(key) == []:
                yield Violation(
                    message=f"`{key}` is an empty list: {EMPTY_DOMAINS}",
                    path=("tools", t, key),
                    api_error=EMPTY_DOMAINS,
                    fix=Fix.safe(
                        f"Remove the empty `{key}`", Edit(op="remove", path=("tools", t, key))
                    ),
                )


def _invalid_property_name(tools: list[Any]) -> Iterator[Violation]:
    for t, tool in enumerate(tools):
        if not _is_custom(tool):
            continue
        schema = tool.get("input_schema")
        props = schema.get("properties") if isinstance(schema, dict) else None
        if not isinstance(props, dict):
            continue
        bad = [k for k in props if not (isinstance(k, str) and _PROPERTY_NAME.fullmatch(k))]
        if bad:
            text = "Property keys should match pattern '^[a-zA-Z0-9_.-]{1,64}$'"
            yield Violation(
                message=f"{text} (not: {', '.join(repr(k) for k in bad[:5])})",
                path=("tools", t, "input_schema", "properties", bad[0]),
                api_error=text,
                api_path=f"tools.{t}.custom.input_schema.properties",
            )
