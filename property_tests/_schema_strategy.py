"""
Hypothesis strategies that draw documents valid under OUR schemas, by walking them.

`documents(kind)` reads the shipped entry schema of *kind* and builds a strategy from
its nodes: ``$ref`` is resolved through `messages_schema.schemas.definition`, a
tagged union (``discriminator``) draws one member, ``anyOf`` one branch; required
properties are always drawn and optional ones sometimes; ``const``/``enum``,
``minimum``/``maximum``, ``maxLength`` and the few ``pattern``s the schemas use are
respected. Open objects (response shapes) sometimes gain an unknown key, so the
"unknown keys are kept" path is exercised too.

Depth is bounded: past `MAX_DEPTH` nested containers, optional properties are
left out, arrays are empty and ``anyOf`` prefers its scalar branches. Examples shrink
towards the required keys only, with empty strings and arrays.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from hypothesis import strategies as st

from messages_schema import schemas

#: Nested containers drawn in full before the strategy stops growing documents.
MAX_DEPTH = 6
#: Longest array drawn below the depth limit.
MAX_ITEMS = 3

_STEM_OF_KIND = {
    "request": "request",
    "response": "response",
    "stream_event": "stream-event",
    "count_tokens": "count-tokens",
    "batch_request": "batch-request",
    "batch_result": "batch-result",
    "error": "error",
}
_PATTERN = re.compile(r"^\^\[a-zA-Z0-9_-\](?:\+|\{(\d+),(\d+)\})\$$")
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
_UNKNOWN_KEYS = ("x_unknown_field", "x_new_in_2027")

_json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
_json_value = st.recursive(
    _json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def documents(kind: str) -> st.SearchStrategy[Any]:
    """Documents of *kind* (a lint kind) that the shipped schema accepts."""
    stem = _STEM_OF_KIND[kind]
    return _node(_freeze(schemas.shared(stem)), stem, 0)


def _freeze(value: Any) -> Any:
    """Hashable view of a schema node, so strategies can be cached per node."""
    if isinstance(value, dict):
        return _Frozen((k, _freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


class _Frozen(tuple):  # type: ignore[type-arg]
    """A schema object as a tuple of (key, value) pairs; ``get`` like a dict."""

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
    return _freeze(schemas.definition(f"{stem}.schema.json#{fragment}")), stem


@functools.cache
def _node(node: _Frozen, stem: str, depth: int) -> st.SearchStrategy[Any]:
    if "$ref" in node and "properties" not in node:
        target, target_stem = _resolve(node.get("$ref"), stem)
        return st.deferred(lambda: _node(target, target_stem, depth))
    if "discriminator" in node:
        return _tagged(node, stem, depth)
    if "anyOf" in node:
        return _any_of(node.get("anyOf"), stem, depth)
    if "const" in node:
        return st.just(_thaw(node.get("const")))
    if "enum" in node:
        return st.sampled_from([_thaw(v) for v in node.get("enum")])
    declared = node.get("type")
    if declared == "string":
        return _string(node)
    if declared == "integer":
        return st.integers(node.get("minimum", -(2**31)), node.get("maximum", 2**31))
    if declared == "number":
        low, high = node.get("minimum"), node.get("maximum")
        return st.one_of(
            st.integers(
                low if low is not None else -(2**31), high if high is not None else 2**31
            ),
            st.floats(low, high, allow_nan=False, allow_infinity=False),
        )
    if declared == "boolean":
        return st.booleans()
    if declared == "null":
        return st.none()
    if declared == "array":
        items = node.get("items")
        inner = _json_value if items is None else _node(items, stem, depth + 1)
        return st.lists(inner, max_size=MAX_ITEMS if depth < MAX_DEPTH else 0)
    if declared == "object" or "properties" in node:
        return _object(node, stem, depth)
    return _json_value


def _string(node: _Frozen) -> st.SearchStrategy[str]:
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
        return st.text(_ID_ALPHABET, min_size=low, max_size=min(high, 24))
    if node.get("format") == "date-time":
        return st.datetimes().map(lambda d: d.isoformat() + "Z")
    return st.text(max_size=min(max_length, 12) if max_length is not None else 12)


def _tagged(node: _Frozen, stem: str, depth: int) -> st.SearchStrategy[Any]:
    mapping = _thaw(node.get("discriminator")).get("mapping", {})
    targets = list(dict.fromkeys(mapping.values()))
    return st.sampled_from(targets).flatmap(
        lambda ref: _node(_freeze({"$ref": ref}), stem, depth)
    )


def _is_container(node: _Frozen, stem: str) -> bool:
    if "$ref" in node:
        return True
    return node.get("type") in ("array", "object")


def _any_of(members: tuple[Any, ...], stem: str, depth: int) -> st.SearchStrategy[Any]:
    if depth >= MAX_DEPTH:
        scalars = [m for m in members if not _is_container(m, stem)]
        if scalars:
            members = tuple(scalars)
    return st.one_of([_node(m, stem, depth) for m in members])


def _merged(node: _Frozen, stem: str) -> tuple[dict[str, tuple[_Frozen, str]], list[str], bool]:
    """Properties (with the stem each is relative to), required names, closedness."""
    props: dict[str, tuple[_Frozen, str]] = {}
    required: list[str] = []
    closed = node.get("additionalProperties") is False
    for member in node.get("allOf", ()):
        if "$ref" in member:
            target, target_stem = _resolve(member.get("$ref"), stem)
            sub_props, sub_required, sub_closed = _merged(target, target_stem)
            props.update(sub_props)
            required += sub_required
            closed = closed or sub_closed
    for name, prop in node.get("properties", ()):
        props[name] = (prop, stem)
    required += list(node.get("required", ()))
    return props, required, closed


def _object(node: _Frozen, stem: str, depth: int) -> st.SearchStrategy[Any]:
    props, required, closed = _merged(node, stem)
    if not props:
        return st.dictionaries(st.text(max_size=6), _json_value, max_size=3)
    required_strats = {
        name: _node(prop, prop_stem, depth + 1)
        for name, (prop, prop_stem) in props.items()
        if name in required
    }
    optional_strats = (
        {
            name: _node(prop, prop_stem, depth + 1)
            for name, (prop, prop_stem) in props.items()
            if name not in required
        }
        if depth < MAX_DEPTH
        else {}
    )
    base = st.fixed_dictionaries(required_strats, optional=optional_strats)
    if closed or depth >= MAX_DEPTH:
        return base
    unknown = st.dictionaries(st.sampled_from(_UNKNOWN_KEYS), _json_leaf, max_size=1)
    return st.builds(lambda known, extra: {**known, **extra}, base, unknown)
