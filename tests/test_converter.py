"""The converter: round trips, UNSET vs null, leniency on responses, strictness on requests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest

import messages_schema
from messages_schema import (
    LintConfig,
    StructureError,
    dumps,
    lint,
    loads,
    models,
    structure,
    unstructure,
)
from messages_schema.converter import make_converter
from messages_schema.models import UNSET
from messages_schema.schemas._betas import known_betas

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCH_ONLY = LintConfig(select=("SCH",))

HELLO_RESPONSE: dict[str, Any] = {
    "content": [{"text": "Hi! My name is Claude.", "type": "text"}],
    "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
    "model": "claude-3-7-sonnet-20250219",
    "role": "assistant",
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "type": "message",
    "usage": {"input_tokens": 2095, "output_tokens": 503},
}


def codes_and_pointers(exc: StructureError) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in exc.findings]


class TestErgonomics:
    def test_issue_example_dumps_exactly(self) -> None:
        """The issue's example serialises to exactly the expected JSON."""
        params = models.MessageCreateParams(
            model="claude-sonnet-4-5",
            max_tokens=1024,
            messages=[models.MessageParam(role="user", content="Hello")],
        )

        expected = (
            b'{"model":"claude-sonnet-4-5","max_tokens":1024,'
            b'"messages":[{"role":"user","content":"Hello"}]}'
        )
        assert expected == dumps(params)
        assert orjson.loads(expected) == unstructure(params)

    def test_message_param_builds_the_role_class(self) -> None:
        """`MessageParam(role=...)` returns the per-role class, which is a MessageParam."""
        user = models.MessageParam(role="user", content="Hello")
        system = models.MessageParam(role="system", content="Be brief.")

        assert type(user) is models.UserMessageParam
        assert type(system) is models.SystemMessageParam
        assert isinstance(user, models.MessageParam)
        assert models.UserMessageParam(content="Hello") == user

    def test_message_param_rejects_an_unknown_role(self) -> None:
        """An unknown role is a TypeError naming the roles."""
        with pytest.raises(TypeError, match="'user', 'assistant', 'system'"):
            models.MessageParam(role="robot", content="x")  # type: ignore[arg-type]

    def test_repr_leaves_out_unset_fields(self) -> None:
        """The repr shows only the fields that are set."""
        block = models.TextBlockParam(text="Hi")

        assert repr(block) == "TextBlockParam(type='text', text='Hi')"

    def test_equality_and_evolve(self) -> None:
        """Models compare by value; `attrs.evolve` makes changed copies."""
        a = models.TextBlockParam(text="Hi")

        assert models.TextBlockParam(text="Hi") == a
        assert models.TextBlockParam(text="Hi", cache_control=None) != a
        assert attrs.evolve(a, text="Bye").text == "Bye"

    def test_models_are_frozen(self) -> None:
        """Assigning to a field raises."""
        block = models.TextBlockParam(text="Hi")

        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            block.text = "x"  # type: ignore[misc]

    def test_top_level_exports(self) -> None:
        """structure, unstructure, loads and dumps are exported at the top level."""
        assert {"dumps", "loads", "structure", "unstructure"} <= set(messages_schema.__all__)


class TestUnsetAndNull:
    def test_absent_key_is_unset_and_stays_absent(self) -> None:
        """A key absent on the wire is UNSET and is not written back."""
        block = structure({"type": "text", "text": "Hi"}, models.TextBlockParam)

        assert block.cache_control is UNSET
        assert unstructure(block) == {"type": "text", "text": "Hi"}

    def test_null_is_none_and_is_written_as_null(self) -> None:
        """A JSON null is None and is written back as null."""
        block = structure({"type": "text", "text": "Hi", "citations": None}, models.TextBlockParam)

        assert block.citations is None
        assert dumps(block) == b'{"type":"text","text":"Hi","citations":null}'

    def test_type_tag_is_always_written(self) -> None:
        """The `type` tag is written although it equals its default."""
        assert unstructure(models.TextBlockParam(text="Hi")) == {"type": "text", "text": "Hi"}

    def test_unset_is_falsy_and_reads_unset(self) -> None:
        """UNSET is falsy and its repr is UNSET."""
        assert not UNSET
        assert repr(UNSET) == "UNSET"

    def test_response_null_and_absent_differ(self) -> None:
        """`stop_sequence: null` and an absent `stop_sequence` round-trip differently."""
        absent = {k: v for k, v in HELLO_RESPONSE.items() if k != "stop_sequence"}

        assert unstructure(structure(HELLO_RESPONSE, models.Message)) == HELLO_RESPONSE
        assert absent == unstructure(structure(absent, models.Message))
        assert structure(absent, models.Message).stop_sequence is UNSET


class TestRoundTrips:
    @pytest.mark.parametrize(
        ("name", "cls"),
        [
            ("hello-request.json", models.MessageCreateParams),
            ("tool-use-request.json", models.MessageCreateParams),
            ("hello-response.json", models.Message),
        ],
    )
    def test_examples_round_trip(self, name: str, cls: type[Any]) -> None:
        """Each shipped example structures and unstructures to itself."""
        document = json.loads((EXAMPLES / name).read_text())
        model = structure(document, cls)

        assert document == unstructure(model)
        assert model == loads(dumps(model), cls)

    def test_stream_events_round_trip(self) -> None:
        """Stream events structure through the MessageStreamEvent alias."""
        events = [
            {"type": "message_start", "message": {**HELLO_RESPONSE, "content": []}},
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},  # noqa: E501
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}},  # noqa: E501
            {"type": "content_block_stop", "index": 0},
            {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
             "usage": {"output_tokens": 1}},
            {"type": "message_stop"},
            {"type": "ping"},
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
        ]
        for event in events:
            model = structure(event, models.MessageStreamEvent)  # type: ignore[arg-type]

            assert event == unstructure(model)

        assert isinstance(structure(events[-1], models.MessageStreamEvent), models.ErrorResponse)  # type: ignore[arg-type]

    def test_custom_tool_without_type(self) -> None:
        """A tool without `type` is a custom ToolParam and stays without `type`."""
        tool = {"name": "get_weather", "input_schema": {"type": "object"}}
        model = structure(tool, models.ToolUnion)  # type: ignore[arg-type]

        assert isinstance(model, models.ToolParam)
        assert tool == unstructure(model)

    def test_make_converter_gives_a_working_converter(self) -> None:
        """A fresh converter from make_converter() behaves like the default one."""
        conv = make_converter()
        block = conv.structure({"type": "text", "text": "Hi"}, models.TextBlockParam)

        assert models.TextBlockParam(text="Hi") == block
        assert conv.dumps(block) == b'{"type":"text","text":"Hi"}'


class TestLenientResponses:
    def test_unknown_keys_are_kept_and_written_back(self) -> None:
        """Unknown keys on response shapes land in `extra` and are written back."""
        document = {
            **HELLO_RESPONSE,
            "brand_new": {"a": 1},
            "usage": {"input_tokens": 1, "output_tokens": 2, "future_tokens": 3},
        }
        message = structure(document, models.Message)

        assert message.extra == {"brand_new": {"a": 1}}
        assert message.usage.extra == {"future_tokens": 3}
        assert document == unstructure(message)

    def test_unknown_block_type_becomes_unknown_variant(self) -> None:
        """A block of an unknown type is an UnknownContentBlock keeping its data."""
        block = {"type": "hologram", "frames": [1, 2], "text": "not a text block"}
        document = {**HELLO_RESPONSE, "content": [block]}
        message = structure(document, models.Message)

        (only,) = message.content
        data = {"frames": [1, 2], "text": "not a text block"}
        assert only == models.UnknownContentBlock(type="hologram", data=data)
        assert document == unstructure(message)
        assert message == loads(dumps(message), models.Message)

    def test_unknown_event_type_becomes_unknown_variant(self) -> None:
        """A stream event of an unknown type is an UnknownMessageStreamEvent."""
        event = {"type": "message_pause", "seconds": 3}
        model = structure(event, models.MessageStreamEvent)  # type: ignore[arg-type]

        assert isinstance(model, models.UnknownMessageStreamEvent)
        assert event == unstructure(model)

    def test_new_enum_value_is_kept(self) -> None:
        """A `stop_reason` newer than the schemas is kept as its string and written back."""
        document = {**HELLO_RESPONSE, "stop_reason": "brand_new_reason"}

        message = structure(document, models.Message)

        assert message.stop_reason == "brand_new_reason"
        assert document == unstructure(message)
        assert message == loads(dumps(message), models.Message)

    def test_new_enum_value_in_a_request_is_an_error(self) -> None:
        """Request enums stay closed: the API rejects a value it does not know."""
        document = {"model": "m", "max_tokens": 1, "messages": [], "service_tier": "galactic"}

        with pytest.raises(StructureError) as info:
            structure(document, models.MessageCreateParams)

        assert codes_and_pointers(info.value) == [("SCH004", "/service_tier")]

    def test_wrong_type_in_a_response_is_still_an_error(self) -> None:
        """Known response fields stay typed: a number for `text` is SCH003."""
        document = {**HELLO_RESPONSE, "content": [{"type": "text", "text": 5}]}

        with pytest.raises(StructureError) as info:
            structure(document, models.Message)

        assert codes_and_pointers(info.value) == [("SCH003", "/content/0/text")]


class TestStrictRequests:
    def test_unknown_key_is_sch002_with_its_path(self) -> None:
        """An unknown key anywhere in a request is SCH002 at that key."""
        document = {
            "model": "m",
            "max_tokens": 1,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "x", "bogus": 1}]}],
        }

        with pytest.raises(StructureError) as info:
            structure(document, models.MessageCreateParams)

        assert codes_and_pointers(info.value) == [("SCH002", "/messages/0/content/0/bogus")]
        assert info.value.findings[0].api_path == "messages.0.content.0.text.bogus"

    def test_every_problem_is_reported_like_lint(self) -> None:
        """All problems are reported at once, with lint's codes, paths and messages."""
        document = {
            "model": "m",
            "max_tokens": "5",
            "messages": [
                {"role": "user", "content": [{"type": "imagex"}, 5]},
                {"role": "robot", "content": "x"},
            ],
            "system": 5,
            "extra_top": 1,
        }

        with pytest.raises(StructureError) as info:
            structure(document, models.MessageCreateParams)

        got = {(f.code, f.pointer, f.message) for f in info.value.findings}
        # The models cover beta-only members too: compare with lint under every beta.
        every_beta = LintConfig(select=("SCH",), betas=sorted(known_betas()))
        linted = {(f.code, f.pointer, f.message) for f in lint(document, config=every_beta)}
        assert linted == got

    def test_missing_fields_are_sch001(self) -> None:
        """Missing required fields, the tag included, are SCH001 at the missing key."""
        document = {"model": "m", "messages": [{"role": "user"}, {"content": "x"}]}

        with pytest.raises(StructureError) as info:
            structure(document, models.MessageCreateParams)

        assert codes_and_pointers(info.value) == [
            ("SCH001", "/max_tokens"),
            ("SCH001", "/messages/0/content"),
            ("SCH001", "/messages/1/role"),
        ]

    def test_scalars_are_not_coerced(self) -> None:
        """`"5"` is not an int, `1` is not a bool, `True` is not an int."""
        for key, value in (("max_tokens", "5"), ("stream", 1), ("max_tokens", True)):
            document = {"model": "m", "max_tokens": 1, "messages": [], key: value}

            with pytest.raises(StructureError) as info:
                structure(document, models.MessageCreateParams)

            assert [("SCH003", f"/{key}")] == codes_and_pointers(info.value)

    def test_wrong_literal_is_sch004(self) -> None:
        """A wrong constant, such as `stream: true` in a batch item, is SCH004."""
        params = {"model": "m", "max_tokens": 1, "messages": [], "stream": True}
        document = {"custom_id": "a", "params": params}

        with pytest.raises(StructureError) as info:
            structure(document, models.MessageBatchRequest)

        assert codes_and_pointers(info.value) == [("SCH004", "/params/stream")]

    def test_unknown_block_type_in_a_request_is_sch005(self) -> None:
        """Requests have no unknown variants: an unknown block type is SCH005."""
        with pytest.raises(StructureError) as info:
            structure({"type": "hologram"}, models.ContentBlockParam)  # type: ignore[arg-type]

        assert codes_and_pointers(info.value) == [("SCH005", "")]

    def test_bad_json_is_sch000(self) -> None:
        """loads() of text that is not JSON raises StructureError with SCH000."""
        with pytest.raises(StructureError) as info:
            loads(b"{bad", models.Message)

        assert [f.code for f in info.value.findings] == ["SCH000"]

    def test_structure_error_is_a_value_error(self) -> None:
        """StructureError is a ValueError whose message lists the problems."""
        with pytest.raises(ValueError, match="max_tokens: Field required"):
            structure({"model": "m", "messages": []}, models.MessageCreateParams)


class TestWritingChecksTypes:
    """`dumps` and `unstructure` refuse a value its field's type does not allow."""

    @staticmethod
    def _refusal(**fields: Any) -> messages_schema.UnstructureError:
        params = messages_schema.models.MessageCreateParams(
            **{"model": "claude-haiku-4-5", "max_tokens": 16, "messages": [], **fields}
        )
        with pytest.raises(messages_schema.UnstructureError) as info:
            messages_schema.dumps(params)
        with pytest.raises(messages_schema.UnstructureError):
            messages_schema.unstructure(params)
        return info.value

    @pytest.mark.parametrize(
        ("fields", "path", "says"),
        [
            ({"model": 123}, ("model",), "expected str, got int 123"),
            ({"max_tokens": "x"}, ("max_tokens",), "expected int, got str 'x'"),
            ({"max_tokens": True}, ("max_tokens",), "expected int, got bool True"),
            ({"messages": "nope"}, ("messages",), "expected list[MessageParam], got str"),
            ({"temperature": float("nan")}, ("temperature",), "which JSON cannot hold"),
            ({"top_k": 2**64}, ("top_k",), "past the 64-bit range"),
            ({"service_tier": "cheap"}, ("service_tier",), "'auto' | 'standard_only'"),
            ({"stop_sequences": ["a", 1]}, ("stop_sequences",), "list[str]"),
        ],
    )
    def test_field_is_named(self, fields: dict[str, Any], path: tuple[Any, ...],
                            says: str) -> None:
        """The error names the field and says what was expected and found."""
        error = self._refusal(**fields)

        assert path == error.path
        assert says in str(error)
        assert "MessageCreateParams" == error.model

    def test_nested_path(self) -> None:
        """A bad value deep inside is located from the model dumps was given."""
        message = messages_schema.models.MessageParam(
            role="user", content=[messages_schema.models.TextBlockParam(text=5)]
        )
        error = self._refusal(messages=[message])

        assert ("messages", 0, "content", 0, "text") == error.path
        assert str(error).startswith("cannot write MessageCreateParams: messages.0.content.0.text")

    def test_is_a_type_error(self) -> None:
        """Code that catches TypeError from a JSON writer keeps working."""
        assert issubclass(messages_schema.UnstructureError, TypeError)

    def test_valid_models_are_written_as_before(self) -> None:
        """A model whose values fit is written exactly as its JSON."""
        body = {"model": "claude-haiku-4-5", "max_tokens": 16, "temperature": 1,
                "messages": [{"role": "user", "content": "Hi"}]}
        model = messages_schema.structure(body, messages_schema.models.MessageCreateParams)

        assert body == orjson.loads(messages_schema.dumps(model))

    def test_response_keeps_a_newer_enum_value(self) -> None:
        """A response's enum field keeps a value newer than the schema, and writes it back."""
        message = messages_schema.structure(
            {"id": "msg_1", "type": "message", "role": "assistant", "model": "m",
             "content": [], "stop_reason": "brand_new", "stop_sequence": None,
             "usage": {"input_tokens": 1, "output_tokens": 1}},
            messages_schema.models.Message,
        )

        assert b'"stop_reason":"brand_new"' in messages_schema.dumps(message)
