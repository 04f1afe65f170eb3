"""
A deterministic, fast generator of mixed JSON records for the Arrow and engine tests.

Records cycle through a pool of templates: valid and invalid requests, responses, batch
request and result lines, error envelopes, request/response pairs, streams, text that
is not JSON, and every rule-fixture payload up to 20 KB. A template's ``@N@`` marker is
replaced by the record number so records differ; no randomness, so the same ``n``
gives the same bytes everywhere.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from tests.support import paths

FIXTURES = paths.RULE_FIXTURES
MARK = b"@N@"
#: Fixture payloads larger than this (the size-limit cases, megabytes each) are left out
#: so 100,000 records stay a few tens of MB and lint in seconds.
MAX_TEMPLATE = 20_000

_MODEL = "claude-sonnet-4-6"


def _request(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": _MODEL,
        "max_tokens": 256,
        "messages": [{"role": "user", "content": "question @N@"}],
    }
    body.update(extra)
    return body


def _response(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "msg_@N@",
        "type": "message",
        "role": "assistant",
        "model": _MODEL,
        "content": [{"type": "text", "text": "answer @N@"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 6},
    }
    body.update(extra)
    return body


def _templates() -> list[Any]:
    tool = {"name": "get_weather", "description": "Weather.",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}
    out: list[Any] = [
        _request(),
        _request(system="Be brief. @N@", temperature=0.5),
        _request(tools=[tool], messages=[
            {"role": "user", "content": "Weather in Paris? @N@"},
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": "toolu_@N@", "name": "get_weather",
                 "input": {"city": "Paris"}}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_@N@", "content": "sunny"}]},
        ]),
        {"model": _MODEL, "messages": [{"role": "user", "content": "no max_tokens @N@"}]},
        _request(max_tokens="many"),
        _request(messages=[{"role": "user", "content": [{"type": "text", "text": ""}]}]),
        _request(messages=[{"role": "robot", "content": "who @N@"}]),
        _request(unknown_field="@N@"),
        _request(messages=[
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_@N@", "content": "orphan"}]}]),
        _response(),
        _response(content=[{"type": "mystery", "x": "@N@"}]),
        {"type": "message", "role": "assistant", "content": "@N@"},
        {"custom_id": "req-@N@", "params": _request()},
        {"custom_id": "req-@N@", "params": {"model": _MODEL, "messages": []}},
        {"custom_id": "res-@N@", "result": {"type": "succeeded", "message": _response()}},
        {"custom_id": "res-@N@", "result": {"type": "errored", "error": {
            "type": "error", "error": {"type": "invalid_request_error", "message": "@N@"}}}},
        {"type": "error", "error": {"type": "overloaded_error", "message": "busy @N@"}},
        {"type": "error", "error": {"type": "overloaded_error"}, "n": "@N@"},
        {"custom_id": "res-@N@", "result": {"type": "succeeded"}},
        {"request": _request(), "response": _response()},
        {"request": {"model": _MODEL, "messages": "@N@"}, "response": _response(role="user")},
        [{"type": "message_start", "message": _response(content=[])},
         {"type": "message_stop"}],
        [],
        "just a string @N@",
        42,
        None,  # the JSON text "null", not a missing record
    ]
    for fixture in sorted(FIXTURES.glob("*.json")):
        for case in json.loads(fixture.read_text(encoding="utf-8")):
            payload = case.get("payload")
            if case.get("kind", "request") != "stream":
                out.append(payload)
    return out


def pool() -> list[bytes | None]:
    """The templates as JSON text (plus not-JSON text and a missing record, ``None``)."""
    texts: list[bytes | None] = [
        text for text in map(orjson.dumps, _templates()) if len(text) <= MAX_TEMPLATE
    ]
    texts += [
        b'{"model": "claude-sonnet-4-6", "max_tokens": 5, "messages": [',
        b"",
        b"   ",
        b"\xef\xbb\xbf{}",
        b'{"max_tokens": NaN, "n": "@N@"}',
        b"{} {}",
        b"\xff\xfe not utf-8 @N@",
        None,
    ]
    return texts


def records(n: int) -> list[bytes | None]:
    """*n* records cycling through `pool`, each template's ``@N@`` set to the record number."""
    templates = pool()
    size = len(templates)
    out: list[bytes | None] = []
    for i in range(n):
        t = templates[i % size]
        out.append(t if t is None or MARK not in t else t.replace(MARK, str(i).encode()))
    return out


Row = tuple[int, str, str, str, str, str, str, str]


def plain_findings(texts: list[bytes | None], kind: str = "auto", **config: Any) -> list[Row]:
    """
    The reference: `messages_schema.lint` on each record by itself, as finding rows.

    Rows are ``(row, kind, code, name, severity, api_path, pointer, message)``. With
    ``kind="auto"`` each record's kind is what ``check`` would pick: pairs side by side,
    `detect_kind` otherwise, ``request`` for text that does not decode. Null records
    are skipped.
    """
    from messages_schema import LintConfig, lint
    from messages_schema._records import detect_kind, is_pair

    cfg = LintConfig(**config)
    out: list[Row] = []

    def add(row: int, k: str, findings: Any, prefix: tuple[str, ...] = ()) -> None:
        for f in findings:
            pointer = "".join(f"/{p}" for p in prefix) + f.pointer
            out.append((row, k, f.code, f.name, f.severity.value, f.api_path, pointer, f.message))

    for row, raw in enumerate(texts):
        if raw is None:
            continue
        if kind != "auto":
            add(row, kind, lint(raw, kind=kind, config=cfg))
            continue
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            add(row, "request", lint(raw, config=cfg))
            continue
        if is_pair(value):
            for side in ("request", "response"):
                add(row, side, lint(value[side], kind=side, config=cfg), (side,))
        else:
            detected = detect_kind(value)
            add(row, detected, lint(raw, kind=detected, config=cfg))
    return out
