"""
The beta parts of what the API sends, as SDK 2.17.0's ``anthropic.types.beta`` has them.

Blocks (``advisor_tool_result``, ``compaction``, ``fallback``, ``mcp_tool_listing``,
``mcp_tool_result``, ``mcp_tool_use``), the ``compaction_delta``, the ``compaction`` stop
reason, ``context_management``/``input_transformations`` on a message and a
``message_delta``, ``usage.iterations``/``usage.fallback_credit``, the fallback fields of
``stop_details``, ``server_tool_use`` named ``advisor`` and ``thinking_delta.estimated_tokens``:
each lints clean (no finding at all, where they were ``SCH011``/``SCH012`` warnings
before), loads into its own model and is written back unchanged.
"""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

import messages_schema as ms
from messages_schema import lint, models
from messages_schema.stream import StreamAccumulator

MODEL = "claude-opus-4-6"
USAGE: dict[str, Any] = {"input_tokens": 12, "output_tokens": 7}

#: One block of each new type (and each content variant), shaped as SDK 2.17 types them.
BLOCKS: dict[str, tuple[dict[str, Any], type]] = {
    "server_tool_use advisor": (
        {"type": "server_tool_use", "id": "srvtoolu_01", "name": "advisor", "input": {}},
        models.ServerToolUseBlock,
    ),
    "advisor_tool_result": (
        {"type": "advisor_tool_result", "tool_use_id": "srvtoolu_01",
         "content": {"type": "advisor_result", "text": "Check the empty case.",
                     "stop_reason": "end_turn"}},
        models.AdvisorToolResultBlock,
    ),
    "advisor_tool_result redacted": (
        {"type": "advisor_tool_result", "tool_use_id": "srvtoolu_02",
         "content": {"type": "advisor_redacted_result", "encrypted_content": "RW5j",
                     "stop_reason": None}},
        models.AdvisorToolResultBlock,
    ),
    "advisor_tool_result error": (
        {"type": "advisor_tool_result", "tool_use_id": "srvtoolu_03",
         "content": {"type": "advisor_tool_result_error", "error_code": "overloaded"}},
        models.AdvisorToolResultBlock,
    ),
    "compaction": (
        {"type": "compaction", "content": "Summary.", "encrypted_content": "ZW5j",
         "signature": "c2ln", "tool_changes": [
             {"type": "tool_addition", "tool": {"type": "tool_reference", "name": "lookup"}},
             {"type": "tool_addition", "tool": {"type": "tool_definition", "definition": {
                 "name": "lookup", "input_schema": {"type": "object"}}}},
             {"type": "tool_removal",
              "tool": {"type": "mcp_toolset_reference", "server_name": "docs"}},
             {"type": "tool_removal", "tool": {"type": "mcp_tool_reference",
                                               "server_name": "docs", "name": "search"}},
         ]},
        models.CompactionBlock,
    ),
    "compaction failed": ({"type": "compaction", "content": None}, models.CompactionBlock),
    "fallback": (
        {"type": "fallback", "from": {"model": "claude-mythos-5-2"},
         "to": {"model": "claude-opus-5-5"}, "trigger": {"type": "refusal", "category": "cyber"}},
        models.FallbackBlock,
    ),
    "mcp_tool_listing": (
        {"type": "mcp_tool_listing", "mcp_server_name": "docs", "tools": [
            {"name": "search", "description": "Search the docs.",
             "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}}}]},
        models.MCPToolListingBlock,
    ),
    "mcp_tool_use": (
        {"type": "mcp_tool_use", "id": "mcptoolu_01", "name": "search", "server_name": "docs",
         "input": {"q": "retries"}},
        models.MCPToolUseBlock,
    ),
    "mcp_tool_result": (
        {"type": "mcp_tool_result", "tool_use_id": "mcptoolu_01", "is_error": False,
         "content": [{"type": "text", "text": "Two pages."}]},
        models.MCPToolResultBlock,
    ),
    "mcp_tool_result text": (
        {"type": "mcp_tool_result", "tool_use_id": "mcptoolu_02", "is_error": True,
         "content": "server unreachable"},
        models.MCPToolResultBlock,
    ),
}

ITERATIONS: list[dict[str, Any]] = [
    {"type": "compaction", "input_tokens": 60385, "output_tokens": 812,
     "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
    {"type": "message", "input_tokens": 2100, "output_tokens": 40,
     "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
     "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0}},
    {"type": "advisor_message", "model": "claude-opus-5-5", "input_tokens": 2728,
     "output_tokens": 874, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
    {"type": "fallback_message", "model": "claude-opus-5-5", "input_tokens": 2300,
     "output_tokens": 12, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
]


def _message(content: list[Any], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "msg_01", "type": "message", "role": "assistant", "model": MODEL,
        "content": content, "stop_reason": "end_turn", "stop_sequence": None,
        "usage": copy.deepcopy(USAGE),
    }
    body.update(changes)
    return body


def _round_trip(document: Any, model: type) -> Any:
    return orjson.loads(ms.dumps(ms.loads(orjson.dumps(document), model)))


# -- responses -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_each_new_block_is_clean_typed_and_round_trips(name: str) -> None:
    """A message carrying the block: no finding, its own model, written back unchanged."""
    block, model = BLOCKS[name]
    message = _message([block])
    assert lint(message, kind="response") == []
    loaded = ms.loads(orjson.dumps(message), models.Message)
    assert type(loaded.content[0]) is model
    assert orjson.loads(ms.dumps(loaded)) == message


def test_nested_parts_load_into_their_models() -> None:
    """Tool changes, fallback hops and advisor results are typed, not left as dicts."""
    compaction = ms.loads(orjson.dumps(BLOCKS["compaction"][0]), models.CompactionBlock)
    assert [type(c.tool) for c in compaction.tool_changes] == [
        models.ToolChangeToolReference, models.ToolChangeToolDefinition,
        models.ToolChangeMCPToolsetReference, models.ToolChangeMCPToolReference,
    ]
    assert [type(c) for c in compaction.tool_changes][::2] == [
        models.ToolAdditionBlock, models.ToolRemovalBlock]
    fallback = ms.loads(orjson.dumps(BLOCKS["fallback"][0]), models.FallbackBlock)
    assert fallback.from_ == models.FallbackInfo(model="claude-mythos-5-2")
    assert fallback.trigger.category == "cyber"
    advisor = ms.loads(orjson.dumps(BLOCKS["advisor_tool_result"][0]),
                       models.AdvisorToolResultBlock)
    assert advisor.content == models.AdvisorResultBlock(
        text="Check the empty case.", stop_reason="end_turn")


def test_message_fields_of_the_betas_are_clean_typed_and_round_trip() -> None:
    """``context_management``, ``input_transformations``, iterations, fallback credit."""
    message = _message(
        [{"type": "text", "text": "Done."}],
        stop_reason="refusal",
        stop_details={"type": "refusal", "category": "cyber", "explanation": None,
                      "fallback_credit_token": "fct_01", "fallback_has_prefill_claim": True,
                      "recommended_model": "claude-opus-5-5"},
        context_management={"applied_edits": [
            {"type": "clear_tool_uses_20250919", "cleared_input_tokens": 5000,
             "cleared_tool_uses": 3},
            {"type": "clear_thinking_20251015", "cleared_input_tokens": 800,
             "cleared_thinking_turns": 2},
        ]},
        input_transformations=[
            {"type": "thinking_dropped", "path": "messages.1.content.0",
             "reason": "model_binding_mismatch"},
            {"type": "thinking_mismatch_allowed", "path": "messages.3.content.0",
             "reason": "prefix_binding_mismatch"},
        ],
        usage={**USAGE, "iterations": ITERATIONS, "fallback_credit": {"status": {
            "type": "not_applied", "reason": "variant_fields_present",
            "remove_to_redeem": ["temperature"]}}},
    )
    assert lint(message, kind="response") == []
    assert _round_trip(message, models.Message) == message
    loaded = ms.loads(orjson.dumps(message), models.Message)
    assert [type(i) for i in loaded.usage.iterations] == [
        models.CompactionIterationUsage, models.MessageIterationUsage,
        models.AdvisorMessageIterationUsage, models.FallbackMessageIterationUsage,
    ]
    assert type(loaded.usage.fallback_credit.status) is models.FallbackCreditNotApplied
    assert [type(e) for e in loaded.context_management.applied_edits] == [
        models.ClearToolUses20250919EditResponse, models.ClearThinking20251015EditResponse]
    assert [type(t) for t in loaded.input_transformations] == [
        models.ThinkingDroppedInputTransformation,
        models.ThinkingMismatchAllowedInputTransformation,
    ]
    assert loaded.stop_details.fallback_credit_token == "fct_01"


def test_compaction_stop_reason_is_known() -> None:
    """A turn paused after compaction stops with ``compaction``: no SCH012 any more."""
    message = _message([BLOCKS["compaction failed"][0]], stop_reason="compaction")
    assert lint(message, kind="response") == []
    assert _round_trip(message, models.Message) == message


def test_a_dropped_model_literal_still_reads() -> None:
    """``claude-sonnet-4-5-20250929`` left the SDK's literals; a response's model is any id."""
    for model in ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"):
        message = _message([{"type": "text", "text": "Hi"}], model=model)
        assert lint(message, kind="response") == []
        assert _round_trip(message, models.Message) == message


# -- tolerance inside the new parts ------------------------------------------------------------


@pytest.mark.parametrize("block", [
    {"type": "compaction"},
    {"type": "fallback"},
    {"type": "mcp_tool_listing"},
    {"type": "mcp_tool_result", "tool_use_id": "mcptoolu_01", "content": "ok"},
])
def test_only_what_every_answer_carries_is_required(block: dict[str, Any]) -> None:
    """Beyond the tag, keys not every recorded answer carried may be left out."""
    message = _message([block])
    assert lint(message, kind="response") == []
    assert _round_trip(message, models.Message) == message


def test_iteration_counters_may_be_left_out() -> None:
    """No counter below `Usage` is required, in ``usage.iterations`` either."""
    message = _message([], usage={**USAGE, "iterations": [{"type": "message"}]})
    assert lint(message, kind="response") == []


def test_an_mcp_call_without_its_server_is_an_error() -> None:
    """``server_name`` is on every recorded ``mcp_tool_use``: leaving it out is reported."""
    block = {k: v for k, v in BLOCKS["mcp_tool_use"][0].items() if k != "server_name"}
    findings = lint(_message([block]), kind="response")
    assert [(f.is_error, f.api_path) for f in findings] == [
        (True, "content.0.mcp_tool_use.server_name")]


@pytest.mark.parametrize(("usage", "code", "path"), [
    ({**USAGE, "iterations": [{"type": "brand_new_iteration", "input_tokens": 1}]},
     "SCH011", "usage.iterations.0"),
    ({**USAGE, "fallback_credit": {"status": {"type": "not_applied", "reason": "brand_new"}}},
     "SCH012", "usage.fallback_credit.status.not_applied.reason"),
])
def test_newer_values_inside_the_new_parts_are_warnings(
    usage: dict[str, Any], code: str, path: str
) -> None:
    """A newer variant or value below a new part is a warning, and is kept."""
    message = _message([], usage=usage)
    findings = lint(message, kind="response")
    assert [(f.code, f.severity.value, f.api_path) for f in findings] == [(code, "warning", path)]
    assert _round_trip(message, models.Message) == message


# -- streams and batch results -----------------------------------------------------------------


def _compaction_stream() -> list[dict[str, Any]]:
    start = _message([], stop_reason=None, usage={"input_tokens": 60385, "output_tokens": 1},
                     input_transformations=[])
    return [
        {"type": "message_start", "message": start},
        {"type": "content_block_start", "index": 0,
         "content_block": {"type": "compaction", "content": None}},
        {"type": "ping"},
        {"type": "content_block_delta", "index": 0,
         "delta": {"type": "compaction_delta", "content": "Summary.", "encrypted_content": "ZW5j"}},
        {"type": "content_block_stop", "index": 0},
        {"type": "content_block_start", "index": 1,
         "content_block": {"type": "thinking", "thinking": "", "signature": ""}},
        {"type": "content_block_delta", "index": 1,
         "delta": {"type": "thinking_delta", "thinking": "", "estimated_tokens": 64}},
        {"type": "content_block_delta", "index": 1,
         "delta": {"type": "thinking_delta", "thinking": "", "estimated_tokens": None}},
        {"type": "content_block_delta", "index": 1,
         "delta": {"type": "signature_delta", "signature": "c2ln"}},
        {"type": "content_block_stop", "index": 1},
        {"type": "content_block_start", "index": 2,
         "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 2,
         "delta": {"type": "text_delta", "text": "Based on the summary"}},
        {"type": "content_block_delta", "index": 2, "delta": {"type": "text_delta", "text": "."}},
        {"type": "content_block_stop", "index": 2},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
         "usage": {"output_tokens": 2819, "iterations": ITERATIONS[:2]},
         "context_management": {"applied_edits": []}},
        {"type": "message_stop"},
    ]


def test_compaction_delta_accumulates_into_the_compaction_block() -> None:
    """The stream lints clean and rebuilds the message a non-streaming call returns."""
    events = _compaction_stream()
    assert lint(events, kind="stream") == []
    acc = StreamAccumulator()
    for event in events:
        acc.feed(event)
    assert acc.unapplied == []
    expected = _message(
        [{"type": "compaction", "content": "Summary.", "encrypted_content": "ZW5j"},
         {"type": "thinking", "thinking": "", "signature": "c2ln"},
         {"type": "text", "text": "Based on the summary."}],
        usage={"input_tokens": 60385, "output_tokens": 2819, "iterations": ITERATIONS[:2]},
        input_transformations=[],
        context_management={"applied_edits": []},
    )
    assert acc.message == expected
    assert lint(acc.message, kind="response") == []
    loaded = ms.loads(orjson.dumps(acc.message), models.Message)
    assert loaded.content[0] == models.CompactionBlock(
        content="Summary.", encrypted_content="ZW5j")
    assert orjson.loads(ms.dumps(loaded)) == expected


@pytest.mark.parametrize("event", [
    {"type": "content_block_delta", "index": 0,
     "delta": {"type": "compaction_delta", "content": None, "encrypted_content": None}},
    {"type": "content_block_delta", "index": 0,
     "delta": {"type": "thinking_delta", "thinking": "x", "estimated_tokens": 16}},
    {"type": "content_block_start", "index": 0, "content_block": BLOCKS["fallback"][0]},
    {"type": "message_delta", "delta": {"stop_reason": "compaction", "stop_sequence": None},
     "usage": {"output_tokens": 5, "fallback_credit": {"status": {"type": "redeemed"}}},
     "context_management": {"applied_edits": []}, "input_transformations": []},
])
def test_new_parts_of_single_events_are_clean_and_round_trip(event: dict[str, Any]) -> None:
    """Each event alone, as the gateway or a tee sees it."""
    assert lint(event, kind="stream_event") == []
    assert _round_trip(event, models.MessageStreamEvent) == event


def test_a_batch_result_with_mcp_blocks_is_clean_and_round_trips() -> None:
    """Batch results share the response shapes."""
    result = {"custom_id": "req-1", "result": {"type": "succeeded", "message": _message(
        [BLOCKS["mcp_tool_use"][0], BLOCKS["mcp_tool_result"][0],
         {"type": "text", "text": "Found two pages."}],
        usage={**USAGE, "iterations": ITERATIONS[1:2]})}}
    assert lint(result, kind="batch_result") == []
    assert _round_trip(result, models.MessageBatchIndividualResponse) == result
