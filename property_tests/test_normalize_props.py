"""
Laws of `normalize_request`, over generated conversations.

The strategy draws request bodies shaped like stored conversations: turns that
alternate user/assistant, each turn split into a run of one to three same-role
messages, content as strings or block lists, tool rounds (``tool_use`` answered by
``tool_result`` blocks first in the next user turn), thinking blocks, a ``system``
string or block list (with ``cache_control``), mid-conversation system messages, and
now and then an empty string, a misplaced ``tool_result``, or an unknown key.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from messages_schema import apply_fixes, lint, normalize_request

# -- strategy -------------------------------------------------------------------------

words = st.text(alphabet=st.sampled_from("abc xyz\n\tÀé✓\U0001f600\u200b"), min_size=1, max_size=12)
cache_control = st.one_of(
    st.just({"type": "ephemeral"}), st.just({"type": "ephemeral", "ttl": "1h"})
)


@st.composite
def text_blocks(draw: st.DrawFn) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "text", "text": draw(words)}
    if draw(st.integers(0, 9)) == 0:
        block["cache_control"] = draw(cache_control)
    if draw(st.booleans()):  # key order as other clients write it
        block = dict(reversed(list(block.items())))
    return block


@st.composite
def conversations(draw: st.DrawFn) -> dict[str, Any]:
    ids = (f"toolu_{n:02d}" for n in itertools.count())
    dirty = draw(st.integers(0, 4)) == 0  # now and then: things the API rejects
    turns: list[tuple[str, list[Any]]] = []
    pending: list[str] = []
    for t in range(draw(st.integers(1, 6))):
        role = "user" if t % 2 == 0 else "assistant"
        blocks: list[Any] = []
        if role == "user":
            for id_ in pending:
                content = draw(st.one_of(words, st.lists(text_blocks(), min_size=1, max_size=2)))
                blocks.append({"type": "tool_result", "tool_use_id": id_, "content": content})
            pending = []
            blocks += draw(st.lists(text_blocks(), min_size=0 if blocks else 1, max_size=3))
            if dirty and blocks and draw(st.booleans()):
                blocks.reverse()  # a tool_result after text: rejected, reordered only if unsafe
        else:
            if draw(st.booleans()):
                blocks += [
                    {"type": "thinking", "thinking": draw(words), "signature": f"sig{t}{k}"}
                    for k in range(draw(st.integers(1, 2)))
                ]
            blocks += draw(st.lists(text_blocks(), min_size=0 if blocks else 1, max_size=2))
            if draw(st.booleans()):
                pending = [next(ids) for _ in range(draw(st.integers(1, 2)))]
                blocks += [
                    {
                        "type": "tool_use",
                        "id": id_,
                        "name": "lookup",
                        "input": {"q": draw(words), "n": 1.0},
                    }
                    for id_ in pending
                ]
        turns.append((role, blocks))
    if pending:  # answer the last tool round
        turns.append(
            (
                "user",
                [{"type": "tool_result", "tool_use_id": id_, "content": "ok"} for id_ in pending],
            )
        )

    messages: list[Any] = []
    for t, (role, blocks) in enumerate(turns):
        cuts = sorted(draw(st.sets(st.integers(1, max(1, len(blocks) - 1)), max_size=2)))
        chunks = [blocks[i:j] for i, j in zip([0, *cuts], [*cuts, len(blocks)], strict=True)]
        for chunk in chunks:
            if not chunk:
                continue
            one_text = len(chunk) == 1 and chunk[0].get("type") == "text" and len(chunk[0]) == 2
            if one_text and draw(st.booleans()):
                messages.append({"role": role, "content": chunk[0]["text"]})
            else:
                messages.append(
                    {"content": chunk, "role": role}
                    if draw(st.booleans())
                    else {"role": role, "content": chunk}
                )
        if dirty and draw(st.integers(0, 3)) == 0:
            messages.append(
                draw(
                    st.sampled_from(
                        [
                            {"role": role, "content": ""},
                            {"role": role, "content": []},
                            {"role": role, "content": "named", "name": "bob"},
                            {"role": "tool", "content": "r"},
                        ]
                    )
                )
            )
        nxt = turns[t + 1][0] if t + 1 < len(turns) else None
        if role == "user" and nxt == "assistant" and draw(st.integers(0, 5)) == 0:
            messages.append(
                {
                    "role": "system",
                    "content": draw(
                        st.one_of(words, st.lists(text_blocks(), min_size=1, max_size=2))
                    ),
                }
            )
    if draw(st.integers(0, 5)) == 0:  # an empty prefill, which the API accepts
        messages.append({"role": "assistant", "content": ""})

    body: dict[str, Any] = {"messages": messages, "model": "claude-sonnet-4-5"}
    body["max_tokens"] = draw(st.integers(1, 4096))
    system = draw(st.one_of(st.none(), words, st.lists(text_blocks(), min_size=1, max_size=2)))
    if system is not None:
        body["system"] = system
    if draw(st.booleans()):
        body["temperature"] = draw(st.sampled_from([0.0, 0.5, 1.0]))
    if dirty and draw(st.booleans()):
        body["x_unknown"] = {"b": 1.0, "a": [2, 3.5]}
    keys = draw(st.permutations(list(body)))
    return {k: body[k] for k in keys}


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


@given(conversations())
def test_normalize_is_idempotent_and_pure(request):
    """Normalizing twice changes nothing the second time; the input is never modified."""
    before = orjson.dumps(request)

    once = normalize_request(request)
    normalize_request(request, unsafe=True)

    assert orjson.dumps(once) == orjson.dumps(normalize_request(once))
    assert before == orjson.dumps(request)


@given(conversations())
def test_meaning_is_preserved(request):
    """The API builds the same turns and blocks, in the same order, from the output."""
    assert api_view(request) == api_view(normalize_request(request))


@given(conversations())
def test_unsafe_only_moves_tool_results_first(request):
    """With unsafe steps, user turns differ at most by tool_result blocks moved first."""
    out = normalize_request(request, unsafe=True)

    assert loosened(api_view(request)) == loosened(api_view(out))
    for message in out["messages"]:
        if message["role"] == "user" and isinstance(message["content"], list):
            kinds = [_is_result(b) for b in message["content"]]
            assert kinds == sorted(kinds, reverse=True)


@given(conversations())
def test_clean_request_stays_clean(request):
    """A request without error findings has none after normalizing (safe or unsafe)."""
    if errors(request):
        return

    assert set() == errors(normalize_request(request))
    assert set() == errors(normalize_request(request, unsafe=True))


@given(conversations())
def test_output_is_a_fixpoint_of_safe_fixes(request):
    """No safe fix changes a normalized request."""
    out = normalize_request(request)

    fixed = apply_fixes(copy.deepcopy(out), lint(out))

    assert orjson.dumps(out) == orjson.dumps(fixed)
