"""
Laws of the stream module.

* A valid Message, rendered as the event sequence the API would send (text and tool JSON
  split at random points, pings anywhere, SSE bytes split anywhere), lints clean and
  accumulates back to the same Message.
* iter_sse does not depend on where the byte stream is split.
* Dropping, duplicating or swapping events is either caught by an ``SSE`` finding or
  harmless, meaning the accumulated Message is unchanged. Content deltas are the
  documented exception: losing, repeating or reordering a text fragment leaves a
  well-formed stream with different text, which no order check can see; for those the
  law is only that nothing crashes.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from messages_schema import LintConfig, Severity, StreamError, lint
from messages_schema.strategies import responses, stream_events
from messages_schema.stream import StreamAccumulator, iter_sse


def render(message: dict[str, Any], data: st.DataObject) -> list[dict[str, Any]]:
    """The event sequence the API would stream for *message*, with random chunking."""
    return data.draw(stream_events(message=message), label="events")


def to_sse(events: list[dict[str, Any]]) -> bytes:
    return "".join(
        f"event: {e['type']}\ndata: {json.dumps(e, ensure_ascii=False)}\n\n" for e in events
    ).encode()


def split_bytes(data: st.DataObject, raw: bytes) -> list[bytes]:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(raw)), max_size=8), label="byte cuts"))
    return [raw[i:j] for i, j in zip([0, *cuts], [*cuts, len(raw)], strict=True)]


def accumulate(events: list[Any]) -> dict[str, Any]:
    acc = StreamAccumulator()
    for event in events:
        acc.feed(event)
    return acc.message


# -- laws -----------------------------------------------------------------------------


@given(responses(), st.data())
def test_rendered_stream_accumulates_back(message: dict[str, Any], data: st.DataObject) -> None:
    """A rendered stream lints clean and accumulates to the message it came from."""
    events = render(message, data)

    assert [] == lint(events, kind="stream")
    assert message == accumulate(events)


@given(responses(), st.data())
def test_bytes_split_anywhere_accumulate_back(message: dict[str, Any], data: st.DataObject) -> None:
    """The same holds for its SSE bytes fed in arbitrary chunks."""
    raw = to_sse(render(message, data))
    acc = StreamAccumulator()
    for chunk in split_bytes(data, raw):
        acc.feed_bytes(chunk)
    acc.close()

    assert [] == lint(raw, kind="stream")
    assert message == acc.message
    assert acc.done


_eols = st.sampled_from(["\n", "\r\n", "\r"])
_values = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=12)
_lines = st.one_of(
    st.builds(lambda v: f"data: {v}", _values),
    st.builds(lambda v: f"data:{v}", _values),
    st.builds(lambda v: f"event: {v}", _values),
    st.builds(lambda v: f"id: {v}", _values),
    st.builds(lambda v: f"retry: {v}", st.one_of(st.integers(0, 10**4).map(str), _values)),
    st.builds(lambda v: f": {v}", _values),
    st.just(""),
    st.just("data"),
)


@st.composite
def sse_transcripts(draw: st.DrawFn) -> str:
    """SSE text of random frames with mixed line endings; shrinks towards the empty text."""
    lines = draw(st.lists(st.tuples(_lines, _eols), max_size=12))
    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + "".join(line + eol for line, eol in lines)


@given(sse_transcripts(), st.data())
def test_iter_sse_ignores_chunk_boundaries(text: str, data: st.DataObject) -> None:
    """Splitting the byte stream anywhere yields the same events."""
    raw = text.encode()

    assert list(iter_sse([raw])) == list(iter_sse(split_bytes(data, raw)))
    assert list(iter_sse([text])) == list(iter_sse([raw]))


def _is_content_delta(event: dict[str, Any]) -> bool:
    return event.get("type") == "content_block_delta"


def _fragments(events: list[dict[str, Any]]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for event in events:
        if _is_content_delta(event):
            out.setdefault(event["index"], []).append(json.dumps(event, sort_keys=True))
    return out


def _reorders_fragments_only(events: list[dict[str, Any]], mutated: list[dict[str, Any]]) -> bool:
    """Whether *mutated* differs from *events* in the order of one block's deltas only."""
    before, after = _fragments(events), _fragments(mutated)
    return before != after and {k: sorted(v) for k, v in before.items()} == {
        k: sorted(v) for k, v in after.items()
    }


def _caught_or_harmless(
    mutated: list[dict[str, Any]],
    original: dict[str, Any],
    *,
    invisible: bool = False,
) -> None:
    findings = lint(mutated, kind="stream", config=LintConfig(preview=True))
    if any(f.code.startswith("SSE") for f in findings):
        return
    if invisible:
        return  # fragments reordered inside their block: a documented blind spot
    assert not any(f.severity is Severity.ERROR for f in findings), findings
    try:
        rebuilt = accumulate(mutated)
    except StreamError as exc:  # pragma: no cover - would be a hole in the rules
        msg = f"no finding, but the accumulator failed: {exc}"
        raise AssertionError(msg) from exc
    assert original == rebuilt


@given(responses(), st.data())
def test_dropped_or_duplicated_event_is_caught_or_harmless(
    message: dict[str, Any], data: st.DataObject
) -> None:
    """Dropping or repeating one non-delta event is reported, or changes nothing."""
    events = render(message, data)
    i = data.draw(st.integers(0, len(events) - 1), label="event")
    mutated = copy.deepcopy(events)
    if data.draw(st.booleans(), label="drop (else duplicate)"):
        del mutated[i]
    else:
        mutated.insert(i, copy.deepcopy(mutated[i]))
    if _is_content_delta(events[i]):
        lint(mutated, kind="stream")  # content loss is invisible to order checks; no crash
        return
    _caught_or_harmless(mutated, message)


@given(responses(), st.data())
def test_swapped_events_are_caught_or_harmless(
    message: dict[str, Any], data: st.DataObject
) -> None:
    """
    Swapping two events is reported, or changes nothing (two pings, say).

    The exception: a swap that only reorders one block's deltas (two text fragments,
    or a fragment and a ping between them) is well-formed and goes unreported.
    """
    events = render(message, data)
    i = data.draw(st.integers(0, len(events) - 1), label="first")
    j = data.draw(st.integers(0, len(events) - 1), label="second")
    mutated = copy.deepcopy(events)
    mutated[i], mutated[j] = mutated[j], mutated[i]
    _caught_or_harmless(mutated, message, invisible=_reorders_fragments_only(events, mutated))
