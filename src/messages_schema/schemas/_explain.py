"""
The errors python ``jsonschema`` reports for the shipped schemas, without walking valid parts.

`_structural` words a structural problem from the error ``jsonschema``'s
``Draft202012Validator.iter_errors`` gives for it. Walking a whole document in Python
to find one problem cost about a millisecond on a 100-byte request. `Explainer` gives
the same errors (the same keyword, value, instance, schema node, absolute path and,
for ``anyOf``, the same per-branch context), in the same order, at a fraction of that:

* each schema node is compiled once into a closure that checks its keywords in the
  node's own order, as ``jsonschema`` does (`_Compiler`);
* every ``$ref`` first asks the compiled ``jsonschema-rs`` validator of its target
  whether the value is valid; a valid message, block or tool (nearly all of a document
  with one problem) costs one compiled check instead of a Python walk;
* a tagged union (``allOf`` of ``if {type: const} then $ref``) picks its member by the
  tag in a dict instead of testing each ``if``.

A keyword ``jsonschema`` validates and this module does not know raises `Unsupported`
when its node is compiled: the caller then falls back to ``jsonschema`` itself.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from numbers import Number
from typing import Any, TypeAlias

import jsonschema_rs

from messages_schema import schemas
from messages_schema._types import Path

__all__ = ["Explainer", "SchemaError", "Unsupported", "explainer_for"]


class Unsupported(Exception):  # noqa: N818 (a signal, caught by the caller)
    """A schema keyword this module does not reproduce; use python ``jsonschema``."""


class SchemaError:
    """
    One validation error, as ``jsonschema.ValidationError`` has it.

    Only the fields `_structural._translate` reads; ``absolute_path`` is a tuple.
    """

    __slots__ = (
        "absolute_path",
        "context",
        "instance",
        "message",
        "relative_path",
        "relative_schema_path",
        "schema",
        "validator",
        "validator_value",
    )

    def __init__(
        self,
        path: Path,
        validator: str | None,
        value: Any,
        instance: Any,
        schema: Any,
        message: str = "",
        context: list[SchemaError] | None = None,
    ) -> None:
        self.absolute_path = path
        self.validator = validator
        self.validator_value = value
        self.instance = instance
        self.schema = schema
        self.message = message
        self.context = context or []
        #: Set when the error is one branch's error in an ``anyOf`` context: the path
        #: below the ``anyOf``'s instance, and the branch index first.
        self.relative_path: Path = ()
        self.relative_schema_path: tuple[Any, ...] = ()

    def __repr__(self) -> str:
        return f"SchemaError({self.validator!r} at {list(self.absolute_path)})"


Errors: TypeAlias = Sequence[SchemaError]
#: A compiled schema node: the errors of *instance* at *path* (empty when valid).
Check: TypeAlias = Callable[[Any, Path], Errors]
_NONE: Errors = ()

#: Every keyword ``jsonschema`` validates under draft 2020-12 (its ``VALIDATORS``); any
#: other key of a schema node (``title``, ``discriminator``, ``x-anthropic-beta``...)
#: is an annotation it skips, and so do we.
_VALIDATED = frozenset(
    {
        "$dynamicRef", "$ref", "additionalProperties", "allOf", "anyOf", "const", "contains",
        "dependentRequired", "dependentSchemas", "enum", "exclusiveMaximum",
        "exclusiveMinimum", "format", "if", "items", "maxItems", "maxLength",
        "maxProperties", "maximum", "minItems", "minLength", "minProperties", "minimum",
        "multipleOf", "not", "oneOf", "pattern", "patternProperties", "prefixItems",
        "properties", "propertyNames", "required", "type", "unevaluatedItems",
        "unevaluatedProperties", "uniqueItems",
    }
)  # fmt: skip


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, Number)


#: ``jsonschema``'s draft 2020-12 type checker.
_TYPES: dict[str, Callable[[Any], bool]] = {
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "integer": _is_integer,
    "null": lambda v: v is None,
    "number": _is_number,
    "object": lambda v: isinstance(v, dict),
    "string": lambda v: isinstance(v, str),
}


def _unbool(value: Any) -> Any:
    if value is True:
        return _TRUE
    if value is False:
        return _FALSE
    return value


_TRUE, _FALSE = object(), object()


def _equal(one: Any, two: Any) -> bool:
    """``jsonschema``'s equality: ``True`` is not ``1``, sequences and mappings deeply."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(
            key in two and _equal(value, two[key]) for key, value in one.items()
        )
    return bool(_unbool(one) == _unbool(two))


def _valid(errors: Errors) -> bool:
    return not errors


class Explainer:
    """
    The errors of documents against the shipped schemas, under some betas.

    One per set of unlocked ``anthropic-beta`` values (`explainer_for`); compiled
    lazily, node by node, and safe to share between threads (a node compiled twice
    by a race gives the same closure).
    """

    def __init__(self, unlocked: frozenset[str] = frozenset()) -> None:
        self.unlocked = unlocked
        self._docs = {stem: schemas.shared_view(stem, unlocked) for stem in schemas.NAMES}
        self._registry = jsonschema_rs.Registry(
            [(schemas.uri(stem), doc) for stem, doc in self._docs.items()]
        )
        self._compiler = _Compiler(self)
        self._roots: dict[str, Check] = {}
        self._fast: dict[str, Any] = {}
        self._lock = threading.Lock()

    def errors(self, name: str, document: Any) -> Errors:
        """
        The errors of *document* against the schema *name*, as ``iter_errors`` lists them.

        The root is walked without first asking the compiled validator (the caller
        asks that once, to decide whether to explain at all).

        Raises:
            Unsupported: The schema uses a keyword this module does not reproduce.
        """
        stem = schemas.name_for_kind(name)
        check = self._roots.get(stem)
        if check is None:
            check = self._roots[stem] = self._compiler.node(self._docs[stem], stem, prune=False)
        return check(document, ())

    def compile_all(self) -> int:
        """Compile every node of every schema now (tests); return how many."""
        for stem, doc in self._docs.items():
            self._compiler.node(doc, stem, prune=False)
            for name in doc.get("$defs", {}):
                self._compiler.node(doc["$defs"][name], stem, prune=True)
        return self._compiler.force()

    def resolve(self, ref: str, stem: str) -> tuple[str, str, Any]:
        """The absolute URI, document stem and schema node a ``$ref`` in *stem* names."""
        doc_part, _, fragment = ref.partition("#")
        target = schemas.name_for_kind(doc_part.removesuffix(".schema.json")) if doc_part else stem
        node: Any = self._docs[target]
        for part in fragment.split("/")[1:]:
            key = part.replace("~1", "/").replace("~0", "~")
            node = node[int(key)] if isinstance(node, list) else node[key]
        return f"{schemas.uri(target)}#{fragment}", target, node

    def fast_valid(self, uri: str) -> Callable[[Any], bool]:
        """The compiled ``is_valid`` of the schema at *uri* (built once)."""
        fast = self._fast.get(uri)
        if fast is None:
            with self._lock:
                fast = self._fast.get(uri)
                if fast is None:
                    fast = jsonschema_rs.validator_for({"$ref": uri}, registry=self._registry)
                    self._fast[uri] = fast
        return fast.is_valid


class _Compiler:
    """Turns schema nodes into `Check` closures, one per node (and pruning mode)."""

    def __init__(self, owner: Explainer) -> None:
        self.owner = owner
        self._done: dict[tuple[int, bool], Check] = {}
        #: Lazily resolved ``$ref`` targets still to compile (`force`).
        self._pending: list[Callable[[], Check]] = []

    def force(self) -> int:
        while self._pending:
            self._pending.pop()()
        return len(self._done)

    def node(self, schema: Any, stem: str, *, prune: bool = True) -> Check:
        key = (id(schema), prune)
        done = self._done.get(key)
        if done is None:
            done = self._done[key] = self._build(schema, stem, prune)
        return done

    def _build(self, schema: Any, stem: str, prune: bool) -> Check:
        if schema is True:
            return lambda instance, path: _NONE
        if schema is False:

            def false(instance: Any, path: Path) -> Errors:
                message = f"False schema does not allow {instance!r}"
                return [SchemaError(path, None, None, instance, schema, message)]

            return false
        if not isinstance(schema, dict):
            msg = f"not a schema: {schema!r}"
            raise Unsupported(msg)
        keywords = [k for k in schema if k in _VALIDATED]
        for keyword in keywords:
            if keyword not in _KEYWORDS:
                raise Unsupported(keyword)
        if (
            ("properties" in schema or "required" in schema or "additionalProperties" in schema)
            and "patternProperties" not in schema
            and not isinstance(schema.get("additionalProperties"), dict)
        ):
            return _object(self, schema, stem, prune, keywords)
        parts: list[Check] = []
        for keyword in keywords:
            part = _KEYWORDS[keyword](self, schema[keyword], schema, stem, prune)
            if part is not None:
                parts.append(part)
        if not parts:
            return lambda instance, path: _NONE
        if len(parts) == 1:
            return parts[0]
        return _sequence(tuple(parts))

    def quick(self, schema: Any, stem: str, depth: int = 0) -> _Quick | None:
        """
        What surely satisfies *schema*, checkable without a call: ``(types, strings)``.

        A value whose exact type is in *types*, or a string in *strings*, is valid
        (`_accepts`); anything else is checked in full. Only pure ``type``, string
        ``const`` and ``enum``, ``anyOf`` of those, and ``$ref`` to those qualify.
        """
        if not isinstance(schema, dict) or depth > 8:
            return None
        keys = {k for k in schema if k in _VALIDATED}
        if keys == {"$ref"} and isinstance(schema["$ref"], str):
            _, target_stem, target = self.owner.resolve(schema["$ref"], stem)
            return self.quick(target, target_stem, depth + 1)
        if keys == {"anyOf"} and isinstance(schema["anyOf"], list):
            found = [self.quick(sub, stem, depth + 1) for sub in schema["anyOf"]]
            if not found or any(q is None for q in found):
                return None
            types = frozenset().union(*(q[0] for q in found if q is not None))
            strings = frozenset().union(*(q[1] for q in found if q is not None))
            return types, strings
        literal = schema.get("const", schema.get("enum"))
        values = [literal] if "const" in schema else literal
        if keys in ({"const"}, {"enum"}, {"const", "type"}, {"enum", "type"}):
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                return None
            if "type" in keys and schema["type"] not in ("string", ["string"]):
                return None
            return frozenset(), frozenset(values)
        if keys == {"type"}:
            names = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
            if not isinstance(names, list) or not all(n in _PY_TYPES for n in names):
                return None
            return frozenset(t for n in names for t in _PY_TYPES[n]), frozenset()
        return None

    def lazy(self, schema: Any, stem: str) -> Callable[[], Check]:
        """The check of a ``$ref`` target, compiled on first use (schemas recurse)."""
        cell: list[Check] = []

        def get() -> Check:
            if not cell:
                cell.append(self.node(schema, stem))
            return cell[0]

        self._pending.append(get)
        return get


def _sequence(parts: tuple[Check, ...]) -> Check:
    def check(instance: Any, path: Path) -> Errors:
        out: list[SchemaError] | None = None
        for part in parts:
            errors = part(instance, path)
            if errors:
                if out is None:
                    out = list(errors)
                else:
                    out.extend(errors)
        return out or _NONE

    return check


#: A tuple, not ``dict | list``: ``isinstance`` with a tuple is cheaper on Python 3.11.
_CONTAINERS = (dict, list)
_Make: TypeAlias = Callable[[_Compiler, Any, dict[str, Any], str, bool], "Check | None"]
_Quick: TypeAlias = tuple[frozenset[type], frozenset[str]]
#: The exact Python types that satisfy a JSON type for `_Compiler.quick` (an integral
#: float is an integer too, but is checked in full).
_PY_TYPES: dict[str, tuple[type, ...]] = {
    "array": (list,),
    "boolean": (bool,),
    "integer": (int,),
    "null": (type(None),),
    "number": (int, float),
    "object": (dict,),
    "string": (str,),
}
_NO_QUICK: _Quick = (frozenset(), frozenset())


def _object(
    c: _Compiler, schema: dict[str, Any], stem: str, prune: bool, keywords: list[str]
) -> Check:
    """
    An object node, its ``properties`` and ``additionalProperties`` in one pass.

    ``type``, ``required``, ``properties`` and a boolean ``additionalProperties`` are
    checked in one pass over the value's keys, the node's other keywords as parts;
    errors come in the node's keyword order, as jsonschema gives them. A property
    whose value `_Compiler.quick` accepts costs no call.
    """
    props: dict[str, Any] = schema.get("properties", {}) if "properties" in keywords else {}
    entries = {
        name: (index, *(c.quick(sub, stem) or _NO_QUICK), c.node(sub, stem))
        for index, (name, sub) in enumerate(props.items())
    }
    required = tuple(schema["required"]) if "required" in keywords else ()
    required_value = schema.get("required")
    closed = "additionalProperties" in keywords and not schema["additionalProperties"]
    closed_value = schema.get("additionalProperties")
    type_part = _k_type(c, schema["type"], schema, stem, prune) if "type" in keywords else None
    names = schema.get("type")
    names = [names] if isinstance(names, str) else names
    # A dict passes `type` when it allows objects: then only the other steps can fail.
    type_fails_objects = type_part is not None and "object" not in (names or ())
    #: (step, part): 0 type, 1 required, 2 properties, 3 additionalProperties, 4 a part.
    steps: list[tuple[int, Check | None]] = []
    for keyword in keywords:
        if keyword == "type":
            steps.append((0, type_part))
        elif keyword == "required":
            steps.append((1, None))
        elif keyword == "properties":
            steps.append((2, None))
        elif keyword == "additionalProperties":
            if closed:
                steps.append((3, None))
        else:
            part = _KEYWORDS[keyword](c, schema[keyword], schema, stem, prune)
            if part is not None:
                steps.append((4, part))
    others = tuple(part for step, part in steps if step == 4 and part is not None)
    plain = tuple(part for step, part in steps if step in (0, 4) and part is not None)

    def check(instance: Any, path: Path) -> Errors:
        if not isinstance(instance, dict):
            # `required`, `properties` and `additionalProperties` ignore non-objects.
            out: list[SchemaError] | None = None
            for part in plain:
                errors = part(instance, path)
                if errors:
                    if out is None:
                        out = list(errors)
                    else:
                        out.extend(errors)
            return out or _NONE
        missing: list[str] | None = None
        for name in required:
            if name not in instance:
                if missing is None:
                    missing = [name]
                else:
                    missing.append(name)
        found: list[tuple[int, Errors]] | None = None
        extra = False
        for key, value in instance.items():
            entry = entries.get(key)
            if entry is None:
                extra = True
                continue
            kind = type(value)
            if kind in entry[1] or (kind is str and value in entry[2]):
                continue
            errors = entry[3](value, (*path, key))
            if errors:
                if found is None:
                    found = [(entry[0], errors)]
                else:
                    found.append((entry[0], errors))
        if (
            missing is None
            and found is None
            and not (extra and closed)
            and not others
            and not type_fails_objects
        ):
            return _NONE
        out = []
        for step, step_part in steps:
            if step == 2:
                if found is not None:
                    found.sort(key=_first)
                    for _, errors in found:
                        out.extend(errors)
            elif step == 1:
                if missing is not None:
                    out.extend(
                        SchemaError(
                            path, "required", required_value, instance, schema,
                            f"{name!r} is a required property",
                        )
                        for name in missing
                    )  # fmt: skip
            elif step == 3:
                if extra:
                    out.append(
                        SchemaError(path, "additionalProperties", closed_value, instance, schema)
                    )
            elif step_part is not None and (step == 4 or type_fails_objects):
                out.extend(step_part(instance, path))
        return out or _NONE

    return check


def _first(pair: tuple[int, Errors]) -> int:
    return pair[0]


def _k_type(c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool) -> Check:
    names = [value] if isinstance(value, str) else list(value)
    try:
        tests = tuple(_TYPES[n] for n in names)
    except (KeyError, TypeError):
        msg = f"type {value!r}"
        raise Unsupported(msg) from None
    if names == ["object"]:

        def is_object(instance: Any, path: Path) -> Errors:
            if isinstance(instance, dict):
                return _NONE
            return [SchemaError(path, "type", value, instance, schema)]

        return is_object

    def check(instance: Any, path: Path) -> Errors:
        for test in tests:
            if test(instance):
                return _NONE
        return [SchemaError(path, "type", value, instance, schema)]

    return check


def _k_enum(c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool) -> Check:
    options = list(value)
    strings = frozenset(v for v in options if isinstance(v, str))

    def check(instance: Any, path: Path) -> Errors:
        if isinstance(instance, str):
            # `_equal` with a string on either side is `==`: only a string can match one.
            if instance in strings:
                return _NONE
        elif any(_equal(option, instance) for option in options):
            return _NONE
        return [SchemaError(path, "enum", value, instance, schema)]

    return check


def _k_const(c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool) -> Check:
    if isinstance(value, str):

        def check_string(instance: Any, path: Path) -> Errors:
            if instance == value:
                return _NONE
            return [SchemaError(path, "const", value, instance, schema)]

        return check_string

    def check(instance: Any, path: Path) -> Errors:
        if _equal(instance, value):
            return _NONE
        return [SchemaError(path, "const", value, instance, schema)]

    return check


def _k_required(c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool) -> Check:
    names = tuple(value)

    def check(instance: Any, path: Path) -> Errors:
        if not isinstance(instance, dict):
            return _NONE
        out: list[SchemaError] | None = None
        for name in names:
            if name not in instance:
                error = SchemaError(
                    path, "required", value, instance, schema, f"{name!r} is a required property"
                )
                if out is None:
                    out = [error]
                else:
                    out.append(error)
        return out or _NONE

    return check


def _k_properties(
    c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool
) -> Check:
    # Keyed by name, with the schema's order: errors come in that order, as in jsonschema.
    checks = {name: (i, c.node(sub, stem)) for i, (name, sub) in enumerate(value.items())}

    def check(instance: Any, path: Path) -> Errors:
        if not isinstance(instance, dict):
            return _NONE
        found: list[tuple[int, Errors]] | None = None
        for key, item in instance.items():
            entry = checks.get(key)
            if entry is None:
                continue
            errors = entry[1](item, (*path, key))
            if errors:
                if found is None:
                    found = [(entry[0], errors)]
                else:
                    found.append((entry[0], errors))
        if found is None:
            return _NONE
        if len(found) == 1:
            return found[0][1]
        found.sort(key=lambda pair: pair[0])
        return [error for _, errors in found for error in errors]

    return check


def _k_pattern_properties(
    c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool
) -> Check:
    checks = [(re.compile(pattern), c.node(sub, stem)) for pattern, sub in value.items()]

    def check(instance: Any, path: Path) -> Errors:
        if not isinstance(instance, dict):
            return _NONE
        out: list[SchemaError] = []
        for regex, sub in checks:
            for key, item in instance.items():
                if regex.search(key):
                    out.extend(sub(item, (*path, key)))
        return out or _NONE

    return check


def _k_additional(
    c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool
) -> Check | None:
    known = schema.get("properties", {})
    joined = "|".join(schema.get("patternProperties", {}))
    regex = re.compile(joined) if joined else None

    def extras(instance: dict[str, Any]) -> list[str]:
        return [
            key for key in instance
            if key not in known and not (regex is not None and regex.search(key))
        ]  # fmt: skip

    if isinstance(value, dict):
        sub = c.node(value, stem)

        def check_each(instance: Any, path: Path) -> Errors:
            if not isinstance(instance, dict):
                return _NONE
            out: list[SchemaError] = []
            for key in extras(instance):
                out.extend(sub(instance[key], (*path, key)))
            return out or _NONE

        return check_each
    if value:
        return None  # `true`, or any truthy non-schema: nothing is extra

    def check(instance: Any, path: Path) -> Errors:
        if not isinstance(instance, dict) or not extras(instance):
            return _NONE
        return [SchemaError(path, "additionalProperties", value, instance, schema)]

    return check


def _k_items(c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool) -> Check:
    if "prefixItems" in schema:
        msg = "prefixItems"
        raise Unsupported(msg)
    if value is False:

        def none_allowed(instance: Any, path: Path) -> Errors:
            if not isinstance(instance, list) or not instance:
                return _NONE
            rest = instance if len(instance) != 1 else instance[0]
            message = f"Expected at most 0 items but found {len(instance)} extra: {rest!r}"
            return [SchemaError(path, "items", value, instance, schema, message)]

        return none_allowed
    sub = c.node(value, stem)

    def check(instance: Any, path: Path) -> Errors:
        if not isinstance(instance, list):
            return _NONE
        out: list[SchemaError] | None = None
        for index, item in enumerate(instance):
            errors = sub(item, (*path, index))
            if errors:
                if out is None:
                    out = list(errors)
                else:
                    out.extend(errors)
        return out or _NONE

    return check


def _tag_test(condition: Any) -> tuple[str, frozenset[str]] | None:
    """
    ``(P, tags)`` for a condition ``{properties: {P: {const | enum}}, required: [P]}``.

    String tags only. Such a condition holds for a non-object, or for an object whose
    *P* is one of the tags.
    """
    if not isinstance(condition, dict):
        return None
    keys = {k for k in condition if k in _VALIDATED}
    props = condition.get("properties")
    required = condition.get("required")
    if keys != {"properties", "required"} or not isinstance(props, dict) or len(props) != 1:
        return None
    ((name, sub),) = props.items()
    if required != [name] or not isinstance(sub, dict):
        return None
    sub_keys = {k for k in sub if k in _VALIDATED}
    if sub_keys == {"const"} and isinstance(sub["const"], str):
        return name, frozenset({sub["const"]})
    if (
        sub_keys == {"enum"}
        and isinstance(sub["enum"], list)
        and all(isinstance(v, str) for v in sub["enum"])
    ):
        return name, frozenset(sub["enum"])
    return None


def _k_all_of(c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool) -> Check:
    dispatch = _tag_dispatch(c, value, stem)
    if dispatch is not None:
        return dispatch
    members = [c.node(sub, stem) for sub in value]

    def check(instance: Any, path: Path) -> Errors:
        out: list[SchemaError] | None = None
        for member in members:
            errors = member(instance, path)
            if errors:
                if out is None:
                    out = list(errors)
                else:
                    out.extend(errors)
        return out or _NONE

    return check


def _tag_dispatch(c: _Compiler, value: Any, stem: str) -> Check | None:
    """
    A tagged union's ``allOf`` of ``if {tag} then $ref`` members, by a dict of tags.

    An object runs the ``then`` of each member whose tag it carries (a string tag
    matches no other JSON type); anything else satisfies every ``if`` (``properties``
    and ``required`` ignore non-objects), so it runs every ``then``, as jsonschema does.
    """
    tests = []
    for member in value:
        if not isinstance(member, dict) or any(
            k in _VALIDATED and k != "if" for k in member
        ) or "else" in member:
            return None
        test = _tag_test(member.get("if"))
        if test is None:
            return None
        tests.append(test)
    names = {name for name, _ in tests}
    if len(names) != 1:
        return None
    (prop,) = names
    thens = [
        c.node(member["then"], stem) if "then" in member else (lambda instance, path: _NONE)
        for member in value
    ]
    by_tag: dict[str, list[int]] = {}
    for index, (_, tags) in enumerate(tests):
        for tag in tags:
            by_tag.setdefault(tag, []).append(index)
    every = tuple(range(len(thens)))

    def check(instance: Any, path: Path) -> Errors:
        if isinstance(instance, dict):
            tag = instance.get(prop)
            if not isinstance(tag, str):
                return _NONE
            chosen: Sequence[int] = by_tag.get(tag, ())
        else:
            chosen = every
        out: list[SchemaError] | None = None
        for index in chosen:
            errors = thens[index](instance, path)
            if errors:
                if out is None:
                    out = list(errors)
                else:
                    out.extend(errors)
        return out or _NONE

    return check


def _k_any_of(c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool) -> Check:
    branches = tuple(c.node(sub, stem) for sub in value)

    def check(instance: Any, path: Path) -> Errors:
        context: list[SchemaError] = []
        for index, branch in enumerate(branches):
            errors = branch(instance, path)
            if not errors:
                return _NONE
            for error in errors:
                error.relative_schema_path = (index,)
            context.extend(errors)
        depth = len(path)
        for error in context:
            error.relative_path = error.absolute_path[depth:]
        return [SchemaError(path, "anyOf", value, instance, schema, context=context)]

    return check


def _k_if(c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool) -> Check:
    condition = c.node(value, stem)
    then = c.node(schema["then"], stem) if "then" in schema else None
    else_ = c.node(schema["else"], stem) if "else" in schema else None

    def check(instance: Any, path: Path) -> Errors:
        if not condition(instance, path):
            return then(instance, path) if then is not None else _NONE
        return else_(instance, path) if else_ is not None else _NONE

    return check


def _k_not(c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool) -> Check:
    sub = c.node(value, stem)

    def check(instance: Any, path: Path) -> Errors:
        if sub(instance, path):
            return _NONE
        message = f"{instance!r} should not be valid under {value!r}"
        return [SchemaError(path, "not", value, instance, schema, message)]

    return check


def _k_ref(c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool) -> Check:
    if not isinstance(value, str):
        msg = "$ref with a non-string value"
        raise Unsupported(msg)
    uri, target_stem, target = c.owner.resolve(value, stem)
    get = c.lazy(target, target_stem)
    owner = c.owner
    fast: list[Callable[[Any], bool]] = []

    def check(instance: Any, path: Path) -> Errors:
        if prune and isinstance(instance, _CONTAINERS):
            if not fast:
                fast.append(owner.fast_valid(uri))
            try:
                if fast[0](instance):
                    return _NONE
            except ValueError:  # a Python value the compiled validator cannot read
                pass
        return get()(instance, path)

    return check


def _k_pattern(c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool) -> Check:
    regex = re.compile(value)

    def check(instance: Any, path: Path) -> Errors:
        if isinstance(instance, str) and not regex.search(instance):
            return [SchemaError(path, "pattern", value, instance, schema)]
        return _NONE

    return check


def _bound(
    keyword: str, fails: Callable[[Any, Any], bool], applies: Callable[[Any], bool]
) -> _Make:
    def make(c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool) -> Check:
        def check(instance: Any, path: Path) -> Errors:
            if applies(instance) and fails(instance, value):
                return [SchemaError(path, keyword, value, instance, schema)]
            return _NONE

        return check

    return make


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _is_array(value: Any) -> bool:
    return isinstance(value, list)


def _k_format(c: _Compiler, value: Any, schema: dict[str, Any], stem: str, prune: bool) -> None:
    return None  # jsonschema checks formats only with a format checker; ours has none


_KEYWORDS: dict[str, _Make] = {
    "type": _k_type,
    "enum": _k_enum,
    "const": _k_const,
    "required": _k_required,
    "properties": _k_properties,
    "patternProperties": _k_pattern_properties,
    "additionalProperties": _k_additional,
    "items": _k_items,
    "allOf": _k_all_of,
    "anyOf": _k_any_of,
    "if": _k_if,
    "not": _k_not,
    "$ref": _k_ref,
    "pattern": _k_pattern,
    "format": _k_format,
    "minimum": _bound("minimum", lambda i, v: i < v, _is_number),
    "maximum": _bound("maximum", lambda i, v: i > v, _is_number),
    "exclusiveMinimum": _bound("exclusiveMinimum", lambda i, v: i <= v, _is_number),
    "exclusiveMaximum": _bound("exclusiveMaximum", lambda i, v: i >= v, _is_number),
    "minLength": _bound("minLength", lambda i, v: len(i) < v, _is_string),
    "maxLength": _bound("maxLength", lambda i, v: len(i) > v, _is_string),
    "minItems": _bound("minItems", lambda i, v: len(i) < v, _is_array),
    "maxItems": _bound("maxItems", lambda i, v: len(i) > v, _is_array),
}

_EXPLAINERS: dict[frozenset[str], Explainer] = {}
_EXPLAINERS_LOCK = threading.Lock()


def explainer_for(unlocked: frozenset[str] = frozenset()) -> Explainer:
    """The shared `Explainer` for the relevant betas *unlocked* (at most 64 kept)."""
    explainer = _EXPLAINERS.get(unlocked)
    if explainer is None:
        with _EXPLAINERS_LOCK:
            explainer = _EXPLAINERS.get(unlocked)
            if explainer is None:
                if len(_EXPLAINERS) >= 64:
                    _EXPLAINERS.clear()
                explainer = _EXPLAINERS[unlocked] = Explainer(unlocked)
    return explainer
