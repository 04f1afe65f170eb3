"""
A small, self-contained Hypothesis strategy for valid agentic conversations.

`conversations()` draws request bodies the API accepts: user and assistant turns
alternate; tool rounds draw their ``tool_use`` ids first and answer every one of them
with ``tool_result`` blocks that open the next user turn; with thinking enabled every
assistant turn starts with a ``thinking`` block and ``budget_tokens`` stays below
``max_tokens``. Examples shrink towards one user message holding one short text.

(The public ``messages_schema.strategies`` module comes later; this one is local to the
conversation mutation tests.)
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

MODEL = "claude-sonnet-4-5"

# Short printable words: never empty, never whitespace-only, no trailing whitespace.
_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
texts = st.lists(_WORDS, min_size=1, max_size=6).map(" ".join)

_TOOL_NAMES = ("get_weather", "read_file", "search", "run_tests", "get_time")


def _tool(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "description": f"The {name} tool.",
        "input_schema": {
            "type": "object",
            "properties": {"arg": {"type": "string"}},
            "required": ["arg"],
        },
    }


def _thinking_block(text: str) -> dict[str, Any]:
    return {"type": "thinking", "thinking": text, "signature": "EqQBCgIYAhIM" + "x" * 16}


@st.composite
def conversations(
    draw: st.DrawFn, *, thinking: bool | None = None, end_in_tool_loop: bool | None = None
) -> dict[str, Any]:
    """
    Request bodies with alternating turns, paired tool rounds and (maybe) thinking.

    Args:
        thinking: Force thinking on (``enabled``) or off; drawn when None.
        end_in_tool_loop: Force the request to end (or not) with a user turn that
            answers the previous assistant turn's tool calls; drawn when None.
    """
    use_thinking = draw(st.booleans()) if thinking is None else thinking
    tool_names = draw(st.lists(st.sampled_from(_TOOL_NAMES), min_size=1, max_size=3, unique=True))
    max_tokens = draw(st.integers(2048, 16000))
    body: dict[str, Any] = {"model": MODEL, "max_tokens": max_tokens}
    if use_thinking:
        budget = draw(st.integers(1024, max_tokens - 1))
        body["thinking"] = {"type": "enabled", "budget_tokens": budget}
    body["tools"] = [_tool(n) for n in tool_names]
    if draw(st.booleans()):
        body["tool_choice"] = {"type": draw(st.sampled_from(["auto", "none"]))}

    first = draw(texts)
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": first if draw(st.booleans()) else [_text(first)]}
    ]
    rounds = draw(st.lists(st.booleans(), max_size=4))  # True: a tool round
    ending = draw(st.booleans()) if end_in_tool_loop is None else end_in_tool_loop
    if ending and (not rounds or not rounds[-1]):
        rounds.append(True)
    elif not ending and rounds and rounds[-1]:
        rounds.append(False)
    counter = 0
    for is_tool_round in rounds:
        content: list[dict[str, Any]] = []
        if use_thinking:
            content.append(_thinking_block(draw(texts)))
        if is_tool_round:
            if draw(st.booleans()):
                content.append(_text(draw(texts)))
            k = draw(st.integers(1, 3))
            ids = [f"toolu_{counter + n:04d}" for n in range(k)]  # drawn first
            counter += k
            content.extend(
                {
                    "type": "tool_use",
                    "id": i,
                    "name": draw(st.sampled_from(tool_names)),
                    "input": {"arg": draw(texts)},
                }
                for i in ids
            )
            messages.append({"role": "assistant", "content": content})
            order = draw(st.permutations(ids))
            reply: list[dict[str, Any]] = [
                {"type": "tool_result", "tool_use_id": i, "content": draw(texts)} for i in order
            ]
            if draw(st.booleans()):
                reply.append(_text(draw(texts)))
            messages.append({"role": "user", "content": reply})
        else:
            content.append(_text(draw(texts)))
            messages.append({"role": "assistant", "content": content})
            messages.append({"role": "user", "content": draw(texts)})
    body["messages"] = messages
    return body


def _text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}
