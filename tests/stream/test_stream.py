"""The stream module: the SSE parser, the SSE rules, and the accumulator."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from messages_schema import LintConfig, Severity, StreamError, lint, models, unstructure
from messages_schema.rules import RULES, Node
from messages_schema.stream import (
    ServerSentEvent,
    SSEDecoder,
    StreamAccumulator,
    aiter_sse,
    iter_sse,
)
from tests.support.streams import (
    MESSAGE_STOP,
    PING,
    STREAMS,
    TEXT,
    THINKING,
    TOOL,
    block_start,
    block_stop,
    delta,
    json_delta,
    message_delta,
    message_start,
    text_delta,
    text_stream,
    to_sse,
    tool_stream,
)

SSE_CODES = sorted(c for c in RULES if c.startswith("SSE"))


def codes(document: Any, *, select: tuple[str, ...] = (), preview: bool = False) -> list[str]:
    config = LintConfig(select=select, preview=preview)
    return [f.code for f in lint(document, kind="stream", config=config)]


def only(document: Any, code: str) -> list[Any]:
    """The findings of *code* alone (every other rule off)."""
    return lint(document, kind="stream", config=LintConfig(select=[code]))


def events(text: str | bytes) -> list[ServerSentEvent]:
    return list(iter_sse([text]))


# -- the SSE parser -------------------------------------------------------------------


class TestSSEDecoder:
    def test_fields_of_one_frame(self) -> None:
        """event, data, id and retry are read from one frame."""
        got = events("event: e\ndata: d\nid: 7\nretry: 1500\n\n")

        assert [ServerSentEvent("e", "d", "7", 1500)] == got

    def test_multiline_data_is_joined_with_line_feeds(self) -> None:
        """Several data lines join with LF, without a trailing LF."""
        assert "a\n\nb" == events("data: a\ndata:\ndata: b\n\n")[0].data

    @pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
    def test_every_line_ending(self, eol: str) -> None:
        """LF, CRLF and CR all end lines."""
        text = f"event: x{eol}data: 1{eol}{eol}data: 2{eol}{eol}"

        assert [("x", "1"), (None, "2")] == [(e.event, e.data) for e in events(text)]

    def test_crlf_split_across_chunks_is_one_line_end(self) -> None:
        """A CR at the end of one chunk and LF at the start of the next end one line."""
        chunks = [b"data: 1\r", b"\n\r", b"\ndata: 2\r\n\r\n"]

        assert ["1", "2"] == [e.data for e in iter_sse(chunks)]

    def test_cr_at_chunk_end_followed_by_text(self) -> None:
        """A lone CR at a chunk end is still a line end when the next chunk is not LF."""
        assert ["1"] == [e.data for e in iter_sse(["data: 1\r", "\r"])]

    def test_comments_are_ignored(self) -> None:
        """Lines starting with a colon are comments, also between fields."""
        got = events(": hello\ndata: 1\n: more\n\n:only a comment\n\n")

        assert [ServerSentEvent(None, "1")] == got

    def test_only_one_space_after_the_colon_is_removed(self) -> None:
        """`data:x` and `data: x` agree; a second space is kept."""
        got = [e.data for e in events("data:x\n\ndata: x\n\ndata:  x\n\n")]

        assert ["x", "x", " x"] == got

    def test_line_without_colon_is_a_field_with_empty_value(self) -> None:
        """A bare `data` line adds an empty data line."""
        assert [""] == [e.data for e in events("data\n\n")]

    def test_frame_without_data_is_not_dispatched(self) -> None:
        """A frame with only an event name dispatches nothing (and the name is reset)."""
        assert [ServerSentEvent(None, "1")] == events("event: ping\n\ndata: 1\n\n")

    def test_leading_bom_is_dropped_once(self) -> None:
        """One BOM at the very start is dropped, even split across byte chunks."""
        raw = "\ufeffdata: 1\n\n".encode()

        assert ["1"] == [e.data for e in iter_sse([raw[:1], raw[1:2], raw[2:]])]
        assert [] == events("\ufeff\ufeffdata: 1\n\n")  # the second BOM is part of a name

    def test_utf8_character_split_across_chunks(self) -> None:
        """A multi-byte character split between chunks decodes whole."""
        raw = "data: 27 \u00d7 453 \u20ac\n\n".encode()

        assert (
            "27 \u00d7 453 \u20ac" == next(iter_sse([raw[i : i + 1] for i in range(len(raw))])).data
        )

    def test_invalid_utf8_is_replaced(self) -> None:
        """Bytes that are not UTF-8 become U+FFFD, never an exception."""
        assert "a\ufffdb" == events(b"data: a\xffb\n\n")[0].data

    def test_id_persists_and_nul_ids_are_ignored(self) -> None:
        """The last id carries over to later frames; an id with NUL is ignored."""
        got = [e.id for e in events("id: 1\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\n")]

        assert ["1", "1", "1"] == got

    def test_retry_must_be_digits(self) -> None:
        """A retry value that is not ASCII digits is ignored."""
        got = [e.retry for e in events("retry: 12a\ndata: a\n\nretry: 30\ndata: b\n\n")]

        assert [None, 30] == got

    def test_unterminated_final_frame_is_discarded_by_default(self) -> None:
        """As the spec says, a last frame without its blank line is not dispatched."""
        decoder = SSEDecoder()

        assert [] == decoder.feed("data: 1\n") + decoder.close()
        assert decoder.incomplete

    def test_unterminated_final_frame_can_be_flushed(self) -> None:
        """close(flush_incomplete=True) keeps a last frame, even without a final newline."""
        decoder = SSEDecoder()
        decoder.feed("event: message_stop\ndata: {}")

        assert [ServerSentEvent("message_stop", "{}")] == decoder.close(flush_incomplete=True)

    def test_feed_after_close_is_misuse(self) -> None:
        """Feeding a closed decoder raises ValueError."""
        decoder = SSEDecoder()
        decoder.close()

        with pytest.raises(ValueError, match="after close"):
            decoder.feed("data: 1\n\n")

    def test_one_whole_body_is_accepted(self) -> None:
        """iter_sse takes one bytes or str body as well as an iterable of chunks."""
        assert events("data: 1\n\n") == list(iter_sse("data: 1\n\n"))
        assert events("data: 1\n\n") == list(iter_sse(b"data: 1\n\n"))

    def test_json_decodes_data(self) -> None:
        """ServerSentEvent.json() decodes the data, whitespace padding included."""
        assert {"a": 1} == ServerSentEvent("x", '{"a": 1 } ').json()

    def test_aiter_sse_agrees_with_iter_sse(self) -> None:
        """The async iterator yields the same events as the sync one."""
        raw = to_sse(tool_stream()).encode()
        chunks = [raw[i : i + 7] for i in range(0, len(raw), 7)]

        async def produce() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield chunk

        async def collect() -> list[ServerSentEvent]:
            return [e async for e in aiter_sse(produce())]

        assert list(iter_sse(chunks)) == asyncio.run(collect())


# -- fixtures -------------------------------------------------------------------------

#: Expected findings of each recorded-style transcript with the default config.
FIXTURE_FINDINGS: dict[str, set[str]] = {
    "error_midstream.sse": {"SSE009"},
    "error_only.sse": {"SSE009"},
    "max_tokens_unclosed.sse": {"SSE007"},
}
FIXTURES = sorted(p.name for p in STREAMS.glob("*.sse"))


def accumulate(raw: bytes) -> StreamAccumulator:
    acc = StreamAccumulator()
    for event in iter_sse([raw]):
        acc.feed(event)
    return acc


class TestFixtures:
    def test_there_are_fixtures(self) -> None:
        """The transcripts the other tests rely on are present."""
        assert len(FIXTURES) >= 12

    @pytest.mark.parametrize("name", FIXTURES)
    def test_findings(self, name: str) -> None:
        """Each transcript has exactly its expected findings, none of them errors."""
        found = lint((STREAMS / name).read_bytes(), kind="stream")

        assert FIXTURE_FINDINGS.get(name, set()) == {f.code for f in found}
        assert not [f for f in found if f.is_error]

    @pytest.mark.parametrize("name", [n for n in FIXTURES if n != "error_only.sse"])
    def test_accumulates_to_a_valid_message(self, name: str) -> None:
        """Each transcript with a message accumulates to a schema-valid response."""
        acc = accumulate((STREAMS / name).read_bytes())

        assert [] == [f for f in lint(acc.message, kind="response") if f.is_error]
        assert isinstance(acc.model(), models.Message)

    def test_tool_input_is_parsed_from_fragments(self) -> None:
        """The joined input_json_delta fragments become the tool's input."""
        message = accumulate((STREAMS / "tool_use.sse").read_bytes()).message

        assert {"location": "Paris, FR", "unit": "celsius"} == message["content"][1]["input"]
        assert "I'll look up the weather in Paris." == message["content"][0]["text"]
        assert ("tool_use", 71) == (message["stop_reason"], message["usage"]["output_tokens"])

    def test_thinking_and_signature(self) -> None:
        """Thinking text is concatenated and the signature set from signature_delta."""
        block = accumulate((STREAMS / "thinking.sse").read_bytes()).message["content"][0]

        assert "The user asks for 27 * 453.\n27 * 453 = 12231." == block["thinking"]
        assert block["signature"].startswith("EqQBCgIYAhIM")

    def test_signature_only_thinking(self) -> None:
        """A thinking block with only a signature_delta keeps empty thinking text."""
        message = accumulate((STREAMS / "thinking_signature_only.sse").read_bytes()).message

        assert "" == message["content"][0]["thinking"]
        assert message["content"][0]["signature"]

    def test_web_search(self) -> None:
        """Server tool input, a whole result block and a web citation all land."""
        content = accumulate((STREAMS / "web_search.sse").read_bytes()).message["content"]

        assert {"query": "weather paris today"} == content[1]["input"]
        assert 2 == len(content[2]["content"])
        assert ["web_search_result_location"] == [c["type"] for c in content[3]["citations"]]
        assert "Paris is sunny today, with a high of 24 °C." == content[3]["text"]

    def test_citations_are_appended(self) -> None:
        """citations_delta events append to the text block's citations, in order."""
        block = accumulate((STREAMS / "citations.sse").read_bytes()).message["content"][0]

        assert [0, 20] == [c["start_char_index"] for c in block["citations"]]

    def test_programmatic_tool_calling(self) -> None:
        """Blocks that message_start already carries are kept as they are."""
        message = accumulate((STREAMS / "programmatic_tool_calling.sse").read_bytes()).message

        assert ["server_tool_use", "tool_use"] == [b["type"] for b in message["content"]]
        assert "tool_use" == message["stop_reason"]

    def test_usage_is_overwritten_not_added(self) -> None:
        """message_delta usage replaces the start values; null keeps them."""
        usage = accumulate((STREAMS / "usage_overwrite.sse").read_bytes()).message["usage"]

        assert (472, 6, 1024) == (
            usage["input_tokens"],
            usage["output_tokens"],
            usage["cache_creation_input_tokens"],
        )

    def test_container_from_message_delta(self) -> None:
        """message_delta sets the container."""
        message = accumulate((STREAMS / "container.sse").read_bytes()).message

        assert "container_011CPTa1" == message["container"]["id"]

    def test_crlf_transcript(self) -> None:
        """CRLF, BOM and comments change nothing; the stop sequence is kept."""
        message = accumulate((STREAMS / "crlf_bom_comments.sse").read_bytes()).message

        assert "Line one\nline two" == message["content"][0]["text"]
        assert "\n\nHuman:" == message["stop_sequence"]

    def test_error_is_recorded(self) -> None:
        """An error event is kept on the accumulator, not raised."""
        acc = accumulate((STREAMS / "error_midstream.sse").read_bytes())

        assert "overloaded_error" == acc.error["type"]  # type: ignore[index]
        assert "Here is the first part" == acc.message["content"][0]["text"]
        assert not acc.done


# -- the SSE rules, one class each ----------------------------------------------------


class TestRegistration:
    def test_sse_rules_are_stream_rules(self) -> None:
        """Every SSE rule is registered for streams, without a function."""
        assert len(SSE_CODES) >= 12
        for code in SSE_CODES:
            entry = RULES[code]
            assert (Node.STREAM, frozenset({"stream"}), None) == (
                entry.node,
                entry.kinds,
                entry.func,
            )
            for section in (
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Applies to",
            ):
                assert section in entry.doc, (code, section)

    def test_valid_streams_are_clean(self) -> None:
        """Valid streams, as lists, JSON text, JSON lines and SSE text, have no findings."""
        for stream in (text_stream(), tool_stream()):
            assert [] == codes(stream)
            assert [] == codes(json.dumps(stream))
            assert [] == codes("\n".join(json.dumps(e) for e in stream))
            assert [] == codes(to_sse(stream))
            assert [] == codes(to_sse(stream).encode())
            assert [] == codes(list(iter_sse(to_sse(stream))))


class TestInvalidEventData:
    def test_data_not_json(self) -> None:
        """An event whose data is not JSON is reported at its position."""
        text = to_sse(text_stream()).replace('data: {"type": "ping"}', "data: {ping")
        (f,) = only(text, "SSE001")

        assert ("/2", "events.2") == (f.pointer, f.api_path)

    def test_data_not_an_object(self) -> None:
        """JSON data that is not an object is reported."""
        assert ["SSE001"] == [f.code for f in only([*text_stream(), [1]], "SSE001")]

    def test_document_of_the_wrong_type(self) -> None:
        """A number is neither SSE text nor a list of events."""
        (f,) = only(42, "SSE001")

        assert ((), "events") == (f.path, f.api_path)

    def test_broken_json_array(self) -> None:
        """A JSON array that does not decode is SCH000."""
        assert ["SCH000"] == codes('[{"type": "ping"}', select=("SCH000",))

    def test_whitespace_padding_is_fine(self) -> None:
        """Whitespace inside the data JSON, like the API's error events, is fine."""
        text = to_sse(text_stream()).replace('"text": "Hello"}}', '"text": "Hello"} }')

        assert [] == codes(text)


class TestEventNameMismatch:
    def test_name_differs_from_type(self) -> None:
        """A frame named ping holding a message_stop is reported."""
        text = to_sse(text_stream()).replace(
            'event: message_stop\ndata: {"type": "message_stop"}',
            'event: ping\ndata: {"type": "message_stop"}',
        )
        (f,) = only(text, "SSE002")

        assert ("/7/type", "events.7.type") == (f.pointer, f.api_path)

    def test_absent_names_are_not_a_mismatch(self) -> None:
        """Frames without `event:` lines are not reported by default."""
        assert [] == codes(to_sse(text_stream(), names=False))


class TestMessageStartMisplaced:
    def test_content_before_message_start(self) -> None:
        """An event before message_start is reported once."""
        stream = text_stream()
        stream.insert(0, stream.pop(1))

        assert [(0,)] == [f.path for f in only(stream, "SSE003")]

    def test_second_message_start(self) -> None:
        """A second message_start is reported."""
        stream = text_stream()
        stream.insert(3, message_start())

        assert [(3,)] == [f.path for f in only(stream, "SSE003")]

    def test_no_message_start(self) -> None:
        """Pings only, or nothing at all, is a stream without message_start."""
        assert ["SSE003"] == codes([PING], select=("SSE003",))
        assert ["SSE003"] == codes([], select=("SSE003",))
        assert ["SSE003"] == codes("", select=("SSE003",))

    def test_ping_before_message_start_is_fine(self) -> None:
        """A ping may come first."""
        assert [] == codes([PING, *text_stream()])


class TestBlockEventWithoutStart:
    def test_delta_before_block_start(self) -> None:
        """A delta for a block that never started is reported at its index."""
        stream = [message_start(), text_delta(0, "x"), message_delta(), MESSAGE_STOP]
        (f,) = only(stream, "SSE004")

        assert "/1/index" == f.pointer
        assert "never started" in f.message

    def test_delta_after_block_stop(self) -> None:
        """A delta after the block's stop is reported."""
        stream = text_stream()
        stream.insert(6, text_delta(0, "late"))

        assert ["already complete"] == [
            "already complete" for f in only(stream, "SSE004") if "already complete" in f.message
        ]

    def test_second_stop(self) -> None:
        """A block stopped twice is reported."""
        stream = text_stream()
        stream.insert(6, block_stop(0))

        assert [(6, "index")] == [f.path for f in only(stream, "SSE004")]


class TestBlockIndexOutOfOrder:
    def test_skipped_index(self) -> None:
        """A first block with index 1 is reported."""
        stream = [
            message_start(),
            block_start(1, TEXT),
            block_stop(1),
            message_delta(),
            MESSAGE_STOP,
        ]
        (f,) = only(stream, "SSE005")

        assert ("/1/index", Severity.ERROR) == (f.pointer, f.severity)

    def test_reused_index(self) -> None:
        """Starting index 0 twice is reported."""
        stream = [
            message_start(),
            block_start(0, TEXT),
            block_stop(0),
            block_start(0, TEXT),
            block_stop(0),
            message_delta(),
            MESSAGE_STOP,
        ]

        assert [(3, "index")] == [f.path for f in only(stream, "SSE005")]

    def test_overlapping_blocks_are_a_warning(self) -> None:
        """A start while another block is open is only a warning."""
        stream = [
            message_start(),
            block_start(0, TEXT),
            block_start(1, TEXT),
            block_stop(0),
            block_stop(1),
            message_delta(),
            MESSAGE_STOP,
        ]

        assert [Severity.WARNING] == [f.severity for f in only(stream, "SSE005")]

    def test_indices_continue_after_message_start_content(self) -> None:
        """After a message_start with two blocks, the next block is index 2."""
        done = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
        good = [
            message_start(done),
            block_start(2, TEXT),
            block_stop(2),
            message_delta(),
            MESSAGE_STOP,
        ]
        bad = [
            message_start(done),
            block_start(0, TEXT),
            block_stop(0),
            message_delta(),
            MESSAGE_STOP,
        ]

        assert [] == codes(good)
        assert ["SSE005"] == [f.code for f in only(bad, "SSE005")]


class TestDeltaTypeMismatch:
    @pytest.mark.parametrize(
        ("block", "body"),
        [
            (TOOL, {"type": "text_delta", "text": "x"}),
            (TEXT, {"type": "input_json_delta", "partial_json": "{}"}),
            (TEXT, {"type": "signature_delta", "signature": "s"}),
            (THINKING, {"type": "citations_delta", "citation": {"type": "char_location"}}),
            (
                {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
                {"type": "text_delta", "text": "x"},
            ),
        ],
    )
    def test_delta_that_does_not_fit(self, block: dict[str, Any], body: dict[str, Any]) -> None:
        """A delta applied to a block of the wrong type is reported at delta.type."""
        stream = [
            message_start(),
            block_start(0, block),
            delta(0, body),
            block_stop(0),
            message_delta(),
            MESSAGE_STOP,
        ]
        (f,) = only(stream, "SSE006")

        assert "/2/delta/type" == f.pointer

    def test_server_tool_use_takes_json(self) -> None:
        """input_json_delta fits a server_tool_use block."""
        block = {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}}
        stream = [
            message_start(),
            block_start(0, block),
            json_delta(0, '{"query": "x"}'),
            block_stop(0),
            message_delta(),
            MESSAGE_STOP,
        ]

        assert [] == codes(stream)

    def test_unknown_block_types_are_not_judged(self) -> None:
        """A block type this version does not know takes any delta without SSE006."""
        stream = [
            message_start(),
            block_start(0, {"type": "future_block"}),
            text_delta(0, "x"),
            block_stop(0),
            message_delta(),
            MESSAGE_STOP,
        ]

        assert [] == only(stream, "SSE006")


class TestMessageDeltaBeforeBlocksStopped:
    def test_open_block_at_message_delta(self) -> None:
        """An open block at message_delta is a warning, once."""
        stream = text_stream()
        del stream[5]  # the content_block_stop
        (f,) = only(stream, "SSE007")

        assert ("/5", Severity.WARNING) == (f.pointer, f.severity)


class TestEventAfterMessageStop:
    def test_event_after_stop(self) -> None:
        """Anything after message_stop is reported, pings and a second stop included."""
        stream = [*text_stream(), PING, MESSAGE_STOP]

        assert [(8,), (9,)] == [f.path for f in only(stream, "SSE008")]


class TestErrorEvent:
    def test_error_event_is_a_warning_quoting_the_api(self) -> None:
        """An error event is reported as a warning with the API's message."""
        error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
        stream = [message_start(), block_start(0, TEXT), error]
        found = lint(stream, kind="stream")

        assert ["SSE009"] == [f.code for f in found]
        assert (Severity.WARNING, "Overloaded", "events.2.error") == (
            found[0].severity,
            found[0].api_error,
            found[0].api_path,
        )

    def test_error_frame_with_undecodable_data(self) -> None:
        """An `event: error` frame whose data is not JSON still ends the stream."""
        text = to_sse([message_start()]) + "event: error\ndata: Internal Server Error\n\n"

        assert ["SSE001"] == codes(text)


class TestInvalidToolInputJson:
    @pytest.mark.parametrize("parts", [['{"city": "Par'], ["[1, 2]"], [" "], ['{"a": 1}', "}"]])
    def test_fragments_that_do_not_parse(self, parts: list[str]) -> None:
        """Fragments that do not join to one JSON object are reported at the stop."""
        stream = [message_start(), block_start(0, TOOL)]
        stream += [json_delta(0, p) for p in parts]
        stream += [block_stop(0), message_delta("tool_use"), MESSAGE_STOP]

        assert [(len(parts) + 2,)] == [f.path for f in only(stream, "SSE010")]

    def test_empty_fragments_keep_the_start_input(self) -> None:
        """Only empty fragments, or none, is fine."""
        stream = [
            message_start(),
            block_start(0, TOOL),
            json_delta(0, ""),
            block_stop(0),
            message_delta("tool_use"),
            MESSAGE_STOP,
        ]

        assert [] == codes(stream)


class TestMissingMessageStop:
    def test_truncated_stream(self) -> None:
        """A stream that just ends is reported once, stream-wide."""
        (f,) = only(text_stream()[:-1], "SSE011")

        assert ((), "events", "") == (f.path, f.api_path, f.pointer)


class TestMissingMessageDelta:
    def test_stop_without_delta(self) -> None:
        """message_stop with no message_delta before it is reported."""
        stream = [message_start(), MESSAGE_STOP]

        assert [(1,)] == [f.path for f in only(stream, "SSE012")]

    def test_several_message_deltas_are_fine(self) -> None:
        """The docs allow one or more message_delta events."""
        stream = text_stream()
        stream.insert(6, message_delta("end_turn", 3))

        assert [] == codes(stream)


class TestUnterminatedFinalEvent:
    def test_missing_final_blank_line(self) -> None:
        """A transcript without its final blank line gets an info note; the event counts."""
        text = to_sse(text_stream()).rstrip("\n")
        found = lint(text, kind="stream")

        assert [("SSE013", Severity.INFO)] == [(f.code, f.severity) for f in found]


class TestMissingEventName:
    def test_preview_rule_reports_once(self) -> None:
        """With preview rules on, unnamed frames are reported once, at the first."""
        found = lint(
            to_sse(text_stream(), names=False),
            kind="stream",
            config=LintConfig(select=["SSE014"]),
        )

        assert [("SSE014", "/0")] == [(f.code, f.pointer) for f in found]
        assert "8 of 8" in found[0].message


class TestStructureAndSelection:
    def test_structural_problems_are_relocated(self) -> None:
        """A missing field inside an event is SCH001 under the event's position."""
        stream = text_stream()
        stream[3] = delta(0, {"type": "text_delta"})
        (f,) = lint(stream, kind="stream", config=LintConfig(select=["SCH"]))

        assert ("SCH001", "/3/delta/text", "events.3.delta.text_delta.text") == (
            f.code,
            f.pointer,
            f.api_path,
        )

    def test_unknown_event_type_is_a_warning_and_ignored(self) -> None:
        """A new event type is SCH011 (warning) and does not disturb the order checks."""
        stream = text_stream()
        stream.insert(3, {"type": "future_event", "index": 0})

        assert ["SCH011"] == codes(stream)

    def test_new_stop_reason_is_a_warning(self) -> None:
        """A `message_delta` with a `stop_reason` newer than the schemas is SCH012 only."""
        stream = text_stream()
        (i,) = [n for n, e in enumerate(stream) if e["type"] == "message_delta"]
        stream[i] = {**stream[i], "delta": {**stream[i]["delta"], "stop_reason": "brand_new"}}

        assert ["SCH012"] == codes(stream)

    def test_ignore_turns_rules_off(self) -> None:
        """Ignored SSE codes are not reported; selected ones alone are."""
        stream = [message_start(), text_delta(0, "x")]

        assert {"SSE004", "SSE011"} == set(codes(stream))
        assert ["SSE011"] == codes(stream, select=("SSE011",))
        assert [] == [f for f in lint(stream, kind="stream", config=LintConfig(ignore=["SSE"]))]

    @pytest.mark.parametrize(
        "document",
        [
            None,
            {},
            [None],
            [{}],
            [{"type": 3}],
            b"\xff\xfe\x00",
            "data: [\n\n",
            memoryview(b"data: {}\n\n"),
            bytearray(b"[1, 2"),
            "{not json\n{}",
            [{"type": "content_block_start", "index": True, "content_block": 3}],
            [
                {"type": "message_start", "message": {"content": "x"}},
                {"type": "content_block_stop"},
            ],
            [ServerSentEvent("x", "")],
        ],
    )
    def test_never_raises(self, document: Any) -> None:
        """Odd input gives findings, never an exception."""
        found = lint(document, kind="stream")

        assert all(f.code != "SCH099" for f in found)


# -- the accumulator ------------------------------------------------------------------


class TestStreamAccumulator:
    def test_dicts_and_bytes_agree(self) -> None:
        """Feeding dicts, SSE events or raw byte chunks builds the same message."""
        stream = tool_stream()
        by_dict = StreamAccumulator()
        for event in stream:
            by_dict.feed(event)
        raw = to_sse(stream).encode()
        by_bytes = StreamAccumulator()
        for i in range(0, len(raw), 5):
            by_bytes.feed_bytes(raw[i : i + 5])
        by_bytes.close()

        assert by_dict.message == by_bytes.message
        assert {"city": "Paris"} == by_dict.message["content"][1]["input"]
        assert by_dict.done

    def test_snapshot_mid_stream(self) -> None:
        """snapshot() shows text so far and tool input once the fragments parse."""
        acc = StreamAccumulator()
        for event in tool_stream()[:7]:
            acc.feed(event)
        partial = acc.snapshot()
        acc.feed(json_delta(1, 'ris"}'))

        assert ("Checking.", {}) == (partial["content"][0]["text"], partial["content"][1]["input"])
        assert {"city": "Paris"} == acc.snapshot()["content"][1]["input"]
        assert {} == acc.message["content"][1]["input"]  # parsed only at content_block_stop

    def test_message_is_a_copy(self) -> None:
        """Changing the returned message does not change the accumulator."""
        acc = StreamAccumulator()
        for event in text_stream():
            acc.feed(event)
        acc.message["content"].clear()

        assert "Hello world" == acc.message["content"][0]["text"]

    def test_null_usage_keeps_the_start_value(self) -> None:
        """A null usage value in message_delta keeps message_start's value."""
        acc = StreamAccumulator()
        acc.feed(message_start(usage={"input_tokens": 50, "output_tokens": 1}))
        acc.feed(
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn"},
                "usage": {"output_tokens": 7, "input_tokens": None},
            }
        )

        assert {"input_tokens": 50, "output_tokens": 7} == acc.message["usage"]

    def test_stop_details_from_message_delta(self) -> None:
        """stop_details set by message_delta lands on the message."""
        acc = StreamAccumulator()
        acc.feed(message_start())
        details = {"type": "refusal", "category": "cyber", "explanation": None}
        acc.feed(
            {
                "type": "message_delta",
                "usage": {"output_tokens": 2},
                "delta": {"stop_reason": "refusal", "stop_sequence": None, "stop_details": details},
            }
        )

        assert ("refusal", details) == (acc.message["stop_reason"], acc.message["stop_details"])

    def test_pings_and_unknown_events_are_ignored(self) -> None:
        """Pings, unknown events and unknown delta types change nothing."""
        plain = StreamAccumulator()
        noisy = StreamAccumulator()
        for event in text_stream():
            plain.feed(event)
            noisy.feed(event)
            noisy.feed(PING)
            noisy.feed({"type": "future_event"})
            if event["type"] == "content_block_delta":
                noisy.feed(delta(0, {"type": "future_delta"}))

        assert plain.message == noisy.message

    @pytest.mark.parametrize(
        "events",
        [
            [text_delta(0, "x")],
            [message_start(), text_delta(0, "x")],
            [message_start(), block_start(1, TEXT)],
            [message_start(), block_start(0, TOOL), text_delta(0, "x")],
            [message_start(), block_start(0, TOOL), json_delta(0, "{"), block_stop(0)],
            [message_start(), block_stop(0)],
            [message_start(), {"type": "content_block_delta", "delta": {}}],
            ["not an event"],
        ],
    )
    def test_raises_only_for_events_it_cannot_apply(self, events: list[Any]) -> None:
        """An event that cannot be applied raises StreamError naming its position."""
        acc = StreamAccumulator()
        for event in events[:-1]:
            acc.feed(event)
        with pytest.raises(StreamError, match=r"^event \d+: "):
            acc.feed(events[-1])

    def test_message_before_start_raises(self) -> None:
        """Reading the message before message_start raises StreamError."""
        with pytest.raises(StreamError):
            _ = StreamAccumulator().message

    def test_sse_event_with_bad_json_raises(self) -> None:
        """A named SSE event whose data is not JSON cannot be applied."""
        with pytest.raises(StreamError, match="not JSON"):
            StreamAccumulator().feed(ServerSentEvent("message_start", "{"))

    def test_model(self) -> None:
        """model() structures the message into a models.Message."""
        acc = StreamAccumulator()
        for event in text_stream():
            acc.feed(event)
        model = acc.model()

        assert isinstance(model, models.Message)
        assert acc.message == unstructure(model)
