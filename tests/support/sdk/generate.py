"""
A Hypothesis strategy for documents valid under a (pydantic-emitted) JSON Schema.

Covers the subset pydantic emits for the SDK's types: ``$ref``/``$defs``, ``anyOf``,
``const``, ``enum``, ``type``, ``properties``/``required``/``additionalProperties``,
``items``, and numeric and length bounds. Depth is bounded: past ``max_depth`` optional
keys are dropped, lists are empty and unions prefer non-recursive members.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12
)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), _TEXT)
_FREE = st.dictionaries(st.text("abcxyz", min_size=1, max_size=4), _SCALARS, max_size=3)


class SchemaStrategy:
    """Builds strategies for the definitions of one root schema."""

    def __init__(self, root: dict[str, Any], *, max_depth: int = 5) -> None:
        self.root = root
        self.defs = root.get("$defs", {})
        self.max_depth = max_depth

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = self.defs[node["$ref"].split("/")[-1]]
        return node

    def _is_leafy(self, node: dict[str, Any]) -> bool:
        node = self.resolve(node)
        return node.get("type") in ("string", "integer", "number", "boolean", "null") or (
            "const" in node or "enum" in node
        )

    def build(self, node: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
        node = self.resolve(node)
        if "const" in node:
            return st.just(node["const"])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        for key in ("anyOf", "oneOf"):
            if key in node:
                members = node[key]
                if depth >= self.max_depth:
                    shallow = [m for m in members if self._is_leafy(m)]
                    members = shallow or members[:1]
                return st.one_of([self.build(m, depth + 1) for m in members])
        kind = node.get("type")
        if isinstance(kind, list):
            return st.one_of([self.build({**node, "type": k}, depth) for k in kind])
        if kind == "string":
            lo, hi = node.get("minLength", 0), min(node.get("maxLength", 16), 16)
            return st.text(min_size=lo, max_size=max(lo, hi))
        if kind == "integer":
            return st.integers(node.get("minimum", -10), node.get("maximum", 100_000))
        if kind == "number":
            return st.floats(node.get("minimum", -10.0), node.get("maximum", 10.0),
                             allow_nan=False, allow_infinity=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        if kind == "array":
            items = node.get("items", {})
            hi = 0 if depth >= self.max_depth else min(node.get("maxItems", 3), 3)
            lo = node.get("minItems", 0)
            return st.lists(self.build(items, depth + 1) if items else _SCALARS,
                            min_size=lo, max_size=max(lo, hi))
        if kind == "object" or "properties" in node:
            props: dict[str, Any] = node.get("properties", {})
            if not props:
                return _FREE
            required = set(node.get("required", ()))
            fixed = {k: self.build(v, depth + 1) for k, v in props.items() if k in required}
            optional = (
                {}
                if depth >= self.max_depth
                else {k: self.build(v, depth + 1) for k, v in props.items() if k not in required}
            )
            return st.fixed_dictionaries(fixed, optional=optional)
        return _SCALARS


def documents(root: dict[str, Any], *, max_depth: int = 5) -> st.SearchStrategy[Any]:
    """Documents valid under *root* (a schema with ``$defs``)."""
    return SchemaStrategy(root, max_depth=max_depth).build(root)
