"""Valid payloads by construction: blocks, tools, conversations, requests, responses, streams."""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Collection
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from messages_schema._capabilities import ModelCapabilities
from messages_schema.strategies._common import (
    _ANY_TEXT,
    _BETA_RESPONSE_BLOCK_TYPES,
    _BLOCK_TYPES,
    _GIF_1X1,
    _ID_CHARS,
    _IDS,
    _JSON_VALUES,
    _MAX_BREAKPOINTS,
    _PROPERTY_TYPES,
    _RESPONSE_BLOCK_TYPES,
    _SIGNATURE,
    _STOP_REASONS,
    _TEXTS,
    _THINKING_CHOICES,
    _TOOL_NAMES,
    JSON,
    _b64,
    _capabilities,
    _ceiling,
    _check_bool,
    _check_int,
    _check_models,
    _check_optional_bool,
    _check_subset,
    _pdf,
    _png,
    _text_block,
    _thinking_types,
    _usable_models,
)

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
