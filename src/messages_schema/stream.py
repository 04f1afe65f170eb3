"""
Streamed responses (``stream: true``): parse SSE, validate event order, rebuild the Message.

::

    acc = StreamAccumulator()
    for event in iter_sse(chunks):   # chunks: any iterable of bytes or str, split anywhere
        acc.feed(event)
    message = acc.message            # the JSON the non-streaming call would have returned

* `iter_sse` / `aiter_sse` turn ``text/event-stream`` bytes into `ServerSentEvent` values,
  using one push parser, `SSEDecoder`, that does no I/O.
* `StreamAccumulator` applies events to a message the way the SDKs do and raises
  `StreamError` only for an event it cannot apply.
* `stream_findings` is the ``SSE`` rule family: ``lint(doc, kind="stream")`` calls it.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import orjson

from messages_schema import _jsonio
from messages_schema._apipath import api_path
from messages_schema._sse import ServerSentEvent, SSEDecoder
from messages_schema._streamcheck import (
    DELTA_TARGETS,
    KNOWN_BLOCKS,
    Issue,
    StreamChecker,
    parse_tool_input,
    streams_input,
    takes_delta,
)
from messages_schema._structural import structure_for
from messages_schema._types import JSONObject, Path
from messages_schema.exceptions import StreamError
from messages_schema.findings import Finding

if TYPE_CHECKING:
    from messages_schema.linter import Linter
    from messages_schema.models import Message

__all__ = [
    "SSEDecoder",
    "ServerSentEvent",
    "StreamAccumulator",
    "aiter_sse",
    "iter_sse",
    "stream_findings",
]

Chunk = bytes | bytearray | memoryview | str


def iter_sse(chunks: Iterable[Chunk] | Chunk) -> Iterator[ServerSentEvent]:
    """
    Yield the server-sent events in *chunks*, as soon as each one is complete.

    Args:
        chunks: An iterable of ``bytes`` or ``str`` pieces of a ``text/event-stream``
            body, split at any points (inside a line, a CRLF or a UTF-8 character);
            or one whole body as ``bytes`` or ``str``.

    A final frame with no blank line after it is dispatched too: a recorded transcript
    usually just lost its trailing newline, and its last event (``message_stop``) must
    not be lost. The SSE specification would discard it; ``lint(kind="stream")`` notes it
    (``SSE013``), since a transcript cut there may be truncated. `SSEDecoder` used
    directly follows the specification unless told otherwise.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 A final frame without its blank line is dispatched.
    """
    if isinstance(chunks, bytes | bytearray | memoryview | str):
        chunks = (chunks,)
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.close(flush_incomplete=True)


async def aiter_sse(chunks: AsyncIterable[Chunk]) -> AsyncIterator[ServerSentEvent]:
    """
    Yield the server-sent events of an async byte stream (such as ``httpx``'s ``aiter_bytes()``).

    Like `iter_sse`, it dispatches a final frame that lacks its blank line.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 A final frame without its blank line is dispatched.
    """
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.close(flush_incomplete=True):
        yield event


# -- accumulation ---------------------------------------------------------------------


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


# -- validation -----------------------------------------------------------------------


class _Frame:
    """One event of the document: its position, SSE name, and decoded value or problem."""

    __slots__ = ("name", "position", "problem", "sse", "value")

    def __init__(
        self,
        position: int,
        value: Any = None,
        *,
        name: str | None = None,
        problem: str | None = None,
        sse: bool = False,
    ) -> None:
        self.position = position
        self.value = value
        self.name = name
        self.problem = problem
        #: Whether it came from SSE text (so an absent ``event:`` line means something).
        self.sse = sse


def stream_findings(document: Any, *, linter: Linter) -> Iterator[Finding]:
    """
    Yield the findings of one stream document, honouring *linter*'s selection.

    Args:
        document: SSE text (``bytes`` or ``str``), a JSON array of event objects (as
            text starting with ``[``), JSON Lines of event objects (text starting with
            ``{``), or a Python list of event objects or `ServerSentEvent` values.
        linter: The `messages_schema.Linter` whose configuration applies.

    Never raises on any document: undecodable input is itself a finding, and an
    internal error becomes ``SCH099``.

    .. versionadded:: 0.1.0
    """
    try:
        yield from _findings(document, linter)
    except Exception as exc:  # a bug here must not crash a whole lint run
        if "SCH099" in linter.enabled:
            message = f"the stream validator raised {type(exc).__name__}: {exc}"
            yield linter._finding("SCH099", message, (), "stream", None, api_path_override="")


def _findings(document: Any, linter: Linter) -> Iterator[Finding]:
    enabled = linter.enabled

    def make(issue: Issue) -> Finding:
        return linter._finding(
            issue.code,
            issue.message,
            issue.path,
            "stream",
            None,
            api_error=issue.api_error,
            severity=issue.severity,
            api_path_override=_api_path(frames_by_position, issue.path),
        )

    frames, early = _frames(document)
    frames_by_position = {f.position: f.value for f in frames}
    for issue in early:
        if issue.code in enabled:
            yield make(issue)
    if not frames and early:
        return  # the document itself is the problem; no stream to judge
    structure = structure_for("stream")
    checker = StreamChecker()
    unnamed: list[int] = []
    for frame in frames:
        i = frame.position
        if frame.problem is not None:
            if frame.name == "error":
                checker.error_frame()
            if "SSE001" in enabled:
                yield make(Issue("SSE001", frame.problem, (i,)))
            continue
        value = frame.value
        if not isinstance(value, dict):
            continue
        if not structure.is_valid(value):
            for problem in structure.problems(value):
                code, message, api_error, severity = linter._classify(problem, (), "stream")
                if code is not None and code in enabled:
                    path: Path = (i, *problem.path)
                    yield linter._finding(
                        code,
                        message,
                        path,
                        "stream",
                        None,
                        api_error=api_error,
                        severity=severity,
                        api_path_override=_api_path(frames_by_position, path),
                    )
        kind = value.get("type")
        if frame.name is None:
            if frame.sse:
                unnamed.append(i)
        elif isinstance(kind, str) and frame.name != kind and "SSE002" in enabled:
            message = f"the frame is named `event: {frame.name}` but its data is a `{kind}` event"
            yield make(Issue("SSE002", message, (i, "type")))
        for issue in checker.event(i, value):
            if issue.code in enabled:
                yield make(issue)
    for issue in checker.end():
        if issue.code in enabled:
            yield make(issue)
    if unnamed and "SSE014" in enabled:
        message = (
            f"{len(unnamed)} of {len(frames)} frames have no `event:` line; the official SDKs "
            "skip such frames"
        )
        yield make(Issue("SSE014", message, (unnamed[0],)))


def _frames(document: Any) -> tuple[list[_Frame], list[Issue]]:
    """Split *document* into frames, plus the document-level issues found on the way."""
    if isinstance(document, bytes | bytearray | memoryview | str):
        return _frames_of_text(document)
    if isinstance(document, list):
        frames: list[_Frame] = []
        for i, item in enumerate(document):
            if isinstance(item, ServerSentEvent):
                frames.append(_frame_of_event(i, item))
            elif isinstance(item, dict):
                frames.append(_Frame(i, item))
            else:
                what = _jsontype(item)
                frames.append(_Frame(i, item, problem=f"an event is a JSON object, not {what}"))
        return frames, []
    message = (
        "a stream is SSE text or a list of event objects, "
        f"not {_jsontype(document)}"
    )
    return [], [Issue("SSE001", message)]


def _frames_of_text(document: Chunk) -> tuple[list[_Frame], list[Issue]]:
    raw = bytes(document) if isinstance(document, bytearray | memoryview) else document
    if isinstance(raw, bytes):
        first = raw[:64].lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()[:1].decode("latin-1")
    else:
        first = raw[:64].lstrip().removeprefix("\ufeff").lstrip()[:1]
    if first == "[":
        try:
            value = _jsonio.decode(raw)
        except _jsonio.InvalidJSON as exc:
            return [], [Issue("SCH000", str(exc))]
        return _frames(value)
    if first == "{":
        return _frames_of_lines(raw)
    decoder = SSEDecoder()
    events = decoder.feed(raw)
    events.extend(decoder.close(flush_incomplete=True))
    frames = [_frame_of_event(i, event, sse=True) for i, event in enumerate(events)]
    issues: list[Issue] = []
    if decoder.incomplete and events:
        issues.append(
            Issue(
                "SSE013",
                "the last frame has no blank line after it; SSE clients discard such a frame",
                (len(events) - 1,),
            )
        )
    return frames, issues


def _frames_of_lines(raw: bytes | str) -> tuple[list[_Frame], list[Issue]]:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    frames: list[_Frame] = []
    for line in text.removeprefix("\ufeff").splitlines():
        if not line.strip():
            continue
        position = len(frames)
        try:
            value = _jsonio.decode(line)
        except _jsonio.InvalidJSON as exc:
            frames.append(_Frame(position, problem=f"line {position + 1}: {exc}"))
            continue
        if isinstance(value, dict):
            frames.append(_Frame(position, value))
        else:
            what = _jsontype(value)
            frames.append(_Frame(position, value, problem=f"an event is a JSON object, not {what}"))
    return frames, []


def _frame_of_event(position: int, event: ServerSentEvent, *, sse: bool = False) -> _Frame:
    name = event.event
    if not event.data.strip():
        # The SDKs skip frames with empty data; so does the validator.
        return _Frame(position, None, name=name, sse=sse)
    try:
        value = orjson.loads(event.data)
    except orjson.JSONDecodeError as exc:
        return _Frame(position, name=name, problem=f"event data is not JSON: {exc}", sse=sse)
    if not isinstance(value, dict):
        problem = f"event data is {_jsontype(value)}, not an object"
        return _Frame(position, value, name=name, problem=problem, sse=sse)
    return _Frame(position, value, name=name, sse=sse)


def _jsontype(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _api_path(frames: dict[int, Any], path: Path) -> str:
    if not path:
        return "events"
    position, rest = path[0], path[1:]
    head = f"events.{position}"
    value = frames.get(position) if isinstance(position, int) else None
    if not rest:
        return head
    try:
        inner = api_path("stream", value, rest)
    except Exception:  # a location is never worth a crash
        inner = ".".join(str(s) for s in rest)
    return f"{head}.{inner}"

