"""
Strict with what clients send, tolerant of what the API sends (architecture decision 12).

Responses, events, batch results and error envelopes: required only what the API has
always sent; anything newer is kept, written back unchanged, and at most a warning.
Requests: unknown keys, types and values are errors, except under an ``anthropic-beta``
value this version does not know (then warnings, and one ``SCH013`` note), unless
``strict_unknown``.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

import messages_schema as ms
from messages_schema import KNOWN_BETAS, LintConfig, is_valid, lint, schemas
from messages_schema.schemas._betas import known_betas, unknown_betas
from messages_schema.stream import StreamAccumulator, aiter_sse, iter_sse

MESSAGE: dict[str, Any] = {
    "id": "msg_01",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-6",
    "content": [{"type": "text", "text": "Hi"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 3, "output_tokens": 2},
}
REQUEST: dict[str, Any] = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 256,
    "messages": [{"role": "user", "content": "Hi"}],
}
NEW_BETA = "brand-new-feature-2027-01-01"


def _codes(findings: list[ms.Finding]) -> list[tuple[str, str, str]]:
    return sorted((f.code, f.severity.value, f.api_path) for f in findings)


def _message(**changes: Any) -> dict[str, Any]:
    message = copy.deepcopy(MESSAGE)
    message.update(changes)
    return message


def _round_trip(message: dict[str, Any]) -> Any:
    return orjson.loads(ms.dumps(ms.loads(orjson.dumps(message), ms.models.Message)))


# -- response-side required keys -------------------------------------------------------

#: The audited ``required`` lists of the response-side schemas that a later API version
#: could plausibly drop or that were added late: keep only what every real response has
#: carried since the object appeared. Counters and details are never required.
AUDITED = {
    "Message": {"id", "content", "model", "role", "type", "usage"},
    "Usage": {"input_tokens", "output_tokens"},
    "MessageDeltaUsage": {"output_tokens"},
    "ServerToolUsage": set(),
    "CacheCreation": set(),
    "OutputTokensDetails": set(),
    "ThinkingBlock": {"thinking", "type"},
    "ToolUseBlock": {"id", "input", "name", "type"},
    "ServerToolUseBlock": {"id", "input", "name", "type"},
    "TextBlock": {"text", "type"},
    "RawMessageDeltaEvent": {"delta", "type", "usage"},
    "ErrorResponse": {"error", "type"},
    "MessageBatchIndividualResponse": {"custom_id", "result"},
    "MessageTokensCount": {"input_tokens"},
    "Container": {"id", "expires_at"},
    # SDK 2.17 beta parts: the tag, plus what every recorded one carried.
    "AdvisorToolResultBlock": {"content", "tool_use_id", "type"},
    "AdvisorResultBlock": {"text", "type"},
    "AdvisorRedactedResultBlock": {"encrypted_content", "type"},
    "AdvisorToolResultErrorObject": {"error_code", "type"},
    "MCPToolUseBlock": {"id", "input", "name", "server_name", "type"},
    "MCPToolResultBlock": {"content", "tool_use_id", "type"},
    "ContextManagementResponse": {"applied_edits"},
    "CompactionBlock": {"type"},
    "CompactionContentBlockDelta": {"type"},
    "FallbackBlock": {"type"},
    "FallbackInfo": set(),
    "MCPToolListingBlock": {"type"},
    "MCPTool": set(),
    "FallbackCreditUsage": set(),
    "MessageIterationUsage": {"type"},
    "CompactionIterationUsage": {"type"},
    "AdvisorMessageIterationUsage": {"type"},
    "FallbackMessageIterationUsage": {"type"},
    "ThinkingDroppedInputTransformation": {"type"},
    "ThinkingMismatchAllowedInputTransformation": {"type"},
}


@pytest.mark.parametrize("name", sorted(AUDITED))
def test_required_keys_are_the_audited_ones(name: str) -> None:
    """A key made required in a response-side schema is a decision, reviewed here."""
    assert set(schemas.load("response")["$defs"][name].get("required", ())) == AUDITED[name]


def test_no_counter_is_required() -> None:
    """No ``*_tokens`` or ``*_requests`` counter below `Usage` is required."""
    for name, node in schemas.load("response")["$defs"].items():
        if name in ("Usage", "MessageDeltaUsage", "MessageTokensCount"):
            continue
        counters = [k for k in node.get("required", ()) if k.endswith(("_tokens", "_requests"))]
        assert counters == [], name


def test_server_tool_usage_without_web_fetch_is_clean_and_round_trips() -> None:
    """Answers recorded before web fetch carry ``web_search_requests`` alone."""
    usage = {"input_tokens": 9, "output_tokens": 4, "server_tool_use": {"web_search_requests": 1}}
    message = _message(usage=usage)
    assert lint(message, kind="response") == []
    assert _round_trip(message) == message


def test_thinking_block_start_without_signature_is_clean() -> None:
    """A ``thinking`` block may start without its signature (it comes as a delta)."""
    event = {"type": "content_block_start", "index": 0,
             "content_block": {"type": "thinking", "thinking": ""}}
    assert lint([event], kind="stream", config=LintConfig(select=["SCH"])) == []


# -- newer than the schemas: a warning, kept, written back --------------------------------


NEWER: dict[str, tuple[dict[str, Any], str, str]] = {
    "block type": (
        _message(content=[{"type": "brand_new_block", "payload": {"x": 1}}]),
        "SCH011", "content.0",
    ),
    "stop reason": (_message(stop_reason="brand_new_reason"), "SCH012", "stop_reason"),
    "service tier": (
        _message(usage={"input_tokens": 1, "output_tokens": 1, "service_tier": "flex"}),
        "SCH012", "usage.service_tier",
    ),
    "citation type": (
        _message(content=[{"type": "text", "text": "x",
                           "citations": [{"type": "brand_new_location", "cited_text": "x"}]}]),
        "SCH011", "content.0.text.citations.0",
    ),
    "caller type": (
        _message(content=[{"type": "tool_use", "id": "toolu_01", "name": "f", "input": {},
                           "caller": {"type": "brand_new_caller"}}]),
        "SCH011", "content.0.tool_use.caller",
    ),
    "one-variant type": (
        _message(content=[{"type": "tool_search_tool_result", "tool_use_id": "srvtoolu_01",
                           "content": {"type": "tool_search_tool_search_result",
                                       "tool_references": [{"type": "brand_new_reference",
                                                            "tool_name": "f"}]}}]),
        "SCH011",
        "content.0.tool_search_tool_result.content.tool_search_tool_search_result"
        ".tool_references.0.type",
    ),
}


@pytest.mark.parametrize("what", sorted(NEWER))
def test_newer_value_is_a_warning_and_round_trips(what: str) -> None:
    """Something newer than the schemas is one warning, and the models keep it."""
    message, code, where = NEWER[what]
    findings = lint(message, kind="response")
    assert [(f.code, f.severity.value) for f in findings] == [(code, "warning")]
    assert findings[0].api_path.startswith(where)
    assert is_valid(message, kind="response")
    assert _round_trip(message) == message


def test_the_document_type_stays_strict() -> None:
    """Only nested variants may be newer: a document that is not a message is refused."""
    message = _message(type="message_v2")
    assert _codes(lint(message, kind="response")) == [("SCH004", "error", "type")]
    with pytest.raises(ms.StructureError, match="Input should be 'message'"):
        ms.loads(orjson.dumps(message), ms.models.Message)


def test_unknown_keys_everywhere_are_kept() -> None:
    """Unknown keys on the message, a block and usage: no finding, written back unchanged."""
    message = _message(brand_new={"a": [1]}, content=[{"type": "text", "text": "x", "z": None}])
    message["usage"] = {**message["usage"], "brand_new_counter": 7}
    assert lint(message, kind="response") == []
    assert _round_trip(message) == message


def test_a_malformed_message_is_still_an_error() -> None:
    """Tolerance is for newer things: a missing `id` or a wrong type stays an error."""
    message = _message()
    del message["id"]
    message["usage"] = {"input_tokens": "3", "output_tokens": 2}
    assert _codes(lint(message, kind="response")) == [
        ("SCH001", "error", "id"), ("SCH003", "error", "usage.input_tokens"),
    ]


# -- error envelopes ------------------------------------------------------------------------


def test_error_envelope_checked_as_a_response_is_recognised() -> None:
    """An error envelope is noted (SCH014, naming the error) and checked as an envelope."""
    envelope = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"},
                "request_id": "req_01"}
    (finding,) = lint(envelope, kind="response")
    assert (finding.code, finding.severity.value) == ("SCH014", "info")
    assert "overloaded_error" in finding.message
    assert "Overloaded" in finding.message
    assert is_valid(envelope, kind="response")
    assert lint(envelope, kind="error") == []


def test_malformed_error_envelope_as_a_response_reports_the_envelope() -> None:
    """The envelope's own problems are reported at its paths, not as a malformed message."""
    envelope = {"type": "error", "error": {"type": "api_error"}}
    assert _codes(lint(envelope, kind="response")) == [
        ("SCH001", "error", "error.api_error.message"), ("SCH014", "info", ""),
    ]
    assert not is_valid(envelope, kind="response")


def test_unknown_error_type_is_a_warning() -> None:
    """An error type newer than the schemas (a new status) is a variant like any other."""
    envelope = {"type": "error", "error": {"type": "brand_new_error", "message": "x"}}
    assert _codes(lint(envelope, kind="error")) == [("SCH011", "warning", "error")]


# -- streams -------------------------------------------------------------------------------


def _stream(block: dict[str, Any], *deltas: dict[str, Any], **end: Any) -> list[dict[str, Any]]:
    start = {**copy.deepcopy(MESSAGE), "content": [], "stop_reason": None}
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": start},
        {"type": "content_block_start", "index": 0, "content_block": block},
    ]
    events += [{"type": "content_block_delta", "index": 0, "delta": d} for d in deltas]
    events += [
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
         "usage": {"output_tokens": 5}, **end},
        {"type": "message_stop"},
    ]
    return events


def _accumulate(events: list[dict[str, Any]]) -> StreamAccumulator:
    acc = StreamAccumulator()
    for event in events:
        acc.feed(event)
    return acc


@pytest.mark.parametrize("block_type", ["tool_use", "server_tool_use", "mcp_tool_use",
                                        "brand_new_tool_use"])
def test_every_tool_use_block_streams_its_input(block_type: str) -> None:
    """``input_json_delta`` fragments build the input of any ``*_tool_use`` block."""
    block = {"type": block_type, "id": "toolu_01", "name": "lookup", "input": {}}
    events = _stream(block, {"type": "input_json_delta", "partial_json": '{"q": '},
                     {"type": "input_json_delta", "partial_json": '"paris"}'})
    message = _accumulate(events).message
    assert message["content"][0]["input"] == {"q": "paris"}
    assert [f for f in lint(events, kind="stream") if f.code.startswith("SSE")] == []


def test_broken_input_of_an_mcp_call_is_reported() -> None:
    """The fragments of an ``mcp_tool_use`` are checked like a ``tool_use``'s (SSE010)."""
    block = {"type": "mcp_tool_use", "id": "mcptoolu_01", "name": "f", "server_name": "s",
             "input": {}}
    events = _stream(block, {"type": "input_json_delta", "partial_json": '{"q": '})
    assert "SSE010" in {f.code for f in lint(events, kind="stream")}


def test_known_delta_for_the_wrong_known_block_is_still_an_error() -> None:
    """A ``text_delta`` for a ``tool_use`` block is malformed, whatever the version."""
    block = {"type": "tool_use", "id": "toolu_01", "name": "f", "input": {}}
    events = _stream(block, {"type": "text_delta", "text": "x"})
    assert ("SSE006", "error") in {(f.code, f.severity.value) for f in lint(events, kind="stream")}
    with pytest.raises(ms.StreamError):
        _accumulate(events)


def test_unknown_delta_is_a_warning_and_kept() -> None:
    """A delta type this version does not know is one warning, kept in `unapplied`."""
    delta = {"type": "brand_new_delta", "value": "x"}
    events = _stream({"type": "text", "text": ""}, {"type": "text_delta", "text": "Hi"}, delta)
    assert _codes(lint(events, kind="stream")) == [("SCH011", "warning", "events.3.delta")]
    acc = _accumulate(events)
    assert acc.message["content"] == [{"type": "text", "text": "Hi"}]
    assert acc.unapplied == [(3, events[3])]


def test_unknown_event_is_a_warning_and_kept() -> None:
    """An event type this version does not know is kept in `unapplied`, in order."""
    events = _stream({"type": "text", "text": ""})
    events.insert(3, {"type": "brand_new_event", "x": 1})
    assert _codes(lint(events, kind="stream")) == [("SCH011", "warning", "events.3")]
    acc = _accumulate(events)
    assert acc.unapplied == [(3, {"type": "brand_new_event", "x": 1})]
    assert acc.done


def test_deltas_of_an_unknown_block_are_kept() -> None:
    """Deltas for a block type this version does not know are kept, not an error."""
    events = _stream({"type": "brand_new_block"}, {"type": "text_delta", "text": "x"})
    acc = _accumulate(events)
    assert acc.message["content"] == [{"type": "brand_new_block"}]
    assert acc.unapplied == [(2, events[2])]
    assert not any(f.is_error for f in lint(events, kind="stream"))


def test_compaction_and_context_management_match_the_non_streaming_answer() -> None:
    """A compaction summary and the final ``context_management`` land where a response has them."""
    events = _stream({"type": "compaction", "content": None},
                     {"type": "compaction_delta", "content": "Summary."},
                     context_management={"applied_edits": []})
    message = _accumulate(events).message
    assert message["content"] == [{"type": "compaction", "content": "Summary."}]
    assert message["context_management"] == {"applied_edits": []}
    assert not any(f.is_error for f in lint(events, kind="stream"))


SSE = (
    'event: message_start\ndata: {"type":"message_start","message":'
    + json.dumps({**MESSAGE, "content": [], "stop_reason": None})
    + '}\n\nevent: content_block_start\ndata: {"type":"content_block_start","index":0,'
    '"content_block":{"type":"text","text":""}}\n\nevent: content_block_delta\ndata: '
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n'
    'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
    'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn",'
    '"stop_sequence":null},"usage":{"output_tokens":2}}\n\n'
    'event: message_stop\ndata: {"type":"message_stop"}'
)


def test_iter_sse_dispatches_a_final_frame_without_its_blank_line() -> None:
    """The last event of a transcript that lost its trailing newline is not lost."""
    events = list(iter_sse(SSE))
    assert [e.event for e in events][-1] == "message_stop"
    assert _codes(lint(SSE, kind="stream")) == [("SSE013", "info", "events.5")]


def test_aiter_sse_and_feed_bytes_dispatch_it_too() -> None:
    """The async parser and the accumulator's byte feed keep the final frame as well."""

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(SSE), 7):
            yield SSE[i : i + 7].encode()

    async def collect() -> list[str | None]:
        return [e.event async for e in aiter_sse(chunks())]

    assert asyncio.run(collect())[-1] == "message_stop"
    acc = StreamAccumulator()
    acc.feed_bytes(SSE.encode())
    acc.close()
    assert acc.done
    assert acc.message["content"] == [{"type": "text", "text": "Hi"}]


# -- requests under a beta newer than these schemas ---------------------------------------


def test_every_unlocking_beta_is_known() -> None:
    """The values that unlock beta-only fields are all in `KNOWN_BETAS`."""
    assert known_betas() <= KNOWN_BETAS
    assert unknown_betas(["context-1m-2025-08-07", NEW_BETA, NEW_BETA]) == (NEW_BETA,)


UNKNOWN_THINGS = {
    "key": ({"brand_new_option": True}, "SCH002", "brand_new_option"),
    "block type": (
        {"messages": [{"role": "user", "content": [{"type": "brand_new_block"}]}]},
        "SCH005", "messages.0.content.0",
    ),
    "tool type": ({"tools": [{"type": "brand_new_tool_20270101", "name": "x"}]},
                  "SCH005", "tools.0"),
    "literal value": (
        {"messages": [{"role": "user", "content": [
            {"type": "text", "text": "Hi", "cache_control": {"type": "ephemeral", "ttl": "2h"}},
        ]}]},
        "SCH004", "messages.0.content.0.text.cache_control.ephemeral.ttl",
    ),
    "beta field": ({"context_management": {"edits": []}}, "SCH010", "context_management"),
}


@pytest.mark.parametrize("what", sorted(UNKNOWN_THINGS))
def test_unknown_things_are_errors_without_an_unknown_beta(what: str) -> None:
    """With no beta, or only known ones, the API rejects unknown things: errors."""
    changes, code, where = UNKNOWN_THINGS[what]
    body = {**REQUEST, **changes}
    for betas in ((), ("context-1m-2025-08-07",)):
        found = _codes(lint(body, config=LintConfig(betas=betas)))
        assert found == [(code, "error", where)]


@pytest.mark.parametrize("what", sorted(UNKNOWN_THINGS))
def test_unknown_things_are_warnings_under_an_unknown_beta(what: str) -> None:
    """Under a beta this version does not know: warnings, and one note naming the beta."""
    changes, code, where = UNKNOWN_THINGS[what]
    body = {**REQUEST, **changes}
    config = LintConfig(betas=["context-1m-2025-08-07", NEW_BETA])
    findings = lint(body, config=config)
    assert _codes(findings) == sorted([("SCH013", "info", ""), (code, "warning", where)])
    (note,) = [f for f in findings if f.code == "SCH013"]
    assert NEW_BETA in note.message
    assert "context-1m" not in note.message
    assert is_valid(body, config=config)


@pytest.mark.parametrize("what", sorted(UNKNOWN_THINGS))
def test_strict_unknown_keeps_them_errors(what: str) -> None:
    """``strict_unknown`` restores rejection, with no note."""
    changes, code, where = UNKNOWN_THINGS[what]
    config = LintConfig(betas=[NEW_BETA], strict_unknown=True)
    assert _codes(lint({**REQUEST, **changes}, config=config)) == [(code, "error", where)]


def test_an_unknown_beta_does_not_excuse_other_errors() -> None:
    """A missing key, a wrong type or a semantic rule stays an error under any beta."""
    body = {**REQUEST, "max_tokens": "many", "brand_new_option": 1}
    del body["model"]
    found = _codes(lint(body, config=LintConfig(betas=[NEW_BETA])))
    assert ("SCH001", "error", "model") in found
    assert ("SCH003", "error", "max_tokens") in found
    assert ("SCH002", "warning", "brand_new_option") in found


@pytest.mark.parametrize("kind", ["count_tokens", "batch_request"])
def test_the_same_rule_holds_for_token_counts_and_batch_items(kind: str) -> None:
    """Token counts and batch items follow the request rule."""
    body: dict[str, Any] = {k: v for k, v in REQUEST.items() if k != "max_tokens"}
    body["brand_new_option"] = True
    if kind == "batch_request":
        body = {"custom_id": "r1", "params": {**body, "max_tokens": 16}}
    where = "params.brand_new_option" if kind == "batch_request" else "brand_new_option"
    found = _codes(lint(body, kind=kind, config=LintConfig(betas=[NEW_BETA])))
    assert found == [("SCH002", "warning", where), ("SCH013", "info", "")]


def test_strict_unknown_from_toml() -> None:
    """``strict-unknown = true`` in ``[tool.messages-schema]``; anything but a bool is refused."""
    assert LintConfig.from_mapping({"strict-unknown": True}).strict_unknown is True
    with pytest.raises(ms.ConfigError, match="strict-unknown"):
        LintConfig.from_mapping({"strict-unknown": "yes"})


def test_check_strict_unknown_flag(tmp_path: Any) -> None:
    """``check --beta NEW``: exit 0 with warnings; ``--strict-unknown``: exit 1."""
    from tests.support.cli import check

    path = tmp_path / "request.json"
    path.write_text(json.dumps({**REQUEST, "brand_new_option": True}), encoding="utf-8")
    base = (str(path), "--isolated", "--format", "json", "--beta", NEW_BETA)
    tolerant = check(*base)
    assert tolerant.code == 0
    assert {(f["code"], f["severity"]) for f in json.loads(tolerant.out)} == {
        ("SCH002", "warning"), ("SCH013", "info"),
    }
    strict = check(*base, "--strict-unknown")
    assert strict.code == 1
    assert [(f["code"], f["severity"]) for f in json.loads(strict.out)] == [("SCH002", "error")]


NEWER_DOCUMENTS: list[tuple[str, dict[str, Any], Any]] = [
    ("stream_event", {"type": "brand_new_event", "x": 1}, "MessageStreamEvent"),
    ("stream_event", {"type": "content_block_delta", "index": 0,
                      "delta": {"type": "brand_new_delta", "content": "s"}}, "MessageStreamEvent"),
    ("stream_event", {"type": "message_delta",
                      "delta": {"stop_reason": "brand_new_reason", "stop_sequence": None},
                      "usage": {"output_tokens": 3, "brand_new_counter": [{"type": "x"}]},
                      "brand_new_field": {"applied_edits": []}}, "MessageStreamEvent"),
    ("batch_result", {"custom_id": "a", "result": {"type": "brand_new_result", "x": 1}},
     "MessageBatchIndividualResponse"),
    ("error", {"type": "error", "error": {"type": "brand_new_error", "message": "m"}},
     "ErrorResponse"),
]


@pytest.mark.parametrize(("kind", "document", "model"), NEWER_DOCUMENTS)
def test_newer_events_results_and_errors_are_warnings_and_round_trip(
    kind: str, document: dict[str, Any], model: str
) -> None:
    """Events, batch results and error envelopes newer than the schemas: kept, not errors."""
    findings = lint(document, kind=kind)
    assert not any(f.is_error for f in findings)
    assert any(f.severity.value == "warning" for f in findings)
    cls = getattr(ms.models, model)
    assert orjson.loads(ms.dumps(ms.loads(orjson.dumps(document), cls))) == document
