"""`invalid_requests`: a valid request broken in exactly one way per rule code."""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Sequence
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from messages_schema.strategies._common import (
    _TEXTS,
    JSON,
    _b64,
    _check_bool,
    _check_subset,
    _pdf,
    _png,
    _text_block,
)
from messages_schema.strategies._valid import (
    _unforce_tool_choice,
    conversations,
    requests,
)

# -- invalid requests ----------------------------------------------------------------------

#: Mutates a valid body in place (with *draw* for its own choices) and returns the
#: JSON pointer where the linter must report the code.
_Mutation = Callable[[JSON, st.DrawFn], str]


def _blocks_of(message: JSON) -> list[JSON]:
    if isinstance(message["content"], str):
        message["content"] = [_text_block(message["content"])]
    blocks: list[JSON] = message["content"]
    return blocks


def _assistants(body: JSON, *, with_tool_use: bool = False) -> list[int]:
    return [
        i
        for i, m in enumerate(body["messages"])
        if m["role"] == "assistant"
        and (not with_tool_use or any(b["type"] == "tool_use" for b in _blocks_of(m)))
    ]


def _tool_loop(body: JSON) -> tuple[int, int]:
    """First and last assistant message index of the tool loop the body ends in."""
    messages = body["messages"]
    last = len(messages) - 2
    first = last
    while (
        first >= 2
        and any(b["type"] == "tool_result" for b in _blocks_of(messages[first - 1]))
        and messages[first - 1]["content"][0]["type"] == "tool_result"
    ):
        first -= 2
    return first, last


def _first_image(body: JSON, draw: st.DrawFn) -> JSON:
    """Insert a valid 1x1 PNG image first in the first message; return its source."""
    blocks = _blocks_of(body["messages"][0])
    first = 1 if blocks and blocks[0]["type"] == "tool_result" else 0
    blocks.insert(
        first,
        {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": _b64(_png(1, 1))},
        },
    )
    source: JSON = blocks[first]["source"]
    return source


def _m_turn001(b: JSON, draw: st.DrawFn) -> str:
    blocks = _blocks_of(b["messages"][0])
    blocks.append(_text_block(""))
    return f"/messages/0/content/{len(blocks) - 1}"


def _m_turn002(b: JSON, draw: st.DrawFn) -> str:
    b["messages"][0]["content"] = draw(st.sampled_from([" ", "\n", "\t \n"]))
    return "/messages/0"


def _m_turn003(b: JSON, draw: st.DrawFn) -> str:
    b["messages"][0]["content"] = draw(st.sampled_from(["", []]))
    return "/messages/0/content"


def _m_turn004(b: JSON, draw: st.DrawFn) -> str:
    choice = b.get("tool_choice")
    if isinstance(choice, dict) and choice.get("type") in ("any", "tool"):
        del b["tool_choice"]  # a prefill under a forced tool choice is TOOL012 besides
    b["messages"].append({"role": "assistant", "content": draw(_TEXTS) + " "})
    _unforce_tool_choice(b)
    return f"/messages/{len(b['messages']) - 1}/content"


def _m_turn005(b: JSON, draw: st.DrawFn) -> str:
    b["messages"].insert(1, {"role": "user", "content": draw(_TEXTS)})
    return "/messages/1"


def _m_turn006(b: JSON, draw: st.DrawFn) -> str:
    b["messages"].insert(0, {"role": "system", "content": draw(_TEXTS)})
    return "/messages/0"


def _m_turn007(b: JSON, draw: st.DrawFn) -> str:
    b["messages"] = []
    return "/messages"


def _m_turn008(b: JSON, draw: st.DrawFn) -> str:
    text = {"type": "text", "text": draw(_TEXTS)}
    b["system"] = draw(st.permutations([{"type": "text", "text": ""}, text]))
    return f"/system/{b['system'].index({'type': 'text', 'text': ''})}"


def _m_tool001(b: JSON, draw: st.DrawFn) -> str:
    a = draw(st.sampled_from(_assistants(b, with_tool_use=True)))
    reply = b["messages"][a + 1]["content"]
    del reply[0]  # the reply opens with results: one id is now unanswered
    if not reply:
        b["messages"][a + 1]["content"] = draw(_TEXTS)
    return f"/messages/{a}"


def _m_tool002(b: JSON, draw: st.DrawFn) -> str:
    blocks = _blocks_of(b["messages"][0])
    blocks.insert(0, {"type": "tool_result", "tool_use_id": "toolu_orphan", "content": "x"})
    return "/messages/0/content/0"


def _m_tool003(b: JSON, draw: st.DrawFn) -> str:
    a = draw(st.sampled_from(_assistants(b, with_tool_use=True)))
    content = b["messages"][a]["content"]
    content.append(copy.deepcopy(next(x for x in content if x["type"] == "tool_use")))
    return f"/messages/{a}/content/{len(content) - 1}"


def _m_tool004(b: JSON, draw: st.DrawFn) -> str:
    b["tools"].append(copy.deepcopy(b["tools"][0]))
    return f"/tools/{len(b['tools']) - 1}"


def _m_tool005(b: JSON, draw: st.DrawFn) -> str:
    keyword = draw(st.sampled_from(["required", "minLength"]))
    b["tools"][0]["input_schema"]["properties"]["bad"] = {"type": "string", keyword: True}
    return "/tools/0/input_schema"


def _m_tool006(b: JSON, draw: st.DrawFn) -> str:
    key = draw(st.sampled_from(["oneOf", "allOf", "anyOf"]))
    b["tools"][0]["input_schema"][key] = [{"type": "object"}]
    return f"/tools/0/input_schema/{key}"


def _m_tool007(b: JSON, draw: st.DrawFn) -> str:
    b["tool_choice"] = {"type": "tool", "name": "no_such_tool"}
    return "/tool_choice/name"


def _m_tool008(b: JSON, draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["web_search_20250305", "web_fetch_20250910"]))
    b["tools"].append(
        {
            "type": kind,
            "name": kind.rsplit("_", 1)[0],
            "allowed_domains": ["a.example"],
            "blocked_domains": ["b.example"],
        }
    )
    return f"/tools/{len(b['tools']) - 1}/blocked_domains"


def _m_tool009(b: JSON, draw: st.DrawFn) -> str:
    a = draw(st.sampled_from(_assistants(b, with_tool_use=True)))
    block = b["messages"][a + 1]["content"][0]
    block["is_error"] = True
    block["content"] = draw(st.sampled_from(["", []]))
    return f"/messages/{a + 1}/content/0"


def _m_thk001(b: JSON, draw: st.DrawFn) -> str:
    b["thinking"]["budget_tokens"] = b["max_tokens"] + draw(st.integers(0, 100))
    return "/thinking/budget_tokens"


def _m_thk002(b: JSON, draw: st.DrawFn) -> str:
    b["temperature"] = draw(st.sampled_from([0, 0.2, 0.7, 0.99]))
    return "/temperature"


def _m_thk003(b: JSON, draw: st.DrawFn) -> str:
    b["top_k"] = draw(st.integers(1, 500))
    return "/top_k"


def _m_thk004(b: JSON, draw: st.DrawFn) -> str:
    b["top_p"] = draw(st.sampled_from([0.0, 0.5, 0.9, 0.949]))
    return "/top_p"


def _m_thk005(b: JSON, draw: st.DrawFn) -> str:
    b["tool_choice"] = draw(
        st.sampled_from([{"type": "any"}, {"type": "tool", "name": b["tools"][0]["name"]}])
    )
    return "/tool_choice/type"


def _m_thk006(b: JSON, draw: st.DrawFn) -> str:
    first, last = _tool_loop(b)
    for i in range(first, last + 1, 2):
        message = b["messages"][i]
        message["content"] = [x for x in message["content"] if x["type"] != "thinking"]
    return f"/messages/{first}/content/0/type"


def _m_thk007(b: JSON, draw: st.DrawFn) -> str:
    first, _ = _tool_loop(b) if _ends_in_tool_loop(b) else (len(b["messages"]), 0)
    a = draw(st.sampled_from([i for i in _assistants(b) if i < first]))
    content = b["messages"][a]["content"]
    content.append(content.pop(0))  # thinking now comes last
    return f"/messages/{a}/content/0"


def _m_thk008(b: JSON, draw: st.DrawFn) -> str:
    b["messages"].append(
        {
            "role": "assistant",
            "content": [{"type": "thinking", "thinking": draw(_TEXTS), "signature": "EqQB"}],
        }
    )
    _unforce_tool_choice(b)
    return f"/messages/{len(b['messages']) - 1}/content/0"


def _m_thk009(b: JSON, draw: st.DrawFn) -> str:
    _, last = _tool_loop(b)
    b["messages"][last]["content"].insert(
        0, {"type": "thinking", "thinking": draw(_TEXTS), "signature": "EqQB"}
    )
    return f"/messages/{last}/content/0"


def _ends_in_tool_loop(b: JSON) -> bool:
    last = b["messages"][-1]
    return (
        last["role"] == "user"
        and isinstance(last["content"], list)
        and last["content"][0]["type"] == "tool_result"
    )


def _m_med001(b: JSON, draw: st.DrawFn) -> str:
    source = _first_image(b, draw)
    source["data"] = "data:image/png;base64," + source["data"]
    return _image_pointer(b) + "/source/data"


def _image_pointer(b: JSON) -> str:
    blocks = b["messages"][0]["content"]
    return f"/messages/0/content/{1 if blocks[0]['type'] == 'tool_result' else 0}"


def _m_med002(b: JSON, draw: st.DrawFn) -> str:
    _first_image(b, draw)["media_type"] = draw(st.sampled_from(["image/jpeg", "image/gif"]))
    return _image_pointer(b) + "/source/media_type"


def _m_med003(b: JSON, draw: st.DrawFn) -> str:
    _first_image(b, draw)["data"] = "A" * (5 * 1024 * 1024 + 4)
    return _image_pointer(b) + "/source/data"


def _m_med004(b: JSON, draw: st.DrawFn) -> str:
    side = draw(st.integers(8001, 8100))
    size = draw(st.sampled_from([(side, 1), (1, side)]))
    _first_image(b, draw)["data"] = _b64(_png(*size))
    return _image_pointer(b) + "/source/data"


def _m_med005(b: JSON, draw: st.DrawFn) -> str:
    raw = draw(st.sampled_from([b"<svg/>", b"%PDF-1.4", b"GIF00000"]))
    _first_image(b, draw)["data"] = _b64(raw)
    return _image_pointer(b) + "/source/data"


def _m_med006(b: JSON, draw: st.DrawFn) -> str:
    blocks = _blocks_of(b["messages"][0])
    blocks.append(
        {
            "type": "document",
            "source": {
                "type": "base64",
                "media_type": "application/pdf",
                "data": _b64(_pdf(draw(st.integers(101, 120)))),
            },
        }
    )
    return f"/messages/0/content/{len(blocks) - 1}/source/data"


def _m_med007(b: JSON, draw: st.DrawFn) -> str:
    url = {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}
    blocks = _blocks_of(b["messages"][0])
    blocks.extend(copy.deepcopy(url) for _ in range(101))
    return "/messages"


def _m_med008(b: JSON, draw: st.DrawFn) -> str:
    blocks = _blocks_of(b["messages"][0])
    url = draw(st.sampled_from(["a.png", "ftp://example.com/a.png", "//example.com/a.png"]))
    blocks.append({"type": "image", "source": {"type": "url", "url": url}})
    return f"/messages/0/content/{len(blocks) - 1}/source/url"


def _m_cache001(b: JSON, draw: st.DrawFn) -> str:
    n = draw(st.integers(5, 8))
    b["tools"] = [
        {
            "name": f"t{i}",
            "input_schema": {"type": "object"},
            "cache_control": {"type": "ephemeral"},
        }
        for i in range(n)
    ]
    return "/tools/4/cache_control"


def _m_cache002(b: JSON, draw: st.DrawFn) -> str:
    blocks = _blocks_of(b["messages"][0])
    blocks.append({"type": "text", "text": "", "cache_control": {"type": "ephemeral"}})
    return f"/messages/0/content/{len(blocks) - 1}/cache_control"


def _m_cache003(b: JSON, draw: st.DrawFn) -> str:
    b["tools"] = [
        {"name": "t", "input_schema": {"type": "object"}, "cache_control": {"type": "ephemeral"}}
    ]
    blocks = _blocks_of(b["messages"][0])
    blocks[-1]["cache_control"] = {"type": "ephemeral", "ttl": "1h"}
    return f"/messages/0/content/{len(blocks) - 1}/cache_control/ttl"


def _m_cache004(b: JSON, draw: st.DrawFn) -> str:
    b["cache_control"] = {"type": "ephemeral"}  # applies to the last block of the last message
    blocks = _blocks_of(b["messages"][-1])
    blocks[-1]["cache_control"] = {"type": "ephemeral", "ttl": "1h"}
    return "/cache_control"


def _m_lim001(b: JSON, draw: st.DrawFn) -> str:
    b["max_tokens"] = draw(st.integers(10**6, 10**7))
    return "/max_tokens"


def _m_lim002(b: JSON, draw: st.DrawFn) -> str:
    b["temperature"], b["top_p"] = 0.5, 0.5
    return "/top_p"


def _m_lim003(b: JSON, draw: st.DrawFn) -> str:
    b["stop_sequences"] = ["END", ""]
    return "/stop_sequences/1"


def _m_lim004(b: JSON, draw: st.DrawFn) -> str:
    b["stop_sequences"] = [draw(st.sampled_from(["\n\t", " ", "\n\n"]))]
    return "/stop_sequences/0"


def _m_lim005(b: JSON, draw: st.DrawFn) -> str:
    first = b["messages"][0]
    b["messages"] = [first] * 100_001  # the same object: cheap, and JSON does not care
    return "/messages"


def _m_lim006(b: JSON, draw: st.DrawFn) -> str:
    b["metadata"] = {"user_id": draw(st.sampled_from(["someone@example.org", "a.b@c.io"]))}
    return "/metadata/user_id"


def _m_lim007(b: JSON, draw: st.DrawFn) -> str:
    b["metadata"] = {"user_id": "x" * draw(st.integers(300, 400))}
    return "/metadata/user_id"


def _m_mod001(b: JSON, draw: st.DrawFn) -> str:
    b["model"] = draw(st.sampled_from(["claude-unknown-9", "claude-sonnet-9-9"]))
    return "/model"


def _m_mod002(b: JSON, draw: st.DrawFn) -> str:
    b["model"] = draw(st.sampled_from(["claude-3-opus-20240229", "claude-2.1"]))
    b["max_tokens"] = min(b["max_tokens"], 4096)
    return "/model"


def _m_mod003(b: JSON, draw: st.DrawFn) -> str:
    b["model"] = "claude-opus-4-6"
    b.pop("temperature", None)
    b.pop("top_p", None)
    b["messages"].append({"role": "assistant", "content": "Sure"})
    _unforce_tool_choice(b)
    return f"/messages/{len(b['messages']) - 1}"


def _m_mod004(b: JSON, draw: st.DrawFn) -> str:
    b["thinking"] = {"type": "adaptive"}
    return "/thinking/type"


def _m_mod005(b: JSON, draw: st.DrawFn) -> str:
    b["messages"].append({"role": "system", "content": "Be brief."})
    return f"/messages/{len(b['messages']) - 1}/role"


def _m_mod006(b: JSON, draw: st.DrawFn) -> str:
    b["output_config"] = {"effort": draw(st.sampled_from(["low", "high"]))}
    return "/output_config/effort"


def _m_mod007(b: JSON, draw: st.DrawFn) -> str:
    b["model"] = "claude-opus-4-7"
    b.pop("top_p", None)
    b["temperature"] = draw(st.sampled_from([0.0, 0.5, 0.7]))
    return "/temperature"


def _m_mod008(b: JSON, draw: st.DrawFn) -> str:
    b["model"] = "claude-sonnet-4-6"
    b["thinking"] = {"type": "enabled", "budget_tokens": 1024}
    b["max_tokens"] = max(b["max_tokens"], 2048)
    return "/thinking/type"


def _m_mod009(b: JSON, draw: st.DrawFn) -> str:
    b["model"] = draw(st.sampled_from(["claude-opus-5-5", "claude-sonnet-5-5"]))
    b["tools"] = [{"name": "lookup", "input_schema": {"type": "object"}}]
    b["tool_choice"] = draw(st.sampled_from([{"type": "any"}, {"type": "tool", "name": "lookup"}]))
    return "/tool_choice"


def _m_mod010(b: JSON, draw: st.DrawFn) -> str:
    b["model"], b["thinking"] = draw(st.sampled_from([
        ("claude-opus-5", {"type": "disabled"}), ("claude-sonnet-5-5", {"type": "between_tools"})]))
    b["output_config"] = {"effort": draw(st.sampled_from(["xhigh", "max"]))}
    return "/output_config/effort"


def _m_mod011(b: JSON, draw: st.DrawFn) -> str:
    b["model"] = "claude-sonnet-5-5"
    advisor = draw(st.sampled_from(["claude-opus-4-8", "claude-sonnet-4-6", "claude-sonnet-5"]))
    b["tools"] = [{"type": "advisor_20260301", "name": "advisor", "model": advisor}]
    b.pop("tool_choice", None)
    return "/tools/0/model"


def _m_mod012(b: JSON, draw: st.DrawFn) -> str:
    b["model"] = draw(st.sampled_from(["claude-haiku-5-5", "claude-sonnet-5-5"]))
    b["fallbacks"] = [{"model": "claude-opus-5-5"}]
    return "/fallbacks"


def _m_mod013(b: JSON, draw: st.DrawFn) -> str:
    b["model"] = "claude-opus-5-5"
    b["tools"] = [{"type": "computer_20251124", "name": "computer",
                   "display_width_px": 1024, "display_height_px": 768}]
    b.pop("tool_choice", None)
    return "/tools/0/type"


def _m_tool010(b: JSON, draw: st.DrawFn) -> str:
    kind, name = draw(st.sampled_from([("web_search_20250305", "web_search"),
                                       ("web_fetch_20250910", "web_fetch")]))
    key = draw(st.sampled_from(["allowed_domains", "blocked_domains"]))
    b["tools"] = [{"type": kind, "name": name, key: []}]
    b.pop("tool_choice", None)
    return f"/tools/0/{key}"


def _m_tool011(b: JSON, draw: st.DrawFn) -> str:
    bad = draw(st.sampled_from(["user name", "a:b", "x" * 65, "größe"]))
    b["tools"] = [{"name": "lookup", "input_schema": {
        "type": "object", "properties": {bad: {"type": "string"}}}}]
    b.pop("tool_choice", None)
    return "/tools/0/input_schema/properties/" + bad.replace("~", "~0").replace("/", "~1")


def _m_tool012(b: JSON, draw: st.DrawFn) -> str:
    b["tools"] = [{"name": "route", "input_schema": {"type": "object"}}]
    b["tool_choice"] = draw(st.sampled_from([{"type": "any"}, {"type": "tool", "name": "route"}]))
    b["messages"].append({"role": "assistant", "content": "The next agent is"})
    return f"/messages/{len(b['messages']) - 1}"


def _m_med010(b: JSON, draw: st.DrawFn) -> str:
    first = b["messages"][0]
    content = first["content"]
    if isinstance(content, str):
        content = [{"type": "text", "text": content}]
    data = draw(st.sampled_from(["SGVsbG8gd29ybGQ=", "", "%%%", "iVBORw0KGgo="]))
    document = {"type": "document",
                "source": {"type": "base64", "media_type": "application/pdf", "data": data}}
    first["content"] = [document, *content]
    return "/messages/0/content/0/source/data"


def _m_turn009(b: JSON, draw: st.DrawFn) -> str:
    b["messages"].insert(0, {"role": "assistant", "content": draw(_TEXTS)})
    return "/messages/0"


def _m_turn010(b: JSON, draw: st.DrawFn) -> str:
    b["messages"].append({"role": b["messages"][-1]["role"], "content": draw(_TEXTS)})
    return f"/messages/{len(b['messages']) - 1}"


def _m_ver001(b: JSON, draw: st.DrawFn) -> str:
    key = draw(st.sampled_from(["temperature", "top_p", "top_k"]))
    b[key] = {"temperature": 1, "top_p": 0.99, "top_k": 5}[key]
    return f"/{key}"


def _m_ver002(b: JSON, draw: st.DrawFn) -> str:
    document = {"type": "document",
                "source": {"type": "text", "media_type": "text/plain", "data": draw(_TEXTS)}}
    b["messages"].extend([
        {"role": "assistant", "content": [document, {"type": "text", "text": "Noted."}]},
        {"role": "user", "content": draw(_TEXTS)},
    ])
    return f"/messages/{len(b['messages']) - 2}/content/0"


def _m_ver003(b: JSON, draw: st.DrawFn) -> str:
    citation = {"type": "char_location", "cited_text": "x", "document_index": 0,
                "document_title": None, "start_char_index": 0, "end_char_index": 1}
    first = b["messages"][0]
    text = {"type": "text", "text": draw(_TEXTS), "citations": [citation]}
    content = first["content"]
    first["content"] = [text, *(content if isinstance(content, list) else [])]
    return "/messages/0/content/0/citations"


def _m_thk010(b: JSON, draw: st.DrawFn) -> str:
    b["thinking"] = {"type": "disabled"}
    b["context_management"] = {"edits": [{"type": "clear_thinking_20251015"}]}
    return "/context_management/edits/0"


def _closed(properties: dict[str, Any], required: Sequence[str] = ()) -> JSON:
    out: JSON = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        out["required"] = list(required)
    return out


def _set_format(b: JSON, schema: JSON) -> None:
    config = b.get("output_config")
    b["output_config"] = {**(config if isinstance(config, dict) else {}), "format": {
        "type": "json_schema", "schema": schema}}


def _m_out001(b: JSON, draw: st.DrawFn) -> str:
    kind, keyword = draw(st.sampled_from([("integer", "minimum"), ("number", "multipleOf"),
                                          ("string", "maxLength")]))
    _set_format(b, _closed({"value": {"type": kind, keyword: 3}}, ["value"]))
    return f"/output_config/format/schema/properties/value/{keyword}"


def _m_out002(b: JSON, draw: st.DrawFn) -> str:
    _set_format(b, {"type": "object", "properties": {"value": {"type": "string"}}})
    return "/output_config/format/schema"


def _strict_tool(name: str, schema: JSON) -> JSON:
    return {"name": name, "description": "A strict tool.", "strict": True, "input_schema": schema}


def _m_out003(b: JSON, draw: st.DrawFn) -> str:
    b["tools"] = [_strict_tool(f"tool_{i}", _closed({})) for i in range(21)]
    b.pop("tool_choice", None)
    return "/tools/20"


def _m_out004(b: JSON, draw: st.DrawFn) -> str:
    props = {f"p{i}": {"type": "string"} for i in range(draw(st.integers(25, 30)))}
    b["tools"] = [_strict_tool("lookup", _closed(props))]
    b.pop("tool_choice", None)
    return "/tools/0/input_schema/properties/p24"


def _m_out005(b: JSON, draw: st.DrawFn) -> str:
    props = {f"p{i}": {"type": ["string", "null"]} for i in range(17)}
    b["tools"] = [_strict_tool("lookup", _closed(props, sorted(props)))]
    b.pop("tool_choice", None)
    return "/tools/0/input_schema/properties/p16"


def _m_out006(b: JSON, draw: st.DrawFn) -> str:
    b["output_format"] = {"type": "json_schema", "schema": _closed({})}
    return "/output_format"


def _m_out007(b: JSON, draw: st.DrawFn) -> str:
    _set_format(b, _closed({"answer": {"type": "string"}}, ["answer"]))
    b["messages"].append({"role": "assistant", "content": "{"})
    _unforce_tool_choice(b)
    return f"/messages/{len(b['messages']) - 1}"


def _m_out008(b: JSON, draw: st.DrawFn) -> str:
    _set_format(b, _closed({"answer": {"type": "string"}}, ["answer"]))
    first = b["messages"][0]
    content = first["content"]
    if isinstance(content, str):
        content = [{"type": "text", "text": content}]
    document = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": draw(_TEXTS)},
        "citations": {"enabled": True},
    }
    first["content"] = [document, *content]
    return "/messages/0/content/0/citations"


def _m_sch000(b: JSON, draw: st.DrawFn) -> str:
    return ""  # replaced by JSON text in _invalid


def _m_sch001(b: JSON, draw: st.DrawFn) -> str:
    key = draw(st.sampled_from(["model", "max_tokens", "messages"]))
    del b[key]
    return f"/{key}"


def _m_sch002(b: JSON, draw: st.DrawFn) -> str:
    key = draw(st.sampled_from(["x_unknown", "prompt", "max_tokens_to_sample"]))
    b[key] = draw(st.one_of(st.integers(0, 9), _TEXTS))
    return f"/{key}"


def _m_sch003(b: JSON, draw: st.DrawFn) -> str:
    b["max_tokens"] = draw(st.sampled_from([str(b["max_tokens"]), None, [1], 1.5]))
    return "/max_tokens"


def _m_sch004(b: JSON, draw: st.DrawFn) -> str:
    b["messages"][0]["role"] = draw(st.sampled_from(["robot", "human", "User"]))
    return "/messages/0/role"


def _m_sch005(b: JSON, draw: st.DrawFn) -> str:
    blocks = _blocks_of(b["messages"][0])
    blocks.append({"type": draw(st.sampled_from(["bogus", "txt", "Text"])), "text": "x"})
    return f"/messages/0/content/{len(blocks) - 1}"


def _m_sch006(b: JSON, draw: st.DrawFn) -> str:
    b.pop("top_p", None)
    b["temperature"] = draw(st.sampled_from([1.5, -0.1, 2]))
    return "/temperature"


def _m_sch007(b: JSON, draw: st.DrawFn) -> str:
    b["tools"][0]["name"] = "t" * draw(st.integers(129, 200))
    return "/tools/0/name"


def _m_sch008(b: JSON, draw: st.DrawFn) -> str:
    b["tools"][0]["name"] = draw(st.sampled_from(["get weather", "get.weather", "wetter!"]))
    return "/tools/0/name"


def _m_sch010(b: JSON, draw: st.DrawFn) -> str:
    b["context_management"] = {"edits": []}
    return "/context_management"


_Base = Callable[[], st.SearchStrategy[JSON]]


def _plain() -> st.SearchStrategy[JSON]:
    return conversations(models=("claude-haiku-4-5",), thinking=False, tools=False, prefill=False)


def _any_conversation() -> st.SearchStrategy[JSON]:
    return conversations(models=("claude-haiku-4-5",), prefill=False)


def _with_tools() -> st.SearchStrategy[JSON]:
    return conversations(models=("claude-haiku-4-5",), tools=True, prefill=False)


def _in_tool_loop(thinking: bool | str | None = None) -> _Base:
    return lambda: conversations(
        models=("claude-haiku-4-5",), end_in_tool_loop=True, thinking=thinking
    )


def _thinking(enabled_only: bool = True, **kwargs: Any) -> _Base:
    kind = "enabled" if enabled_only else True
    return lambda: conversations(models=("claude-haiku-4-5",), thinking=kind, **kwargs)


def _plain_request() -> st.SearchStrategy[JSON]:
    return requests(models=("claude-haiku-4-5",), thinking=False, tools=False, prefill=False)


def _request_on(model: str) -> _Base:
    return lambda: requests(models=(model,), thinking=False, tools=False, prefill=False)


def _thk007_base() -> st.SearchStrategy[JSON]:
    # At least one assistant turn outside the final tool loop: a plain text round.
    return conversations(
        models=("claude-haiku-4-5",), thinking="enabled", end_in_tool_loop=False, max_turns=3
    ).filter(lambda b: len(b["messages"]) >= 3)


#: code -> (strategy of the valid bodies it applies to, mutation)
_MUTATIONS: Final[dict[str, tuple[_Base, _Mutation]]] = {
    "TURN001": (_any_conversation, _m_turn001),
    "TURN002": (_any_conversation, _m_turn002),
    "TURN003": (_any_conversation, _m_turn003),
    "TURN004": (_any_conversation, _m_turn004),
    "TURN005": (_any_conversation, _m_turn005),
    "TURN006": (_any_conversation, _m_turn006),
    "TURN007": (_any_conversation, _m_turn007),
    "TURN008": (_any_conversation, _m_turn008),
    "TOOL001": (_in_tool_loop(), _m_tool001),
    "TOOL002": (_any_conversation, _m_tool002),
    "TOOL003": (_in_tool_loop(), _m_tool003),
    "TOOL004": (_with_tools, _m_tool004),
    "TOOL005": (_with_tools, _m_tool005),
    "TOOL006": (_with_tools, _m_tool006),
    "TOOL007": (
        lambda: conversations(
            models=("claude-haiku-4-5",), tools=True, thinking=False, prefill=False
        ),
        _m_tool007,
    ),
    "TOOL008": (_with_tools, _m_tool008),
    "TOOL009": (_in_tool_loop(), _m_tool009),
    "TOOL010": (_plain, _m_tool010),
    "TOOL011": (_plain, _m_tool011),
    "TOOL012": (_plain, _m_tool012),
    "THK001": (_thinking(), _m_thk001),
    "THK002": (_thinking(), _m_thk002),
    "THK003": (_thinking(), _m_thk003),
    "THK004": (_thinking(), _m_thk004),
    "THK005": (_thinking(tools=True), _m_thk005),
    "THK006": (_in_tool_loop("enabled"), _m_thk006),
    "THK007": (_thk007_base, _m_thk007),
    "THK008": (_thinking(), _m_thk008),
    "THK009": (_in_tool_loop(False), _m_thk009),
    "THK010": (_plain, _m_thk010),
    "CACHE001": (_plain_request, _m_cache001),
    "CACHE002": (_plain_request, _m_cache002),
    "CACHE003": (_plain, _m_cache003),
    "CACHE004": (_plain, _m_cache004),
    "LIM001": (_plain_request, _m_lim001),
    "LIM002": (_plain_request, _m_lim002),
    "LIM003": (_plain_request, _m_lim003),
    "LIM004": (_plain_request, _m_lim004),
    "LIM005": (_plain, _m_lim005),
    "LIM006": (_plain_request, _m_lim006),
    "LIM007": (_plain_request, _m_lim007),
    "MED001": (_plain_request, _m_med001),
    "MED002": (_plain_request, _m_med002),
    "MED003": (_plain, _m_med003),
    "MED004": (_plain_request, _m_med004),
    "MED005": (_plain_request, _m_med005),
    "MED006": (_plain, _m_med006),
    "MED007": (_plain, _m_med007),
    "MED008": (_plain_request, _m_med008),
    "MED010": (_plain, _m_med010),
    "MOD001": (_plain_request, _m_mod001),
    "MOD002": (_plain, _m_mod002),
    "MOD003": (_plain, _m_mod003),
    "MOD004": (_plain_request, _m_mod004),
    "MOD005": (_request_on("claude-haiku-4-5"), _m_mod005),
    "MOD006": (_request_on("claude-haiku-4-5"), _m_mod006),
    "MOD007": (_plain, _m_mod007),
    "MOD008": (_plain, _m_mod008),
    "MOD009": (_plain, _m_mod009),
    "MOD010": (_plain, _m_mod010),
    "MOD011": (_plain, _m_mod011),
    "MOD012": (_plain, _m_mod012),
    "MOD013": (_plain, _m_mod013),
    "OUT001": (_plain, _m_out001),
    "OUT002": (_plain, _m_out002),
    "OUT003": (_plain, _m_out003),
    "OUT004": (_plain, _m_out004),
    "OUT005": (_plain, _m_out005),
    "OUT006": (_plain, _m_out006),
    "OUT007": (_plain, _m_out007),
    "OUT008": (_plain, _m_out008),
    "SCH000": (_plain, _m_sch000),
    "SCH001": (_plain_request, _m_sch001),
    "SCH002": (_plain_request, _m_sch002),
    "SCH003": (_plain_request, _m_sch003),
    "SCH004": (_plain_request, _m_sch004),
    "SCH005": (_plain_request, _m_sch005),
    "SCH006": (_plain_request, _m_sch006),
    "SCH007": (_with_tools, _m_sch007),
    "SCH008": (_with_tools, _m_sch008),
    "SCH010": (_plain_request, _m_sch010),
}

#: Mutations whose rule judges a request only under a configuration other than the
#: default (an ``anthropic-version`` newer than 2023-06-01, a day in the past): drawn with
#: ``with_config``.
_MUTATION_CONFIGS: Final[dict[str, dict[str, Any]]] = {
    # Rules of the API as it was: the request is checked as of a day they held.
    "TURN009": {"today": "2024-09-01"},
    "TURN010": {"today": "2024-09-01"},
    "VER001": {"api_version": "2026-10-21"},
    "VER002": {"api_version": "2026-10-21"},
    "VER003": {"api_version": "2026-10-21"},
}
_MUTATIONS.update({
    "TURN009": (_plain, _m_turn009),
    "TURN010": (_plain, _m_turn010),
    "VER001": (_plain, _m_ver001),
    "VER002": (_plain, _m_ver002),
    "VER003": (_plain, _m_ver003),
})
#: Codes `invalid_requests` draws by default: the default `LintConfig` reports them.
INVALID_REQUEST_CODES: Final = tuple(sorted(c for c in _MUTATIONS if c not in _MUTATION_CONFIGS))
#: Codes whose mutation needs a configuration: drawn with ``with_config=True``, which
#: also yields the `LintConfig` to lint the payload with.
CONFIGURED_REQUEST_CODES: Final = tuple(sorted(_MUTATION_CONFIGS))


@st.composite
def _invalid(
    draw: st.DrawFn, codes: tuple[str, ...], with_pointer: bool, with_config: bool = False
) -> tuple[Any, ...]:
    code = draw(st.sampled_from(codes))
    base, mutate = _MUTATIONS[code]
    body = copy.deepcopy(draw(base(), label="valid body"))
    pointer = mutate(body, draw)
    payload: Any = body
    if code == "SCH000":
        import orjson

        text = orjson.dumps(body).decode()
        payload = text[: draw(st.integers(0, len(text) - 1))]  # cut short: never valid JSON
    case: tuple[Any, ...] = (payload, code, pointer) if with_pointer else (payload, code)
    if with_config:
        from messages_schema.config import LintConfig

        case = (*case, LintConfig(**_MUTATION_CONFIGS.get(code, {})))
    return case


def invalid_requests(
    codes: Collection[str] | None = None, *, with_pointer: bool = False, with_config: bool = False
) -> st.SearchStrategy[tuple[Any, ...]]:
    """
    ``(payload, expected_code)`` pairs: a request broken for one rule.

    The payload is a valid request with one known mutation for the rule
    *expected_code*, which `messages_schema.lint` must report.

    It is a request body (a dict), except for ``SCH000``, whose payload is
    JSON text cut short. Other findings may come with the expected one (a missing
    ``messages`` key also hides every turn rule, say), but the expected code is always
    there, at the pointer returned with *with_pointer*.

    Args:
        codes: Rule codes to draw from, a subset of `INVALID_REQUEST_CODES`; all of
            them when None.
        with_pointer: Yield ``(payload, expected_code, pointer)`` triples, the pointer
            (RFC 6901) being where the finding is reported.
        with_config: Also yield, last, the `LintConfig` to lint the payload with, and
            allow the codes of `CONFIGURED_REQUEST_CODES` (rules that judge a request only
            under another ``anthropic-version``, or as of a past day); *codes* defaults to
            all of both then.

    Examples shrink towards the first code's mutation applied to one user message with
    one short text block.

    .. versionadded:: 0.1.0
    """
    _check_bool("with_pointer", with_pointer)
    _check_bool("with_config", with_config)
    allowed = (*INVALID_REQUEST_CODES, *CONFIGURED_REQUEST_CODES) if with_config else (
        INVALID_REQUEST_CODES
    )
    if codes is not None and not with_config:
        needing = sorted(set(codes) & set(CONFIGURED_REQUEST_CODES)) if isinstance(
            codes, Collection) and not isinstance(codes, str) else []
        if needing:
            msg = (
                f"codes={needing!r} are reported only under another configuration "
                "(another anthropic-version, or a past day): pass with_config=True"
            )
            raise InvalidArgument(msg)
    chosen = allowed if codes is None else _check_subset("codes", codes, allowed)
    return _invalid(tuple(sorted(chosen)), with_pointer, with_config)
