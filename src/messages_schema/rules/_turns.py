"""
The ``TURN`` family: roles, turn order, and empty or whitespace content.

Every rule reads the shared one-pass facts (``Context.conversation``) instead of walking
the conversation itself. The API merges consecutive same-role messages into one turn
(api-evidence §4), so checks whose evidence does not say whether they run before or after
that merge are applied to the merged turn, which fires in fewer cases: a false alarm
costs more than a miss.

A first message with role ``assistant`` is deliberately not flagged: the first-party API
accepts it since about 2024-12 (anthropic-sdk-typescript#622, 2024-12-06;
anthropics/courses#79, 2025-03-25), although it answered
``messages: first message must use the "user" role`` before that (lobehub#1601,
2024-03-16) and Amazon Bedrock still did in late 2024.
"""

# Rule docstrings open with the "## What it does" heading that `messages-schema rule` shows.
# ruff: noqa: D205

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any, Final

from messages_schema.findings import Applicability, Edit, Fix, Severity
from messages_schema.rules._context import Context
from messages_schema.rules._registry import Node, Violation, rule

#: The API's text for an empty text block (bare ``messages`` path).
EMPTY_TEXT = "text content blocks must be non-empty"
#: The API's text for a message whose text is all whitespace (bare ``messages`` path).
WHITESPACE_TEXT = "text content blocks must contain non-whitespace text"
#: The API's text for an empty user message (2026 wording).
EMPTY_USER = "user messages must have non-empty content"
#: The API's older, role-neutral text for an empty message, still the only one seen for
#: assistant messages.
EMPTY_ANY = (
    "all messages must have non-empty content except for the optional final assistant message"
)
#: The API's text for a prefill that ends in whitespace (bare ``messages`` path).
TRAILING_WHITESPACE = "final assistant content cannot end with trailing whitespace"


@rule(
    "TURN001",
    "empty-text-block",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    fixable=True,
    gate=("@empty_text",),
)
def empty_text_block(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `text` block whose `text` is the empty string, in any `user` or `assistant`
    message, the final assistant message (prefill) included.

    ## Why is this bad?
    The API rejects every empty text block, wherever it sits in the message; only the
    whole final assistant message may be empty. Streams sometimes produce empty text
    blocks, and clients that replay them verbatim get the 400.

    ## Example
    ```json
    {"role": "user", "content": [{"type": "text", "text": ""}, {"type": "text", "text": "Hi"}]}
    ```

    ## Fix safety
    Unsafe: removes the block. Offered only when the message keeps another block or is
    the final assistant message (which may be empty), so the fix never creates an
    empty-message error.

    ## API error
    `messages: text content blocks must be non-empty` — note the bare `messages` path,
    without an index, in every report: anthropics/claude-code#59812 (2026-05-16),
    #62312 (2026-05-25); microsoft/genaiscript#1561 (2025-05-18, Bedrock, same text);
    live probe in LibreChat-AI/agents#124 (2026-04-30): an empty block is rejected
    anywhere in the message. The finding points at the block; its `api_path` is the
    API's bare `messages`.

    A block without the `text` key is a different error (`...text.text: Field
    required`, rule `SCH001`). A block that carries `cache_control` is answered with
    `cache_control cannot be set for empty text blocks` instead and belongs to the
    `CACHE` family; this rule skips it.

    ## Applies to
    Requests, token counts, batch items.
    """
    facts = ctx.conversation
    if not facts.empty_text:
        return
    per_message = Counter(i for i, _ in facts.empty_text)
    final = facts.final_assistant
    for i, j in facts.empty_text:
        keeps_other = facts.by_message[i].blocks > per_message[i]
        fix = None
        if keeps_other or (final is not None and final.position == i):
            fix = Fix.unsafe(
                "Remove the empty `text` block",
                Edit(op="remove", path=("messages", i, "content", j)),
            )
        yield Violation(
            message=f"`text` block has empty `text`: {EMPTY_TEXT}",
            path=("messages", i, "content", j),
            fix=fix,
            api_error=EMPTY_TEXT,
            api_path="messages",
        )


@rule(
    "TURN002",
    "whitespace-only-text",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    fixable=True,
    gate=("@whitespace",),
)
def whitespace_only_text(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    r"""
    ## What it does
    Flags a message whose content is only text, all of it whitespace: `" "`, `"\n"`, or
    a list of `text` blocks that are each whitespace-only.

    It fires only when the whole merged turn (consecutive same-role messages, which the
    API merges) is such text, and never for a message that also holds other blocks.

    ## Why is this bad?
    The API rejects a message that has no non-whitespace text and nothing else.

    ## Example
    ```json
    {"role": "assistant", "content": [{"type": "text", "text": " "}]}
    ```

    ## Fix safety
    Unsafe, and offered only for the final assistant message, which may be empty: the
    whitespace is dropped. Any other message would be left empty, which the API rejects
    too, so the text has to be rewritten by hand.

    ## API error
    `messages: text content blocks must contain non-whitespace text` (bare `messages`
    path): anthropics/claude-code#23369, #23440, #23005 (2026-02-04/05),
    home-assistant/core#175637 (2026-07-04), anomalyco/opencode#31259 (2026-06-07, body
    `{"role":"assistant","content":[{"type":"text","text":" "}]}`). The check became
    visible around early 2026.

    Boundary, live-probed in LibreChat-AI/agents#124 (2026-04-30): `[text:" "]` and
    `[text:"\n"]` are rejected, `[text:" ", text:"real"]` is accepted. Recorded traffic
    shows replayed assistant turns holding a whitespace-only text block beside
    `tool_use` or `thinking` blocks being accepted, so a message with any non-text
    block is never flagged.

    Per merged turn, not per message: the evidence does not say whether the check runs
    before or after the API merges same-role messages. Evaluating the merged turn fires
    only where both readings agree that the request is rejected.

    ## Applies to
    Requests, token counts, batch items.
    """
    facts = ctx.conversation
    final = facts.final_assistant
    for turn in facts.turns:
        if not turn.all_whitespace:
            continue
        for i in turn.messages:
            mf = facts.by_message[i]
            if not mf.all_whitespace:
                continue
            fix = None
            if final is not None and final.position == i:
                fix = Fix.unsafe(
                    "Drop the whitespace-only text (an empty final assistant message is allowed)",
                    Edit(
                        op="replace",
                        path=("messages", i, "content"),
                        value="" if mf.string else [],
                    ),
                )
            yield Violation(
                message=f"`{mf.role}` message holds only whitespace text: {WHITESPACE_TEXT}",
                path=("messages", i),
                fix=fix,
                api_error=WHITESPACE_TEXT,
                api_path="messages",
            )


@rule(
    "TURN003",
    "empty-message-content",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    gate=("@empty_message",),
)
def empty_message_content(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a `user` or `assistant` message whose `content` is `""` or `[]`, except the
    final assistant message (a prefill may be empty).

    It fires only when the whole merged turn is empty: an empty message next to a
    same-role message with content is merged into it by the API (api-evidence §4) and
    is left alone.

    ## Why is this bad?
    The API rejects empty messages. Agents produce them when they filter out empty or
    whitespace blocks and nothing is left.

    ## Example
    ```json
    {"messages": [{"role": "user", "content": []}]}
    ```

    ## API error
    For `user` messages, the 2026 wording: `messages.N: user messages must have
    non-empty content` (NousResearch/hermes-agent#3149, 2026-03-26; LibreChat-AI/agents#144,
    2026-05-05).

    For `assistant` messages, the older role-neutral wording: `messages.N: all messages
    must have non-empty content except for the optional final assistant message`
    (microsoft/autogen#6083, 2025-03-24; anthropics/claude-code#4416, 2025-07-25;
    oh-my-openagent#308, 2025-12-28). The 2026 wording is role-specific and no
    assistant-specific variant has been seen, so the older text is the best known one
    for assistant messages. Early 2024 reports show it without the index.

    ## Applies to
    Requests, token counts, batch items.
    """
    facts = ctx.conversation
    final = facts.final_assistant
    final_turn = final.turn if final is not None else -1
    for t, turn in enumerate(facts.turns):
        if not turn.all_empty or t == final_turn:
            continue
        for i in turn.messages:
            if not facts.by_message[i].empty:
                continue
            text = EMPTY_USER if turn.role == "user" else EMPTY_ANY
            yield Violation(
                message=f"`{turn.role}` message has empty `content`: {text}",
                path=("messages", i, "content"),
                api_error=text,
                api_path=f"messages.{i}",
            )


@rule(
    "TURN004",
    "final-assistant-trailing-whitespace",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    fixable=True,
    gate=("@prefill",),
)
def final_assistant_trailing_whitespace(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    r"""
    ## What it does
    Flags a request that ends with an `assistant` message (a prefill) whose final text
    ends in whitespace: the string content, or the last block when that block is a
    `text` block.

    An empty final assistant message is fine. A final message that is whitespace only
    is left to `TURN002`.

    ## Why is this bad?
    The API continues generation from the prefill and rejects one that ends in
    whitespace (a prefill like `"<answer>\n"` or `"Sure, "`).

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Name a colour."},
                  {"role": "assistant", "content": "The colour is "}]}
    ```

    ## Fix safety
    Unsafe: strips the trailing whitespace (or removes a last `text` block that is only
    whitespace). The model then continues from a slightly different prefix.

    ## API error
    `messages: final assistant content cannot end with trailing whitespace` (bare
    `messages` path): tailcallhq/forgecode#1872 (2025-11-08, api.anthropic.com),
    anomalyco/opencode#1295 (2025-07-25), crewAIInc/crewAI#4430 (2026-02-09),
    langchain-ai/langchain#35071 (2026-02-08), GCWing/OpenBitFun#825 (2026-05-21).

    Models that do not support prefill at all reject any final assistant message;
    that is a model-capability rule, not this one.

    ## Applies to
    Requests, token counts, batch items.
    """
    facts = ctx.conversation
    final = facts.final_assistant
    if final is None:
        return
    turn = facts.turns[final.turn]
    if final.all_whitespace and turn.all_whitespace:
        return  # TURN002's
    i = final.position
    content = ctx.messages[i].get("content")
    if isinstance(content, str):
        path: tuple[str | int, ...] = ("messages", i, "content")
        text = content
    elif isinstance(content, list) and content and final.last_type == "text":
        j = len(content) - 1
        text = content[j].get("text")
        path = ("messages", i, "content", j, "text")
    else:
        return
    if not isinstance(text, str) or not text or text == text.rstrip():
        return
    stripped = text.rstrip()
    if stripped or isinstance(content, str):
        fix = Fix.unsafe(
            "Strip the trailing whitespace", Edit(op="replace", path=path, value=stripped)
        )
    else:
        fix = Fix.unsafe(
            "Remove the whitespace-only last `text` block", Edit(op="remove", path=path[:-1])
        )
    yield Violation(
        message=f"final `assistant` message ends with whitespace: {TRAILING_WHITESPACE}",
        path=path,
        fix=fix,
        api_error=TRAILING_WHITESPACE,
        api_path="messages",
    )


@rule(
    "TURN005",
    "consecutive-same-role",
    on=Node.DOCUMENT,
    severity=Severity.INFO,
    fixable=True,
    gate=("@same_role",),
)
def consecutive_same_role(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Notes a message with the same role as the message right before it.

    ## Why is this bad?
    It is not an error today: the API combines consecutive `user` or `assistant`
    messages into one turn. It is worth knowing because other providers (Amazon
    Bedrock, older API versions) still reject it, and because merging changes what
    "the next message" is for `tool_result` pairing (`TOOL001`).

    ## Example
    ```json
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Still there?"}]}
    ```

    ## Fix safety
    Safe: merging the messages is what the API does itself. The fix names the
    `merge_same_role` step of `messages_schema.normalize_request`, which performs it.

    ## API error
    None today. Before about 2024-10 the API answered
    `messages: roles must alternate between "user" and "assistant", but found multiple
    "user" roles in a row` (mattermost/mattermost-plugin-agents#180, 2024-05-13;
    etkecc/baibot#13, 2024-09-21). Since about 2024-10 the first-party API merges
    (anthropic-sdk-typescript#565, 2024-10-19; anthropics/courses#79, 2025-03-25);
    Bedrock still rejected it in late 2024.

    ## Applies to
    Requests, token counts, batch items.
    """
    facts = ctx.conversation
    for i in facts.same_role:
        role = facts.by_message[i].role
        yield Violation(
            message=(
                f"`{role}` message follows another `{role}` message; "
                "the API merges them into one turn"
            ),
            path=("messages", i),
            fix=Fix(
                applicability=Applicability.SAFE,
                message=f"Merge it into the previous `{role}` message",
                step="merge_same_role",
            ),
        )


def _ends_in_server_tool_use(message: Any) -> bool:
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, list) or not content or not isinstance(content[-1], dict):
        return False
    return content[-1].get("type") == "server_tool_use"


@rule(
    "TURN006",
    "system-message-placement",
    on=Node.DOCUMENT,
    severity=Severity.WARNING,
    gate=("@system_messages",),
)
def system_message_placement(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Checks where `role: "system"` messages (mid-conversation system messages) sit in
    `messages`. Such a message must not be the first message; must follow a `user`
    message, or an `assistant` message that ends in `server_tool_use`; must be the last
    message or be followed by an `assistant` message; and must not follow another
    system message. One finding per system message, naming the first rule it breaks.

    ## Why is this bad?
    The API documents these placement rules and rejects other placements.

    ## Example
    ```json
    {"messages": [{"role": "system", "content": "Be brief."},
                  {"role": "user", "content": "Hi"}]}
    ```

    ## API error
    The exact texts are not known, so this is a warning. History: in 2024 the API
    rejected every system-role message (`messages: Unexpected role "system". The
    Messages API accepts a top-level `system` parameter, not "system" as an input
    message role.`, ianarawjo/ChainForge#271, 2024-04-29). Since about 2026-05
    mid-conversation system messages are supported (docs page
    "mid-conversation-system-messages"; nyroway/nyro#217, 2026-06-15) with the placement
    rules above (quoted in maximhq/bifrost#3945). Whether a model accepts them at all
    is a model-capability rule, not this one.

    ## Applies to
    Requests, token counts, batch items.
    """
    messages = ctx.messages
    for i in ctx.conversation.system:
        problem = _placement_problem(messages, i)
        if problem is not None:
            yield Violation(message=problem, path=("messages", i))


def _placement_problem(messages: list[Any], i: int) -> str | None:
    """The first placement rule the system message at *i* breaks, or None."""
    if i == 0:
        return "a `system` message cannot be the first message"
    prev = messages[i - 1]
    prev_role = prev.get("role") if isinstance(prev, dict) else None
    if prev_role == "system":
        return "a `system` message cannot follow another `system` message"
    if prev_role != "user" and not (prev_role == "assistant" and _ends_in_server_tool_use(prev)):
        return (
            "a `system` message must follow a `user` message or an `assistant` message "
            "that ends in `server_tool_use`"
        )
    if i < len(messages) - 1:
        nxt = messages[i + 1]
        if not isinstance(nxt, dict) or nxt.get("role") not in ("assistant", "system"):
            return (
                "a `system` message must be the last message or be followed by an "
                "`assistant` message"
            )
    return None


#: The API's text for an empty ``messages`` list.
NO_MESSAGES = "at least one message is required"


@rule(
    "TURN007",
    "empty-messages",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=("request", "count_tokens", "batch_request"),
    since="0.2.0",
)
def empty_messages(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    Flags a request whose `messages` list is empty.

    ## Why is this bad?
    There is nothing to answer: the API rejects the request with HTTP 400. The schema
    allows the empty list (the SDK types do), so only this rule catches it.

    ## Example
    ```json
    {"model": "claude-sonnet-4-6", "max_tokens": 1024, "messages": []}
    ```

    ## Fix safety
    No fix: the conversation is missing.

    ## API error
    `messages: at least one message is required` (a `BadRequestError` quoted in a
    LangChain-based project and in test fixtures that mirror live answers; Helicone/helicone
    #5257, 2025-11-17, paraphrases it as "messages must have at least one element").

    ## Applies to
    Requests, token counts, batch items.
    """
    if body.get("messages") == []:
        yield Violation(
            message=f"`messages` is empty: {NO_MESSAGES}",
            path=("messages",),
            api_error=NO_MESSAGES,
        )


def _system_text_blocks(system: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(system, list):
        for j, block in enumerate(system):
            if isinstance(block, dict) and block.get("type") == "text":
                yield j, block


@rule(
    "TURN008",
    "empty-system-text",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=("request", "count_tokens", "batch_request"),
    since="0.2.0",
    fixable=True,
    gate=("system",),
)
def empty_system_text(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    r"""
    ## What it does
    Flags a `text` block of a list-form `system` prompt whose `text` is empty, and a
    list-form `system` prompt whose text blocks are all whitespace (`" "`, `"\n"`): the
    same emptiness rules the API applies to text blocks in `messages` (`TURN001`,
    `TURN002`).

    A string `system` (`"system": ""`) is not flagged: no report shows the API rejecting
    it, and many clients send it.

    ## Why is this bad?
    The API answers HTTP 400.

    ## Example
    ```json
    {"model": "claude-sonnet-4-6", "max_tokens": 1024,
     "system": [{"type": "text", "text": ""}],
     "messages": [{"role": "user", "content": "Hi"}]}
    ```

    ## Fix safety
    Unsafe: removes the empty block (safe in effect, but the system prompt's block
    indices change, which `cache_control` positions may depend on).

    ## API error
    `system: text content blocks must be non-empty` (error JSON quoted with request id
    `req_011CURe5b5KfYRq37fv8qqhM` in a public repository's docs; an MCPJam changeset);
    `system: text content blocks must contain non-whitespace text` (an incident note of
    2026-09-22). A block with `cache_control` is answered with `cache_control cannot be
    set for empty text blocks` instead (`CACHE002`); this rule skips it.

    ## Applies to
    Requests, token counts, batch items.
    """
    blocks = list(_system_text_blocks(body.get("system")))
    if not blocks:
        return
    texts = [b.get("text") for _, b in blocks]
    if not all(isinstance(t, str) for t in texts):
        return  # a missing or non-string `text` is a structural finding
    for j, block in blocks:
        if block.get("text") == "" and "cache_control" not in block:
            yield Violation(
                message=f"`system` text block has empty `text`: {EMPTY_TEXT}",
                path=("system", j),
                fix=Fix.unsafe(
                    "Remove the empty `text` block", Edit(op="remove", path=("system", j))
                ),
                api_error=EMPTY_TEXT,
                api_path="system",
            )
    if all(isinstance(t, str) and t and not t.strip() for t in texts):
        yield Violation(
            message=f"`system` text is only whitespace: {WHITESPACE_TEXT}",
            path=("system",),
            api_error=WHITESPACE_TEXT,
            api_path="system",
        )


#: The last day a public report shows the API refusing an `assistant` first message or
#: two same-role messages in a row (etkecc/baibot#13, 2024-09-21; tonyljx/TextWordExplain#2,
#: 2024-09-13). By 2024-10-19 the docs said "Consecutive user or assistant turns in your
#: request will be combined into a single turn" (anthropic-sdk-typescript#565) and by
#: 2024-12-06 an assistant first message was accepted (anthropic-sdk-typescript#622).
#: Between those days the verdict is not known, so the rules below stay quiet there.
ROLE_RULES_LAST_SEEN: Final = dt.date(2024, 9, 21)
FIRST_NOT_USER = 'messages: first message must use the "user" role'


@rule(
    "TURN009",
    "first-message-not-user",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=("request", "count_tokens", "batch_request"),
    since="0.2.0",
)
def first_message_not_user(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    For a request checked as of 2024-09-21 or earlier (`LintConfig.today`), flags a
    conversation whose first message is not a `user` message (a `system` message is
    skipped).

    ## Why is this bad?
    Until autumn 2024 the API refused such a request; it has accepted it since (the API
    merges and tolerates more since then). The rule only speaks for stored conversations
    linted as of the day they were sent: with today's date it never fires.

    ## Example
    ```json
    {"model": "claude-3-5-sonnet-20240620", "max_tokens": 1024, "messages": [
      {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Hi"}]}
    ```
    checked with `--today 2024-09-01`.

    ## Fix safety
    No fix.

    ## API error
    `messages: first message must use the "user" role` (lobehub/lobehub#1601, 2024-03-16;
    langbot-app/LangBot#867, 2024-08-12; tonyljx/TextWordExplain#2, 2024-09-13). Accepted on
    2024-12-06 (anthropics/anthropic-sdk-typescript#622).

    ## Applies to
    Requests, token counts, batch items.
    """
    if ctx.today > ROLE_RULES_LAST_SEEN:
        return
    for message in ctx.messages:
        role = message.get("role") if isinstance(message, dict) else None
        if role == "system":
            continue
        if role == "assistant":
            yield Violation(
                message=FIRST_NOT_USER,
                path=("messages", 0),
                api_error=FIRST_NOT_USER.removeprefix("messages: "),
                api_path="messages",
            )
        return


@rule(
    "TURN010",
    "roles-not-alternating",
    on=Node.DOCUMENT,
    severity=Severity.ERROR,
    kinds=("request", "count_tokens", "batch_request"),
    since="0.2.0",
)
def roles_not_alternating(ctx: Context, body: dict[str, Any]) -> Iterator[Violation]:
    """
    ## What it does
    For a request checked as of 2024-09-21 or earlier (`LintConfig.today`), flags the
    first message with the same role as the message before it.

    ## Why is this bad?
    Until autumn 2024 the API refused consecutive same-role messages; since then it
    combines them into one turn (`TURN005` notes them). The rule only speaks for stored
    conversations linted as of the day they were sent: with today's date it never fires.

    ## Example
    ```json
    {"model": "claude-3-haiku-20240307", "max_tokens": 1024, "messages": [
      {"role": "user", "content": "Hi"}, {"role": "user", "content": "Still there?"}]}
    ```
    checked with `--today 2024-05-13`.

    ## Fix safety
    No fix here; `messages-schema normalize` merges the turns.

    ## API error
    `messages: roles must alternate between "user" and "assistant", but found multiple
    "user" roles in a row` (mattermost/mattermost-plugin-agents#180, 2024-05-13;
    etkecc/baibot#13, 2024-09-21), and the same with `"assistant"` (lobehub/lobehub#1496,
    2024-03-07). Combined since about 2024-10 (anthropics/anthropic-sdk-typescript#565,
    2024-10-19, quoting the docs).

    ## Applies to
    Requests, token counts, batch items.
    """
    if ctx.today > ROLE_RULES_LAST_SEEN:
        return
    previous: str | None = None
    for i, message in enumerate(ctx.messages):
        role = message.get("role") if isinstance(message, dict) else None
        if role not in ("user", "assistant"):
            previous = None
            continue
        if role == previous:
            text = (
                'messages: roles must alternate between "user" and "assistant", but found '
                f'multiple "{role}" roles in a row'
            )
            yield Violation(
                message=text,
                path=("messages", i),
                api_error=text.removeprefix("messages: "),
                api_path="messages",
            )
            return
        previous = role
