#!/usr/bin/env python
"""
Audit the JSON Schemas against the official SDK's types, in both directions.

    python tools/sdk_audit.py            # report differences not in the allow-list
    python tools/sdk_audit.py --all      # every difference, allow-listed ones marked
    python tools/sdk_audit.py --json     # machine-readable

For each schema entry the audit walks the installed ``anthropic`` SDK's types twice:
the GA types (``anthropic.types``) against the schema *as the API sees it without any
``anthropic-beta`` header* (`messages_schema.schemas._betas.view` strips what ``betas.toml``
marks beta-only), and the beta types (``anthropic.types.beta``) against the full
schema. It compares, at every object and union it meets, keys (missing on either
side), required-ness, nullability, JSON types, literal values and union members (by
their ``type``/``role`` tag), and reports each difference once, with a stable id::

    beta request:SystemMessageParam.clear_at: missing in schema
    ga+beta request:MessageCreateParams.temperature: in schema, not in SDK

The id names the sides that disagree (``ga``, ``beta`` or ``ga+beta``), the schema
file and the ``$def`` where the difference sits (a path below it when the node is
inline), then what differs. It also checks ``betas.toml``: every item names something
in the schema, and every beta value is one the SDK's ``AnthropicBetaParam`` lists.

``tools/sdk_audit_allow.toml`` lists reviewed differences, each with its reason; the
suite (``tests/test_sdk_audit.py``) fails on a difference that is not listed and on a
listed entry that no longer matches anything.

Upgrading the SDK
-----------------
1. Bump the pin of ``anthropic`` in the ``test`` extra (``pyproject.toml``) and install
   it (``pip install -e '.[test]'``).
2. Run ``python tools/sdk_audit.py``. Each line is a difference with the new SDK.
3. Fix the schemas (``schemas/*.schema.json``): add what the SDK added, GA or beta.
   A beta-only key, union member or literal goes into the schema *and* into
   ``src/messages_schema/data/betas.toml`` with the ``anthropic-beta`` value(s) that
   unlock it (a ``ga`` line "in schema, not in SDK" for something the beta SDK has means
   exactly that it is missing there). A beta that became GA leaves ``betas.toml``.
4. Regenerate the models: ``python tools/gen_models.py``.
5. Review what is left: either fix it, or add it to ``tools/sdk_audit_allow.toml`` with a
   reason (a header the SDK sends as a field, a deliberate strictness, response
   tolerance, ...). Remove entries the audit calls stale.
6. Run ``pytest -q tests/test_sdk_audit.py tests/test_sdk_differential.py``, then the
   whole suite, and write the CHANGELOG entries.
"""

from __future__ import annotations

import argparse
import collections.abc
import fnmatch
import functools
import json
import os
import sys
import tomllib
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typing_extensions as te

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
ALLOW = Path(__file__).resolve().with_name("sdk_audit_allow.toml")
BETAS = ROOT / "src" / "messages_schema" / "data" / "betas.toml"

#: Schema entry -> (stem, root $def, GA type path, beta type path). Type paths are
#: ``module:attribute``; a ``+`` joins TypedDicts merged into one (streaming variants).
ENTRIES: dict[str, tuple[str, str, str, str]] = {
    "request": (
        "request",
        "MessageCreateParams",
        "anthropic.types.message_create_params:MessageCreateParamsNonStreaming"
        "+MessageCreateParamsStreaming",
        "anthropic.types.beta.message_create_params:MessageCreateParamsNonStreaming"
        "+MessageCreateParamsStreaming",
    ),
    "count-tokens": (
        "request",
        "MessageCountTokensParams",
        "anthropic.types.message_count_tokens_params:MessageCountTokensParams",
        "anthropic.types.beta.message_count_tokens_params:MessageCountTokensParams",
    ),
    "batch-request": (
        "request",
        "MessageBatchRequest",
        "anthropic.types.messages.batch_create_params:Request",
        "anthropic.types.beta.messages.batch_create_params:Request",
    ),
    "response": (
        "response",
        "Message",
        "anthropic.types.message:Message",
        "anthropic.types.beta.beta_message:BetaMessage",
    ),
    "stream-event": (
        "response",
        "MessageStreamEvent",
        "anthropic.types.raw_message_stream_event:RawMessageStreamEvent",
        "anthropic.types.beta.beta_raw_message_stream_event:BetaRawMessageStreamEvent",
    ),
    "batch-result": (
        "response",
        "MessageBatchIndividualResponse",
        "anthropic.types.messages.message_batch_individual_response:"
        "MessageBatchIndividualResponse",
        "anthropic.types.beta.messages.beta_message_batch_individual_response:"
        "BetaMessageBatchIndividualResponse",
    ),
    "error": (
        "response",
        "ErrorResponse",
        "anthropic.types.shared.error_response:ErrorResponse",
        "anthropic.types.beta_error_response:BetaErrorResponse",
    ),
}
#: Keys a union's members may be told apart by, in order of preference.
_TAG_KEYS = ("type", "role")
_SEQUENCES = {collections.abc.Iterable, collections.abc.Sequence, collections.abc.Collection,
              collections.abc.MutableSequence, list, tuple, set, frozenset}
_MAPPINGS = {collections.abc.Mapping, collections.abc.MutableMapping, dict}


# -- one normalised view of a node, on either side -----------------------------------------


@dataclass
class Obj:
    """An object shape: its name, its fields (key -> (required, raw type)) and identity."""

    name: str
    fields: dict[str, tuple[bool, Any]]
    ident: Any
    #: The schema ``$def`` this object is (None for SDK objects and inline nodes).
    anchor: str | None = None
    #: Keys the view stripped, with the betas unlocking them (schema side only).
    stripped: dict[str, Any] = field(default_factory=dict)
    #: Whether it is an SDK response model (a pydantic model) rather than a TypedDict.
    model: bool = False
    #: Schema side: the ``$def`` each inherited property comes from (``allOf`` bases).
    owners: dict[str, str] = field(default_factory=dict)
    #: Schema side: the ``allOf`` base, where a key missing from a derived object belongs.
    base: str | None = None


@dataclass
class Member:
    """One alternative of a value: ``kind`` and what that kind carries."""

    kind: str  # null | string | integer | number | boolean | array | object | dict | any
    values: frozenset[Any] | None = None  # literal values; None = any value of the kind
    item: Any = None  # array items (raw)
    obj: Obj | None = None
    tags: tuple[Any, ...] = ()  # a union member's tags, when the union is tagged
    union: str | None = None  # schema side: the union ``$def`` the member belongs to


# -- the SDK side ----------------------------------------------------------------------------


def _client_side(tp: Any) -> bool:
    origin = te.get_origin(tp) or tp
    try:
        return origin is typing.IO or (isinstance(origin, type) and issubclass(origin, os.PathLike))
    except TypeError:
        return False


def _is_model(tp: Any) -> bool:
    try:
        from pydantic import BaseModel
    except ImportError:  # pragma: no cover
        return False
    return isinstance(tp, type) and issubclass(tp, BaseModel)


@functools.cache
def _typeddict_obj(tp: Any) -> Obj:
    hints = te.get_type_hints(tp, include_extras=True)
    fields: dict[str, tuple[bool, Any]] = {}
    for name, ann in hints.items():
        marker = te.get_origin(ann)
        # A total=True subclass (the streaming params) inherits optional keys from a
        # total=False base: trust the markers first, then __required_keys__.
        required = marker is te.Required or (
            marker is not te.NotRequired and name in tp.__required_keys__
        )
        fields[name] = (required, ann)
    return Obj(tp.__name__, fields, tp)


@functools.cache
def _model_obj(tp: Any) -> Obj:
    fields: dict[str, tuple[bool, Any]] = {}
    for name, info in tp.model_fields.items():
        fields[info.alias or name] = (info.is_required(), info.annotation)
    return Obj(tp.__name__, fields, tp, model=True)


def _merged(types_: tuple[Any, ...]) -> Obj:
    """TypedDicts merged into one object (the streaming and non-streaming params)."""
    objs = [_typeddict_obj(t) for t in types_]
    fields: dict[str, tuple[bool, Any]] = {}
    for obj in objs:
        for key, (required, ann) in obj.fields.items():
            if key in fields:
                before_required, before = fields[key]
                fields[key] = (before_required and required, typing.Union[before, ann])  # noqa: UP007
            else:
                fields[key] = (required, ann)
    for key, (_, ann) in list(fields.items()):
        if not all(key in o.fields for o in objs):
            fields[key] = (False, ann)
    return Obj(objs[0].name, fields, types_)


def sdk_members(tp: Any) -> list[Member]:
    """The alternatives of an SDK annotation."""
    if isinstance(tp, Obj):
        return [Member("object", obj=tp)]
    origin, args = te.get_origin(tp), te.get_args(tp)
    if origin in (te.Annotated, te.Required, te.NotRequired, typing.ClassVar):
        return sdk_members(args[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Member] = []
        for arg in args:
            if not _client_side(arg):
                out.extend(sdk_members(arg))
        return out
    if origin is te.Literal or origin is typing.Literal:
        out = []
        for value in args:
            if value is None:
                out.append(Member("null"))
            else:
                out.append(Member(_kind_of(value), frozenset([value])))
        return out
    if origin in _SEQUENCES or _is_sequence_alias(origin):
        return [Member("array", item=args[0] if args else Any)]
    if origin in _MAPPINGS:
        return [Member("dict", item=args[1] if len(args) == 2 else None)]
    if tp is type(None) or tp is None:
        return [Member("null")]
    if tp is str:
        return [Member("string")]
    if tp is bool:
        return [Member("boolean")]
    if tp is int:
        return [Member("integer")]
    if tp is float:
        return [Member("number")]
    if tp in (dict, collections.abc.Mapping):
        return [Member("dict")]
    if tp in (object, Any):
        return [Member("any")]
    if isinstance(tp, type) and te.is_typeddict(tp):
        return [Member("object", obj=_typeddict_obj(tp))]
    if _is_model(tp):
        return [Member("object", obj=_model_obj(tp))]
    if isinstance(tp, type):
        import datetime

        if issubclass(tp, datetime.datetime | datetime.date):
            return [Member("string")]
    if _client_side(tp):
        return []
    msg = f"sdk_audit: cannot read SDK type {tp!r}"
    raise TypeError(msg)


def _is_sequence_alias(origin: Any) -> bool:
    try:
        from anthropic._types import SequenceNotStr
    except ImportError:  # pragma: no cover
        return False
    return origin is SequenceNotStr


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _resolve_type(path: str) -> Any:
    module_name, _, attrs_ = path.partition(":")
    module = __import__(module_name, fromlist=["_"])
    found = [getattr(module, name) for name in attrs_.split("+")]
    return _merged(tuple(found)) if len(found) > 1 else found[0]


# -- the schema side -------------------------------------------------------------------------


class SchemaSide:
    """Reads schema nodes of a set of documents (one per stem) as members."""

    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        self.docs = docs

    def resolve(self, ref: str, stem: str) -> tuple[dict[str, Any], str, str | None]:
        doc_part, _, fragment = ref.partition("#")
        if doc_part:
            stem = doc_part.removesuffix(".schema.json")
        node: Any = self.docs[stem]
        parts = [p.replace("~1", "/").replace("~0", "~") for p in fragment.split("/")[1:]]
        for part in parts:
            node = node[part]
        anchor = parts[1] if len(parts) == 2 and parts[0] == "$defs" else None
        return node, stem, anchor

    def members(self, raw: tuple[dict[str, Any], str, str | None]) -> list[Member]:
        node, stem, anchor = raw
        if "$ref" in node and "properties" not in node and "allOf" not in node:
            return self.members(self.resolve(node["$ref"], stem))
        if isinstance(node.get("discriminator"), dict):
            return self._tagged(node, stem, anchor)
        if "anyOf" in node or "oneOf" in node:
            out: list[Member] = []
            for branch in node.get("anyOf", node.get("oneOf", ())):
                out.extend(self.members((branch, stem, None)))
            return out
        if "const" in node:
            value = node["const"]
            if value is None:
                return [Member("null")]
            return [Member(_kind_of(value), frozenset([value]))]
        if "enum" in node:
            out = []
            values = [v for v in node["enum"] if v is not None]
            if None in node["enum"]:
                out.append(Member("null"))
            by_kind: dict[str, set[Any]] = {}
            for v in values:
                by_kind.setdefault(_kind_of(v), set()).add(v)
            out.extend(Member(k, frozenset(vs)) for k, vs in by_kind.items())
            return out
        declared = node.get("type")
        if isinstance(declared, list):
            out = []
            for t in declared:
                out.extend(self.members(({**node, "type": t}, stem, anchor)))
            return out
        if declared == "array":
            return [Member("array", item=(node.get("items", {}), stem, None))]
        if declared == "object" or "properties" in node or "allOf" in node:
            obj = self._object(node, stem, anchor)
            if obj is None:
                values = node.get("additionalProperties", True)
                item = (values, stem, None) if isinstance(values, dict) else None
                return [Member("dict", item=item)]
            return [Member("object", obj=obj)]
        if declared in ("string", "integer", "number", "boolean", "null"):
            return [Member(declared)]
        return [Member("any")]

    def _object(self, node: dict[str, Any], stem: str, anchor: str | None) -> Obj | None:
        props: dict[str, Any] = dict(node.get("properties", {}))
        required = set(node.get("required", ()))
        stripped = dict(node.get("x-anthropic-beta", {}).get("keys", {}))
        owners: dict[str, str] = {}
        base_name: str | None = None
        for part in node.get("allOf", ()):
            if "$ref" in part:
                base, _, base_anchor = self.resolve(part["$ref"], stem)
                base_name = base_anchor
                for key in base.get("properties", {}):
                    if key not in props and base_anchor is not None:
                        owners[key] = base_anchor
                props = {**base.get("properties", {}), **props}
                required |= set(base.get("required", ()))
                stripped = {**base.get("x-anthropic-beta", {}).get("keys", {}), **stripped}
        if not props and node.get("additionalProperties", True) is not False:
            return None  # free-form: see `members`
        fields = {k: (k in required, (v, stem, None)) for k, v in props.items()}
        name = anchor or node.get("title") or "object"
        return Obj(name, fields, (stem, id(node)), anchor=anchor, stripped=stripped,
                   owners=owners, base=base_name)

    def _tagged(self, node: dict[str, Any], stem: str, anchor: str | None) -> list[Member]:
        disc = node["discriminator"]
        prop = disc.get("propertyName", "type")
        by_ref: dict[str, list[Any]] = {}
        for tag, ref in disc.get("mapping", {}).items():
            by_ref.setdefault(ref, []).append(tag)
        tag_enum = node.get("properties", {}).get(prop, {}).get("enum", [])
        out: list[Member] = []
        for ref, tags in by_ref.items():
            for member in self.members(self.resolve(ref, stem)):
                if member.kind == "object" and member.obj is not None:
                    # A member whose tag may be left out or null (a custom tool) carries
                    # the null tag too, as the union's tag enum says.
                    extra = [None] if None in tag_enum and _tag_optional(member.obj, prop) else []
                    member.tags = (*tags, *extra)
                    member.union = anchor
                out.append(member)
        return out


def _tag_optional(obj: Obj, prop: str) -> bool:
    return prop in obj.fields and not obj.fields[prop][0]


# -- the comparison ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One difference between the SDK's types and the schemas."""

    sides: str
    where: str
    what: str
    #: The SDK annotation the difference is about, when it is a missing one (not compared).
    sdk: Any = field(default=None, compare=False, hash=False, repr=False)

    @property
    def id(self) -> str:
        """The stable id the allow-list names."""
        return f"{self.sides} {self.where}: {self.what}"


class _Walk:
    """One side's walk: SDK types against schema nodes, recording raw differences."""

    def __init__(self, side: str, schema: SchemaSide) -> None:
        self.side = side
        self.schema = schema
        self.found: dict[tuple[str, str], Any] = {}
        self.seen: set[tuple[Any, Any]] = set()

    def note(self, where: str, what: str, sdk: Any = None) -> None:
        self.found.setdefault((where, what), sdk)

    def compare(self, sdk: Any, raw: tuple[dict[str, Any], str, str | None], where: str) -> None:
        self.compare_members(sdk_members(sdk), self.schema.members(raw), where, raw[1])

    def compare_members(
        self, sdk: list[Member], ours: list[Member], where: str, stem: str
    ) -> None:
        if any(m.kind == "any" for m in sdk):
            return  # the SDK leaves it open: nothing to compare
        sdk_kinds = _kinds(sdk)
        our_kinds = _kinds(ours)
        if "any" in our_kinds:
            self.note(where, "any value in schema, typed in SDK")
            return
        if "number" in sdk_kinds and "integer" in our_kinds and "number" not in our_kinds:
            self.note(where, "number in SDK, integer in schema")
            sdk_kinds.discard("number")
            our_kinds.discard("integer")
        if "number" in our_kinds and "integer" in sdk_kinds and "number" not in sdk_kinds:
            self.note(where, "integer in SDK, number in schema")
            sdk_kinds.discard("integer")
            our_kinds.discard("number")
        if "number" in sdk_kinds:
            sdk_kinds.discard("integer")
        if "number" in our_kinds:
            our_kinds.discard("integer")
        for kind in sorted(sdk_kinds - our_kinds):
            self.note(where, "nullable in SDK, not in schema" if kind == "null"
                      else f"{_word(kind)} in SDK, not in schema")
        for kind in sorted(our_kinds - sdk_kinds):
            self.note(where, "nullable in schema, not in SDK" if kind == "null"
                      else f"{_word(kind)} in schema, not in SDK")
        both = sdk_kinds & our_kinds
        for kind in ("string", "boolean", "integer", "number"):
            if kind in both:
                self._literals(_of(sdk, kind), _of(ours, kind), where, kind)
        if "array" in both:
            sdk_items = [m.item for m in _of(sdk, "array")]
            our_items = [m.item for m in _of(ours, "array")]
            sdk_item_members = [x for it in sdk_items for x in sdk_members(it)]
            our_item_members = [x for it in our_items for x in self.schema.members(it)]
            self.compare_members(sdk_item_members, our_item_members, where + "[]", stem)
        if "dict" in both:
            sdk_values = [m.item for m in _of(sdk, "dict") if m.item is not None]
            our_values = [m.item for m in _of(ours, "dict") if m.item is not None]
            if sdk_values and our_values:
                self.compare_members(
                    [x for it in sdk_values for x in sdk_members(it)],
                    [x for it in our_values for x in self.schema.members(it)],
                    where + "{*}", stem,
                )
            elif sdk_values and not any(
                m.kind == "any" for it in sdk_values for m in sdk_members(it)
            ):
                self.note(where, "typed values in SDK, any value in schema")
        if "object" in both:
            self._objects(_of(sdk, "object"), _of(ours, "object"), where, stem)

    def _literals(self, sdk: list[Member], ours: list[Member], where: str, kind: str) -> None:
        sdk_values, sdk_open = _values(sdk, kind)
        our_values, our_open = _values(ours, kind)
        if sdk_open and not our_open:
            self.note(where, f"any {kind} in SDK, literal in schema")
        elif our_open and not sdk_open:
            self.note(where, f"literal in SDK, any {kind} in schema")
        for value in sorted(sdk_values - our_values, key=repr):
            self.note(where, f"literal {value!r} missing in schema")
        for value in sorted(our_values - sdk_values, key=repr):
            self.note(where, f"literal {value!r} in schema, not in SDK")

    def _objects(self, sdk: list[Member], ours: list[Member], where: str, stem: str) -> None:
        sdk = _prefer_params(sdk)
        if len(sdk) == 1 and len(ours) == 1 and not ours[0].tags:
            self.compare_objects(sdk[0].obj, ours[0].obj, where, stem)  # type: ignore[arg-type]
            return
        key = _tag_key(sdk, ours)
        if key is None:
            self._untagged(sdk, ours, where, stem)
            return
        unions = {m.union for m in ours}
        if len(unions) == 1 and None not in unions:
            where = f"{stem}:{unions.pop()}"  # the union $def, shared by every use
        sdk_tags = _by_tag(sdk, key, schema=False)
        our_tags = _by_tag(ours, key, schema=True)
        for tag in sorted(set(sdk_tags) - set(our_tags), key=repr):
            self.note(f"{where}{{{key}={tag}}}", "member missing in schema", sdk_tags[tag])
        for tag in sorted(set(our_tags) - set(sdk_tags), key=repr):
            self.note(f"{where}{{{key}={tag}}}", "member in schema, not in SDK")
        for tag in sorted(set(sdk_tags) & set(our_tags), key=repr):
            self.compare_objects(sdk_tags[tag], our_tags[tag], f"{where}{{{key}={tag}}}", stem)

    def _untagged(self, sdk: list[Member], ours: list[Member], where: str, stem: str) -> None:
        """Objects without a common tag: pair each SDK shape with the closest schema one."""
        left = [m.obj for m in ours if m.obj is not None]
        for m in sdk:
            assert m.obj is not None
            if not left:
                self.note(where, f"object shape {_bare(m.obj.name)} missing in schema", m.obj)
                continue
            best = max(left, key=lambda o: (len(set(o.fields) & set(m.obj.fields)),  # type: ignore[union-attr]
                                            _bare(o.name) == _bare(m.obj.name)))  # type: ignore[union-attr]
            left.remove(best)
            self.compare_objects(m.obj, best, where, stem)
        for obj in left:
            self.note(where, f"object shape {obj.name} in schema, not in SDK")

    def compare_objects(self, sdk: Obj, ours: Obj, where: str, stem: str) -> None:
        if ours.anchor is not None:
            where = f"{stem}:{ours.anchor}"
        memo = (sdk.ident, ours.ident)
        if memo in self.seen:
            return
        self.seen.add(memo)
        def at(name: str) -> str:
            owner = ours.owners.get(name) or (ours.base if name not in ours.fields else None)
            return f"{stem}:{owner}.{name}" if owner else f"{where}.{name}"

        for name in sorted(set(sdk.fields) - set(ours.fields)):
            if name in ours.stripped:
                self.note(at(name), "beta-only in schema (betas.toml), GA in SDK")
            else:
                self.note(at(name), "missing in schema", sdk.fields[name])
        for name in sorted(set(ours.fields) - set(sdk.fields)):
            self.note(at(name), "in schema, not in SDK")
        for name in sorted(set(sdk.fields) & set(ours.fields)):
            sdk_required, sdk_type = sdk.fields[name]
            our_required, our_raw = ours.fields[name]
            if sdk_required and not our_required:
                self.note(at(name), "required in SDK, optional in schema")
            elif our_required and not sdk_required:
                self.note(at(name), "optional in SDK, required in schema")
            self.compare_members(
                sdk_members(sdk_type), self.schema.members(our_raw), at(name), stem
            )


def _bare(name: str) -> str:
    """An SDK class name without its ``Beta`` prefix."""
    return name.removeprefix("Beta")


def _word(kind: str) -> str:
    return {"dict": "free-form object", "object": "typed object"}.get(kind, kind)


def _kinds(members: list[Member]) -> set[str]:
    return {m.kind for m in members}


def _of(members: list[Member], kind: str) -> list[Member]:
    return [m for m in members if m.kind == kind]


def _values(members: list[Member], kind: str) -> tuple[set[Any], bool]:
    values: set[Any] = set()
    open_ = False
    for m in members:
        if m.values is None:
            open_ = True
        else:
            values |= m.values
    if kind == "boolean" and values == {True, False}:
        return set(), True
    if kind == "boolean" and open_:
        return set(), True
    return values, open_


def _literal_tags(obj: Obj, key: str) -> tuple[Any, ...] | None:
    if key not in obj.fields:
        return None
    required, tp = obj.fields[key]
    members = sdk_members(tp)
    tags: list[Any] = []
    for m in members:
        if m.kind == "null":
            tags.append(None)
        elif m.kind == "string" and m.values is not None:
            tags.extend(sorted(m.values))
        else:
            return None
    if not required:
        tags.append(None)
    return tuple(dict.fromkeys(tags))


def _tag_key(sdk: list[Member], ours: list[Member]) -> str | None:
    for key in _TAG_KEYS:
        if all(m.obj is not None and _literal_tags(m.obj, key) for m in sdk) and all(
            m.tags or (m.obj is not None and key in m.obj.fields) for m in ours
        ):
            return key
    return None


def _by_tag(members: list[Member], key: str, *, schema: bool) -> dict[Any, Obj]:
    out: dict[Any, Obj] = {}
    for m in members:
        assert m.obj is not None
        if schema:
            tags: tuple[Any, ...] = m.tags or _schema_tags(m.obj, key)
        else:
            tags = _literal_tags(m.obj, key) or ()
        for tag in tags:
            out.setdefault(tag, m.obj)
    return out


def _schema_tags(obj: Obj, key: str) -> tuple[Any, ...]:
    node = obj.fields.get(key, (False, ({}, "", None)))[1][0]
    if "const" in node:
        return (node["const"],)
    values: list[Any] = []
    for branch in [node, *node.get("anyOf", ())]:
        if "const" in branch:
            values.append(branch["const"])
        values.extend(branch.get("enum", ()))
    return tuple(values)


def _prefer_params(members: list[Member]) -> list[Member]:
    """
    Drop response models from a request union where a TypedDict has the same tag.

    The SDK lets a caller send back a response's content blocks as they are (the request
    unions include ``ContentBlock``); on the wire those are the same blocks the params
    describe, so the params are what the API validates.
    """
    if not any(m.obj is not None and m.obj.model for m in members) or not any(
        m.obj is not None and not m.obj.model for m in members
    ):
        return members
    param_tags: set[Any] = set()
    for m in members:
        if m.obj is not None and not m.obj.model:
            param_tags.update(_literal_tags(m.obj, "type") or ())
    return [
        m for m in members
        if m.obj is None or not m.obj.model
        or not set(_literal_tags(m.obj, "type") or ()) <= param_tags
    ]


# -- the audit --------------------------------------------------------------------------------


def load_schemas(directory: Path = SCHEMAS) -> dict[str, dict[str, Any]]:
    """The shipped schema documents, by stem."""
    return {
        p.name.removesuffix(".schema.json"): json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(directory.glob("*.schema.json"))
    }


def _sdk_betas() -> frozenset[str]:
    from anthropic.types.anthropic_beta_param import AnthropicBetaParam

    values: set[str] = set()
    for m in sdk_members(AnthropicBetaParam):
        if m.kind == "string" and m.values:
            values |= set(m.values)
    return frozenset(values)


def _check_beta_data(docs: dict[str, dict[str, Any]], items: Iterable[Any]) -> Iterator[Difference]:
    from messages_schema.schemas._betas import STEM

    known = _sdk_betas()
    defs = docs[STEM]["$defs"]
    for item in items:
        node: Any = defs
        for part in item.at.split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        where = f"betas.toml:{item.describe()}"
        if not isinstance(node, dict):
            yield Difference("data", where, f"no {item.at} in {STEM}.schema.json")
            continue
        if item.what in ("key", "optional") and item.name not in node.get("properties", {}):
            yield Difference("data", where, "no such key in schema")
        elif item.what == "tag" and item.name not in node.get("discriminator", {}).get(
            "mapping", {}
        ):
            yield Difference("data", where, "no such union member in schema")
        elif item.what == "value":
            prop = node.get("properties", {}).get(item.key, {})
            values = {v for b in [prop, *prop.get("anyOf", ())] for v in b.get("enum", ())}
            if item.name not in values:
                yield Difference("data", where, "no such literal in schema")
        for beta in item.betas:
            if beta not in known:
                yield Difference(
                    "data", f"betas.toml:{beta}", "not in the SDK's AnthropicBetaParam"
                )


def audit(
    docs: dict[str, dict[str, Any]] | None = None,
    *,
    beta_items: Iterable[Any] | None = None,
    entries: Iterable[str] | None = None,
) -> list[Difference]:
    """
    Every difference between the installed SDK's types and the schemas *docs*.

    Args:
        docs: Schema documents by stem (default: the shipped ones, read from disk).
        beta_items: The beta-only items (``_betas.Unlock``; default: the shipped data).
        entries: Which entries of `ENTRIES` to walk (default: all).
    """
    from messages_schema.schemas import _betas

    docs = load_schemas() if docs is None else docs
    items = tuple(_betas.unlocks() if beta_items is None else beta_items)
    ga_docs = {
        stem: _betas.view(doc, (), items=items) if stem == _betas.STEM else doc
        for stem, doc in docs.items()
    }
    found: dict[tuple[str, str], list[str]] = {}
    details: dict[tuple[str, str], Any] = {}
    for side, side_docs in (("ga", ga_docs), ("beta", docs)):
        walk = _Walk(side, SchemaSide(side_docs))
        for entry in entries or ENTRIES:
            stem, root, ga_path, beta_path = ENTRIES[entry]
            sdk_type = _resolve_type(ga_path if side == "ga" else beta_path)
            raw = walk.schema.resolve(f"#/$defs/{root}", stem)
            walk.compare(sdk_type, raw, f"{stem}:{root}")
        for key, sdk in walk.found.items():
            found.setdefault(key, []).append(side)
            details.setdefault(key, sdk)
    out = [
        Difference("+".join(sides), where, what, details[(where, what)])
        for (where, what), sides in found.items()
    ]
    out.extend(_check_beta_data(docs, items))
    return sorted(out, key=lambda d: (d.where, d.what, d.sides))


# -- the allow-list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowed:
    """One reviewed difference (or a glob of them) and why it is accepted."""

    pattern: str
    reason: str

    def matches(self, difference: Difference) -> bool:
        """Whether *difference* is covered by this entry."""
        return fnmatch.fnmatchcase(difference.id, self.pattern)


def load_allow(path: Path = ALLOW) -> list[Allowed]:
    """The allow-list entries of *path*."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out: list[Allowed] = []
    for entry in data.get("allow", ()):
        reason = entry["reason"]
        for pattern in entry.get("ids", [entry.get("id")]):
            out.append(Allowed(pattern, reason))
    return out


@dataclass
class Report:
    """The audit's outcome against an allow-list."""

    differences: list[Difference]
    allowed: dict[str, Allowed]  # difference id -> the entry covering it
    stale: list[Allowed]

    @property
    def unexpected(self) -> list[Difference]:
        """Differences no entry covers."""
        return [d for d in self.differences if d.id not in self.allowed]


def check(differences: list[Difference], allow: list[Allowed]) -> Report:
    """Match *differences* against *allow*."""
    allowed: dict[str, Allowed] = {}
    used: set[int] = set()
    for d in differences:
        for i, entry in enumerate(allow):
            if entry.matches(d):
                allowed.setdefault(d.id, entry)
                used.add(i)
    stale = [entry for i, entry in enumerate(allow) if i not in used]
    return Report(differences, allowed, stale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--all", action="store_true", help="also list allow-listed differences")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--allow", type=Path, default=ALLOW, help="the allow-list file")
    args = parser.parse_args(argv)
    import anthropic

    differences = audit()
    report = check(differences, load_allow(args.allow) if args.allow.exists() else [])
    if args.json:
        rows = [
            {"id": d.id, "sides": d.sides, "where": d.where, "what": d.what,
             "allowed": report.allowed[d.id].reason if d.id in report.allowed else None}
            for d in differences if args.all or d.id not in report.allowed
        ]
        stale = [e.pattern for e in report.stale]
        print(json.dumps({"sdk": anthropic.__version__, "differences": rows, "stale": stale},
                         indent=2))
    else:
        print(f"anthropic {anthropic.__version__}: {len(differences)} differences, "
              f"{len(report.unexpected)} not allow-listed, {len(report.stale)} stale entries")
        for d in differences:
            if d.id in report.allowed:
                if args.all:
                    print(f"  allowed  {d.id}")
            else:
                print(f"  NEW      {d.id}")
        for entry in report.stale:
            print(f"  STALE    {entry.pattern}")
    return 1 if report.unexpected or report.stale else 0


if __name__ == "__main__":
    sys.exit(main())
