"""
Structural validation against the shipped schemas, worded the way the API words it.

``jsonschema-rs`` answers "valid?" on the hot path. A rejection is explained one
error per problem, in the API's (pydantic's) phrasing: ``Field required``, ``Extra
inputs are not permitted``, ``Input should be 'a' or 'b'``. The errors are python
``jsonschema``'s (`Structure.reference_problems` still asks it); `_explain` reproduces
them at compiled speed, walking only the parts the compiled validator rejects.

Both validate a `schemas.shared_view`: the schema as the API applies it under the
configured ``anthropic-beta`` values. A problem caused by a beta-only item the betas do
not unlock carries the values that would (`Problem.betas`), read from the view.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeAlias

import attrs
import jsonschema  # type: ignore[import-untyped]
import jsonschema_rs
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]

from messages_schema import schemas
from messages_schema._types import REQUEST_KINDS, RESPONSE_KINDS, JSONValue, Path
from messages_schema.findings import Severity
from messages_schema.schemas import _walk
from messages_schema.schemas._betas import ANNOTATION
from messages_schema.schemas._explain import Unsupported, explainer_for

#: Codes of the structural checks, by what went wrong.
MISSING, EXTRA, TYPE, LITERAL, TAG, RANGE, LENGTH, PATTERN, OTHER = (
    "SCH001",
    "SCH002",
    "SCH003",
    "SCH004",
    "SCH005",
    "SCH006",
    "SCH007",
    "SCH008",
    "SCH009",
)
#: `Problem.detail` of an invalid literal that is a string outside a set of strings.
ENUM = "enum"
#: `Problem.detail` of a string that is not the one string a ``const`` allows.
CONST = "const"

_TYPE_WORDS = {
    "string": "a valid string",
    "integer": "a valid integer",
    "number": "a valid number",
    "boolean": "a valid boolean",
    "array": "a valid list",
    "object": "a valid dictionary",
    "null": "None",
}


@attrs.frozen
class Problem:
    """One structural problem: where, which check, and the API's wording."""

    path: Path
    code: str
    message: str
    #: For a union tag problem, the unknown tag; for an extra key, the key; `ENUM` for a
    #: string outside a set of strings; `CONST` for a string other than the one allowed.
    detail: str | None = None
    #: The ``anthropic-beta`` values that would make this no problem (a beta-only item).
    betas: tuple[str, ...] = ()


def _unlocking(schema: Any, section: str, name: Any) -> tuple[str, ...]:
    """The betas a view recorded on *schema* for the stripped item *name*."""
    marks = schema.get(ANNOTATION) if isinstance(schema, dict) else None
    if not isinstance(marks, dict) or not isinstance(name, str):
        return ()
    return tuple(marks.get(section, {}).get(name, ()))


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    return repr(value)


def _join_or(values: Sequence[Any]) -> str:
    shown = [_literal(v) for v in values]
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " or " + shown[-1]


def _tag_list(values: Iterable[Any]) -> str:
    """The expected tags of a union as the API lists them: sorted (AstrBotDevs/AstrBot#4444)."""
    return ", ".join(_literal(v) for v in sorted(str(v) for v in values if v is not None))


def _words_only(values: list[Any]) -> bool:
    """Whether every value is a string or None: hashable, and no ``True == 1`` to confuse."""
    return all(v is None or type(v) is str for v in values)


#: The wording of an enum's values, once per enum of strings (`_words_only`).
_sorted_tags = functools.lru_cache(maxsize=512)(_tag_list)
_one_of = functools.lru_cache(maxsize=512)(_join_or)


def _number(value: Any) -> str:
    return repr(value)


def _type_message(expected: Any) -> str:
    names = expected if isinstance(expected, list) else [expected]
    words = [str(_TYPE_WORDS.get(n, n)) for n in names if n != "null"]
    return "Input should be " + (" or ".join(words) if words else "None")


def _branch_of(error: ValidationError) -> int:
    return int(error.relative_schema_path[0]) if error.relative_schema_path else -1


def _root_type_mismatch(errors: list[ValidationError]) -> bool:
    """Whether the value's JSON type rules this union branch out (not just its value)."""
    for e in errors:
        if e.relative_path:
            continue
        if e.validator == "type":
            return True
        if e.validator in ("const", "enum"):
            # `"new_reason"` against an enum of strings fits the branch and is an invalid
            # literal; `5` against it is the wrong type for the branch.
            allowed = [e.validator_value] if e.validator == "const" else e.validator_value
            if not any(_same_json_type(e.instance, v) for v in allowed):
                return True
    return False


def _same_json_type(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return True
    return type(a) is type(b)


def _translate(error: ValidationError) -> Iterator[Problem]:
    path: Path = tuple(error.absolute_path)
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        betas = _unlocking(schema, "optional", missing)
        yield Problem((*path, missing), MISSING, "Field required", betas=betas)
    elif kind == "additionalProperties":
        props = schema.get("properties", {})
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        if isinstance(error.instance, dict):
            for key in error.instance:
                if key not in props and not any(p.search(key) for p in patterns):
                    betas = _unlocking(schema, "keys", key)
                    yield Problem(
                        (*path, key), EXTRA, "Extra inputs are not permitted", key, betas
                    )
    elif kind == "type":
        yield Problem(path, TYPE, _type_message(error.validator_value))
    elif kind == "enum":
        values = list(error.validator_value)
        if path and path[-1] == "type" and isinstance(error.instance, str | type(None)):
            tags = _sorted_tags(tuple(values)) if _words_only(values) else _tag_list(values)
            if error.instance is None:
                msg = "Unable to extract tag using discriminator 'type'"
            else:
                msg = (
                    f"Input tag {_literal(error.instance)} found using 'type' does not match "
                    f"any of the expected tags: {tags}"
                )
            betas = _unlocking(schema, "values", error.instance)
            yield Problem(path[:-1], TAG, msg, str(error.instance), betas)
        else:
            # A string outside a set of strings: in a response, a value the API may add.
            detail = (
                ENUM if isinstance(error.instance, str) and all(isinstance(v, str) for v in values)
                else None
            )
            betas = _unlocking(schema, "values", error.instance)
            shown = _one_of(tuple(values)) if _words_only(values) else _join_or(values)
            yield Problem(path, LITERAL, f"Input should be {shown}", detail, betas)
    elif kind == "const":
        detail = (
            CONST if isinstance(error.instance, str) and isinstance(error.validator_value, str)
            else None
        )
        yield Problem(path, LITERAL, f"Input should be {_literal(error.validator_value)}", detail)
    elif kind == "minimum":
        msg = f"Input should be greater than or equal to {_number(error.validator_value)}"
        yield Problem(path, RANGE, msg)
    elif kind == "maximum":
        msg = f"Input should be less than or equal to {_number(error.validator_value)}"
        yield Problem(path, RANGE, msg)
    elif kind == "exclusiveMinimum":
        yield Problem(path, RANGE, f"Input should be greater than {_number(error.validator_value)}")
    elif kind == "exclusiveMaximum":
        yield Problem(path, RANGE, f"Input should be less than {_number(error.validator_value)}")
    elif kind in ("minLength", "maxLength"):
        n = error.validator_value
        bound = "at least" if kind == "minLength" else "at most"
        unit = "character" if n == 1 else "characters"
        yield Problem(path, LENGTH, f"String should have {bound} {n} {unit}")
    elif kind in ("minItems", "maxItems"):
        n = error.validator_value
        bound = "at least" if kind == "minItems" else "at most"
        unit = "item" if n == 1 else "items"
        have = len(error.instance) if isinstance(error.instance, list) else 0
        message = f"List should have {bound} {n} {unit} after validation, not {have}"
        yield Problem(path, LENGTH, message)
    elif kind == "pattern":
        yield Problem(path, PATTERN, f"String should match pattern '{error.validator_value}'")
    elif kind in ("anyOf", "oneOf"):
        yield from _translate_union(error)
    else:
        yield Problem(path, OTHER, error.message)


def _translate_union(error: ValidationError) -> Iterator[Problem]:
    """Report the branch the value's JSON type selects, never "not valid under any"."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(_branch_of(sub), []).append(sub)
    fitting = [errs for errs in branches.values() if not _root_type_mismatch(errs)]
    if len(fitting) >= 1:
        # The value has the right JSON type for at least one branch: that branch's
        # errors are the real ones (the first, as pydantic's smart mode would try it).
        for sub in fitting[0]:
            yield from _translate(sub)
        return
    expected: list[str] = []
    for member in error.validator_value:
        declared = member.get("type") if isinstance(member, dict) else None
        if declared is None and isinstance(member, dict):
            declared = "object" if ("$ref" in member or "properties" in member) else None
        if isinstance(declared, str) and declared not in expected:
            expected.append(declared)
    if "array" in expected:
        # `str | list` content: the API reports only the list option
        # (`messages.5.content: Input should be a valid list`, see docs/evidence).
        expected = ["array"]
    yield Problem(tuple(error.absolute_path), TYPE, _type_message(expected or ["object"]))


#: Union members most often seen first: ``anyOf`` stops at the first match.
_FREQUENT = ("user", "assistant", "text", "tool_use", "tool_result", "thinking", "image",
             "document", "base64", "ephemeral", "enabled", "auto", "custom", "content_block_delta")


def _fast_variant(node: Any) -> Any:
    """
    Rewrite tagged unions as ``anyOf`` of their members, frequent tags first.

    The shipped schemas dispatch with ``if``/``then`` so that an error names the branch
    the tag selects; that costs one ``if`` per member on every object. Every member
    pins its own tag, so ``anyOf`` accepts exactly the same documents, and on valid
    input it stops at the first member, which is all the accept path needs.
    """
    if isinstance(node, dict):
        refs = _walk.union_refs(node, _FREQUENT)
        if refs:
            return {"anyOf": [{"$ref": r} for r in refs]}
        return {k: _fast_variant(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_fast_variant(v) for v in node]
    return node


@functools.lru_cache(maxsize=64)
def _fast_registry(unlocked: frozenset[str]) -> tuple[Any, dict[str, Any]]:
    docs = {
        stem: _fast_variant(schemas.shared_view(stem, unlocked)) for stem in schemas.NAMES
    }
    return jsonschema_rs.Registry([(schemas.uri(s), d) for s, d in docs.items()]), docs


class Structure:
    """The compiled structural validators of one schema, under some ``anthropic-beta`` values."""

    def __init__(self, name: str, unlocked: frozenset[str] = frozenset()) -> None:
        self.name = schemas.name_for_kind(name)
        self.unlocked = unlocked
        rs_registry, fast_docs = _fast_registry(unlocked)
        self._fast = jsonschema_rs.validator_for(fast_docs[self.name], registry=rs_registry)
        self._explainer = explainer_for(unlocked)
        self._slow: Any = None

    def is_valid(self, document: JSONValue) -> bool:
        """Return whether *document* matches the schema (fast, no explanation)."""
        return bool(self._fast.is_valid(document))

    def problems(self, document: JSONValue) -> list[Problem]:
        """
        Return every structural problem of *document*, each once.

        The errors come from `_explain.Explainer`, which gives python ``jsonschema``'s
        errors without walking the parts the compiled validator accepts; a schema
        keyword it does not reproduce falls back to ``jsonschema`` itself.
        """
        try:
            errors: Iterable[Any] = self._explainer.errors(self.name, document)
        except Unsupported:
            errors = self._reference().iter_errors(document)
        else:
            _shown(errors)
        return _collected(errors)

    def reference_problems(self, document: JSONValue) -> list[Problem]:
        """`problems` as python ``jsonschema`` alone finds them (the reference for tests)."""
        return _collected(self._reference().iter_errors(document))

    def _reference(self) -> Any:
        if self._slow is None:
            self._slow = jsonschema.Draft202012Validator(
                schemas.shared_view(self.name, self.unlocked),
                registry=schemas.view_registry(self.unlocked),
            )
        return self._slow


#: The errors whose python ``jsonschema`` message shows the instance (``repr``), for the
#: keywords `_explain` reproduces without computing that message.
_SHOWS_INSTANCE = frozenset({"type", "enum", "anyOf", "minItems", "maxItems"})
#: Nesting below which ``repr`` of a JSON value cannot exhaust the recursion limit.
_REPR_SAFE_DEPTH = 200


def _shown(errors: Iterable[Any]) -> None:
    """
    Raise `RecursionError` where python ``jsonschema`` would have, wording these errors.

    Its messages show the instance, and ``repr`` of a Python value nested thousands
    deep raises; the linter reports that as ``SCH000`` (too deep to check). `_explain`
    does not word those messages, so a value nested deeper than `_REPR_SAFE_DEPTH` in
    such an error gets its ``repr`` taken here, failing where the reference failed.
    """
    for error in errors:
        instance = error.instance
        if (
            error.validator in _SHOWS_INSTANCE
            and isinstance(instance, _CONTAINERS)
            and _deeper_than(instance, _REPR_SAFE_DEPTH)
        ):
            repr(instance)
        if error.context:
            _shown(error.context)


def _deeper_than(value: dict[str, Any] | list[Any], limit: int) -> bool:
    """Whether *value* nests containers more than *limit* deep (iteratively: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, _CONTAINERS):
                stack.append((child, depth + 1))
    return False


_CONTAINERS = (dict, list)


def _collected(errors: Iterable[Any]) -> list[Problem]:
    """The problems of validation *errors*, each once, one finding per location."""
    seen: set[tuple[Path, str, str]] = set()
    out: list[Problem] = []
    for error in errors:
        for problem in _translate(error):
            key = (problem.path, problem.code, problem.message)
            if key not in seen:
                seen.add(key)
                out.append(problem)
    # pydantic checks a string's length before its pattern and reports only the
    # first failure: one finding per location, as the API gives one error.
    too_long = {p.path for p in out if p.code == LENGTH}
    if not too_long:
        return out
    return [p for p in out if not (p.code == PATTERN and p.path in too_long)]


@functools.lru_cache(maxsize=256)
def structure_for(name: str, unlocked: frozenset[str] = frozenset()) -> Structure:
    """
    Return the cached `Structure` of the schema *name* (a stem or a kind).

    *unlocked* is the relevant ``anthropic-beta`` values (``_betas.relevant``): without
    them, beta-only items are problems that name their betas.
    """
    return Structure(schemas.name_for_kind(name), unlocked)


#: Request problems that a beta newer than the schemas may explain (`classify`'s
#: *tolerant*, `LintConfig.strict_unknown`).
_UNKNOWN_CODES = frozenset({EXTRA, TAG, "SCH010"})
#: What `classify` makes of a problem: code (None: not a finding), message, the API's
#: own text, and a severity overriding the code's (None: the code's).
Classified: TypeAlias = "tuple[str | None, str, str | None, Severity | None]"


def classify(problem: Problem, kind: str, *, tolerant: bool = False) -> Classified:
    """
    Map a structural problem to a code and severity (architecture decision 12).

    Requests: a beta-only item without its header is ``SCH010`` (the schema view for
    the configured betas left it out); with *tolerant* (an ``anthropic-beta`` value this
    version does not know), unknown keys, types and string values are warnings.
    Responses, streams, batch results, error envelopes: an unknown variant
    (``SCH011``) or string value (``SCH012``) is a warning.
    """
    if kind in REQUEST_KINDS:
        code, message, api_error = problem.code, problem.message, None
        if problem.betas:
            unlocking = problem.betas
            name = problem.path[-1] if problem.path else ""
            if problem.code == TAG:
                what = f"type `{problem.detail}` is"
            elif problem.code == EXTRA:
                what = f"`{name}` is"
            elif problem.code == MISSING:
                what = f"leaving out `{name}` is"
            else:
                what = f"this value of `{name}` is"
            hint = " or ".join(f"`{b}`" for b in unlocking)
            message = (
                f"{problem.message} ({what} beta-only: "
                f"send `anthropic-beta: {unlocking[-1]}`"
                + (f"; any of {hint} unlocks it" if len(unlocking) > 1 else "")
                + ")"
            )
            code, api_error = "SCH010", problem.message
        if tolerant and (
            code in _UNKNOWN_CODES
            or (problem.code == LITERAL and problem.detail in (ENUM, CONST))
        ):
            return code, message, api_error, Severity.WARNING
        return code, message, api_error, None
    if kind in RESPONSE_KINDS:
        if problem.code == TAG or (
            problem.detail == CONST and len(problem.path) > 1 and problem.path[-1] == "type"
        ):
            # A `type` this version does not know: a newer block, delta, event or
            # result (a one-variant union is a `const`, not a tagged union).
            return "SCH011", problem.message, None, None
        if problem.detail == ENUM:
            message = f"{problem.message}; in a response, a value newer than these schemas"
            return "SCH012", message, None, None
    return problem.code, problem.message, None, None
