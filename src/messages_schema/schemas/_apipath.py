"""
The API's own spelling of a location: a dotted path with union tags inserted.

The API validates bodies with tagged unions, and its error locations name the tag of
every union they pass through: ``messages.0.content.1.image.source.base64.media_type``
(the block is an ``image``, its source a ``base64`` source). This module walks the
shipped schema alongside the document to find where those tags go.
"""

from __future__ import annotations

from typing import Any

from messages_schema import schemas
from messages_schema._types import JSONValue, Path
from messages_schema.schemas import _walk

_JSON_TYPES: dict[type, tuple[str, ...]] = {
    dict: ("object",),
    list: ("array",),
    str: ("string",),
    bool: ("boolean",),
    int: ("integer", "number"),
    float: ("number",),
    type(None): ("null",),
}


def _deref(node: dict[str, Any], stem: str) -> tuple[dict[str, Any], str]:
    return _walk.deref(node, stem)


def _fits(node: dict[str, Any], value: JSONValue) -> bool:
    kinds = _JSON_TYPES.get(type(value), ())
    declared = node.get("type")
    if declared is None:
        if "const" in node:
            return bool(node["const"] == value)
        if "enum" in node:
            return value in node["enum"]
        shaped = "properties" in node or "discriminator" in node
        return isinstance(value, dict) if shaped else True
    if isinstance(declared, list):
        return any(k in declared for k in kinds)
    return declared in kinds


def _branch(node: dict[str, Any], stem: str, value: JSONValue) -> tuple[dict[str, Any], str]:
    """Pick the member of an ``anyOf`` that the value's JSON type selects."""
    for member in node["anyOf"]:
        resolved, member_stem = _deref(member, stem)
        if _fits(resolved, value) and resolved.get("type") != "null":
            return resolved, member_stem
    return node, stem


#: Where the API's internal tag differs from the wire ``type``: a document whose source
#: is a base64 PDF is reported as ``pdf`` (``messages.38.content.0.pdf.source.base64.data``,
#: anthropics/claude-code#6231).
def _api_tag(tag: str, value: JSONValue) -> str:
    if tag == "document" and isinstance(value, dict):
        source = value.get("source")
        if isinstance(source, dict) and source.get("type") == "base64":
            return "pdf"
    return tag


def _tagged(
    node: dict[str, Any], stem: str, value: JSONValue
) -> tuple[dict[str, Any], str, str | None]:
    tagged = _walk.tag_mapping(node)
    if tagged is None:
        return node, stem, None
    key, mapping = tagged
    tag = value.get(key) if isinstance(value, dict) else None
    target = mapping.get(tag) if isinstance(tag, str) else None
    if target is None and tag is None and key == "type":
        target = mapping.get("custom")  # a custom tool may omit its `type`
    if target is None:
        return node, stem, None
    resolved, stem = _deref({"$ref": target}, stem)
    shown = _api_tag(tag, value) if key == "type" and isinstance(tag, str) else None
    if shown is None and key == "type" and target == mapping.get("custom"):
        shown = "custom"
    return resolved, stem, shown


def _resolve(
    node: dict[str, Any], stem: str, value: JSONValue
) -> tuple[dict[str, Any], str, str | None]:
    for _ in range(8):
        node, stem = _deref(node, stem)
        if "discriminator" in node:
            return _tagged(node, stem, value)
        if "anyOf" in node:
            picked, stem = _branch(node, stem, value)
            if picked is node:
                break
            node = picked
            continue
        break
    return node, stem, None


def _child(node: dict[str, Any], stem: str, seg: str | int) -> tuple[dict[str, Any], str] | None:
    if isinstance(seg, int):
        items = node.get("items")
        return (items, stem) if isinstance(items, dict) else None
    props = node.get("properties", {})
    if seg in props:
        return props[seg], stem
    for member in node.get("allOf", ()):
        resolved, member_stem = _deref(member, stem)
        found = _child(resolved, member_stem, seg)
        if found is not None:
            return found
    return None


def api_path(kind: str, document: JSONValue, path: Path) -> str:
    """
    Return the API's dotted spelling of *path* inside *document*.

    >>> doc = {"messages": [{"role": "user", "content": [{"type": "image", "source": {
    ...     "type": "base64", "media_type": "image/bmp", "data": ""}}]}]}
    >>> api_path("request", doc, ("messages", 0, "content", 0, "source", "media_type"))
    'messages.0.content.0.image.source.base64.media_type'
    """
    stem = schemas.name_for_kind(kind)
    node: dict[str, Any] | None = schemas.shared(stem)
    value: JSONValue = document
    out: list[str] = []
    for seg in path:
        if node is not None:
            node, stem, tag = _resolve(node, stem, value)
            if tag is not None and out:
                out.append(tag)
            found = _child(node, stem, seg)
            node, stem = found if found is not None else (None, stem)
        out.append(str(seg))
        if isinstance(value, dict) and isinstance(seg, str):
            value = value.get(seg)
        elif isinstance(value, list) and isinstance(seg, int) and 0 <= seg < len(value):
            value = value[seg]
        else:
            value = None
    return ".".join(out)
