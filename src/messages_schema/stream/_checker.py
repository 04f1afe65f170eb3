"""
The event-order state machine behind the ``SSE`` rules.

`StreamChecker` takes decoded events one at a time (``event(position, value)``) and
yields `Issue` values; `end` yields what only the end of the stream can tell. It never
raises on odd input: fields of the wrong type are the structural pass's business
(``SCH…`` codes), so such events are skipped here rather than reported twice.

What it accepts, because real streams do it (API evidence §12):

* a ``message_start`` whose message already carries finished blocks, followed directly
  by ``message_delta``/``message_stop`` (programmatic tool calling); later block
  indices continue after those blocks;
* a ``tool_use`` block that arrives complete in ``content_block_start`` with no
  ``input_json_delta``; a ``thinking`` block with only a ``signature_delta``;
* several ``message_delta`` events (the docs say "one or more");
* an ``error`` event with nothing after it; ``ping`` anywhere before ``message_stop``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import orjson

from messages_schema._types import Path
from messages_schema.findings import Severity

#: Which block types each known delta type may update. ``input_json_delta`` also goes
#: to any other block that streams its input (`streams_input`).
DELTA_TARGETS: dict[str, frozenset[str]] = {
    "text_delta": frozenset({"text"}),
    "citations_delta": frozenset({"text"}),
    "input_json_delta": frozenset({"tool_use", "server_tool_use", "mcp_tool_use"}),
    "thinking_delta": frozenset({"thinking"}),
    "signature_delta": frozenset({"thinking"}),
    # Beta `compact-2026-01-12`: the summary arrives in one delta (SDK 2.17
    # `BetaCompactionContentBlockDelta`; vercel/ai and pydantic-ai recordings, 2026).
    "compaction_delta": frozenset({"compaction"}),
}

#: The response content block types this version knows (API inventory §6.1), plus the
#: beta blocks whose deltas it knows (`mcp_tool_use`, `compaction`).
KNOWN_BLOCKS: frozenset[str] = frozenset({
    "text",
    "thinking",
    "redacted_thinking",
    "tool_use",
    "server_tool_use",
    "web_search_tool_result",
    "web_fetch_tool_result",
    "code_execution_tool_result",
    "bash_code_execution_tool_result",
    "text_editor_code_execution_tool_result",
    "tool_search_tool_result",
    "container_upload",
    "mcp_tool_use",
    "mcp_tool_result",
    "compaction",
})

#: Block types known to build their ``input`` from ``input_json_delta`` fragments.
TOOL_INPUT_BLOCKS: frozenset[str] = DELTA_TARGETS["input_json_delta"]


def streams_input(block_type: object) -> bool:
    """
    Whether a block of *block_type* takes ``input_json_delta`` fragments.

    ``tool_use``, ``server_tool_use``, ``mcp_tool_use`` and any other ``*_tool_use``
    type: each tool call the API streams builds its ``input`` this way (MCP calls do,
    in vercel/ai and pydantic-ai recordings of 2026, while the schemas knew only the
    first two).
    """
    return isinstance(block_type, str) and (
        block_type in TOOL_INPUT_BLOCKS or block_type.endswith("_tool_use")
    )


def takes_delta(delta_type: str, block_type: object) -> bool:
    """Whether a known *delta_type* applies to a block of *block_type*."""
    if delta_type == "input_json_delta":
        return streams_input(block_type)
    return block_type in DELTA_TARGETS.get(delta_type, ())


#: The event types of the Messages API stream.
EVENT_TYPES: frozenset[str] = frozenset({
    "message_start",
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
    "ping",
    "error",
})

_NEEDS_START = frozenset({
    "content_block_start",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
})


@attrs.frozen
class Issue:
    """One SSE rule violation: code, message, path from the stream root."""

    code: str
    message: str
    path: Path = ()
    severity: Severity | None = None
    api_error: str | None = None


@attrs.define
class _Block:
    type: str | None
    started_at: int
    json_parts: list[str] = attrs.Factory(list)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def parse_tool_input(parts: list[str]) -> tuple[bool, Any, str]:
    """
    Join *parts* and parse them as a tool's input.

    Returns ``(present, value, problem)``: *present* is False when the fragments are
    empty (the block keeps its start input); *problem* is empty when *value* is a JSON
    object.
    """
    joined = "".join(parts)
    if not joined:
        return False, None, ""
    try:
        value = orjson.loads(joined)
    except orjson.JSONDecodeError as exc:
        shown = joined if len(joined) <= 80 else joined[:77] + "..."
        return True, None, f"not valid JSON ({exc}): `{shown}`"
    if not isinstance(value, dict):
        return True, value, "JSON but not an object"
    return True, value, ""


class StreamChecker:
    """Order, index and delta-type checks over one stream's events."""

    def __init__(self) -> None:
        self.started = False
        self.saw_message_start = False
        self.reported_before_start = False
        self.stopped_at: int | None = None
        self.errored = False
        self.saw_message_delta = False
        self.events = 0
        self.next_index = 0
        self.open: dict[int, _Block] = {}
        self.closed: dict[int, int] = {}
        self.types: dict[int, str | None] = {}

    def error_frame(self) -> None:
        """Note an ``event: error`` frame whose data could not be decoded."""
        self.errored = True

    def event(self, position: int, value: dict[str, Any]) -> Iterator[Issue]:
        """Check the event at *position* (a decoded JSON object)."""
        self.events += 1
        kind = value.get("type")
        if not isinstance(kind, str) or kind not in EVENT_TYPES:
            return  # unknown, missing or not a string: the structural pass reports it
        if self.stopped_at is not None:
            yield Issue(
                "SSE008",
                f"`{kind}` event after `message_stop` (event {self.stopped_at})",
                (position,),
            )
            return
        if kind == "ping":
            return
        if kind == "error":
            self.errored = True
            yield self._error(position, value)
            return
        if kind == "message_start":
            yield from self._message_start(position, value)
            return
        if not self.started:
            if not self.reported_before_start:
                self.reported_before_start = True
                yield Issue("SSE003", f"`{kind}` before `message_start`", (position,))
            self.started = True  # go on as if it had been there, to avoid a cascade
        if kind == "content_block_start":
            yield from self._block_start(position, value)
        elif kind == "content_block_delta":
            yield from self._block_delta(position, value)
        elif kind == "content_block_stop":
            yield from self._block_stop(position, value)
        elif kind == "message_delta":
            yield from self._unclosed(position, "message_delta")
            self.saw_message_delta = True
        else:  # message_stop
            yield from self._unclosed(position, "message_stop")
            if not self.saw_message_delta:
                yield Issue(
                    "SSE012",
                    "`message_stop` without a `message_delta` before it: the message has no "
                    "`stop_reason`",
                    (position,),
                )
            self.stopped_at = position

    def end(self) -> Iterator[Issue]:
        """Yield what the end of the stream reveals."""
        if self.errored:
            return
        if not self.started and not self.reported_before_start:
            if self.events == 0:
                yield Issue("SSE003", "the stream holds no events, so no `message_start`")
            else:
                yield Issue("SSE003", "the stream has no `message_start`")
            return
        if self.stopped_at is None:
            yield Issue("SSE011", "the stream ends without `message_stop`: it is incomplete")

    # -- per event type -----------------------------------------------------------------

    def _error(self, position: int, value: dict[str, Any]) -> Issue:
        error = value.get("error")
        if isinstance(error, dict):
            kind = _str(error.get("type")) or "unknown error"
            text = _str(error.get("message"))
            message = f"the API sent an `error` event: {kind}" + (f": {text}" if text else "")
            return Issue("SSE009", message, (position, "error"), api_error=text)
        return Issue("SSE009", "the API sent an `error` event", (position,))

    def _message_start(self, position: int, value: dict[str, Any]) -> Iterator[Issue]:
        if self.saw_message_start:
            yield Issue("SSE003", "a second `message_start`", (position,))
            return
        # A late message_start was already reported at the first event before it.
        self.saw_message_start = self.started = True
        message = value.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list) and not self.reported_before_start:
            self.next_index = len(content)
            for i, block in enumerate(content):
                self.types[i] = _str(block.get("type")) if isinstance(block, dict) else None
                self.closed[i] = position

    def _block_start(self, position: int, value: dict[str, Any]) -> Iterator[Issue]:
        index = _int(value.get("index"))
        if index is None:
            return
        block = value.get("content_block")
        kind = _str(block.get("type")) if isinstance(block, dict) else None
        still_open = sorted(self.open)
        if still_open:
            yield Issue(
                "SSE005",
                f"block {index} starts while block {still_open[0]} is still open "
                "(the API streams one block at a time)",
                (position, "index"),
                severity=Severity.WARNING,
            )
        if index in self.open or index in self.closed:
            yield Issue(
                "SSE005",
                f"block index {index} is used twice (started at event "
                f"{self.open[index].started_at if index in self.open else self.closed[index]})",
                (position, "index"),
            )
        elif index != self.next_index:
            yield Issue(
                "SSE005",
                f"block index {index} out of order: expected {self.next_index} "
                "(indices count up from 0, after any blocks `message_start` carried)",
                (position, "index"),
            )
        self.open[index] = _Block(kind, position)
        self.types[index] = kind
        self.closed.pop(index, None)
        self.next_index = max(self.next_index, index + 1)

    def _block_delta(self, position: int, value: dict[str, Any]) -> Iterator[Issue]:
        index = _int(value.get("index"))
        if index is None:
            return
        block = self.open.get(index)
        if block is None:
            yield self._not_open(position, index, "content_block_delta")
            return
        delta = value.get("delta")
        dtype = _str(delta.get("type")) if isinstance(delta, dict) else None
        if dtype is None or dtype not in DELTA_TARGETS:
            return
        if not takes_delta(dtype, block.type):
            if block.type not in KNOWN_BLOCKS:
                return  # a block type this version does not know: its deltas are its own
            wanted = " or ".join(f"`{t}`" for t in sorted(DELTA_TARGETS[dtype]))
            if dtype == "input_json_delta":
                wanted += " (or another `*_tool_use`)"
            yield Issue(
                "SSE006",
                f"`{dtype}` for block {index}, a `{block.type}` block: it applies to {wanted} "
                "blocks only",
                (position, "delta", "type"),
            )
            return
        if dtype == "input_json_delta":
            assert isinstance(delta, dict)
            part = _str(delta.get("partial_json"))
            if part is not None:
                block.json_parts.append(part)

    def _block_stop(self, position: int, value: dict[str, Any]) -> Iterator[Issue]:
        index = _int(value.get("index"))
        if index is None:
            return
        block = self.open.pop(index, None)
        if block is None:
            yield self._not_open(position, index, "content_block_stop")
            return
        self.closed[index] = position
        if streams_input(block.type):
            _, _, problem = parse_tool_input(block.json_parts)
            if problem:
                yield Issue(
                    "SSE010",
                    f"the `input_json_delta` fragments of block {index} ({block.type}), "
                    f"joined, are {problem}",
                    (position,),
                )

    def _not_open(self, position: int, index: int, kind: str) -> Issue:
        if index in self.closed:
            where = self.closed[index]
            why = f"block {index} was already complete at event {where}"
        else:
            why = f"block {index} was never started"
        return Issue("SSE004", f"`{kind}` for a block that is not open: {why}", (position, "index"))

    def _unclosed(self, position: int, kind: str) -> Iterator[Issue]:
        for index in sorted(self.open):
            block = self.open.pop(index)
            self.closed[index] = position
            yield Issue(
                "SSE007",
                f"block {index} (started at event {block.started_at}) has no "
                f"`content_block_stop` before `{kind}`",
                (position,),
            )
