"""
The ``SSE`` family: streamed responses (``stream: true``), event by event.

These rules have no function: the stream validator (`messages_schema.stream`) runs one
state machine over the events and reports them. They are registered here so that they
can be selected, ignored and documented like every other rule.

Locations: a finding's ``path`` starts with the event's 0-based position in the
stream (every dispatched SSE frame counts, pings included; for a JSON array of events,
the array index), then the path inside that event's ``data``. Its ``api_path`` spells
the same place as ``events.<i>.<path inside the event>`` with union tags inserted the
way the API spells them (``events.5.delta.text_delta.text``); stream-wide findings
(no event to point at) have the path ``()`` and the api_path ``events``.

Structural problems inside one event's ``data`` (a missing ``index``, a ``text_delta``
without ``text``) are reported with the structural codes (``SCH001``...) at the same
locations; an event, block or delta ``type`` this version does not know is ``SCH011``
(a warning) and the state machine ignores that event.
"""

from __future__ import annotations

import inspect

from messages_schema.findings import Severity
from messages_schema.rules._registry import Node, Rule, Status, register


def _sse_rule(
    code: str,
    name: str,
    doc: str,
    severity: Severity = Severity.ERROR,
    status: Status = Status.STABLE,
) -> None:
    register(
        Rule(
            code=code,
            name=name,
            severity=severity,
            node=Node.STREAM,
            kinds=frozenset({"stream"}),
            since="0.1.0",
            status=status,
            doc=inspect.cleandoc(doc),
        )
    )


_sse_rule("SSE001", "invalid-event-data", """
    ## What it does
    Flags an event whose `data` is not one JSON object: not JSON at all, truncated, or a
    JSON value other than an object. Also flags a stream document that is neither SSE
    text nor a list of event objects.

    ## Why is this bad?
    Every event of the Messages API carries one JSON object in its `data` (API inventory
    §8). A client cannot decode the event; the official SDKs raise on it and the stream
    is lost. Whitespace around or inside the JSON is fine (the API's own `error` events
    end in ` }`, anthropic-sdk-go#200, 2025-06-10). A frame with empty `data` is skipped,
    as the SDKs skip it, and is not reported.

    ## Example
    ```json
    "event: content_block_delta\\ndata: {\\"type\\": \\"content_block_delta\\",\\n\\n"
    ```

    ## Applies to
    Streams.
    """)

_sse_rule("SSE002", "event-name-mismatch", """
    ## What it does
    Flags an SSE frame whose `event:` line names a different event than the `type` in its
    `data` (`event: content_block_stop` over `{"type": "content_block_delta", ...}`).

    ## Why is this bad?
    The API always sends both and they agree ("Each event will use an SSE event name ...
    and include the matching event type in its data", Anthropic streaming docs). Clients
    disagree on which one to trust: the Python SDK dispatches on the data's `type` but
    skips frames *named* `ping` and raises on frames *named* `error`, so a mismatch means
    different clients read different streams. It usually comes from a proxy that
    rewrites one side.

    A frame without an `event:` line is not this rule's business (see `SSE014`). A JSON
    array of events has no event names and never gets this finding.

    ## Example
    ```json
    "event: ping\\ndata: {\\"type\\": \\"message_stop\\"}\\n\\n"
    ```

    ## Applies to
    Streams given as SSE text.
    """)

_sse_rule("SSE003", "message-start-misplaced", """
    ## What it does
    Flags a stream that does not open with exactly one `message_start`: a content,
    `message_delta` or `message_stop` event before it (reported once, at the first such
    event), a second `message_start`, or a stream with no `message_start` at all. `ping`
    events may come anywhere, and a stream that holds only an `error` event (the
    request failed before the message began) is fine.

    ## Why is this bad?
    `message_start` carries the `Message` every later event updates: its id, model,
    role and input usage. Without it nothing can be accumulated; the Python SDK raises
    `Unexpected event order, got content_block_start before "message_start"`.

    ## Example
    ```json
    [{"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
     {"type": "message_start", "message": {"id": "msg_01", "type": "message", "role": "assistant",
      "model": "claude-sonnet-4-6", "content": [],
      "usage": {"input_tokens": 5, "output_tokens": 1}}}]
    ```

    ## Applies to
    Streams.
    """)

_sse_rule("SSE004", "block-event-without-start", """
    ## What it does
    Flags a `content_block_delta` or `content_block_stop` whose `index` names no open
    block: one that was never started, or that was already stopped (a delta after the
    stop, or a second stop).

    ## Why is this bad?
    Each block is bracketed by `content_block_start` and `content_block_stop`, and its
    deltas come in between (API inventory §8). A delta outside its block cannot be
    applied: the SDKs index the content list by `index` and fail or lose the text.

    ## Example
    ```json
    [{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}}]
    ```
    (after `message_start`, before any `content_block_start`)

    ## Applies to
    Streams.
    """)

_sse_rule("SSE005", "block-index-out-of-order", """
    ## What it does
    Flags a `content_block_start` whose `index` is not the next position of the message's
    `content` list: blocks are numbered from 0 and each start takes the next number, so a
    skipped or reused index is reported. Blocks that `message_start` already carries
    (programmatic tool calling can deliver finished blocks there) count: after a
    `message_start` with two blocks the next start has index 2.

    A start while another block is still open is reported as a **warning**: the API
    streams one block at a time, but no client depends on it.

    ## Why is this bad?
    A block's `index` is its position in the final `content` list. The Python SDK
    appends started blocks and raises `Unexpected "content_block_start" index, got 5 but
    expected 0` (anthropic-sdk-python, tests/lib/streaming/test_content_block_index.py).

    ## Example
    ```json
    [{"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}}]
    ```
    (the first block of a message that started with empty content)

    ## Applies to
    Streams.
    """)

_sse_rule("SSE006", "delta-type-mismatch", """
    ## What it does
    Flags a `content_block_delta` whose delta type does not fit the block it updates:
    `text_delta` and `citations_delta` need a `text` block, `input_json_delta` a block
    that streams its input (`tool_use`, `server_tool_use`, `mcp_tool_use`, any
    `*_tool_use`), `thinking_delta` and `signature_delta` a `thinking` block,
    `compaction_delta` a `compaction` block. Blocks that arrive whole
    (`redacted_thinking`, tool results) take no delta at all. Block and delta types this
    version does not know are not judged: unknown delta types are `SCH011` warnings.

    ## Why is this bad?
    The SDKs apply a delta only to the block type it belongs to and silently drop the
    rest (anthropic `lib/streaming/_messages.py` `accumulate_event`), so the final
    message loses text, tool input or the thinking signature. A lost signature makes the
    next request fail (`messages.1.content.0.thinking.signature: Field required`,
    nextlevelbuilder/goclaw#567).

    ## Example
    ```json
    [{"type": "content_block_start", "index": 0,
      "content_block": {"type": "tool_use", "id": "toolu_01", "name": "f", "input": {}}},
     {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "{}"}}]
    ```

    ## Applies to
    Streams.
    """)

_sse_rule("SSE007", "message-delta-before-blocks-stopped", """
    ## What it does
    Warns when a content block is still open (no `content_block_stop` yet) at
    `message_delta` or `message_stop`. Reported once per block, at the event that found
    it open.

    ## Why is this bad?
    The API closes every block before `message_delta`, also when `max_tokens` cuts a
    block short (bifrost#6081). A missing stop usually means a proxy that translates
    another provider's stream. Accumulators that finish tool input at
    `content_block_stop` never parse that block's input. It is only a warning: there is no
    first-party evidence either way for streams cut by `max_tokens`.

    ## Example
    ```json
    [{"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
     {"type": "message_delta", "delta": {"stop_reason": "max_tokens"},
      "usage": {"output_tokens": 8}}]
    ```

    ## Applies to
    Streams.
    """, severity=Severity.WARNING)

_sse_rule("SSE008", "event-after-message-stop", """
    ## What it does
    Flags any event after `message_stop`, a second `message_stop` included.

    ## Why is this bad?
    `message_stop` ends the message; clients stop reading there (opencode#38733 treats it
    as the completion boundary). Whatever follows is lost, or is the start of another
    response spliced into this transcript.

    ## Example
    ```json
    [{"type": "message_stop"}, {"type": "ping"}]
    ```

    ## Applies to
    Streams.
    """)

_sse_rule("SSE009", "error-event", """
    ## What it does
    Reports an `error` event: the API failed after the stream had begun (HTTP 200), for
    example with `overloaded_error`. The finding quotes the error's type and message.
    Nothing more is expected after it: a stream that ends without `message_stop`, or
    with blocks left open, after an `error` event is not reported again.

    ## Why is this bad?
    It is a faithful recording of an API failure, not a malformed stream, hence a
    warning: the transcript holds no complete message, and a client must retry the
    request (the SDKs raise on this event; `max_retries` does not apply mid-stream,
    anthropic-sdk-python#688, 2026-04-28).

    ## Example
    ```json
    {"type": "error", "error": {"details": null, "type": "overloaded_error",
     "message": "Overloaded"}}
    ```

    ## API error
    `{"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"} }`
    (anthropic-sdk-typescript#346, 2025-02-13; anthropic-sdk-go#200, 2025-06-10).

    ## Applies to
    Streams.
    """, severity=Severity.WARNING)

_sse_rule("SSE010", "invalid-tool-input-json", """
    ## What it does
    Flags a block that streams its input (`tool_use`, `server_tool_use`, `mcp_tool_use`,
    any `*_tool_use`) whose `input_json_delta` fragments, joined at `content_block_stop`,
    are not one JSON object. No fragments, or only empty
    ones, is fine: the block keeps the `input` of its `content_block_start` (`{}`, or the
    complete input some paths send there, opencode#38733).

    ## Why is this bad?
    The tool's `input` is the parsed concatenation of the fragments. If it does not
    parse, the call cannot be executed or sent back; the Python SDK raises `Unable to
    parse tool parameter JSON from model`.

    ## Example
    ```json
    [{"type": "content_block_delta", "index": 1,
      "delta": {"type": "input_json_delta", "partial_json": "{\\"city\\": \\"Par"}},
     {"type": "content_block_stop", "index": 1}]
    ```

    ## Applies to
    Streams.
    """)

_sse_rule("SSE011", "missing-message-stop", """
    ## What it does
    Flags a stream that ends without `message_stop` and without an `error` event.

    ## Why is this bad?
    The connection dropped, or the transcript was cut: the message is incomplete (its
    `stop_reason` may be missing, tool input unparsed), and a client that waits for
    `message_stop` hangs or raises. A stream ended by an `error` event is reported as
    `SSE009` instead (it has no `message_stop` after it, agent-os#2118).

    ## Example
    ```json
    [{"type": "message_start", "message": {"id": "msg_01", "type": "message", "role": "assistant",
      "model": "claude-sonnet-4-6", "content": [],
      "usage": {"input_tokens": 5, "output_tokens": 1}}}]
    ```

    ## Applies to
    Streams.
    """)

_sse_rule("SSE012", "missing-message-delta", """
    ## What it does
    Flags a `message_stop` that no `message_delta` preceded.

    ## Why is this bad?
    `message_delta` carries the `stop_reason`, `stop_sequence` and the final output usage;
    without it the accumulated message has `stop_reason: null`, which a complete
    response never has. The API always sends it; streams missing it come from proxies
    (bifrost#6081 on Bedrock).

    ## Example
    ```json
    [{"type": "message_start", "message": {"id": "msg_01", "type": "message", "role": "assistant",
      "model": "claude-sonnet-4-6", "content": [],
      "usage": {"input_tokens": 5, "output_tokens": 1}}},
     {"type": "message_stop"}]
    ```

    ## Applies to
    Streams.
    """)

_sse_rule("SSE013", "unterminated-final-event", """
    ## What it does
    Notes an SSE transcript whose last frame has no blank line after it. The frame is
    still checked, and `messages_schema.stream.iter_sse` and the accumulator still
    dispatch it.

    ## Why is this bad?
    By the SSE specification a frame is dispatched only at the blank line that ends it;
    a conforming client discards the last event (often `message_stop`). The API ends
    every frame properly, so in a saved transcript this is usually a lost trailing
    newline, hence only a note; it may also mean the transcript was cut there.

    ## Example
    ```json
    "event: message_stop\\ndata: {\\"type\\": \\"message_stop\\"}"
    ```

    ## Applies to
    Streams given as SSE text.
    """, severity=Severity.INFO)

_sse_rule("SSE014", "missing-event-name", """
    ## What it does
    Warns, once per stream, when SSE frames have no `event:` line; the message counts
    them.

    ## Why is this bad?
    The API names every event, and the official SDKs skip frames without a name (API
    inventory §8): a proxy that drops `event:` lines makes the SDKs see an empty stream.
    Other clients dispatch on the data's `type` and do not care, so the rule is in
    preview (off unless selected).

    ## Example
    ```json
    "data: {\\"type\\": \\"message_stop\\"}\\n\\n"
    ```

    ## Applies to
    Streams given as SSE text.
    """, severity=Severity.WARNING, status=Status.PREVIEW)
