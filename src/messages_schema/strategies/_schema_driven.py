"""`schema_documents`: documents drawn by walking the shipped JSON Schemas."""

from __future__ import annotations

import functools
import re
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from messages_schema import schemas
from messages_schema.schemas import _walk

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
    node, stem = _walk.resolve(ref, stem, frozenset())
    return _freeze(node), stem


@functools.cache
def _schema_node(node: _Frozen, stem: str, depth: int) -> st.SearchStrategy[Any]:
    if "$ref" in node and "properties" not in node:
        target, target_stem = _resolve(node.get("$ref"), stem)
        return st.deferred(lambda: _schema_node(target, target_stem, depth))
    if "discriminator" in node:
        targets = _walk.union_refs({"discriminator": _thaw(node.get("discriminator"))})
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
