"""
An incremental ``text/event-stream`` parser: bytes or text in, `ServerSentEvent` values out.

It follows the WHATWG HTML "event stream interpretation" algorithm
(https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
one leading byte order mark is dropped, lines end with CRLF, LF or CR (a CRLF split
across two chunks is still one line end), ``:`` starts a comment, one space after the
colon is removed, ``data`` lines are joined with LF, an ``id`` holding NUL is ignored,
``retry`` must be ASCII digits, and a frame without any ``data`` line is not dispatched.

Two choices differ from a browser's ``EventSource`` because this parser serves
recorded transcripts too:

* The event name is kept as written, or None when the frame had no ``event:`` line
  (a browser would say ``message``); the Anthropic SDKs skip such frames (API inventory
  §8), and the stream validator wants to know.
* `SSEDecoder.close` can dispatch a final frame that lacks its terminating blank line
  (``flush_incomplete=True``). The spec discards it; a transcript saved by an editor
  usually just lost a trailing newline.

No I/O happens here: `SSEDecoder.feed` takes a chunk and returns the events it completed,
so one class serves `iter_sse`, the async `aiter_sse` and the gateway.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

import attrs
import orjson

__all__ = ["Chunk", "SSEDecoder", "ServerSentEvent", "aiter_sse", "iter_sse"]

_EOL = re.compile(r"\r\n|\r|\n")


@attrs.frozen
class ServerSentEvent:
    """
    One dispatched server-sent event.

    Attributes:
        event: The ``event:`` field, or None when the frame had none.
        data: The ``data:`` lines joined with line feeds (possibly empty).
        id: The last event id in effect (ids persist across frames), or None.
        retry: The ``retry:`` value given in this frame, or None.

    .. versionadded:: 0.1.0
    """

    event: str | None = None
    data: str = ""
    id: str | None = None
    retry: int | None = None

    def json(self) -> Any:
        """
        Return ``data`` decoded as JSON.

        Raises:
            ValueError: ``data`` is not one JSON document (an ``orjson.JSONDecodeError``).
        """
        return orjson.loads(self.data)


class SSEDecoder:
    """
    A push parser for ``text/event-stream``: `feed` chunks split anywhere, then `close`.

    Chunks may be ``bytes`` (decoded as UTF-8, invalid sequences replaced by U+FFFD as
    the spec says, a multi-byte character split across chunks is fine) or ``str``.

    .. versionadded:: 0.1.0
    """

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._started = False
        self._skip_lf = False
        self._event = ""
        self._data: list[str] = []
        self._last_id = ""
        self._retry: int | None = None
        self._closed = False
        #: Set by `close`: the input ended inside a frame (no blank line after it).
        self.incomplete = False

    def feed(self, chunk: bytes | bytearray | memoryview | str) -> list[ServerSentEvent]:
        """Consume *chunk* and return the events it completed, in order."""
        if self._closed:
            msg = "feed() after close()"
            raise ValueError(msg)
        text = chunk if isinstance(chunk, str) else self._utf8.decode(bytes(chunk))
        return self._feed_text(text)

    def close(self, *, flush_incomplete: bool = False) -> list[ServerSentEvent]:
        """
        End the stream and return the events that completes.

        Args:
            flush_incomplete: Dispatch a final frame that has no blank line after it,
                instead of discarding it as the spec does. `incomplete` tells
                whether there was one either way.
        """
        if self._closed:
            return []
        out = self._feed_text(self._utf8.decode(b"", final=True))
        self._closed = True
        if self._buffer:
            line, self._buffer = self._buffer, ""
            self._line(line)
        if self._data:
            self.incomplete = True
            if flush_incomplete:
                event = self._dispatch()
                if event is not None:
                    out.append(event)
        return out

    # -- internals ----------------------------------------------------------------------

    def _feed_text(self, text: str) -> list[ServerSentEvent]:
        if not text:
            return []
        if not self._started:
            self._started = True
            if text[0] == "\ufeff":
                text = text[1:]
        if self._skip_lf and text:
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
        buf = self._buffer + text
        out: list[ServerSentEvent] = []
        start = 0
        end = len(buf)
        for match in _EOL.finditer(buf):
            if match.end() == end and match.group() == "\r":
                # A CR at the very end may be the first half of a CRLF.
                self._skip_lf = True
            event = self._line(buf[start : match.start()])
            if event is not None:
                out.append(event)
            start = match.end()
        self._buffer = buf[start:]
        return out

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line[0] == ":":
            return None
        field, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if field == "event":
            self._event = value
        elif field == "data":
            self._data.append(value)
        elif field == "id":
            if "\0" not in value:
                self._last_id = value
        elif field == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        if not self._data:
            self._event = ""
            self._retry = None
            return None
        event = ServerSentEvent(
            event=self._event or None,
            data="\n".join(self._data),
            id=self._last_id or None,
            retry=self._retry,
        )
        self._event = ""
        self._data = []
        self._retry = None
        return event


#: One piece of a ``text/event-stream`` body.
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
