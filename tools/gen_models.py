#!/usr/bin/env python
"""
Generate ``src/messages_schema/models/_generated.py`` (and the re-exports in
``models/__init__.py``) from ``schemas/*.schema.json``.

    python tools/gen_models.py           # rewrite both files
    python tools/gen_models.py --check   # exit 1, with a diff summary, if either is stale

What is generated, in a deterministic order (classes by name, then aliases by name):

* One frozen, keyword-only, slotted attrs class per object ``$def``, named like the
  ``$def``; fields carry the wire names. A required ``const`` property (the ``type``
  tag, a message's ``role``) becomes a ``Literal`` field whose default is that constant.
  An optional property defaults to ``UNSET`` (key absent), distinct from ``None``
  (JSON ``null``). Free-form objects are ``dict[str, Any]``.
* A closed ``$def`` (``additionalProperties: false``: every request shape) has exactly
  its wire fields, and the converter rejects unknown keys. An open ``$def`` (every
  response shape) gets one more field, ``extra``, holding unknown keys so they are
  written back.
* One type alias per tagged union ``$def`` (the ones with a ``discriminator``). A
  response-side union also gets an ``Unknown<Name>`` class, a member of its alias, that
  keeps an object whose tag the schema does not know.
* A union dispatched on ``role`` (``MessageParam``) is a *base class* rather than an
  alias: its members subclass it, and calling it builds the member its ``role``
  selects, so ``MessageParam(role="user", content="Hi")`` is a ``UserMessageParam``.
  The base declares the properties every member has; a member adds its own.
* A wire name that is a Python keyword (``from``) becomes the attribute ``from_`` with
  ``metadata={"wire": "from"}``, which the converter renames on the wire.
* ``UNIONS`` (how the converter picks a member) and ``ENTRY_MODELS`` (the model of
  each entry schema).

Simplifications, each forced by the schemas and checked here:

* ``anyOf`` of a known-values ``enum`` and a plain string (``model``) is ``str``.
* ``anyOf`` of an open ``$def`` and an open object (``input_schema``) is ``dict[str, Any]``.
* ``anyOf`` of two ``$def``s with the same properties keeps the one that accepts more
  (the one with fewer required keys). A ``$def`` only reachable through such a
  dropped branch is not generated if its name is taken by the other schema file.
"""

from __future__ import annotations

import argparse
import difflib
import json
import keyword
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
OUT = ROOT / "src" / "messages_schema" / "models" / "_generated.py"
INIT = ROOT / "src" / "messages_schema" / "models" / "__init__.py"

#: Entry files whose models the converter should know by kind; order as in schemas.NAMES.
ENTRY_STEMS = (
    "request",
    "response",
    "stream-event",
    "count-tokens",
    "batch-request",
    "batch-result",
    "error",
)
#: Files holding ``$defs``, in generation order (request shapes first).
DEF_STEMS = ("request", "response")
RESERVED = {"extra"}  # the field that keeps unknown keys on open shapes
SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


class SchemaShapeError(Exception):
    """The schemas contain a shape the generator cannot model cleanly."""


class Defs:
    """The ``$defs`` of every file, with the lookups the generator needs."""

    def __init__(self) -> None:
        self.docs = {s: json.loads((SCHEMAS / f"{s}.schema.json").read_text()) for s in ENTRY_STEMS}
        self.by_key: dict[tuple[str, str], dict[str, Any]] = {}
        for stem in DEF_STEMS:
            for name, node in self.docs[stem].get("$defs", {}).items():
                self.by_key[(stem, name)] = node

    def resolve(self, ref: str, stem: str) -> tuple[str, str]:
        doc, _, fragment = ref.partition("#")
        if doc:
            stem = doc.removesuffix(".schema.json")
        prefix = "/$defs/"
        if not fragment.startswith(prefix):
            msg = f"unsupported $ref {ref!r}"
            raise SchemaShapeError(msg)
        return stem, fragment[len(prefix) :]

    def node(self, key: tuple[str, str]) -> dict[str, Any]:
        return self.by_key[key]

    def is_union(self, key: tuple[str, str]) -> bool:
        return "discriminator" in self.by_key[key]

    def is_open(self, key: tuple[str, str]) -> bool:
        node = self.by_key[key]
        if node.get("additionalProperties") is False:
            return False
        # An allOf of a closed $def plus extra constraints is as closed as that $def.
        return not any(
            "$ref" in member and not self.is_open(self.resolve(member["$ref"], key[0]))
            for member in node.get("allOf", ())
        )

    def properties(self, key: tuple[str, str]) -> tuple[dict[str, Any], list[str]]:
        """Properties and required names, with ``allOf`` ``$ref`` members merged in."""
        node = self.by_key[key]
        props: dict[str, Any] = {}
        required: list[str] = []
        for member in node.get("allOf", ()):
            if "$ref" in member:
                sub_props, sub_req = self.properties(self.resolve(member["$ref"], key[0]))
                props.update(sub_props)
                required += [r for r in sub_req if r not in required]
        for name, prop in node.get("properties", {}).items():
            props[name] = (prop, key[0])
        required += [r for r in node.get("required", ()) if r not in required]
        # Values are (schema, stem the schema's $refs are relative to).
        return props, required


class Generator:
    def __init__(self) -> None:
        self.defs = Defs()
        self.names: dict[tuple[str, str], str] = {}
        self.dropped: set[tuple[str, str]] = set()
        self.referenced: set[tuple[str, str]] = set()

    # -- annotations ------------------------------------------------------------------

    def parts(self, node: dict[str, Any], stem: str) -> list[str]:
        """Return the members of the annotation for *node*, deduplicated, in order."""
        if "$ref" in node:
            key = self.defs.resolve(node["$ref"], stem)
            self.referenced.add(key)
            return [key[1]]
        if "anyOf" in node:
            return self.any_of(node["anyOf"], stem)
        if "const" in node:
            return [f"Literal[{self.literal(node['const'])}]"]
        if "enum" in node:
            values = [v for v in node["enum"] if v is not None]
            out = [f"Literal[{', '.join(self.literal(v) for v in values)}]"] if values else []
            return out + (["None"] if None in node["enum"] else [])
        declared = node.get("type")
        if declared is None:
            return ["Any"]
        kinds = declared if isinstance(declared, list) else [declared]
        out: list[str] = []
        for kind in kinds:
            if kind in SCALARS:
                out.append(SCALARS[kind])
            elif kind == "array":
                items = node.get("items")
                inner = "Any" if items is None else self.union(self.parts(items, stem))
                out.append(f"list[{inner}]")
            elif kind == "object":
                if node.get("properties"):
                    msg = f"inline object with properties: {json.dumps(node)[:200]}"
                    raise SchemaShapeError(msg)
                out.append("dict[str, Any]")
            else:
                msg = f"unsupported type {kind!r}"
                raise SchemaShapeError(msg)
        return out

    def any_of(self, members: list[dict[str, Any]], stem: str) -> list[str]:
        refs = [self.defs.resolve(m["$ref"], stem) for m in members if "$ref" in m]
        # An open $def beside an open free-form object: the object wins (input_schema).
        free = any(m.get("type") == "object" and "properties" not in m for m in members)
        if free and refs and all(self.defs.is_open(r) for r in refs):
            out = []
            for m in members:
                if "$ref" not in m:
                    out += self.parts(m, stem)
            return self.dedupe(out)
        # Two $defs of the same shape: keep the one that accepts more.
        keep = list(refs)
        for a in refs:
            for b in refs:
                if a != b and a in keep and b in keep and self.same_shape_wider(a, b):
                    keep.remove(b)
                    self.dropped.add(b)
        out = []
        for m in members:
            if "$ref" in m and self.defs.resolve(m["$ref"], stem) not in keep:
                continue
            out += self.parts(m, stem)
        if "str" in out:  # known values plus any string: a string
            out = [p for p in out if not p.startswith('Literal["')]
        return self.dedupe(out)

    def same_shape_wider(self, a: tuple[str, str], b: tuple[str, str]) -> bool:
        """True when $def *a* has *b*'s properties and requires no more than *b*."""
        na, nb = self.defs.node(a), self.defs.node(b)
        if self.defs.is_union(a) or self.defs.is_union(b):
            return False
        if na.get("properties") != nb.get("properties"):
            return False
        return set(na.get("required", ())) <= set(nb.get("required", ())) and (a < b or set(
            na.get("required", ())
        ) < set(nb.get("required", ())))

    @staticmethod
    def dedupe(parts: list[str]) -> list[str]:
        seen: list[str] = []
        for p in parts:
            if p not in seen:
                seen.append(p)
        return seen

    @staticmethod
    def union(parts: list[str]) -> str:
        # Keep None last, the way the house style writes `X | None | UnsetType`.
        ordered = [p for p in parts if p != "None"] + (["None"] if "None" in parts else [])
        return " | ".join(ordered)

    @staticmethod
    def literal(value: Any) -> str:
        if isinstance(value, str):
            return json.dumps(value)
        if isinstance(value, bool | int) or value is None:
            return repr(value)
        msg = f"unsupported literal {value!r}"
        raise SchemaShapeError(msg)

    # -- classes ----------------------------------------------------------------------

    def fields(self, key: tuple[str, str]) -> list[dict[str, Any]]:
        props, required = self.defs.properties(key)
        fields: list[dict[str, Any]] = []
        for name, (prop, stem) in props.items():
            if not name.isidentifier():
                msg = f"{key[1]}.{name} is not a Python identifier"
                raise SchemaShapeError(msg)
            if name in RESERVED:
                msg = f"{key[1]}.{name} clashes with the reserved field {name!r}"
                raise SchemaShapeError(msg)
            parts = self.parts(prop, stem)
            is_required = name in required
            default = None
            if is_required and "const" in prop:
                default = self.literal(prop["const"])
            elif not is_required:
                parts = [*parts, "UnsetType"] if "UnsetType" not in parts else parts
                default = "UNSET"
            fields.append(
                {
                    "name": name,
                    "ann": self.union([p for p in parts if p != "UnsetType"])
                    + (" | UnsetType" if "UnsetType" in parts else ""),
                    "required": is_required,
                    "const": is_required and "const" in prop,
                    "default": default,
                    "doc": prop.get("description"),
                }
            )
        # Tags first, then required keys in `required` order, then the optional ones.
        first = {"type": 0, "role": 1}
        tags = sorted((f for f in fields if f["const"]), key=lambda f: first.get(f["name"], 2))
        req = sorted(
            (f for f in fields if f["required"] and not f["const"]),
            key=lambda f: required.index(f["name"]),
        )
        opt = [f for f in fields if not f["required"]]
        return tags + req + opt

    def emit_class(
        self, key: tuple[str, str], base: str = "Model", extra_body: list[str] | None = None
    ) -> list[str]:
        node = self.defs.node(key)
        lines = ["", "", "@attrs.frozen(kw_only=True, repr=False)", f"class {key[1]}({base}):"]
        lines += self.docstring(node.get("description") or node.get("title") or key[1], "    ")
        lines.append("")
        for f in self.fields(key):
            if f["doc"]:
                lines += self.comment(f["doc"], "    ")
            if keyword.iskeyword(f["name"]):
                # A wire name Python reserves (`from`): the attribute takes a trailing
                # underscore and the converter renames it on the wire.
                default = f"default={f['default']}, " if f["default"] is not None else ""
                tail = f' = attrs.field({default}metadata={{"wire": "{f["name"]}"}})'
                lines.append(f"    {f['name']}_: {f['ann']}{tail}")
                continue
            tail = f" = {f['default']}" if f["default"] is not None else ""
            lines.append(f"    {f['name']}: {f['ann']}{tail}")
        if self.defs.is_open(key):
            lines.append("    #: Keys the schema does not know, kept so they are written back.")
            lines.append("    extra: dict[str, Any] = attrs.field(factory=dict)")
        if extra_body:
            lines += extra_body
        return lines

    @staticmethod
    def docstring(text: str, indent: str) -> list[str]:
        text = text.strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        body = [f"{indent}{line}".rstrip() for line in text.splitlines()]
        return [f'{indent}"""', *body, f'{indent}"""']

    @staticmethod
    def comment(text: str, indent: str) -> list[str]:
        return [f"{indent}#: {line}".rstrip() for line in text.strip().splitlines()]

    # -- unions -----------------------------------------------------------------------

    def union_info(self, key: tuple[str, str]) -> dict[str, Any]:
        node = self.defs.node(key)
        disc = node["discriminator"]
        tag = disc["propertyName"]
        members: dict[str, str] = {}
        for value, ref in disc["mapping"].items():
            target = self.defs.resolve(ref, key[0])
            if self.defs.is_union(target):
                msg = f"{key[1]}: member {target[1]} is itself a union"
                raise SchemaShapeError(msg)
            members[value] = target[1]
            self.referenced.add(target)
        untagged = None
        for clause in node.get("allOf", ()):
            cond = clause.get("if", {})
            then = clause.get("then", {})
            alternatives = cond.get("anyOf", [cond])
            for alt in alternatives:
                not_required = alt.get("not", {}).get("required", [])
                enum = alt.get("properties", {}).get(tag, {}).get("enum", [])
                if tag in not_required or None in enum:
                    untagged = self.defs.resolve(then["$ref"], key[0])[1]
        classes = self.dedupe(list(members.values()))
        return {
            "name": key[1],
            "tag": tag,
            "members": members,
            "classes": classes,
            "untagged": untagged,
            # Response unions keep unknown tags: the API adds block and event types.
            "unknown": f"Unknown{key[1]}" if key[0] == "response" else None,
            "description": node.get("description", ""),
        }

    # -- module -----------------------------------------------------------------------

    def build(self) -> tuple[str, str]:
        self.referenced: set[tuple[str, str]] = set()
        unions = {k: self.union_info(k) for k in self.defs.by_key if self.defs.is_union(k)}
        # Render every class body once, so `referenced` and `dropped` are complete.
        object_keys = [k for k in self.defs.by_key if not self.defs.is_union(k)]
        for k in object_keys:
            self.fields(k)
        seen_names: dict[str, tuple[str, str]] = {}
        classes: list[tuple[str, str]] = []
        for k in object_keys:
            if k[1] in seen_names:
                a, b = seen_names[k[1]], k
                loser = a if a in self.dropped else b if b in self.dropped else None
                if loser is None:
                    msg = f"$def name {k[1]} is defined in two files with different uses"
                    raise SchemaShapeError(msg)
                if loser == a:
                    classes.remove(a)
                    seen_names[k[1]] = b
                    classes.append(b)
                continue
            seen_names[k[1]] = k
            classes.append(k)
        role_unions = {k: u for k, u in unions.items() if u["tag"] != "type"}
        base_of: dict[str, str] = {}
        for u in role_unions.values():
            for c in u["classes"]:
                base_of[c] = u["name"]

        out = [
            "# Generated by tools/gen_models.py from schemas/*.schema.json. Do not edit.",
            '"""',
            "Typed models of the Messages API, generated from the shipped JSON Schemas.",
            "",
            "Import them from `messages_schema.models`; this module is private.",
            '"""',
            "",
            "from __future__ import annotations",
            "",
            "from collections.abc import Mapping",
            "from typing import Any, Final, Literal, TypeAlias",
            "",
            "import attrs",
            "",
            "from messages_schema.models._base import (",
            "    UNSET,",
            "    DispatchingModel,",
            "    Model,",
            "    TaggedUnion,",
            "    UnsetType,",
            ")",
        ]
        # Role-dispatched unions come first: their members subclass them.
        for key, u in sorted(role_unions.items(), key=lambda kv: kv[0][1]):
            out += self.emit_role_base(key, u)
        for key in sorted(classes, key=lambda k: k[1]):
            out += self.emit_class(key, base=base_of.get(key[1], "Model"))
        unknowns = sorted((u for u in unions.values() if u["unknown"]), key=lambda u: u["name"])
        for u in unknowns:
            out += self.emit_unknown(u)
        out += ["", ""]
        type_unions = sorted(
            (u for u in unions.values() if u["tag"] == "type"), key=lambda u: u["name"]
        )
        for u in type_unions:
            members = [*u["classes"], *([u["unknown"]] if u["unknown"] else [])]
            out += self.comment(u["description"], "")
            if len(members) == 1:
                out.append(f"{u['name']}: TypeAlias = {members[0]}")
            else:
                out.append(f"{u['name']}: TypeAlias = (")
                out += [f"    {'' if i == 0 else '| '}{m}" for i, m in enumerate(members)]
                out.append(")")
        out += ["", "#: How the converter picks the member of each tagged union, by union name."]
        out.append("UNIONS: Final[Mapping[str, TaggedUnion]] = {")
        for u in sorted(unions.values(), key=lambda u: u["name"]):
            out.append(f"    {json.dumps(u['name'])}: TaggedUnion(")
            out.append(f"        name={json.dumps(u['name'])},")
            out.append(f"        tag={json.dumps(u['tag'])},")
            out.append("        members={")
            out += [f"            {json.dumps(v)}: {c}," for v, c in u["members"].items()]
            out.append("        },")
            if u["untagged"]:
                out.append(f"        untagged={u['untagged']},")
            if u["unknown"]:
                out.append(f"        unknown={u['unknown']},")
            out.append("    ),")
        out.append("}")
        for _key, u in sorted(role_unions.items(), key=lambda kv: kv[0][1]):
            out.append(f"{u['name']}._dispatch = UNIONS[{json.dumps(u['name'])}]")
        out += ["", "#: The model of each entry schema, by file stem."]
        out.append("ENTRY_MODELS: Final[Mapping[str, Any]] = {")
        for stem in ENTRY_STEMS:
            ref = self.defs.docs[stem]["$ref"]
            _, name = self.defs.resolve(ref, stem)
            out.append(f"    {json.dumps(stem)}: {name},")
        out.append("}")
        names = sorted(
            [k[1] for k in classes]
            + [u["name"] for u in unions.values()]
            + [u["unknown"] for u in unknowns]
        )
        out += ["", "__all__ = ["]
        out += [f"    {json.dumps(n)}," for n in sorted({*names, "ENTRY_MODELS", "UNIONS"})]
        out.append("]")
        module = "\n".join(out).rstrip() + "\n"
        return module, self.init_module(sorted(set(names)))

    def emit_role_base(self, key: tuple[str, str], u: dict[str, Any]) -> list[str]:
        """A union dispatched on ``role``: a base class its members subclass."""
        members = u["classes"]
        field_sets = [[f["name"] for f in self.fields(self.find(m))] for m in members]
        # The base declares the properties every member has; a member adds its own
        # (a system message's `clear_at`).
        common = [n for n in field_sets[0] if all(n in s for s in field_sets)]
        if u["tag"] not in common:
            msg = f"{u['name']}: members do not all have the tag {u['tag']!r}"
            raise SchemaShapeError(msg)
        anns: dict[str, list[str]] = {}
        for m in members:
            for f in self.fields(self.find(m)):
                if f["name"] not in common:
                    continue
                parts = anns.setdefault(f["name"], [])
                for part in f["ann"].split(" | "):
                    if part.startswith("Literal[") and f["const"]:
                        const = self.fields_const(m, f["name"])
                        parts.append(f"Literal[{self.literal(const)}]")
                    else:
                        parts.append(part)
        lines = ["", "", "@attrs.frozen(kw_only=True, repr=False)"]
        lines.append(f"class {u['name']}(DispatchingModel):")
        doc = (
            f"{u['description']}\n\n"
            f"The common base of {', '.join(f'`{m}`' for m in members)}.\n"
            f"Calling it builds the member its ``{u['tag']}`` selects:\n"
            f"``{u['name']}({u['tag']}=...)`` returns an instance of that member class."
        )
        lines += self.docstring(doc, "    ")
        lines.append("")
        for name in common:
            parts = self.dedupe(anns[name])
            literals = [p[len("Literal[") : -1] for p in parts if p.startswith("Literal[")]
            others = [p for p in parts if not p.startswith("Literal[")]
            merged = ([f"Literal[{', '.join(literals)}]"] if literals else []) + others
            unset = "UnsetType" in merged
            merged = [p for p in merged if p != "UnsetType"]
            ann = self.union(merged) + (" | UnsetType" if unset else "")
            lines.append(f"    {name}: {ann}" + (" = UNSET" if unset else ""))
        return lines

    def fields_const(self, cls: str, name: str) -> Any:
        props, _ = self.defs.properties(self.find(cls))
        return props[name][0]["const"]

    def find(self, name: str) -> tuple[str, str]:
        for k in self.defs.by_key:
            if k[1] == name and k not in self.dropped:
                return k
        raise KeyError(name)

    def emit_unknown(self, u: dict[str, Any]) -> list[str]:
        doc = (
            f"A `{u['name']}` whose ``{u['tag']}`` the schema does not know.\n\n"
            f"The API adds new {u['tag']}s over time; this keeps such an object whole\n"
            "instead of failing or coercing it into a known class. ``data`` holds every\n"
            f"key but ``{u['tag']}``, and unstructuring writes them all back."
        )
        return [
            "",
            "",
            "@attrs.frozen(kw_only=True, repr=False)",
            f"class {u['unknown']}(Model):",
            *self.docstring(doc, "    "),
            "",
            f"    {u['tag']}: str",
            "    data: dict[str, Any] = attrs.field(factory=dict)",
        ]

    @staticmethod
    def init_module(names: list[str]) -> str:
        exported = sorted({*names, "UNSET", "UnsetType"})
        lines = [
            "# Generated by tools/gen_models.py from schemas/*.schema.json. Do not edit.",
            '"""',
            "Typed models of every Messages API shape, generated from the shipped JSON Schemas.",
            "",
            "Classes are frozen, keyword-only attrs classes named like the schema ``$defs``",
            "(``TextBlockParam`` in requests, ``TextBlock`` in responses), with wire field",
            "names. An optional field that was absent on the wire is `UNSET`; ``None`` is",
            "JSON ``null``. Tagged unions are type aliases (``ContentBlockParam``); convert",
            "with `messages_schema.structure` and `messages_schema.unstructure`.",
            "",
            "``MessageParam`` is the base class of ``UserMessageParam``,",
            "``AssistantMessageParam`` and ``SystemMessageParam``:",
            '``MessageParam(role="user", content="Hello")`` builds a ``UserMessageParam``.',
            "",
            ".. versionadded:: 0.1.0",
            '"""',
            "",
            "from messages_schema.models._base import UNSET, UnsetType",
            "from messages_schema.models._generated import (",
        ]
        # isort's order (case-insensitive) for the import, plain sorted() for __all__.
        lines += [f"    {n}," for n in sorted(names, key=str.lower)]
        lines += [")", "", "__all__ = [  # noqa: RUF022 - plain sorted(), as test_exports checks"]
        lines += [f"    {json.dumps(n)}," for n in exported]
        lines.append("]")
        return "\n".join(lines) + "\n"


def _summary(name: str, old: str, new: str) -> str:
    diff = list(
        difflib.unified_diff(
            old.splitlines(),
            new.splitlines(),
            f"{name} (committed)",
            f"{name} (generated)",
            lineterm="",
        )
    )
    added = sum(1 for d in diff if d.startswith("+") and not d.startswith("+++"))
    removed = sum(1 for d in diff if d.startswith("-") and not d.startswith("---"))
    shown = "\n".join(diff[:60]) + ("\n..." if len(diff) > 60 else "")
    return f"{name} is stale: +{added} -{removed} lines\n{shown}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the output is stale")
    args = parser.parse_args(argv)
    try:
        module, init = Generator().build()
    except SchemaShapeError as exc:
        print(f"gen_models: {exc}", file=sys.stderr)
        return 2
    targets = [(OUT, module), (INIT, init)]
    if args.check:
        stale = [
            _summary(str(path.relative_to(ROOT)), path.read_text() if path.exists() else "", text)
            for path, text in targets
            if not path.exists() or path.read_text() != text
        ]
        if stale:
            print("\n\n".join(stale))
            print("\nrun `python tools/gen_models.py` to regenerate")
            return 1
        print("models are up to date")
        return 0
    for path, text in targets:
        path.write_text(text)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
