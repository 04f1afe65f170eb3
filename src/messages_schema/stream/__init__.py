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
from messages_schema.stream._accumulator import StreamAccumulator
from messages_schema.stream._findings import stream_findings
from messages_schema.stream._sse import ServerSentEvent, SSEDecoder, aiter_sse, iter_sse

__all__ = [
    "SSEDecoder",
    "ServerSentEvent",
    "StreamAccumulator",
    "aiter_sse",
    "iter_sse",
    "stream_findings",
]
