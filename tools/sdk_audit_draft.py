#!/usr/bin/env python
"""
Draft request-schema additions for what the SDK audit finds missing (step 3 of the
upgrade procedure in ``tools/sdk_audit.py``).

    python tools/sdk_audit_draft.py            # print the edits it would make
    python tools/sdk_audit_draft.py --apply    # write them to schemas/request.schema.json

For each difference the audit reports and the allow-list does not cover, on the request
schema, of the kinds "missing in schema" (a key or a union member), "literal ... missing
in schema" and "optional in SDK, required in schema", it edits the schema the way the
SDK types say: new ``$defs`` are drafted from the SDK's TypedDicts (``Beta`` prefix
dropped, the house layout: closed objects, ``anyOf`` with ``null`` for ``Optional``,
tagged unions as ``discriminator`` + ``if``/``then``). It never removes anything and
never touches the response schema. Review the diff, add the beta-only items to
``betas.toml``, then run the audit again: the draft is a start, not a verdict (value
bounds, patterns and descriptions the SDK only states in prose are not drafted).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools import sdk_audit

REQUEST = sdk_audit.SCHEMAS / "request.schema.json"


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


class Drafter:
    """Drafts schema nodes and ``$defs`` for SDK annotations into one request schema."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.defs: dict[str, Any] = doc["$defs"]
        self.made: list[str] = []

    # -- names ---------------------------------------------------------------------------

    def name_of(self, tp: Any, owner: str = "", key: str = "") -> str:
        name = sdk_audit._bare(tp.__name__)
        generic = not name.endswith(("Param", "Params")) and owner
        if generic:
            name = f"{owner.removesuffix('Param')}{name}Param"
        return name

    def union_name(self, members: list[Any], owner: str, key: str) -> str:
        for name, node in self.defs.items():
            mapping = node.get("discriminator", {}).get("mapping", {})
            if mapping and {self.name_of(m.obj.ident) for m in members} == {
                ref.rsplit("/", 1)[-1] for ref in mapping.values()
            }:
                return name
        return f"{owner.removesuffix('Param')}{_camel(key.rstrip('s'))}Param"

    # -- nodes ---------------------------------------------------------------------------

    def ordered(self, values: set[Any]) -> list[Any]:
        """*values* in the order an existing ``enum`` of the same values has, else sorted."""
        stack: list[Any] = [self.defs]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if isinstance(node.get("enum"), list) and set(node["enum"]) == values:
                    return list(node["enum"])
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
        return sorted(values, key=repr)

    def node(self, annotation: Any, owner: str, key: str) -> dict[str, Any]:
        members = sdk_audit.sdk_members(annotation)
        branches: list[dict[str, Any]] = []
        objects = [m for m in members if m.kind == "object"]
        if len(objects) > 1:
            branches.append({"$ref": f"#/$defs/{self.union(objects, owner, key)}"})
        elif objects:
            branches.append({"$ref": f"#/$defs/{self.define(objects[0].obj.ident, owner, key)}"})
        for kind in ("string", "integer", "number", "boolean"):
            of_kind = [m for m in members if m.kind == kind]
            if not of_kind:
                continue
            values = self.ordered({v for m in of_kind if m.values for v in m.values})
            if any(m.values is None for m in of_kind):
                if values:
                    branches.append({"enum": values, "type": kind})
                branches.append({"type": kind})
            elif len(values) == 1:
                branches.append({"const": values[0], "type": kind})
            else:
                branches.append({"enum": values, "type": kind})
        for m in members:
            if m.kind == "array":
                branches.append(
                    {"items": self.node(m.item, owner, key), "type": "array"}
                )
            elif m.kind == "dict":
                values: Any = True if m.item is None else self.node(m.item, owner, key)
                branches.append({"additionalProperties": values or True, "type": "object"})
            elif m.kind == "any":
                branches.append({})
        if any(m.kind == "null" for m in members):
            branches.append({"type": "null"})
        return branches[0] if len(branches) == 1 else {"anyOf": branches}

    def define(self, tp: Any, owner: str = "", key: str = "") -> str:
        name = self.name_of(tp, owner, key)
        if name in self.defs:
            return name
        obj = sdk_audit.sdk_members(tp)[0].obj
        assert obj is not None
        self.defs[name] = {}  # reserve: recursive types refer back to it
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field_name, (is_required, annotation) in obj.fields.items():
            properties[field_name] = self.node(annotation, name, field_name)
            if is_required:
                required.append(field_name)
        tag = properties.get("type", {}).get("const")
        fixed_name = properties.get("name", {}).get("const")
        # Descriptions are templated: the SDK's docstrings are its authors' prose.
        if tag and fixed_name:
            doc = f"Definition of the `{fixed_name}` tool, version `{tag}`; its `name` is fixed."
        elif tag and name.endswith("BlockParam"):
            doc = f"A `{tag}` block, as sent in a request."
        elif tag:
            doc = f"The `{tag}` variant of `{name}`, as sent in a request."
        else:
            doc = f"The `{name}` object, as sent in a request."
        self.defs[name] = {
            "title": name,
            "description": doc,
            "additionalProperties": False,
            "properties": properties,
            **({"required": required} if required else {}),
            "type": "object",
        }
        self.made.append(name)
        return name

    def union(self, members: list[Any], owner: str, key: str) -> str:
        name = self.union_name(members, owner, key)
        if name in self.defs:
            for m in members:
                self.add_member(name, m.obj.ident)
            return name
        self.defs[name] = {
            "title": name,
            "description": "",
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"enum": []}},
            "discriminator": {"propertyName": "type", "mapping": {}},
            "allOf": [],
        }
        for m in members:
            self.add_member(name, m.obj.ident)
        self.made.append(name)
        return name

    def add_member(self, union: str, tp: Any) -> None:
        node = self.defs[union]
        prop = node["discriminator"]["propertyName"]
        target = self.define(tp)
        tags = sdk_audit._literal_tags(sdk_audit.sdk_members(tp)[0].obj, prop) or ()
        for tag in tags:
            if tag is None or tag in node["discriminator"]["mapping"]:
                continue
            node["discriminator"]["mapping"][tag] = f"#/$defs/{target}"
            node["properties"][prop]["enum"].append(tag)
            node["allOf"].append({
                "if": {"properties": {prop: {"const": tag}}, "required": [prop]},
                "then": {"$ref": f"#/$defs/{target}"},
            })
        count = len(set(node["discriminator"]["mapping"].values()))
        node["description"] = f"One of {count} shapes, chosen by the value of `{prop}`."

    # -- edits from differences ------------------------------------------------------------

    def property_node(self, where: str) -> tuple[dict[str, Any], str]:
        """The object ``$def`` and key a ``request:Def.key`` location names."""
        def_name, _, rest = where.partition(":")[2].partition(".")
        key = re.split(r"[\[{]", rest, maxsplit=1)[0]
        return self.defs[def_name], key

    def apply(self, difference: sdk_audit.Difference) -> str | None:
        if not difference.where.startswith("request:"):
            return None
        what = difference.what
        if what == "missing in schema" and "{" not in difference.where:
            node, key = self.property_node(difference.where)
            required, annotation = difference.sdk
            def_name = difference.where.partition(":")[2].partition(".")[0]
            node["properties"][key] = self.node(annotation, def_name, key)
            if required:
                node.setdefault("required", []).append(key)
            return f"added {difference.where}"
        if what == "member missing in schema":
            union = difference.where.partition(":")[2].partition("{")[0]
            if union in self.defs and "discriminator" in self.defs[union]:
                self.add_member(union, difference.sdk.ident)
                return f"added {difference.where}"
            return None
        match = re.fullmatch(r"literal (.+) missing in schema", what)
        if match:
            node, key = self.property_node(difference.where)
            value = ast.literal_eval(match.group(1))  # the repr of a JSON scalar
            for branch in [node["properties"][key], *node["properties"][key].get("anyOf", ())]:
                if "enum" in branch:
                    branch["enum"].append(value)
                    return f"added {difference.where} = {value!r}"
            return None
        if what == "optional in SDK, required in schema":
            node, key = self.property_node(difference.where)
            node["required"] = [k for k in node.get("required", ()) if k != key]
            return f"made optional {difference.where}"
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--apply", action="store_true", help="write schemas/request.schema.json")
    args = parser.parse_args(argv)
    doc = json.loads(REQUEST.read_text(encoding="utf-8"))
    drafter = Drafter(doc)
    report = sdk_audit.check(sdk_audit.audit(), sdk_audit.load_allow())
    # Union members first, so that a union drafted later recognises a grown one.
    for difference in sorted(report.unexpected, key=lambda d: "member" not in d.what):
        done = drafter.apply(difference)
        print(done or f"left   {difference.id}")
    for name in drafter.made:
        print(f"new $def {name}")
    if args.apply:
        REQUEST.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
