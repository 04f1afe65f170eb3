"""Tests for `messages_schema.normalize`: each step, the composition, purity."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

import messages_schema
from messages_schema import lint, normalize_batch_request, normalize_request
from messages_schema.normalize import (
    SAFE_STEPS,
    STEPS,
    UNSAFE_STEPS,
    canonical_key_order,
    merge_same_role,
    string_content_to_blocks,
    tool_results_first,
)


def body(*messages: Any, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 64,
        "messages": list(messages),
    }
    out.update(extra)
    return out


def text(s: str, **extra: Any) -> dict[str, Any]:
    return {"type": "text", "text": s, **extra}


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def assistant(content: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": content}


def system(content: Any) -> dict[str, Any]:
    return {"role": "system", "content": content}


def tool_use(id_: str, name: str = "get_weather") -> dict[str, Any]:
    return {"type": "tool_use", "id": id_, "name": name, "input": {"city": "Paris"}}


def tool_result(id_: str, content: Any = "18C") -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": id_, "content": content}


def thinking(s: str) -> dict[str, Any]:
    return {"type": "thinking", "thinking": s, "signature": "sig" + s}


def dumps(value: Any) -> bytes:
    """Key-order-sensitive equality, the way a diff sees it."""
    return orjson.dumps(value)


class TestStringContentToBlocks:
    def test_user_and_assistant_strings_become_one_text_block(self):
        """String content of user and assistant messages becomes one text block."""
        doc = body(user("Hi"), assistant("Hello"))

        out = string_content_to_blocks(doc)

        assert [text("Hi")] == out["messages"][0]["content"]
        assert [text("Hello")] == out["messages"][1]["content"]

    def test_system_message_string_becomes_blocks(self):
        """A mid-conversation system message's string content becomes one text block."""
        doc = body(user("Hi"), system("Be brief."), assistant("Ok"))

        out = string_content_to_blocks(doc)

        assert system([text("Be brief.")]) == out["messages"][1]

    def test_top_level_system_string_becomes_blocks(self):
        """A string `system` becomes a list holding one text block."""
        out = string_content_to_blocks(body(user("Hi"), system="You are terse."))

        assert [text("You are terse.")] == out["system"]

    def test_system_blocks_with_cache_control_are_kept(self):
        """A `system` already given as blocks (with cache_control) is kept as it is."""
        blocks = [text("Long prompt", cache_control={"type": "ephemeral", "ttl": "1h"}), text("x")]
        doc = body(user("Hi"), system=blocks)

        out = string_content_to_blocks(doc)

        assert blocks == out["system"]
        assert out["system"] is blocks

    def test_tool_result_string_becomes_one_block(self):
        """A string `tool_result.content` becomes one text block; other keys stay."""
        result = {**tool_result("toolu_1", "18C"), "is_error": False}
        doc = body(user("w?"), assistant([tool_use("toolu_1")]), user([result]))

        out = string_content_to_blocks(doc)

        assert {**result, "content": [text("18C")]} == out["messages"][2]["content"][0]

    @pytest.mark.parametrize(
        ("doc", "path"),
        [
            (body(user([text("Hi")]), assistant("")), ("messages", 1, "content")),
            (body(user("")), ("messages", 0, "content")),
            (body(user([text("Hi")]), system=""), ("system",)),
            (
                body(user("w?"), assistant([tool_use("t")]), user([tool_result("t", "")])),
                ("messages", 2, "content", 0, "content"),
            ),
        ],
        ids=["final-assistant", "user", "system", "tool-result"],
    )
    def test_empty_string_is_left_alone(self, doc, path):
        """`""` is never turned into an (API-rejected) empty text block."""
        node: Any = string_content_to_blocks(doc)
        for seg in path:
            node = node[seg]

        assert "" == node

    def test_empty_prefill_stays_valid(self):
        """An empty final assistant string lints the same before and after normalizing."""
        doc = body(user("Hi"), assistant(""))

        before = {f.code for f in lint(doc) if f.is_error}

        assert before == {f.code for f in lint(normalize_request(doc)) if f.is_error}

    def test_whitespace_string_is_converted(self):
        """A whitespace-only string is non-empty content and becomes a text block."""
        out = string_content_to_blocks(body(user(" ")))

        assert [text(" ")] == out["messages"][0]["content"]

    def test_unknown_role_and_malformed_content_are_left_alone(self):
        """Messages with an unknown role or non-string, non-list content are untouched."""
        doc = body({"role": "tool", "content": "x"}, user(None), user(3), "not a message")

        assert dumps(doc) == dumps(string_content_to_blocks(doc))

    def test_non_object_is_returned_as_is(self):
        """A value that is not an object comes back unchanged."""
        assert [1, 2] == string_content_to_blocks([1, 2])  # type: ignore[arg-type]


class TestMergeSameRole:
    def test_merges_user_run_in_order(self):
        """Consecutive user messages become one, blocks concatenated in order."""
        doc = body(user("a"), user([text("b"), text("c")]), assistant("x"))

        out = merge_same_role(doc)

        assert [user([text("a"), text("b"), text("c")]), assistant("x")] == out["messages"]

    def test_keeps_tool_result_where_it_was(self):
        """After a merge a user turn holding text then tool_result keeps that order."""
        doc = body(
            user("w?"),
            assistant([tool_use("toolu_1")]),
            user("Also, hurry."),
            user([tool_result("toolu_1")]),
        )

        out = merge_same_role(doc)

        assert [text("Also, hurry."), tool_result("toolu_1")] == out["messages"][2]["content"]

    def test_assistant_run_with_thinking_blocks_is_untouched_inside(self):
        """An assistant run with thinking blocks merges with every block and signature kept."""
        first = [thinking("t1"), tool_use("toolu_1")]
        second = [thinking("t2"), text("done")]
        doc = body(user("go"), assistant(first), assistant(second))

        out = merge_same_role(doc)

        merged = out["messages"][1]["content"]
        assert [*first, *second] == merged
        assert all(a is b for a, b in zip(merged, [*first, *second], strict=True))

    def test_system_message_is_a_boundary(self):
        """A mid-conversation system message is never merged, nor merged across."""
        doc = body(user("a"), system("s"), user("b"), assistant("x"))

        assert dumps(doc) == dumps(merge_same_role(doc))

    def test_consecutive_system_messages_are_not_merged(self):
        """Two system messages in a row stay two messages."""
        doc = body(user("a"), system("s1"), system("s2"), assistant("x"))

        assert dumps(doc) == dumps(merge_same_role(doc))

    def test_unknown_role_is_a_boundary(self):
        """A message with an unknown role is left alone and splits the run."""
        doc = body(user("a"), {"role": "tool", "content": "r"}, user("b"))

        assert dumps(doc) == dumps(merge_same_role(doc))

    @pytest.mark.parametrize("content", ["", [], None, 7])
    def test_empty_or_malformed_message_is_a_boundary(self, content):
        """An empty or malformed message keeps its own index (the API reports it there)."""
        doc = body(user("a"), user(content), user("b"))

        assert dumps(doc) == dumps(merge_same_role(doc))

    def test_message_with_extra_keys_is_a_boundary(self):
        """A message with a key besides role and content is not merged: the key has no place."""
        doc = body(user("a"), {"role": "user", "content": "b", "name": "bob"}, user("c"))

        assert dumps(doc) == dumps(merge_same_role(doc))

    def test_runs_on_either_side_of_a_boundary_merge_separately(self):
        """Runs split by a boundary are each merged."""
        doc = body(user("a"), user("b"), system("s"), assistant("c"), assistant("d"))

        out = merge_same_role(doc)

        assert [
            user([text("a"), text("b")]),
            system("s"),
            assistant([text("c"), text("d")]),
        ] == out["messages"]

    def test_unchanged_messages_are_shared(self):
        """Messages outside a run are the very same objects as in the input."""
        doc = body(user("a"), assistant("b"), user("c"), user("d"))

        out = merge_same_role(doc)

        assert out["messages"][0] is doc["messages"][0]
        assert out["messages"][1] is doc["messages"][1]


class TestToolResultsFirst:
    def test_moves_results_first_stably(self):
        """tool_result blocks move to the front, each group keeping its order."""
        content = [text("a"), tool_result("t1"), text("b"), tool_result("t2")]
        doc = body(user("w?"), assistant([tool_use("t1"), tool_use("t2")]), user(content))

        out = tool_results_first(doc)

        assert [tool_result("t1"), tool_result("t2"), text("a"), text("b")] == out["messages"][2][
            "content"
        ]

    def test_is_unsafe_and_not_run_by_default(self):
        """`normalize_request` leaves the order alone unless *unsafe* is set."""
        doc = body(
            user("w?"), assistant([tool_use("t1")]), user("hurry"), user([tool_result("t1")])
        )

        safe = normalize_request(doc)
        unsafe = normalize_request(doc, unsafe=True)

        assert "text" == safe["messages"][2]["content"][0]["type"]
        assert "tool_result" == unsafe["messages"][2]["content"][0]["type"]
        assert "tool_results_first" in UNSAFE_STEPS
        assert "tool_results_first" not in SAFE_STEPS

    def test_assistant_messages_are_untouched(self):
        """Only user messages are reordered."""
        doc = body(user("x"), assistant([text("a"), tool_result("t")]))

        assert dumps(doc) == dumps(tool_results_first(doc))


class TestCanonicalKeyOrder:
    def test_request_keys_follow_the_schema(self):
        """Top-level keys follow MessageCreateParams' declaration order."""
        props = list(
            messages_schema.schemas.shared("request")["$defs"]["MessageCreateParams"]["properties"]
        )
        doc = {"temperature": 0.5, "system": "s", "model": "m", "messages": [], "max_tokens": 8}

        out = canonical_key_order(doc)

        assert [k for k in props if k in doc] == list(out)

    def test_type_first_in_blocks_role_first_in_messages(self):
        """A block's `type` comes first, a message's `role` first."""
        block = {"cache_control": {"ttl": "5m", "type": "ephemeral"}, "text": "x", "type": "text"}
        doc = body({"content": [block], "role": "user"})

        out = canonical_key_order(doc)

        message = out["messages"][0]
        assert ["role", "content"] == list(message)
        assert ["type", "text", "cache_control"] == list(message["content"][0])
        assert ["type", "ttl"] == list(message["content"][0]["cache_control"])

    def test_unknown_keys_come_after_known_ones_in_their_order(self):
        """Unknown keys are kept, after the known ones, in their original order."""
        doc = {"zeta": 1, "messages": [], "alpha": 2, "model": "m"}

        out = canonical_key_order(doc)

        assert ["messages", "model", "zeta", "alpha"] == list(out)

    def test_open_objects_keep_their_order(self):
        """A tool_use `input` and a tool's `input_schema` keep their key order."""
        use = {"input": {"z": 1, "a": 2}, "name": "f", "id": "t1", "type": "tool_use"}
        tool = {
            "name": "f",
            "input_schema": {"type": "object", "required": ["z"], "properties": {"z": {}}},
        }
        doc = body(user("x"), assistant([use]), tools=[tool])

        out = canonical_key_order(doc)

        assert ["z", "a"] == list(out["messages"][1]["content"][0]["input"])
        assert ["type", "required", "properties"] == list(out["tools"][0]["input_schema"])

    def test_nested_tool_result_blocks_are_ordered(self):
        """Blocks inside tool_result content are ordered like top-level blocks."""
        inner = {"text": "x", "type": "text"}
        result = {"content": [inner], "tool_use_id": "t", "type": "tool_result"}

        out = canonical_key_order(body(user([result])))

        block = out["messages"][0]["content"][0]
        assert ["type", "tool_use_id", "content"] == list(block)
        assert ["type", "text"] == list(block["content"][0])

    def test_values_are_untouched(self):
        """Floats stay floats, ints ints, unicode and unknown values as they are."""
        doc = body(
            user([text("héllo ✓ \U0001f600 \u0000")]),
            temperature=1.0,
            top_k=5,
            metadata={"user_id": "ü"},
            x_unknown={"b": 1.5, "a": [1, 2.0]},
        )

        out = canonical_key_order(doc)

        assert isinstance(out["temperature"], float)
        assert isinstance(out["top_k"], int)
        assert doc == out
        assert b'"temperature":1.0' in dumps(out)
        assert ["b", "a"] == list(out["x_unknown"])

    def test_already_ordered_subtrees_are_shared(self):
        """Subtrees already in canonical order are the same objects."""
        block = {"type": "text", "text": "x"}
        doc = {"messages": [{"role": "user", "content": [block]}], "model": "m", "max_tokens": 1}

        out = canonical_key_order(doc)

        assert out["messages"][0]["content"][0] is block
        assert out is not doc

    def test_custom_tool_without_type_is_ordered(self):
        """A custom tool without `type` is ordered by ToolParam's keys."""
        tool = {"description": "d", "input_schema": {"type": "object"}, "name": "f"}

        out = canonical_key_order(body(user("x"), tools=[tool]))

        assert ["input_schema", "name", "description"] == list(out["tools"][0])

    def test_unknown_block_type_is_left_alone(self):
        """A block with an unknown type keeps its key order."""
        block = {"z": 1, "type": "mystery", "a": 2}

        out = canonical_key_order(body(user([block])))

        assert ["z", "type", "a"] == list(out["messages"][0]["content"][0])


class TestNormalizeRequest:
    def test_composition(self):
        """All safe steps run, in order: strings, merge, key order."""
        doc = {
            "system": "terse",
            "messages": [{"content": "a", "role": "user"}, user("b"), assistant("c")],
            "model": "m",
            "max_tokens": 8,
        }

        out = normalize_request(doc)

        assert {
            "max_tokens": 8,
            "messages": [user([text("a"), text("b")]), assistant([text("c")])],
            "model": "m",
            "system": [text("terse")],
        } == out
        assert ["max_tokens", "messages", "model", "system"] == list(out)

    def test_is_idempotent(self):
        """Normalizing twice changes nothing the second time."""
        doc = body(user("a"), user([tool_result("t", "x")]), assistant("b"), assistant(""))

        once = normalize_request(doc)

        assert dumps(once) == dumps(normalize_request(once))

    def test_input_is_not_mutated(self):
        """The input document is left exactly as it was."""
        doc = body(
            user("a"),
            user([text("b", cache_control={"type": "ephemeral"})]),
            assistant([thinking("t"), tool_use("toolu_1")]),
            user([tool_result("toolu_1", "r"), text("c")]),
            system="s",
        )
        before = copy.deepcopy(doc)
        raw = dumps(doc)

        normalize_request(doc, unsafe=True)

        assert before == doc
        assert raw == dumps(doc)

    def test_result_top_level_is_a_new_object(self):
        """Even an already-normal request comes back as a new top-level object."""
        doc = normalize_request(body(user("a")))

        assert normalize_request(doc) is not doc

    def test_cache_control_placement_is_kept(self):
        """cache_control stays on the very block it was on."""
        marked = text("b", cache_control={"type": "ephemeral"})
        doc = body(user("a"), user([marked, text("c")]))

        out = normalize_request(doc)

        assert [text("a"), marked, text("c")] == out["messages"][0]["content"]

    def test_non_object_is_returned_as_is(self):
        """A value that is not an object comes back unchanged."""
        assert "x" == normalize_request("x")  # type: ignore[arg-type]

    def test_steps_are_named(self):
        """Every step is reachable by name, the safe ones in composition order."""
        assert set(SAFE_STEPS) | set(UNSAFE_STEPS) == set(STEPS)
        assert ("string_content_to_blocks", "merge_same_role", "canonical_key_order") == SAFE_STEPS


class TestNormalizeBatchRequest:
    def test_params_are_normalized_and_keys_ordered(self):
        """A batch item's params are normalized; custom_id comes first."""
        item = {"params": body(user("a"), user("b")), "custom_id": "r1", "extra": 1}

        out = normalize_batch_request(item)

        assert ["custom_id", "params", "extra"] == list(out)
        assert [user([text("a"), text("b")])] == out["params"]["messages"]

    def test_bad_params_are_kept(self):
        """An item whose params is not an object keeps it as it is."""
        assert {"custom_id": "r", "params": 3} == normalize_batch_request(
            {"params": 3, "custom_id": "r"}
        )
