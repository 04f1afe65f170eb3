"""`StreamAccumulator`: the `Message` of a stream, rebuilt event by event as the SDKs do."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from messages_schema._types import JSONObject
from messages_schema.exceptions import StreamError
from messages_schema.stream._checker import (
    DELTA_TARGETS,
    KNOWN_BLOCKS,
    parse_tool_input,
    streams_input,
    takes_delta,
)
from messages_schema.stream._sse import Chunk, ServerSentEvent, SSEDecoder

if TYPE_CHECKING:
    from messages_schema.models import Message

__all__ = ["StreamAccumulator"]


class StreamAccumulator:
    """
    Rebuild the `Message` of a stream, event by event.

    Feed it events (decoded ``dict`` values or `ServerSentEvent` objects) or raw bytes;
    `message` is then what the non-streaming call returns: text, thinking and
    signatures concatenated, tool ``input`` parsed from the joined ``input_json_delta``
    fragments at ``content_block_stop`` for every block that streams its input
    (``tool_use``, ``server_tool_use``, ``mcp_tool_use``, any ``*_tool_use``; no
    fragments keep the start's ``input``), citations appended to their text block, a
    ``compaction_delta``'s fields set on its ``compaction`` block, ``stop_reason``,
    ``stop_sequence``, ``stop_details`` and ``container`` taken from ``message_delta``
    (and any other key it carries beside ``delta`` and ``usage``, such as
    ``context_management``), and usage *overwritten* by each ``message_delta`` (its
    values are cumulative; an absent or null value keeps the earlier one).

    It checks no order beyond what it needs (that is `stream_findings`' job): it raises
    `StreamError` only for an event it cannot apply, such as a delta for a block that
    was never started, or a known delta for a known block it does not fit (a
    ``text_delta`` for a ``tool_use`` block). ``ping`` events are skipped. Events of a
    type this version does not know, deltas of an unknown type, and deltas for a block
    type it does not know are not applied but kept, in order, in `unapplied`: nothing
    the API sent is lost. An ``error`` event is kept in `error`. SSE frames without an
    ``event:`` line are applied by their data's ``type``, where the SDKs would skip them.

    .. versionadded:: 0.1.0
    """

    def __init__(self) -> None:
        self._message: JSONObject | None = None
        self._json: dict[int, list[str]] = {}
        self._open: set[int] = set()
        self._decoder: SSEDecoder | None = None
        self._count = 0
        #: The ``error`` object of an ``error`` event, if the stream had one.
        self.error: JSONObject | None = None
        #: ``(position, event)`` of every event this version could not apply (an
        #: unknown event type, or a delta it does not know how to apply), in order.
        self.unapplied: list[tuple[int, JSONObject]] = []
        #: Whether ``message_stop`` has been fed.
        self.done = False

    # -- input --------------------------------------------------------------------------

    def feed(self, event: JSONObject | ServerSentEvent) -> None:
        """
        Apply one event.

        Raises:
            StreamError: The event cannot be applied (undecodable data, an event before
                ``message_start``, a delta for a block that is not there, tool input
                that does not parse at ``content_block_stop``).
        """
        index = self._count
        self._count += 1
        if isinstance(event, ServerSentEvent):
            # As the SDKs do (API inventory §8): no pings, no empty data. Unlike them,
            # a frame without an `event:` line is applied by its data's `type` (the
            # SSE014 rule reports such frames).
            if event.event == "ping" or not event.data.strip():
                return
            try:
                decoded = event.json()
            except ValueError as exc:
                msg = f"event data is not JSON: {exc}"
                raise StreamError(msg, index=index) from None
            if event.event == "error" and isinstance(decoded, dict):
                self.error = _object(decoded.get("error")) or decoded
                return
            event = decoded
        if not isinstance(event, dict):
            msg = f"an event is a JSON object, not {type(event).__name__}"
            raise StreamError(msg, index=index)
        self._apply(event, index)

    def feed_bytes(self, chunk: Chunk) -> None:
        """Parse *chunk* of a ``text/event-stream`` body and apply the events it completes."""
        if self._decoder is None:
            self._decoder = SSEDecoder()
        for event in self._decoder.feed(chunk):
            self.feed(event)

    def close(self) -> None:
        """
        Apply whatever a final `feed_bytes` chunk left pending.

        A last frame without its terminating blank line is applied too (see `iter_sse`).
        """
        if self._decoder is not None:
            for event in self._decoder.close(flush_incomplete=True):
                self.feed(event)

    # -- output -------------------------------------------------------------------------

    @property
    def message(self) -> JSONObject:
        """
        The accumulated message, as a JSON object (a copy).

        Raises:
            StreamError: No ``message_start`` has been fed yet.
        """
        return copy.deepcopy(self._require())

    def snapshot(self) -> JSONObject:
        """
        Return the message so far, readable mid-stream (a copy).

        Tool blocks still streaming show their ``input`` parsed from the fragments so
        far when those already form a JSON object, else their start ``input``.

        Raises:
            StreamError: No ``message_start`` has been fed yet.
        """
        message = copy.deepcopy(self._require())
        content = message.get("content")
        if isinstance(content, list):
            for index, parts in self._json.items():
                if index in self._open and index < len(content):
                    present, value, problem = parse_tool_input(parts)
                    block = content[index]
                    if present and not problem and isinstance(block, dict):
                        block["input"] = value
        return message

    def model(self) -> Message:
        """
        Return the accumulated message as a ``messages_schema.models.Message``.

        Raises:
            StreamError: No ``message_start`` has been fed yet.
            StructureError: The message does not fit the model.

        .. versionchanged:: 0.2.0 Typed as returning `messages_schema.models.Message`.
        """
        # Imported here: the models take a moment to build, and most streams never ask.
        from messages_schema.converter import structure
        from messages_schema.models import Message

        return structure(self.message, Message)

    # -- internals ----------------------------------------------------------------------

    def _require(self) -> JSONObject:
        if self._message is None:
            msg = "no message_start has been fed"
            raise StreamError(msg)
        return self._message

    def _apply(self, event: JSONObject, index: int) -> None:
        kind = event.get("type")
        if kind == "error":
            self.error = _object(event.get("error")) or event
            return
        if kind == "message_start":
            message = _object(event.get("message"))
            if message is None:
                msg = "message_start without a `message` object"
                raise StreamError(msg, index=index)
            self._message = copy.deepcopy(message)
            if not isinstance(self._message.get("content"), list):
                self._message["content"] = []
            if not isinstance(self._message.get("usage"), dict):
                self._message["usage"] = {}
            self._json.clear()
            self._open.clear()
            self.done = False
            return
        if kind not in (
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop",
        ):
            if kind != "ping":  # a type this version does not know: keep it
                self.unapplied.append((index, copy.deepcopy(event)))
            return
        if self._message is None:
            msg = f"{kind} before message_start"
            raise StreamError(msg, index=index)
        content: list[Any] = self._message["content"]  # type: ignore[assignment]
        if kind == "message_stop":
            self.done = True
        elif kind == "message_delta":
            self._message_delta(event)
        elif kind == "content_block_start":
            block = _object(event.get("content_block"))
            position = _index(event, index)
            if block is None:
                msg = "content_block_start without a `content_block` object"
                raise StreamError(msg, index=index)
            if position != len(content):
                msg = f"content_block_start index {position}, expected {len(content)}"
                raise StreamError(msg, index=index)
            content.append(copy.deepcopy(block))
            self._open.add(position)
        elif kind == "content_block_delta":
            position = _index(event, index)
            block = self._block(content, position, index, kind)
            delta = _object(event.get("delta"))
            if delta is None:
                msg = "content_block_delta without a `delta` object"
                raise StreamError(msg, index=index)
            self._delta(block, delta, position, index, event)
        else:  # content_block_stop
            position = _index(event, index)
            block = self._block(content, position, index, kind)
            self._open.discard(position)
            parts = self._json.pop(position, None)
            if parts is not None and streams_input(block.get("type")):
                present, value, problem = parse_tool_input(parts)
                if problem:
                    msg = f"tool input of block {position} is {problem}"
                    raise StreamError(msg, index=index)
                if present:
                    block["input"] = value

    def _block(self, content: list[Any], position: int, index: int, kind: str) -> JSONObject:
        if not 0 <= position < len(content) or not isinstance(content[position], dict):
            msg = f"{kind} for block {position}, which was never started"
            raise StreamError(msg, index=index)
        block: JSONObject = content[position]
        return block

    def _delta(
        self, block: JSONObject, delta: JSONObject, position: int, index: int, event: JSONObject
    ) -> None:
        dtype = delta.get("type")
        btype = block.get("type")
        if not isinstance(dtype, str) or dtype not in DELTA_TARGETS:
            self.unapplied.append((index, copy.deepcopy(event)))  # a newer delta type
            return
        if not isinstance(btype, str) or not takes_delta(dtype, btype):
            if isinstance(btype, str) and btype not in KNOWN_BLOCKS:
                # a newer block type: its deltas are its own
                self.unapplied.append((index, copy.deepcopy(event)))
                return
            msg = f"{dtype} cannot apply to block {position} of type {btype}"
            raise StreamError(msg, index=index)
        if dtype == "text_delta":
            block["text"] = _text(block.get("text")) + _text(delta.get("text"))
        elif dtype == "thinking_delta":
            block["thinking"] = _text(block.get("thinking")) + _text(delta.get("thinking"))
        elif dtype == "signature_delta":
            block["signature"] = _text(delta.get("signature"))
        elif dtype == "citations_delta":
            citations = block.get("citations")
            if not isinstance(citations, list):
                citations = block["citations"] = []
            citations.append(copy.deepcopy(delta.get("citation")))
        elif dtype == "compaction_delta":
            # The SDK sets the block's fields from the delta (one delta carries the summary).
            for key, value in delta.items():
                if key != "type":
                    block[key] = copy.deepcopy(value)
        else:  # input_json_delta
            self._json.setdefault(position, []).append(_text(delta.get("partial_json")))

    def _message_delta(self, event: JSONObject) -> None:
        assert self._message is not None
        message = self._message
        delta = _object(event.get("delta")) or {}
        # The SDKs set these from every message_delta (absent means null); a key the
        # message never had stays absent, so a message without it round-trips.
        for key in ("stop_reason", "stop_sequence", "stop_details"):
            if key in delta or key in message:
                message[key] = copy.deepcopy(delta.get(key))
        for key, value in delta.items():
            # `content` and `usage` are built by the accumulator itself: a delta never
            # replaces them (the SDKs copy only the keys they know).
            if key not in _OWN_KEYS and value is not None:
                message[key] = copy.deepcopy(value)
        # Keys beside `delta` and `usage` are message fields the API reports at the end
        # (`context_management`; the SDK also copies `input_transformations`).
        for key, value in event.items():
            if key not in _EVENT_KEYS and value is not None:
                message[key] = copy.deepcopy(value)
        usage = _object(event.get("usage"))
        if usage:
            target = message["usage"]
            assert isinstance(target, dict)
            for key, value in usage.items():
                if value is not None:
                    target[key] = copy.deepcopy(value)


#: Message keys a ``message_delta`` does not copy over wholesale.
_OWN_KEYS = frozenset({"stop_reason", "stop_sequence", "stop_details", "content", "usage"})
#: Keys of a ``message_delta`` event that are not message fields (``content`` is the
#: accumulator's own: an event never replaces it).
_EVENT_KEYS = frozenset({"type", "delta", "usage", "index", "content"})


def _object(value: Any) -> JSONObject | None:
    return value if isinstance(value, dict) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _index(event: JSONObject, index: int) -> int:
    position = event.get("index")
    if not isinstance(position, int) or isinstance(position, bool):
        msg = f"{event.get('type')} without an integer `index`"
        raise StreamError(msg, index=index)
    return position
