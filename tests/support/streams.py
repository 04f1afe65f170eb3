"""Builders for stream events and SSE text, shared by the stream tests."""

from __future__ import annotations

import json
from typing import Any

from tests.support import paths

STREAMS = paths.STREAMS


def message(content: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A ``message_start`` message: no stop reason yet, input usage only."""
    body: dict[str, Any] = {
        "id": "msg_01Test",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": content or [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 1},
    }
    body.update(extra)
    return body


def message_start(content: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "message_start", "message": message(content, **extra)}


def block_start(index: int, block: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": block}


def delta(index: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": body}


def text_delta(index: int, text: str) -> dict[str, Any]:
    return delta(index, {"type": "text_delta", "text": text})


def json_delta(index: int, part: str) -> dict[str, Any]:
    return delta(index, {"type": "input_json_delta", "partial_json": part})


def block_stop(index: int) -> dict[str, Any]:
    return {"type": "content_block_stop", "index": index}


def message_delta(stop_reason: str = "end_turn", output_tokens: int = 9) -> dict[str, Any]:
    return {
        "type": "message_delta",
        "delta": {"stop_reason": stop_reason, "stop_sequence": None},
        "usage": {"output_tokens": output_tokens},
    }


MESSAGE_STOP: dict[str, Any] = {"type": "message_stop"}
PING: dict[str, Any] = {"type": "ping"}
TEXT: dict[str, Any] = {"type": "text", "text": ""}
TOOL: dict[str, Any] = {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {}}
THINKING: dict[str, Any] = {"type": "thinking", "thinking": "", "signature": ""}


def text_stream() -> list[dict[str, Any]]:
    """A valid stream: one text block."""
    return [
        message_start(),
        block_start(0, TEXT),
        PING,
        text_delta(0, "Hello"),
        text_delta(0, " world"),
        block_stop(0),
        message_delta(),
        MESSAGE_STOP,
    ]


def tool_stream() -> list[dict[str, Any]]:
    """A valid stream: text, then a tool call streamed as JSON fragments."""
    return [
        message_start(),
        block_start(0, TEXT),
        text_delta(0, "Checking."),
        block_stop(0),
        block_start(1, TOOL),
        json_delta(1, ""),
        json_delta(1, '{"city": "Pa'),
        json_delta(1, 'ris"}'),
        block_stop(1),
        message_delta("tool_use"),
        MESSAGE_STOP,
    ]


def to_sse(events: list[dict[str, Any]], *, names: bool = True) -> str:
    """Render events as SSE text, one frame each, named after their type."""
    out = []
    for event in events:
        head = f"event: {event.get('type')}\n" if names else ""
        out.append(f"{head}data: {json.dumps(event)}\n\n")
    return "".join(out)
