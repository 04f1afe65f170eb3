"""
Laws of `normalize_request`, over generated conversations.

The bodies come from `messages_schema.strategies.requests(split_turns=True)`: shaped
like stored conversations (turns split into runs of same-role messages, content as
strings or block lists, keys in any order), with tool rounds, thinking blocks, a
``system`` prompt, cache breakpoints and sampling parameters. Now and then
`stored_requests` adds things the API rejects or normalizes: an empty message, a
misplaced ``tool_result``, a mid-conversation system message, an empty prefill, an
unknown key.
"""

from __future__ import annotations

import copy
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from messages_schema import apply_fixes, lint, normalize_request
from messages_schema.strategies import requests

# -- strategy -------------------------------------------------------------------------

_ODDITIES = [
    {"role": "user", "content": ""},
    {"role": "assistant", "content": []},
    {"role": "user", "content": "named", "name": "bob"},
    {"role": "tool", "content": "r"},
    {"role": "system", "content": "Be brief."},
]


@st.composite
def stored_requests(draw: st.DrawFn) -> dict[str, Any]:
    body = draw(requests(split_turns=True, max_turns=7))
    if draw(st.integers(0, 4)) != 4:
        return body
    messages = body["messages"]
    for _ in range(draw(st.integers(1, 2))):
        odd = draw(st.sampled_from(_ODDITIES))
        messages.insert(draw(st.integers(1, len(messages))), copy.deepcopy(odd))
    users = [m for m in messages if m["role"] == "user" and isinstance(m["content"], list)]
    if users and draw(st.booleans()):
        draw(st.sampled_from(users))["content"].reverse()  # tool_result after text
    if draw(st.booleans()):
        messages.append({"role": "assistant", "content": ""})  # an empty prefill
    if draw(st.booleans()):
        body["x_unknown"] = {"b": 1.0, "a": [2, 3.5]}
    return body


# -- the API's own view of a request --------------------------------------------------


def _blocks(content: Any) -> list[Any]:
    """String content as the API reads it: one text block, or nothing for ``""``."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    if not isinstance(content, list):
        return [("malformed", content)]
    out = []
    for block in content:
        if isinstance(block, dict) and block.get("type") == "tool_result":
            out.append({**block, "content": _blocks(block.get("content", ""))})
        else:
            out.append(block)
    return out


def api_view(doc: dict[str, Any]) -> bytes:
    """What the API builds: same-role runs combined, strings as blocks; key order ignored."""
    turns: list[list[Any]] = []
    extras = []
    for message in doc["messages"]:
        role = message["role"]
        extra = {k: v for k, v in message.items() if k not in ("role", "content")}
        if extra:
            extras.append(extra)
        blocks = _blocks(message["content"])
        if role != "system" and turns and turns[-1][0] == role:
            turns[-1][1].extend(blocks)
        else:
            turns.append([role, blocks])
    rest = {k: v for k, v in doc.items() if k != "messages"}
    if "system" in rest:
        rest["system"] = _blocks(rest["system"])
    return orjson.dumps([turns, extras, rest], option=orjson.OPT_SORT_KEYS)


def _is_result(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == "tool_result"


def loosened(view: bytes) -> Any:
    """The view with each user turn split into (tool_results, others): order kept in each."""
    turns, extras, rest = orjson.loads(view)
    out = []
    for role, blocks in turns:
        if role == "user":
            out.append(
                [
                    role,
                    [b for b in blocks if _is_result(b)],
                    [b for b in blocks if not _is_result(b)],
                ]
            )
        else:
            out.append([role, blocks])
    return [out, extras, rest]


def errors(doc: Any) -> set[str]:
    return {f.code for f in lint(doc) if f.is_error}


# -- laws -----------------------------------------------------------------------------


@given(stored_requests())
def test_normalize_is_idempotent_and_pure(request):
    """Normalizing twice changes nothing the second time; the input is never modified."""
    before = orjson.dumps(request)

    once = normalize_request(request)
    normalize_request(request, unsafe=True)

    assert orjson.dumps(once) == orjson.dumps(normalize_request(once))
    assert before == orjson.dumps(request)


@given(stored_requests())
def test_meaning_is_preserved(request):
    """The API builds the same turns and blocks, in the same order, from the output."""
    assert api_view(request) == api_view(normalize_request(request))


@given(stored_requests())
def test_unsafe_only_moves_tool_results_first(request):
    """With unsafe steps, user turns differ at most by tool_result blocks moved first."""
    out = normalize_request(request, unsafe=True)

    assert loosened(api_view(request)) == loosened(api_view(out))
    for message in out["messages"]:
        if message["role"] == "user" and isinstance(message["content"], list):
            kinds = [_is_result(b) for b in message["content"]]
            assert kinds == sorted(kinds, reverse=True)


@given(stored_requests())
def test_clean_request_stays_clean(request):
    """A request without error findings has none after normalizing (safe or unsafe)."""
    if errors(request):
        return

    assert set() == errors(normalize_request(request))
    assert set() == errors(normalize_request(request, unsafe=True))


@given(stored_requests())
def test_output_is_a_fixpoint_of_safe_fixes(request):
    """No safe fix changes a normalized request."""
    out = normalize_request(request)

    fixed = apply_fixes(copy.deepcopy(out), lint(out))

    assert orjson.dumps(out) == orjson.dumps(fixed)
