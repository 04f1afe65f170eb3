"""
Hypothesis strategies for Messages API payloads (optional extra ``hypothesis``).

Valid by construction, never by filtering: `requests` and `conversations` draw the
``tool_use`` ids of an assistant turn first and answer each of them with a
``tool_result`` at the start of the next user turn; with thinking on, every assistant
turn opens with a ``thinking`` block; ``budget_tokens`` is at least 1024 and below
``max_tokens``, which stays within the model's ceiling from the capability table;
sampling parameters, prefill and thinking types respect what the table says of the
model; at most four cache breakpoints, ``1h`` ones before ``5m`` ones.

`invalid_requests` breaks a valid request in exactly one way per rule code and says
which code (and, if asked, which JSON pointer) the linter must report.

`schema_documents` walks the shipped JSON Schemas instead: structurally valid documents
of any kind, for round-trip tests, with no promise about the semantic rules.

Every strategy checks its arguments when called and raises
`hypothesis.errors.InvalidArgument` naming the bad one. Installing the package
registers `st.from_type` strategies for the main models (``hypothesis`` entry point,
`messages_schema.models._hypothesis`, which imports this module only when a strategy
is drawn). No other module of the package imports this one.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import base64
import copy
import functools
import itertools
import re
import struct
import zlib
from collections.abc import Callable, Collection, Sequence
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from messages_schema import models, schemas
from messages_schema._capabilities import ModelCapabilities, load_capabilities
from messages_schema.converter import structure

__all__ = [
    "CONFIGURED_REQUEST_CODES",
    "INVALID_REQUEST_CODES",
    "content_blocks",
    "conversations",
    "invalid_requests",
    "requests",
    "responses",
    "schema_documents",
    "stream_events",
    "tools",
]

JSON = dict[str, Any]

# -- small pieces --------------------------------------------------------------------------

#: Letters and digits of several scripts: never whitespace, never a control character.
_WORD_ALPHABET: Final = "abcdefghijklmnopqrstuvwxyz0123456789ABCXYZéßñøΩжд日本✓"
_WORDS = st.text(alphabet=_WORD_ALPHABET, min_size=1, max_size=8)
#: Short texts: words joined by single spaces; never empty, never padded with whitespace.
_TEXTS = st.lists(_WORDS, min_size=1, max_size=6).map(" ".join)
_ID_CHARS: Final = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_IDS = st.text(_ID_CHARS, min_size=6, max_size=12)
#: Any Unicode scalar value but surrogates (JSON text cannot carry lone surrogates).
_ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
_JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), _ANY_TEXT),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(_ANY_TEXT, inner, max_size=3)
    ),
    max_leaves=8,
)
#: A signature the API would not verify offline; its shape is all the linter sees.
_SIGNATURE: Final = "EqQBCgIYAhIM" + "x" * 16
_TOOL_NAMES: Final = ("get_weather", "read_file", "search", "run_tests", "get_time", "lookup")
_PROPERTY_TYPES: Final = ("string", "integer", "boolean")
_BLOCK_TYPES: Final = ("text", "image", "document")
_RESPONSE_BLOCK_TYPES: Final = ("text", "tool_use", "thinking")
#: Beta blocks `responses` draws only when asked (their beta's answers alone carry them).
_BETA_RESPONSE_BLOCK_TYPES: Final = ("mcp_tool_use", "compaction")
_STOP_REASONS: Final = ("end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn")
#: Ceiling used when the capability table does not know a model's ``max_tokens``.
_DEFAULT_CEILING: Final = 4096
#: Most cache breakpoints one request may carry (API inventory §7).
_MAX_BREAKPOINTS: Final = 4
#: A 1x1 GIF, the smallest image every reader opens.
_GIF_1X1: Final = "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="


def _text_block(text: str) -> JSON:
    return {"type": "text", "text": text}


def _png(width: int, height: int, gray: int = 0) -> bytes:
    """A greyscale PNG of *width* x *height*, written without Pillow."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    row = b"\x00" + bytes([gray]) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _pdf(pages: int) -> bytes:
    """A blank PDF of *pages* pages, written without a PDF library."""
    kids = " ".join(f"{i + 3} 0 R" for i in range(pages))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>",
        *["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>"] * pages,
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    return out + f"startxref\n{xref}\n%%EOF\n".encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# -- argument checks -----------------------------------------------------------------------


def _check_int(name: str, value: object, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        msg = f"{name}={value!r} must be an integer"
        raise InvalidArgument(msg)
    if value < minimum:
        msg = f"{name}={value!r} must be at least {minimum}"
        raise InvalidArgument(msg)


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{name}={value!r} must be True or False"
        raise InvalidArgument(msg)


def _check_optional_bool(name: str, value: object) -> None:
    if value is not None and not isinstance(value, bool):
        msg = f"{name}={value!r} must be True, False or None"
        raise InvalidArgument(msg)


def _check_subset(name: str, value: object, allowed: Sequence[str]) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Collection):
        msg = f"{name}={value!r} must be a collection of strings, such as {tuple(allowed)!r}"
        raise InvalidArgument(msg)
    items = tuple(value)
    unknown = [v for v in items if v not in allowed]
    if unknown:
        msg = f"{name} holds unknown value(s) {unknown!r}; choose from {tuple(allowed)!r}"
        raise InvalidArgument(msg)
    if not items:
        msg = f"{name}={value!r} must not be empty"
        raise InvalidArgument(msg)
    return tuple(dict.fromkeys(items))


# -- models and their capabilities ---------------------------------------------------------


@functools.cache
def _default_models() -> tuple[str, ...]:
    """
    Current models of the capability table: no retirement date, not deprecated.

    Models with a retirement date are left out even before it passes, so the same
    seed draws the same requests next month (a retired model is a MOD002 warning).
    """
    seen: dict[str, ModelCapabilities] = {}
    for caps in load_capabilities().values():
        if caps.retires_at is None and caps.lifecycle in (None, "active", "legacy"):
            seen.setdefault(caps.id, caps)
    names = [min((c.id, *c.aliases), key=len) for c in seen.values()]
    # A model with every rule-relevant value known first: examples shrink towards it.
    first = "claude-haiku-4-5"
    return (first, *sorted(n for n in names if n != first))


def _capabilities(model: str) -> ModelCapabilities | None:
    return load_capabilities().get(model)


def _check_models(value: object) -> tuple[str, ...]:
    if value is None:
        return _default_models()
    if isinstance(value, str) or not isinstance(value, Collection) or not value:
        msg = f"models={value!r} must be a non-empty collection of model ids"
        raise InvalidArgument(msg)
    out = tuple(value)
    bad = [m for m in out if not isinstance(m, str) or not m]
    if bad:
        msg = f"models holds {bad!r}, which are not model ids"
        raise InvalidArgument(msg)
    return tuple(dict.fromkeys(out))


_THINKING_CHOICES: Final = (None, True, False, "enabled", "adaptive")


def _thinking_types(caps: ModelCapabilities | None) -> tuple[str, ...]:
    """The thinking types a request to this model may use without any finding."""
    if caps is None:
        return ("enabled",)
    types = caps.capabilities.thinking.types
    out = []
    if types.enabled is not False and "enabled" not in caps.deprecated_thinking_types:
        out.append("enabled")
    if types.adaptive is True and "adaptive" not in caps.deprecated_thinking_types:
        out.append("adaptive")
    return tuple(out)


def _ceiling(caps: ModelCapabilities | None) -> int:
    value = caps.output_ceiling(()) if caps is not None else None
    return value if value is not None else _DEFAULT_CEILING


def _fits(model: str, thinking: bool | str | None, prefill: bool | None) -> bool:
    caps = _capabilities(model)
    types = _thinking_types(caps)
    if thinking is True and not types:
        return False
    if isinstance(thinking, str) and thinking not in types:
        return False
    if thinking in (True, "enabled") and "enabled" in types and _ceiling(caps) <= 1024:
        return False
    if (
        thinking is False
        and caps is not None
        and caps.thinking_default == "adaptive"
        and caps.capabilities.thinking.types.disabled is not True
    ):
        return False  # thinks by default, and turning it off is not known to work
    return not (prefill is True and caps is not None and caps.prefill is False)


def _usable_models(
    candidates: tuple[str, ...], thinking: bool | str | None, prefill: bool | None
) -> tuple[str, ...]:
    usable = tuple(m for m in candidates if _fits(m, thinking, prefill))
    if not usable:
        msg = (
            f"no model in models={candidates!r} supports thinking={thinking!r} "
            f"with prefill={prefill!r} according to the capability table"
        )
        raise InvalidArgument(msg)
    return usable


# -- content blocks and tools --------------------------------------------------------------


@st.composite
def _images(draw: st.DrawFn) -> JSON:
    kind = draw(st.sampled_from(("png", "gif", "url")))
    if kind == "png":
        size = draw(st.integers(1, 16)), draw(st.integers(1, 16))
        source = {
            "type": "base64",
            "media_type": "image/png",
            "data": _b64(_png(*size, gray=draw(st.integers(0, 255)))),
        }
    elif kind == "gif":
        source = {"type": "base64", "media_type": "image/gif", "data": _GIF_1X1}
    else:
        source = {"type": "url", "url": f"https://example.com/{draw(_IDS)}.png"}
    return {"type": "image", "source": source}


@st.composite
def _documents(draw: st.DrawFn) -> JSON:
    kind = draw(st.sampled_from(("text", "pdf", "url")))
    if kind == "text":
        source = {"type": "text", "media_type": "text/plain", "data": draw(_TEXTS)}
    elif kind == "pdf":
        source = {
            "type": "base64",
            "media_type": "application/pdf",
            "data": _b64(_pdf(draw(st.integers(1, 3)))),
        }
    else:
        source = {"type": "url", "url": f"https://example.com/{draw(_IDS)}.pdf"}
    block: JSON = {"type": "document", "source": source}
    if draw(st.booleans()):
        block["title"] = draw(_TEXTS)
    return block


def content_blocks(*, types: Collection[str] = _BLOCK_TYPES) -> st.SearchStrategy[JSON]:
    """
    Content blocks a user turn may hold: ``text``, ``image`` or ``document``.

    Texts are short, never empty, never whitespace only. Images are small base64 PNGs
    (drawn without Pillow, their ``media_type`` matching their bytes), a 1x1 GIF, or an
    ``https`` URL; documents are plain text, a one- to three-page base64 PDF, or an
    ``https`` URL. No ``cache_control``: `requests` places breakpoints itself.

    Args:
        types: The block types to draw, a non-empty subset of ``("text", "image",
            "document")``.

    Examples shrink towards a text block holding one short word.

    .. versionadded:: 0.1.0
    """
    chosen = _check_subset("types", types, _BLOCK_TYPES)
    by_type = {
        "text": _TEXTS.map(_text_block),
        "image": _images(),
        "document": _documents(),
    }
    ordered = [t for t in _BLOCK_TYPES if t in chosen]
    return st.one_of([by_type[t] for t in ordered])


@st.composite
def _tools(draw: st.DrawFn, names: tuple[str, ...]) -> JSON:
    properties = draw(
        st.dictionaries(
            st.sampled_from(("arg", "path", "query", "count", "verbose")),
            st.sampled_from(_PROPERTY_TYPES).map(lambda t: {"type": t}),
            max_size=3,
        )
    )
    required = [p for p in properties if draw(st.booleans())]
    schema: JSON = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    tool: JSON = {"name": draw(st.sampled_from(names)), "input_schema": schema}
    if draw(st.booleans()):
        tool["description"] = draw(_TEXTS)
    return tool


def tools(*, names: Collection[str] = _TOOL_NAMES) -> st.SearchStrategy[JSON]:
    """
    Custom tool definitions that the API accepts.

    Each has a name, an object ``input_schema`` with up to three typed properties
    (some required), and sometimes a description.

    Args:
        names: Tool names to choose from; each must match ``^[a-zA-Z0-9_-]{1,128}$``.

    Examples shrink towards the first name with an empty ``properties`` object.

    .. versionadded:: 0.1.0
    """
    if isinstance(names, str) or not isinstance(names, Collection) or not names:
        msg = f"names={names!r} must be a non-empty collection of tool names"
        raise InvalidArgument(msg)
    bad = [n for n in names if not isinstance(n, str) or not re.fullmatch(r"[\w-]{1,128}", n)]
    bad += [n for n in names if isinstance(n, str) and not n.isascii()]
    if bad:
        msg = f"names holds {bad!r}, which the API does not accept as tool names"
        raise InvalidArgument(msg)
    return _tools(tuple(dict.fromkeys(names)))


def _tool_input(draw: st.DrawFn, tool: JSON) -> JSON:
    """An input matching *tool*'s schema: every required key, some optional ones."""
    schema = tool["input_schema"]
    required = set(schema.get("required", ()))
    out: JSON = {}
    for name, prop in schema["properties"].items():
        if name not in required and not draw(st.booleans()):
            continue
        kind = prop["type"]
        if kind == "string":
            out[name] = draw(_TEXTS)
        elif kind == "integer":
            out[name] = draw(st.integers(-(2**31), 2**31))
        else:
            out[name] = draw(st.booleans())
    return out


# -- conversations and requests ------------------------------------------------------------


def _thinking_block(draw: st.DrawFn) -> JSON:
    return {"type": "thinking", "thinking": draw(_TEXTS), "signature": _SIGNATURE}


def _user_blocks(draw: st.DrawFn, media: bool) -> list[JSON]:
    if not media:
        return [_text_block(draw(_TEXTS))]
    extra = draw(st.lists(content_blocks(types=("image", "document")), max_size=2))
    return [*extra, _text_block(draw(_TEXTS))]


def _content(draw: st.DrawFn, blocks: list[JSON]) -> str | list[JSON]:
    """A lone plain text block is sometimes written as a string, as clients do."""
    if len(blocks) == 1 and set(blocks[0]) == {"type", "text"} and draw(st.booleans()):
        text: str = blocks[0]["text"]
        return text
    return blocks


@st.composite
def _bodies(
    draw: st.DrawFn,
    *,
    model_ids: tuple[str, ...],
    max_turns: int,
    with_tools: bool | None,
    thinking: bool | str | None,
    end_in_tool_loop: bool | None,
    prefill: bool | None,
    split_turns: bool,
    extras: bool,
) -> JSON:
    model = draw(st.sampled_from(model_ids))
    caps = _capabilities(model)
    ceiling = _ceiling(caps)
    types = _thinking_types(caps)
    disabled_ok = caps is None or caps.capabilities.thinking.types.disabled is not False
    if thinking is None:
        # One draw, "off" first: examples shrink towards a request without thinking.
        thinking_type = draw(
            st.sampled_from((None, *types, *(("disabled",) if disabled_ok else ())))
        )
    elif thinking is False:
        thinking_type = "disabled" if disabled_ok and draw(st.booleans()) else None
        if caps is not None and caps.thinking_default == "adaptive":
            thinking_type = "disabled"  # it thinks unless told not to
    elif thinking is True:
        thinking_type = draw(st.sampled_from(types))
    else:
        thinking_type = thinking
    if thinking_type == "enabled" and ceiling <= 1024:
        thinking_type = None
    use_tools = draw(st.booleans()) if with_tools is None else with_tools
    if end_in_tool_loop:
        use_tools = True

    body: JSON = {"model": model}
    if thinking_type == "enabled":
        body["max_tokens"] = draw(st.integers(1025, ceiling))
        budget = draw(st.integers(1024, body["max_tokens"] - 1))
        body["thinking"] = {"type": "enabled", "budget_tokens": budget}
    else:
        body["max_tokens"] = draw(st.integers(1, ceiling))
        if thinking_type in ("adaptive", "disabled"):
            body["thinking"] = {"type": thinking_type}
            if thinking_type == "disabled":
                thinking_type = None  # from here on: thinking is off
        elif thinking_type is None and caps is not None and caps.thinking_default == "adaptive":
            thinking_type = "adaptive"  # no `thinking`: the model's default mode is on
    definitions: list[JSON] = []
    if use_tools:
        definitions = draw(st.lists(tools(), min_size=1, max_size=3, unique_by=lambda t: t["name"]))
        body["tools"] = definitions
        if draw(st.booleans()):
            forced_ok = not thinking_type and (caps is None or caps.forced_tool_choice is not False)
            choices = ["auto", "none", "any", "tool"] if forced_ok else ["auto", "none"]
            choice: JSON = {"type": draw(st.sampled_from(choices))}
            if choice["type"] == "tool":
                choice["name"] = draw(st.sampled_from([t["name"] for t in definitions]))
            body["tool_choice"] = choice

    # Turns as (role, blocks). Tool-use ids are drawn first, then answered in order.
    media = extras and draw(st.booleans())
    turns: list[tuple[str, list[JSON]]] = [("user", _user_blocks(draw, media))]
    rounds = draw(
        st.lists(st.booleans() if use_tools else st.just(False), max_size=(max_turns - 1) // 2)
    )
    ending = draw(st.booleans()) if end_in_tool_loop is None else end_in_tool_loop
    ending = ending and use_tools and max_turns >= 3
    if ending and (not rounds or not rounds[-1]):
        if len(rounds) * 2 + 3 > max_turns and rounds:
            rounds[-1] = True
        else:
            rounds.append(True)
    elif end_in_tool_loop is False and rounds and rounds[-1]:
        rounds[-1] = False
    tag = draw(st.text(_ID_CHARS, max_size=6))
    counter = itertools.count()
    for is_tool_round in rounds:
        content: list[JSON] = [_thinking_block(draw)] if thinking_type else []
        if is_tool_round:
            if draw(st.booleans()):
                content.append(_text_block(draw(_TEXTS)))
            calls = draw(st.lists(st.sampled_from(definitions), min_size=1, max_size=3))
            ids = [f"toolu_{tag}{next(counter):02d}" for _ in calls]
            for id_, tool in zip(ids, calls, strict=True):
                content.append(
                    {
                        "type": "tool_use",
                        "id": id_,
                        "name": tool["name"],
                        "input": _tool_input(draw, tool),
                    }
                )
            turns.append(("assistant", content))
            reply: list[JSON] = []
            for id_ in draw(st.permutations(ids)):
                result: JSON = {"type": "tool_result", "tool_use_id": id_}
                result["content"] = draw(
                    st.one_of(_TEXTS, st.lists(_TEXTS.map(_text_block), min_size=1, max_size=2))
                )
                if draw(st.integers(0, 4)) == 4:
                    result["is_error"] = draw(st.booleans())
                reply.append(result)
            if draw(st.booleans()):
                reply.append(_text_block(draw(_TEXTS)))
            turns.append(("user", reply))
        else:
            content.append(_text_block(draw(_TEXTS)))
            turns.append(("assistant", content))
            turns.append(("user", _user_blocks(draw, media and draw(st.booleans()))))
    may_prefill = (
        not thinking_type
        and not ending
        and (caps is None or caps.prefill is not False)
        and len(turns) < max_turns
    )
    if prefill or (prefill is None and may_prefill and draw(st.integers(0, 4)) == 4):
        turns.append(("assistant", [_text_block(draw(_TEXTS))]))
        _unforce_tool_choice(body)

    system: list[JSON] | None = None
    if extras and draw(st.booleans()):
        system = [_text_block(draw(_TEXTS)) for _ in range(draw(st.integers(1, 2)))]
    if extras:
        _place_breakpoints(draw, definitions, system, turns)
    if system is not None:
        body["system"] = _content(draw, system)
    body["messages"] = _messages(draw, turns, split=split_turns)
    if extras:
        _sampling(draw, body, caps, thinking_type)
    if split_turns:
        body = {k: body[k] for k in draw(st.permutations(list(body)))}
    return body


def _unforce_tool_choice(body: JSON) -> None:
    """A prefill rules out a forced tool call (`TOOL012`): let the model choose."""
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and choice.get("type") in ("any", "tool"):
        body["tool_choice"] = {"type": "auto"}


def _messages(draw: st.DrawFn, turns: list[tuple[str, list[JSON]]], *, split: bool) -> list[JSON]:
    messages: list[JSON] = []
    for role, blocks in turns:
        chunks = [blocks]
        if split and len(blocks) > 1:
            cuts = sorted(draw(st.sets(st.integers(1, len(blocks) - 1), max_size=2)))
            chunks = [blocks[i:j] for i, j in zip([0, *cuts], [*cuts, len(blocks)], strict=True)]
        for chunk in chunks:
            message = {"role": role, "content": _content(draw, chunk)}
            if split and draw(st.booleans()):  # key order as other clients write it
                message = {"content": message["content"], "role": role}
            messages.append(message)
    return messages


def _place_breakpoints(
    draw: st.DrawFn,
    definitions: list[JSON],
    system: list[JSON] | None,
    turns: list[tuple[str, list[JSON]]],
) -> None:
    """Up to four breakpoints in prompt order (tools, system, messages), 1h ones first."""
    spots: list[JSON] = [*definitions, *(system or [])]
    spots += [b for _, blocks in turns for b in blocks if b["type"] in ("text", "document")]
    if not spots or draw(st.integers(0, 2)) != 2:
        return
    chosen = sorted(
        draw(st.sets(st.integers(0, len(spots) - 1), min_size=1, max_size=_MAX_BREAKPOINTS))
    )
    long_ones = draw(st.integers(0, len(chosen)))
    for n, index in enumerate(chosen):
        control: JSON = {"type": "ephemeral"}
        if n < long_ones:
            control["ttl"] = "1h"
        elif draw(st.booleans()):
            control["ttl"] = "5m"
        spots[index]["cache_control"] = control


def _sampling(
    draw: st.DrawFn, body: JSON, caps: ModelCapabilities | None, thinking_type: str | None
) -> None:
    """Top-level extras: sampling parameters the model and thinking allow, and the rest."""
    if caps is None or caps.sampling_parameters is not False:
        # At most one of temperature and top_p: several models reject both (LIM002).
        which = draw(st.sampled_from((None, "temperature", "top_p")))
        if which == "temperature":
            body["temperature"] = 1 if thinking_type else draw(st.floats(0, 1))
        elif which == "top_p" and thinking_type != "adaptive":
            low = 0.95 if thinking_type == "enabled" else 0.0
            body["top_p"] = draw(st.floats(low, 1))
        if not thinking_type and draw(st.booleans()):
            body["top_k"] = draw(st.integers(1, 500))
    if draw(st.booleans()):
        body["stop_sequences"] = draw(st.lists(_TEXTS, max_size=3))
    if draw(st.booleans()):
        body["metadata"] = {"user_id": draw(_IDS)}
    if draw(st.booleans()):
        body["stream"] = draw(st.booleans())
    if draw(st.integers(0, 3)) == 3:
        body["service_tier"] = draw(st.sampled_from(("auto", "standard_only")))


def _checked_bodies(args: dict[str, Any], *, extras: bool) -> st.SearchStrategy[JSON]:
    """Check the arguments shared by `conversations` and `requests`; build the strategy."""
    max_turns, tools, thinking = args["max_turns"], args["tools"], args["thinking"]
    end_in_tool_loop, prefill = args["end_in_tool_loop"], args["prefill"]
    _check_int("max_turns", max_turns, 1)
    _check_optional_bool("tools", tools)
    _check_optional_bool("end_in_tool_loop", end_in_tool_loop)
    _check_optional_bool("prefill", prefill)
    _check_bool("split_turns", args["split_turns"])
    if not any(thinking is choice for choice in (None, True, False)) and thinking not in (
        "enabled",
        "adaptive",
    ):
        msg = f"thinking={thinking!r} must be one of {_THINKING_CHOICES!r}"
        raise InvalidArgument(msg)
    if end_in_tool_loop and tools is False:
        msg = "end_in_tool_loop=True needs tools; do not pass tools=False with it"
        raise InvalidArgument(msg)
    if end_in_tool_loop and max_turns < 3:
        msg = f"end_in_tool_loop=True needs max_turns >= 3, not {max_turns!r}"
        raise InvalidArgument(msg)
    if prefill and (end_in_tool_loop or thinking not in (None, False)):
        msg = "prefill=True rules out thinking and end_in_tool_loop (a prefill is plain text)"
        raise InvalidArgument(msg)
    if prefill and max_turns < 2:
        msg = f"prefill=True needs max_turns >= 2, not {max_turns!r}"
        raise InvalidArgument(msg)
    usable = _usable_models(_check_models(args["models"]), thinking, prefill)
    return _bodies(
        model_ids=usable,
        max_turns=max_turns,
        with_tools=tools,
        thinking=thinking,
        end_in_tool_loop=end_in_tool_loop,
        prefill=prefill,
        split_turns=args["split_turns"],
        extras=extras,
    )


def conversations(
    *,
    max_turns: int = 9,
    tools: bool | None = None,
    thinking: bool | str | None = None,
    models: Collection[str] | None = None,
    end_in_tool_loop: bool | None = None,
    prefill: bool | None = None,
    split_turns: bool = False,
) -> st.SearchStrategy[JSON]:
    """
    Request bodies holding an agentic conversation the API accepts.

    User and assistant turns alternate; in a tool round the ``tool_use`` ids are drawn
    first and every one is answered by a ``tool_result`` opening the next user turn;
    with thinking on, every assistant turn (so the final tool loop's too) starts with a
    ``thinking`` block.

    Only ``model``, ``max_tokens``, ``messages``, ``thinking``, ``tools`` and
    ``tool_choice`` are set; `requests` adds the rest.

    Args:
        max_turns: Most turns (merged messages) to draw, at least 1.
        tools: Whether the request defines tools (and may have tool rounds); drawn when
            None.
        thinking: ``True`` for any thinking type the model supports, ``"enabled"`` or
            ``"adaptive"`` for that type, ``False`` for none; drawn when None.
        models: Model ids to choose from; by default the capability table's current
            models. Each drawn body respects its model's ceiling and capabilities.
        end_in_tool_loop: Force the request to end (or not) with a user turn answering
            the previous assistant turn's tool calls; drawn when None.
        prefill: Force a final assistant text turn (prefill) or forbid one; drawn when
            None, and only on models that accept prefill.
        split_turns: Shape the body like a stored conversation: turns split into runs
            of same-role messages, keys in any order (the API merges the runs).

    Examples shrink towards one user message with one short text block.

    .. versionadded:: 0.1.0
    """
    return _checked_bodies(locals(), extras=False)


def requests(
    *,
    max_turns: int = 9,
    tools: bool | None = None,
    thinking: bool | str | None = None,
    models: Collection[str] | None = None,
    end_in_tool_loop: bool | None = None,
    prefill: bool | None = None,
    split_turns: bool = False,
) -> st.SearchStrategy[JSON]:
    """
    Request bodies (``POST /v1/messages``) the API accepts, every field drawn.

    Everything `conversations` draws, plus: images and documents in user turns, a
    ``system`` prompt, up to four cache breakpoints in prompt order with ``1h`` ones
    before ``5m`` ones, ``temperature`` *or* ``top_p`` (only 1 and >= 0.95 with
    thinking, none on models without sampling parameters), ``top_k`` without thinking,
    ``stop_sequences``, ``metadata.user_id``, ``stream`` and ``service_tier``.

    Args:
        max_turns: Most turns (merged messages) to draw, at least 1.
        tools: Whether the request defines tools; drawn when None.
        thinking: ``True``, ``False``, ``"enabled"``, ``"adaptive"`` or None (drawn).
        models: Model ids to choose from; by default the table's current models.
        end_in_tool_loop: Force the request to end (or not) in a tool loop.
        prefill: Force or forbid a final assistant prefill.
        split_turns: Shape the body like a stored conversation (see `conversations`).

    Examples shrink towards one user message with one short text block and no
    optional field.

    .. versionadded:: 0.1.0
    """
    return _checked_bodies(locals(), extras=True)


# -- responses and streams -----------------------------------------------------------------


@st.composite
def _response_blocks(draw: st.DrawFn, types: tuple[str, ...]) -> JSON:
    kind = draw(st.sampled_from(types))
    if kind == "text":
        return {"type": "text", "text": draw(_ANY_TEXT)}
    if kind == "thinking":
        return {"type": "thinking", "thinking": draw(_ANY_TEXT), "signature": draw(_IDS)}
    if kind == "compaction":
        # A null summary is a compaction that failed; the API still sends the block.
        block: JSON = {"type": "compaction", "content": draw(st.none() | _ANY_TEXT)}
        if draw(st.booleans(), label="encrypted_content"):
            block["encrypted_content"] = draw(_IDS)
        return block
    call: JSON = {
        "type": kind,
        "id": ("mcptoolu_" if kind == "mcp_tool_use" else "toolu_") + draw(_IDS),
        "name": draw(st.sampled_from(("get_weather", "search", "calculator"))),
        "input": draw(st.dictionaries(_ANY_TEXT, _JSON_VALUES, max_size=4)),
    }
    if kind == "mcp_tool_use":
        call["server_name"] = draw(st.sampled_from(("docs", "tickets")))
    return call


@st.composite
def _responses(
    draw: st.DrawFn, models: tuple[str, ...], types: tuple[str, ...], max_blocks: int
) -> JSON:
    content = draw(st.lists(_response_blocks(types), max_size=max_blocks))
    reason = draw(st.sampled_from(_STOP_REASONS))
    usage: JSON = {
        "input_tokens": draw(st.integers(0, 10**6)),
        "output_tokens": draw(st.integers(1, 10**5)),
    }
    if draw(st.booleans()):
        usage["cache_creation_input_tokens"] = draw(st.integers(0, 10**5))
        usage["cache_read_input_tokens"] = draw(st.integers(0, 10**5))
    return {
        "id": "msg_" + draw(_IDS),
        "type": "message",
        "role": "assistant",
        "model": draw(st.sampled_from(models)),
        "content": content,
        "stop_reason": reason,
        "stop_sequence": draw(_ANY_TEXT) if reason == "stop_sequence" else None,
        "usage": usage,
    }


def responses(
    *,
    models: Collection[str] | None = None,
    block_types: Collection[str] = _RESPONSE_BLOCK_TYPES,
    max_blocks: int = 4,
) -> st.SearchStrategy[JSON]:
    """
    Complete ``Message`` objects as the API returns them.

    Content holds ``text``, ``tool_use`` (any JSON input) and ``thinking`` blocks with
    any Unicode text; then usage (sometimes with cache counts), a stop reason and, for
    ``stop_sequence``, the sequence. The beta blocks ``mcp_tool_use`` and ``compaction``
    (a summary, or null for a failed compaction) are drawn only when *block_types* names
    them.

    Args:
        models: Model ids to choose from; by default the table's current models.
        block_types: Block types to draw, a non-empty subset of ``("text", "tool_use",
            "thinking", "mcp_tool_use", "compaction")``; by default the first three.
        max_blocks: Most content blocks, at least 0.

    Examples shrink towards an empty message that stopped at ``end_turn``.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 *block_types* may name ``mcp_tool_use`` and ``compaction``.
    """
    chosen = _check_models(models)
    types = _check_subset(
        "block_types", block_types, (*_RESPONSE_BLOCK_TYPES, *_BETA_RESPONSE_BLOCK_TYPES)
    )
    _check_int("max_blocks", max_blocks, 0)
    return _responses(chosen, types, max_blocks)


def _split_text(draw: st.DrawFn, text: str) -> list[str]:
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=4))))
    return [text[i:j] for i, j in zip([0, *cuts], [*cuts, len(text)], strict=True)]


@st.composite
def _rendered(draw: st.DrawFn, message: JSON | None, pings: bool) -> list[JSON]:
    """The event sequence the API would stream for *message*, with random chunking."""
    import orjson

    if message is None:
        message = draw(responses())
    start = copy.deepcopy(message)
    start.update(content=[], stop_reason=None, stop_sequence=None)
    start["usage"] = {**message["usage"], "output_tokens": 1}
    events: list[JSON] = [{"type": "message_start", "message": start}]
    for i, block in enumerate(message["content"]):
        kind = block["type"]
        deltas: list[JSON] = []
        if kind == "text":
            head: JSON = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": p} for p in _split_text(draw, block["text"])]
        elif kind == "thinking":
            head = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [
                {"type": "thinking_delta", "thinking": p}
                for p in _split_text(draw, block["thinking"])
            ]
            deltas.append({"type": "signature_delta", "signature": block["signature"]})
        elif kind == "compaction":
            # The API starts the block empty and sends the summary in one delta.
            head = {"type": "compaction", "content": None}
            deltas = [{"type": "compaction_delta", **{k: v for k, v in block.items()
                                                      if k != "type"}}]
        elif draw(st.booleans(), label="whole tool input in content_block_start"):
            head = copy.deepcopy(block)
        else:
            head = {**block, "input": {}}
            text = orjson.dumps(block["input"]).decode()
            deltas = [
                {"type": "input_json_delta", "partial_json": p}
                for p in ["", *_split_text(draw, text)]
            ]
        events.append({"type": "content_block_start", "index": i, "content_block": head})
        events += [{"type": "content_block_delta", "index": i, "delta": d} for d in deltas]
        events.append({"type": "content_block_stop", "index": i})
    events.append(
        {
            "type": "message_delta",
            "delta": {
                "stop_reason": message["stop_reason"],
                "stop_sequence": message["stop_sequence"],
            },
            "usage": {"output_tokens": message["usage"]["output_tokens"]},
        }
    )
    if pings:
        for _ in range(draw(st.integers(0, 2), label="pings")):
            events.insert(draw(st.integers(1, len(events))), {"type": "ping"})
    events.append({"type": "message_stop"})
    return events


def stream_events(
    *, message: JSON | None = None, pings: bool = True
) -> st.SearchStrategy[list[JSON]]:
    """
    Complete event sequences of one streamed response, as the API sends them.

    The events are ``message_start``, per block a start, deltas and a stop (text and tool-input JSON
    split at random points, tool input sometimes whole in the start event),
    ``message_delta``, ``message_stop``, and ``ping`` events anywhere in between.

    Accumulating the events (`messages_schema.stream.StreamAccumulator`) rebuilds the
    message they were rendered from.

    Args:
        message: Render this ``Message`` object; by default one drawn from `responses`.
        pings: Whether ``ping`` events may be inserted.

    Examples shrink towards the five events of an empty message, without pings.

    .. versionadded:: 0.1.0
    """
    if message is not None and (
        not isinstance(message, dict) or not isinstance(message.get("content"), list)
    ):
        msg = f"message={message!r} must be a Message object (a dict with a content list)"
        raise InvalidArgument(msg)
    _check_bool("pings", pings)
    return _rendered(message, pings)


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

#: Rule codes `invalid_requests` knows a mutation for, sorted.
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


# -- documents that follow the shipped schemas ---------------------------------------------

#: Nested containers drawn in full before `schema_documents` stops growing documents.
_MAX_DEPTH: Final = 6
#: Longest array drawn below the depth limit.
_MAX_ITEMS: Final = 3
_STEM_OF_KIND: Final = {
    "request": "request",
    "response": "response",
    "stream_event": "stream-event",
    "count_tokens": "count-tokens",
    "batch_request": "batch-request",
    "batch_result": "batch-result",
    "error": "error",
}
_PATTERN: Final = re.compile(r"^\^\[a-zA-Z0-9_-\](?:\+|\{(\d+),(\d+)\})\$$")
_PATTERN_ALPHABET: Final = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
_UNKNOWN_KEYS: Final = ("x_unknown_field", "x_new_in_2027")
_SCHEMA_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
_SCHEMA_JSON = st.recursive(
    _SCHEMA_LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def schema_documents(kind: str = "request") -> st.SearchStrategy[Any]:
    """
    Documents of *kind* that the shipped JSON Schema accepts, drawn by walking it.

    Beta-only parts of the request schema are left out (the schema as the API applies
    it without an ``anthropic-beta`` header, `messages_schema.schemas.view`).

    ``$ref`` is resolved offline, a tagged union draws one member, ``anyOf`` one
    branch; required properties are always drawn and optional ones sometimes;
    ``const``, ``enum``, bounds, ``maxLength`` and the schemas' id ``pattern``s are
    respected. Open objects (responses, events) sometimes gain an unknown key. Only
    structure is promised: the semantic rules (tool pairing, thinking order...) may
    well fire; use `requests` for bodies the API accepts.

    Args:
        kind: A lint kind with a schema: ``request``, ``response``, ``stream_event``,
            ``count_tokens``, ``batch_request``, ``batch_result`` or ``error``.

    Nesting is bounded. Examples shrink towards the required keys only, with empty
    strings and arrays.

    .. versionadded:: 0.1.0
    """
    if kind not in _STEM_OF_KIND:
        msg = f"kind={kind!r} must be one of {tuple(_STEM_OF_KIND)!r}"
        raise InvalidArgument(msg)
    stem = _STEM_OF_KIND[kind]
    # The schema as the API applies it without `anthropic-beta`: no beta-only parts.
    return _schema_node(_freeze(schemas.shared_view(stem)), stem, 0)


class _Frozen(tuple):  # type: ignore[type-arg]
    """A schema object as a tuple of (key, value) pairs, hashable; ``get`` like a dict."""

    __slots__ = ()

    def __new__(cls, items: Any) -> _Frozen:
        return super().__new__(cls, tuple(items))

    def get(self, key: str, default: Any = None) -> Any:
        for k, v in self:
            if k == key:
                return v
        return default

    def __contains__(self, key: object) -> bool:
        return any(k == key for k, _ in self)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return _Frozen((k, _freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, _Frozen):
        return {k: _thaw(v) for k, v in value}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def _resolve(ref: str, stem: str) -> tuple[_Frozen, str]:
    doc, _, fragment = ref.partition("#")
    if doc:
        stem = doc.removesuffix(".schema.json")
    return _freeze(schemas.definition(f"{stem}.schema.json#{fragment}", frozenset())), stem


@functools.cache
def _schema_node(node: _Frozen, stem: str, depth: int) -> st.SearchStrategy[Any]:
    if "$ref" in node and "properties" not in node:
        target, target_stem = _resolve(node.get("$ref"), stem)
        return st.deferred(lambda: _schema_node(target, target_stem, depth))
    if "discriminator" in node:
        mapping = _thaw(node.get("discriminator")).get("mapping", {})
        targets = list(dict.fromkeys(mapping.values()))
        return st.sampled_from(targets).flatmap(
            lambda ref: _schema_node(_freeze({"$ref": ref}), stem, depth)
        )
    if "anyOf" in node:
        members = node.get("anyOf")
        if depth >= _MAX_DEPTH:
            scalars = tuple(
                m for m in members if "$ref" not in m and m.get("type") not in ("array", "object")
            )
            members = scalars or members
        return st.one_of([_schema_node(m, stem, depth) for m in members])
    if "const" in node:
        return st.just(_thaw(node.get("const")))
    if "enum" in node:
        return st.sampled_from([_thaw(v) for v in node.get("enum")])
    declared = node.get("type")
    if declared == "string":
        return _schema_string(node)
    if declared == "integer":
        return st.integers(node.get("minimum", -(2**31)), node.get("maximum", 2**31))
    if declared == "number":
        low, high = node.get("minimum"), node.get("maximum")
        return st.one_of(
            st.integers(low if low is not None else -(2**31), high if high is not None else 2**31),
            st.floats(low, high, allow_nan=False, allow_infinity=False),
        )
    if declared == "boolean":
        return st.booleans()
    if declared == "null":
        return st.none()
    if declared == "array":
        items = node.get("items")
        inner = _SCHEMA_JSON if items is None else _schema_node(items, stem, depth + 1)
        return st.lists(inner, max_size=_MAX_ITEMS if depth < _MAX_DEPTH else 0)
    if declared == "object" or "properties" in node:
        return _schema_object(node, stem, depth)
    return _SCHEMA_JSON


def _schema_string(node: _Frozen) -> st.SearchStrategy[str]:
    pattern = node.get("pattern")
    max_length = node.get("maxLength")
    if pattern is not None:
        match = _PATTERN.match(pattern)
        if match is None:
            msg = f"the strategy does not know the pattern {pattern!r}"
            raise NotImplementedError(msg)
        low = int(match.group(1)) if match.group(1) else 1
        high = int(match.group(2)) if match.group(2) else 24
        if max_length is not None:
            high = min(high, max_length)
        return st.text(_PATTERN_ALPHABET, min_size=low, max_size=min(high, 24))
    if node.get("format") == "date-time":
        return st.datetimes().map(lambda d: d.isoformat() + "Z")
    return st.text(max_size=min(max_length, 12) if max_length is not None else 12)


def _schema_merged(
    node: _Frozen, stem: str
) -> tuple[dict[str, tuple[_Frozen, str]], list[str], bool]:
    """Properties (with the stem each is relative to), required names, closedness."""
    props: dict[str, tuple[_Frozen, str]] = {}
    required: list[str] = []
    closed = node.get("additionalProperties") is False
    for member in node.get("allOf", ()):
        if "$ref" in member:
            target, target_stem = _resolve(member.get("$ref"), stem)
            sub_props, sub_required, sub_closed = _schema_merged(target, target_stem)
            props.update(sub_props)
            required += sub_required
            closed = closed or sub_closed
    for name, prop in node.get("properties", ()):
        props[name] = (prop, stem)
    required += list(node.get("required", ()))
    return props, required, closed


def _schema_object(node: _Frozen, stem: str, depth: int) -> st.SearchStrategy[Any]:
    props, required, closed = _schema_merged(node, stem)
    if not props:
        return st.dictionaries(st.text(max_size=6), _SCHEMA_JSON, max_size=3)
    required_strats = {
        name: _schema_node(prop, prop_stem, depth + 1)
        for name, (prop, prop_stem) in props.items()
        if name in required
    }
    optional_strats = (
        {
            name: _schema_node(prop, prop_stem, depth + 1)
            for name, (prop, prop_stem) in props.items()
            if name not in required
        }
        if depth < _MAX_DEPTH
        else {}
    )
    base = st.fixed_dictionaries(required_strats, optional=optional_strats)
    if closed or depth >= _MAX_DEPTH:
        return base
    unknown = st.dictionaries(st.sampled_from(_UNKNOWN_KEYS), _SCHEMA_LEAF, max_size=1)
    return st.builds(lambda known, extra: {**known, **extra}, base, unknown)


# -- st.from_type ---------------------------------------------------------------------------


def _as(cls: type[Any]) -> Callable[[Any], Any]:
    return lambda document: structure(document, cls)


def _blocks_as(cls: type[Any], kind: str) -> st.SearchStrategy[Any]:
    return content_blocks(types=(kind,)).map(_as(cls))


def _response_blocks_as(cls: type[Any], kind: str) -> st.SearchStrategy[Any]:
    return _response_blocks((kind,)).map(_as(cls))


def _messages_as(cls: type[Any], role: str) -> st.SearchStrategy[Any]:
    def of_role(body: JSON) -> list[JSON]:
        return [m for m in body["messages"] if m["role"] == role]

    return (
        conversations(max_turns=3, prefill=role == "assistant" or None, thinking=False)
        .map(of_role)
        .flatmap(st.sampled_from)
        .map(_as(cls))
    )


def model_strategy(cls: type[Any]) -> st.SearchStrategy[Any]:
    """
    The strategy `st.from_type` uses for the model class *cls*.

    ``models.Message`` draws `responses` structured into models,
    ``models.MessageCreateParams`` draws `requests`, the request block and message
    classes draw from `content_blocks` and `conversations`, ``models.ToolParam`` from
    `tools`, and the response block classes from the blocks of `responses`. The
    ``hypothesis`` entry point (`messages_schema.models._hypothesis`) registers these
    for the classes in `FROM_TYPE_MODELS`.

    Raises:
        InvalidArgument: *cls* is not one of `FROM_TYPE_MODELS`.

    .. versionadded:: 0.2.0
    """
    builders: dict[type[Any], Callable[[], st.SearchStrategy[Any]]] = {
        models.Message: lambda: responses().map(_as(models.Message)),
        models.MessageCreateParams: lambda: requests().map(_as(models.MessageCreateParams)),
        models.ToolParam: lambda: tools().map(_as(models.ToolParam)),
        models.TextBlockParam: lambda: _blocks_as(models.TextBlockParam, "text"),
        models.ImageBlockParam: lambda: _blocks_as(models.ImageBlockParam, "image"),
        models.DocumentBlockParam: lambda: _blocks_as(models.DocumentBlockParam, "document"),
        models.TextBlock: lambda: _response_blocks_as(models.TextBlock, "text"),
        models.ToolUseBlock: lambda: _response_blocks_as(models.ToolUseBlock, "tool_use"),
        models.ThinkingBlock: lambda: _response_blocks_as(models.ThinkingBlock, "thinking"),
        models.UserMessageParam: lambda: _messages_as(models.UserMessageParam, "user"),
        models.AssistantMessageParam: lambda: _messages_as(
            models.AssistantMessageParam, "assistant"
        ),
    }
    builder = builders.get(cls)
    if builder is None:
        msg = f"cls={cls!r} is not one of the models with a registered strategy"
        raise InvalidArgument(msg)
    return builder()
