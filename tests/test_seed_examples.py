"""Every request and response example of the docs page the project started from passes."""

from __future__ import annotations

from typing import Any

import pytest

from messages_schema import lint

MODEL = "claude-3-7-sonnet-20250219"
JPEG = (
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIs"
    "IxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIy"
    "MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAACAAIDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAA"
    "AAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAk"
    "M2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKT"
    "lJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA"
    "HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdh"
    "cRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp"
    "anN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk"
    "5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDgqKKK8M/VD//Z"
)

TOOLS = [
    {
        "name": "get_stock_price",
        "description": "Get the current stock price for a given ticker symbol.",
        "input_schema": {
            "type": "object",
            "properties": {
                "ticker": {
                    "type": "string",
                    "description": "The stock ticker symbol, e.g. AAPL for Apple Inc.",
                }
            },
            "required": ["ticker"],
        },
    }
]


def request(messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"model": MODEL, "max_tokens": 1024, "messages": messages, **extra}


REQUESTS = {
    "hello world": request([{"role": "user", "content": "Hello, world"}]),
    "single user message": request([{"role": "user", "content": "Hello, Claude"}]),
    "multiple turns": request([
        {"role": "user", "content": "Hello there."},
        {"role": "assistant", "content": "Hi, I'm Claude. How can I help you?"},
        {"role": "user", "content": "Can you explain LLMs in plain English?"},
    ]),
    "prefill": request([
        {"role": "user", "content": "What's the Greek name for Sun? (A) Sol (B) Helios (C) Sun"},
        {"role": "assistant", "content": "The best answer is ("},
    ]),
    "content as blocks": request([
        {"role": "user", "content": [{"type": "text", "text": "Hello, Claude"}]},
    ]),
    # The page elides the base64 ("/9j/4AAQSkZJRg..."), which the API would refuse
    # (MED001); a real 2x2 JPEG stands in for it.
    "image": request([{"role": "user", "content": [
        {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg",
                                     "data": JPEG}},
        {"type": "text", "text": "What is in this image?"},
    ]}]),
    "tools": request([{"role": "user", "content": "What is the S&P 500 at today?"}],
                     tools=TOOLS),
    "tool result round": request([
        {"role": "user", "content": "What is the S&P 500 at today?"},
        {"role": "assistant", "content": [
            {"type": "tool_use", "id": "toolu_01D7FLrfh4GYq7yT1ULFeyMV",
             "name": "get_stock_price", "input": {"ticker": "^GSPC"}}]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_01D7FLrfh4GYq7yT1ULFeyMV",
             "content": "259.75 USD"}]},
    ], tools=TOOLS),
    "thinking": request([{"role": "user", "content": "Hello"}], max_tokens=4096,
                        thinking={"type": "enabled", "budget_tokens": 1024}),
    "stop sequences and sampling": request([{"role": "user", "content": "Hello"}],
                                           stop_sequences=["\n\nHuman:"], temperature=1.0),
}

RESPONSES = {
    "hello world": {
        "content": [{"text": "Hi! My name is Claude.", "type": "text"}],
        "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
        "model": MODEL,
        "role": "assistant",
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "type": "message",
        "usage": {"input_tokens": 2095, "output_tokens": 503},
    },
    "prefill continuation": {
        "content": [{"type": "text", "text": "B)"}],
        "id": "msg_01",
        "model": MODEL,
        "role": "assistant",
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "type": "message",
        "usage": {"input_tokens": 30, "output_tokens": 3},
    },
    "tool use": {
        "content": [{"type": "tool_use", "id": "toolu_01D7FLrfh4GYq7yT1ULFeyMV",
                     "name": "get_stock_price", "input": {"ticker": "^GSPC"}}],
        "id": "msg_02",
        "model": MODEL,
        "role": "assistant",
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "type": "message",
        "usage": {"input_tokens": 300, "output_tokens": 40},
    },
}


@pytest.mark.parametrize("name", REQUESTS)
def test_seed_request_has_no_error(name: str) -> None:
    """The docs' request examples are accepted (a retired model id is only a warning)."""
    errors = [f.to_dict() for f in lint(REQUESTS[name]) if f.is_error]
    assert errors == []


@pytest.mark.parametrize("name", RESPONSES)
def test_seed_response_is_clean(name: str) -> None:
    """The docs' response examples produce no finding at all."""
    assert lint(RESPONSES[name], kind="response") == []
