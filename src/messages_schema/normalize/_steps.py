"""
The normalize steps: pure rewrites of a request body, and their composition.

What each step does and why (with the evidence) is told in `messages_schema.normalize`.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeAlias

from messages_schema._types import JSONObject, JSONValue
from messages_schema.schemas import _walk, shared

__all__ = [
    "SAFE_STEPS",
    "STEPS",
    "UNSAFE_STEPS",
    "canonical_key_order",
    "merge_same_role",
    "normalize_batch_request",
    "normalize_request",
    "string_content_to_blocks",
    "tool_results_first",
]

Step: TypeAlias = Callable[[Any], Any]

#: Roles the API merges when they repeat.
_MERGEABLE_ROLES: Final = frozenset({"user", "assistant"})
#: Roles whose string content is shorthand for one text block.
_BLOCK_ROLES: Final = frozenset({"user", "assistant", "system"})
_MESSAGE_KEYS: Final = frozenset({"role", "content"})


def _text_block(text: str) -> JSONObject:
    return {"type": "text", "text": text}


def _role(message: dict[str, Any]) -> str | None:
    """A message's ``role`` when it is a string; anything else (a list, an object) is None."""
    role = message.get("role")
    return role if isinstance(role, str) else None


# -- step 1: strings to blocks -----------------------------------------------------------


def _blocks_of_tool_results(content: list[Any]) -> list[Any]:
    """Return *content* with string ``tool_result.content`` as one text block."""
    out: list[Any] | None = None
    for i, block in enumerate(content):
        if (
            isinstance(block, dict)
            and block.get("type") == "tool_result"
            and isinstance(block.get("content"), str)
            and block["content"] != ""
        ):
            if out is None:
                out = list(content)
            new = dict(block)
            new["content"] = [_text_block(block["content"])]
            out[i] = new
    return content if out is None else out


def string_content_to_blocks(document: JSONObject) -> JSONObject:
    """
    Return *document* with string content written as one ``text`` block.

    Converted: ``messages[].content`` of ``user``, ``assistant`` and ``system``
    messages, the top-level ``system``, and ``tool_result.content``. The empty string
    is left alone everywhere: the API reads ``""`` as empty content, but
    ``[{"type": "text", "text": ""}]`` as an empty text block, which it rejects even
    where empty content is allowed (the final assistant message).

    Args:
        document: A decoded request body. It is not modified.

    Returns:
        The rewritten body; unchanged parts are shared with *document*.

    .. versionadded:: 0.1.0
    """
    if not isinstance(document, dict):
        return document
    out = dict(document)
    system = document.get("system")
    if isinstance(system, str) and system != "":
        out["system"] = [_text_block(system)]
    messages = document.get("messages")
    if isinstance(messages, list):
        new_messages: list[Any] | None = None
        for i, message in enumerate(messages):
            if not isinstance(message, dict) or _role(message) not in _BLOCK_ROLES:
                continue
            content = message.get("content")
            if isinstance(content, str):
                if content == "":
                    continue
                new_content: Any = [_text_block(content)]
            elif isinstance(content, list):
                new_content = _blocks_of_tool_results(content)
                if new_content is content:
                    continue
            else:
                continue
            if new_messages is None:
                new_messages = list(messages)
            new_message = dict(message)
            new_message["content"] = new_content
            new_messages[i] = new_message
        if new_messages is not None:
            out["messages"] = new_messages
    return out


# -- step 2: merge same-role runs --------------------------------------------------------


def _mergeable(message: Any) -> bool:
    """Whether *message* can join a run: a known role, only role and content, non-empty."""
    if not isinstance(message, dict) or _role(message) not in _MERGEABLE_ROLES:
        return False
    if not message.keys() <= _MESSAGE_KEYS:
        return False
    content = message.get("content")
    return (isinstance(content, str) or isinstance(content, list)) and len(content) > 0  # noqa: SIM101 - faster than a union


def _as_blocks(content: str | list[Any]) -> list[Any]:
    return [_text_block(content)] if isinstance(content, str) else content


def merge_same_role(document: JSONObject) -> JSONObject:
    """
    Return *document* with each run of same-role messages combined into one.

    ``user`` after ``user`` and ``assistant`` after ``assistant`` are combined the way
    the API combines them: content blocks concatenated in order (string content
    counts as one text block). Blocks are never reordered or altered, so thinking
    blocks and their signatures survive untouched.

    Never merged, and never merged across: ``system`` messages, unknown roles,
    messages with keys other than ``role`` and ``content``, and messages whose
    content is empty or not a string or list (the API reports those at their own
    index).

    Args:
        document: A decoded request body. It is not modified.

    Returns:
        The rewritten body; unchanged messages are shared with *document*.

    .. versionadded:: 0.1.0
    """
    if not isinstance(document, dict):
        return document
    messages: Any = document.get("messages")
    if not isinstance(messages, list):
        return dict(document)
    # The role a message may be merged under, or None for a boundary.
    roles = [m["role"] if _mergeable(m) else None for m in messages]
    out_messages: list[Any] = []
    changed = False
    i, n = 0, len(messages)
    while i < n:
        message = messages[i]
        role = roles[i]
        j = i + 1
        if role is not None:
            while j < n and roles[j] == role:
                j += 1
        if j - i == 1:
            out_messages.append(message)
        else:
            changed = True
            blocks: list[Any] = []
            for k in range(i, j):
                blocks.extend(_as_blocks(messages[k]["content"]))
            merged = dict(message)
            merged["content"] = blocks
            out_messages.append(merged)
        i = j
    out = dict(document)
    if changed:
        out["messages"] = out_messages
    return out


# -- unsafe step: tool_result blocks first ------------------------------------------------


def tool_results_first(document: JSONObject) -> JSONObject:
    """
    Return *document* with each user message's ``tool_result`` blocks moved first.

    A stable partition: the ``tool_result`` blocks keep their relative order, and so
    do the other blocks. This is an **unsafe** step. The API requires the results
    for the previous turn's ``tool_use`` blocks to open the next user turn, and it
    does not reorder them itself (QwenLM/qwen-code#8165, 2026-07-30). So whenever
    this step changes anything the input was already rejected (a result after text
    is either misplaced or orphaned) and the output shows the model the blocks in
    a different order than written; a repair, not a normalization.

    Args:
        document: A decoded request body. It is not modified.

    Returns:
        The rewritten body; unchanged messages are shared with *document*.

    .. versionadded:: 0.1.0
    """
    if not isinstance(document, dict):
        return document
    out = dict(document)
    messages = document.get("messages")
    if not isinstance(messages, list):
        return out
    new_messages: list[Any] | None = None
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if not isinstance(content, list):
            continue
        results = [b for b in content if isinstance(b, dict) and b.get("type") == "tool_result"]
        if not results:
            continue
        rest = [b for b in content if not (isinstance(b, dict) and b.get("type") == "tool_result")]
        reordered = results + rest
        if all(a is b for a, b in zip(reordered, content, strict=True)):
            continue
        if new_messages is None:
            new_messages = list(messages)
        new_message = dict(message)
        new_message["content"] = reordered
        new_messages[i] = new_message
    if new_messages is not None:
        out["messages"] = new_messages
    return out


# -- step 3: canonical key order ----------------------------------------------------------


class _Shape:
    """How to order one kind of node; the base class leaves the node alone."""

    __slots__ = ()

    def order(self, value: Any) -> Any:
        return value


_LEAF: Final = _Shape()


class _Object(_Shape):
    """A closed object: known keys in order, then unknown keys as they came."""

    __slots__ = ("children", "keys", "plans")

    #: Most key layouts remembered per shape (objects with many unknown keys vary).
    MAX_PLANS: Final = 256

    def __init__(self, keys: tuple[str, ...], children: dict[str, _Shape]) -> None:
        self.keys = keys
        self.children = children
        self.plans: dict[tuple[str, ...], tuple[tuple[str, ...] | None, tuple[Any, ...]]] = {}

    def _plan(self, layout: tuple[str, ...]) -> tuple[tuple[str, ...] | None, tuple[Any, ...]]:
        """For one layout of keys: the new order (None if unchanged) and the keys to walk."""
        present = set(layout)
        known = [k for k in self.keys if k in present]
        ordered = (*known, *(k for k in layout if k not in self.children))
        walk = tuple((k, self.children[k]) for k in known if self.children[k] is not _LEAF)
        plan = (None if ordered == layout else ordered, walk)
        if len(self.plans) < self.MAX_PLANS:
            self.plans[layout] = plan
        return plan

    def order(self, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        layout = tuple(value)
        plan = self.plans.get(layout) or self._plan(layout)
        reorder, walk = plan
        changed: dict[str, Any] | None = None
        for key, shape in walk:
            old = value[key]
            new = shape.order(old)
            if new is not old:
                if changed is None:
                    changed = {}
                changed[key] = new
        if reorder is None:
            return value if changed is None else {**value, **changed}
        if changed is None:
            return {k: value[k] for k in reorder}
        return {k: changed[k] if k in changed else value[k] for k in reorder}


class _Array(_Shape):
    __slots__ = ("items",)

    def __init__(self, items: _Shape) -> None:
        self.items = items

    def order(self, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        order = self.items.order
        out: list[Any] | None = None
        for i, old in enumerate(value):
            new = order(old)
            if new is not old:
                if out is None:
                    out = list(value)
                out[i] = new
        return value if out is None else out


class _Union(_Shape):
    """Objects told apart by a discriminator key (``type`` or ``role``)."""

    __slots__ = ("default", "key", "mapping")

    def __init__(self, key: str, mapping: dict[Any, _Shape], default: _Shape | None) -> None:
        self.key = key
        self.mapping = mapping
        self.default = default

    def order(self, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        tag = value.get(self.key)
        shape = self.mapping.get(tag) if isinstance(tag, str) else None
        if shape is None and (tag is None) and self.default is not None:
            shape = self.default
        return value if shape is None else shape.order(value)


class _ByJSONType(_Shape):
    """``anyOf`` of a string, an object and an array (content unions): by the value's type."""

    __slots__ = ("array", "obj")

    def __init__(self, obj: _Shape, array: _Shape) -> None:
        self.obj = obj
        self.array = array

    def order(self, value: Any) -> Any:
        if isinstance(value, dict):
            return self.obj.order(value)
        if isinstance(value, list):
            return self.array.order(value)
        return value


class _Compiler:
    """Turns the request schema into `_Shape` trees, once per definition."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.defs: Mapping[str, Any] = schema["$defs"]
        self.by_ref: dict[tuple[str, str | None], _Shape] = {}

    def ref(self, ref: str, first: str | None = None) -> _Shape:
        name = ref.rsplit("/", 1)[-1]
        key = (name, first)
        shape = self.by_ref.get(key)
        if shape is None:
            # Placeholder for recursive definitions, patched below.
            holder = _Forward()
            self.by_ref[key] = holder
            shape = self.node(self.defs[name], first)
            holder.target = shape
            self.by_ref[key] = shape
        return shape

    def node(self, node: Mapping[str, Any], first: str | None = None) -> _Shape:
        if "$ref" in node:
            return self.ref(node["$ref"], first)
        tagged = _walk.tag_mapping(node)
        if tagged is not None:
            key = tagged[0]
            mapping = {tag: self.ref(ref, key) for tag, ref in tagged[1].items()}
            default = None
            for branch in node.get("allOf", ()):
                cond = branch.get("if", {})
                if any(c.get("not", {}).get("required") == [key] for c in cond.get("anyOf", ())):
                    default = self.ref(branch["then"]["$ref"], key)
            return _Union(key, mapping, default)
        if "anyOf" in node:
            objects = [b for b in node["anyOf"] if _is_object_schema(b)]
            arrays = [b for b in node["anyOf"] if b.get("type") == "array"]
            if len(objects) > 1 or len(arrays) > 1 or not (objects or arrays):
                return _LEAF
            return _ByJSONType(
                self.node(objects[0]) if objects else _LEAF,
                self.node(arrays[0]) if arrays else _LEAF,
            )
        if node.get("type") == "array" and "items" in node:
            items = self.node(node["items"])
            return _LEAF if items is _LEAF else _Array(items)
        props = node.get("properties")
        if props and node.get("additionalProperties") is False:
            names = list(props)
            lead = [k for k in (first, "type") if k is not None and k in props]
            keys = tuple(dict.fromkeys([*lead, *names]))
            children = {k: self.node(v) for k, v in props.items()}
            return _Object(keys, children)
        # Open objects (tool ``input``, ``input_schema``, ``metadata``-like maps) and
        # scalars keep their own order: their keys may mean something to the model.
        return _LEAF


class _Forward(_Shape):
    __slots__ = ("target",)

    def __init__(self) -> None:
        self.target: _Shape = _LEAF

    def order(self, value: Any) -> Any:
        return self.target.order(value)


def _is_object_schema(node: Mapping[str, Any]) -> bool:
    return node.get("type") == "object" or "$ref" in node or "discriminator" in node


@functools.cache
def _request_shape() -> _Shape:
    return _Compiler(shared("request")).ref("#/$defs/MessageCreateParams")


def canonical_key_order(document: JSONObject) -> JSONObject:
    """
    Return *document* with object keys in a stable order, for small diffs.

    The order comes from the request schema: the body's keys in declaration order
    of ``MessageCreateParams`` (``max_tokens``, ``messages``, ``model``, ...), a
    message's ``role`` first then ``content``, a block's ``type`` first then the
    rest of its shape's keys. Unknown keys are kept, after the known ones, in their
    original order. Open objects (a ``tool_use`` ``input``, a tool's
    ``input_schema``) are left exactly as they are: the model reads them. Nothing
    but order changes: values, numbers (``1.0`` stays a float), strings and
    ``cache_control`` placement are untouched.

    Args:
        document: A decoded request body. It is not modified.

    Returns:
        The reordered body; subtrees already in order are shared with *document*.

    .. versionadded:: 0.1.0
    """
    if not isinstance(document, dict):
        return document
    out = _request_shape().order(document)
    return dict(out) if out is document else out


# -- composition --------------------------------------------------------------------------

#: The safe steps, in the order `normalize_request` runs them.
SAFE_STEPS: Final[tuple[str, ...]] = (
    "string_content_to_blocks",
    "merge_same_role",
    "canonical_key_order",
)
#: Steps that may change what the model sees; run only when asked.
UNSAFE_STEPS: Final[tuple[str, ...]] = ("tool_results_first",)
#: Every step by name (a `Fix` may name one in ``step``).
STEPS: Final[Mapping[str, Step]] = {
    "string_content_to_blocks": string_content_to_blocks,
    "merge_same_role": merge_same_role,
    "tool_results_first": tool_results_first,
    "canonical_key_order": canonical_key_order,
}


def normalize_request(document: JSONObject, *, unsafe: bool = False) -> JSONObject:
    """
    Return a copy of *document* rewritten into the form the API itself uses.

    Safe steps always run: string ``content`` becomes one ``text`` block (the empty
    string excepted), consecutive same-role turns are merged, keys are put in a
    canonical order. Unsafe steps (moving ``tool_result`` blocks first in a user
    turn) run only with *unsafe*.

    Args:
        document: A decoded ``/v1/messages`` request body. It is not modified. A
            value that is not an object is returned as it is.
        unsafe: Also run the steps that can change what the model sees.

    Returns:
        A new request body. Normalizing twice gives the same result. Unchanged
        subtrees are shared with *document*.

    .. versionadded:: 0.1.0
    """
    if not isinstance(document, dict):
        return document
    out = string_content_to_blocks(document)
    out = merge_same_role(out)
    if unsafe:
        out = tool_results_first(out)
    return canonical_key_order(out)


def normalize_batch_request(item: JSONObject, *, unsafe: bool = False) -> JSONObject:
    """
    Return a batch request item ``{custom_id, params}`` with its ``params`` normalized.

    ``custom_id`` comes first, then ``params``, then any unknown keys as they came.
    An item whose ``params`` is not an object is returned with only its keys ordered.

    .. versionadded:: 0.1.0
    """
    if not isinstance(item, dict):
        return item
    out: dict[str, JSONValue] = {}
    for key in ("custom_id", "params"):
        if key in item:
            out[key] = item[key]
    for key, value in item.items():
        out.setdefault(key, value)
    params = out.get("params")
    if isinstance(params, dict):
        out["params"] = normalize_request(params, unsafe=unsafe)
    return out
