"""
How the schema machinery steps through the shipped schemas: ``$ref``, tagged unions.

API paths (`messages_schema.schemas._apipath`), key order
(`messages_schema.normalize`), schema-driven strategies and the structural translation
(`messages_schema.schemas._structural`) all follow references and read discriminators
through these functions, so a reference form or a union shape is handled in one place.
Nothing here retrieves a remote resource: every reference names a shipped file.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Final

from messages_schema import schemas

__all__ = ["MAX_REF_HOPS", "deref", "resolve", "tag_mapping", "union_refs"]

#: Most ``$ref`` hops followed from one node (the shipped schemas need two or three).
MAX_REF_HOPS: Final = 32


@functools.lru_cache(maxsize=4096)
def resolve(
    ref: str, stem: str, unlocked: frozenset[str] | None = None
) -> tuple[dict[str, Any], str]:
    """
    The node a ``$ref`` names, and the stem of the document it lives in.

    A local reference (``#/$defs/X``) is read from the document *stem* (``request``,
    ``response``...); ``response.schema.json#/$defs/X`` from that document. With
    *unlocked*, from the schemas as the API applies them under those betas. The shipped
    schemas never change, so each reference is resolved once per process (API paths
    resolve the same few on every finding).
    """
    doc, _, fragment = ref.partition("#")
    if doc:
        stem = doc.removesuffix(".schema.json")
    return schemas.definition(f"{stem}.schema.json#{fragment}", unlocked), stem


def deref(
    node: dict[str, Any], stem: str, unlocked: frozenset[str] | None = None
) -> tuple[dict[str, Any], str]:
    """Follow *node*'s ``$ref`` chain (at most `MAX_REF_HOPS`) to a node that has none."""
    for _ in range(MAX_REF_HOPS):
        ref = node.get("$ref")
        if not isinstance(ref, str):
            break
        node, stem = resolve(ref, stem, unlocked)
    return node, stem


def tag_mapping(node: Mapping[str, Any]) -> tuple[str, dict[str, str]] | None:
    """``(tag key, {tag: $ref})`` of a tagged union, or None when *node* is not one."""
    disc = node.get("discriminator")
    if not isinstance(disc, dict) or not isinstance(disc.get("mapping"), dict):
        return None
    key = disc.get("propertyName", "type")
    return (key if isinstance(key, str) else "type"), disc["mapping"]


def union_refs(node: Mapping[str, Any], first: tuple[str, ...] = ()) -> list[str]:
    """
    The distinct member references of a tagged union (``[]`` when *node* is not one).

    Tags named in *first* come first, in that order; the others keep the mapping's.
    """
    tagged = tag_mapping(node)
    if tagged is None:
        return []
    mapping = tagged[1]
    rank = {t: i for i, t in enumerate(first)}
    refs: list[str] = []
    for tag in sorted(mapping, key=lambda t: rank.get(t, len(rank))):
        if mapping[tag] not in refs:
            refs.append(mapping[tag])
    return refs
