"""
The ``SSE`` rule family: the findings of one stream document (`stream_findings`).

A document (SSE text, a JSON array or JSON Lines of events, or a list of event objects)
is cut into frames; each frame's data is checked against the stream-event schema, and
the order of the events by the `messages_schema.stream._checker.StreamChecker` state
machine. Findings are made by `messages_schema.rules.make_finding`, so this module needs
no linter: only the set of enabled codes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import orjson

from messages_schema import _jsonio
from messages_schema._types import Path
from messages_schema.findings import Finding
from messages_schema.rules import make_finding
from messages_schema.schemas._apipath import api_path
from messages_schema.schemas._structural import classify, structure_for
from messages_schema.stream._checker import Issue, StreamChecker
from messages_schema.stream._sse import Chunk, ServerSentEvent, SSEDecoder

__all__ = ["check_stream", "stream_findings"]


class _Selection(Protocol):
    """What `stream_findings` reads of a linter: the codes it has on."""

    @property
    def enabled(self) -> frozenset[str]: ...


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


def stream_findings(document: Any, *, linter: _Selection) -> Iterator[Finding]:
    """
    Yield the findings of one stream document, honouring *linter*'s selection.

    Args:
        document: SSE text (``bytes`` or ``str``), a JSON array of event objects (as
            text starting with ``[``), JSON Lines of event objects (text starting with
            ``{``), or a Python list of event objects or `ServerSentEvent` values.
        linter: The `messages_schema.Linter` whose configuration applies (only its
            `enabled` codes are read).

    Never raises on any document: undecodable input is itself a finding, and an
    internal error becomes ``SCH099``.

    .. versionadded:: 0.1.0
    """
    return check_stream(document, linter.enabled)


def check_stream(document: Any, enabled: frozenset[str]) -> Iterator[Finding]:
    """`stream_findings` for the codes *enabled*: what ``lint(kind="stream")`` runs."""
    try:
        yield from _findings(document, enabled)
    except Exception as exc:  # a bug here must not crash a whole lint run
        if "SCH099" in enabled:
            message = f"the stream validator raised {type(exc).__name__}: {exc}"
            yield make_finding("SCH099", message)


def _findings(document: Any, enabled: frozenset[str]) -> Iterator[Finding]:
    def make(issue: Issue) -> Finding:
        return make_finding(
            issue.code,
            issue.message,
            issue.path,
            api_path=_api_path(frames_by_position, issue.path),
            api_error=issue.api_error,
            severity=issue.severity,
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
                code, message, api_error, severity = classify(problem, "stream")
                if code is not None and code in enabled:
                    path: Path = (i, *problem.path)
                    yield make_finding(
                        code,
                        message,
                        path,
                        api_path=_api_path(frames_by_position, path),
                        api_error=api_error,
                        severity=severity,
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
