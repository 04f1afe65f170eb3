"""
The cattrs converter that maps wire JSON to `messages_schema.models` and back.

Built on cattrs' orjson preset. Rules of the road:

* ``UNSET`` fields are left out; ``None`` is written as ``null``. Tag fields (``type``,
  a message's ``role``) are always written, although they have defaults.
* Unions resolve on the value's JSON type, then, among model classes, on the tag
  (``type``, or ``role`` for ``MessageParam``). A custom tool may omit its ``type``.
* Closed shapes (every request shape) are strict: an unknown key or a value of the
  wrong type is an error, because the API rejects it.
* Open shapes (every response shape) are lenient: unknown keys are kept in the
  model's ``extra`` and written back, and an unknown ``type`` in a response union
  becomes an ``Unknown…`` object (``UnknownContentBlock``) that keeps its data, and a
  string outside a response enum (a new ``stop_reason``) is kept as it is, because the
  API adds fields, block types and values over time (API inventory §13). So is a new
  ``type`` where the schema knows one variant only (a nested object's ``type`` const);
  the ``type`` of the document itself (a ``Message``'s ``message``) stays strict.
* Scalars are checked, never coerced: ``"5"`` is not an ``int``. Constraints that are
  not types (``maxLength``, ``pattern``, ``minimum``) are left to `messages_schema.lint`.

`structure` and `loads` raise `messages_schema.StructureError` whose ``findings``
carry the same codes, messages and paths as the linter's structural findings
(``SCH001`` missing field, ``SCH002`` unexpected key, ``SCH003`` wrong type,
``SCH004`` invalid literal, ``SCH005`` unknown tag, ``SCH000`` bad JSON).
"""

from __future__ import annotations

import contextlib
import functools
import math
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar, get_args, get_origin

import attrs
import orjson
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.preconf.orjson import OrjsonConverter
from cattrs.preconf.orjson import make_converter as _make_orjson

from messages_schema import _jsonio
from messages_schema._types import JSONValue, Path
from messages_schema.exceptions import StructureError, UnstructureError
from messages_schema.findings import Finding, Severity
from messages_schema.schemas._apipath import api_path
from messages_schema.schemas._structural import (
    EXTRA,
    LITERAL,
    MISSING,
    OTHER,
    TAG,
    TYPE,
    _join_or,
    _literal,
    _type_message,
)

if TYPE_CHECKING:
    from messages_schema.models._base import TaggedUnion

    #: The shared default converter, built on first use. Prefer `make_converter`
    #: if you customise hooks.
    converter: OrjsonConverter

__all__ = ["converter", "dumps", "loads", "make_converter", "structure", "unstructure"]

T = TypeVar("T")

_NONE = type(None)
_MISSING_KEY: Final = object()
_KIND_OF_STEM: Final = {
    "request": "request",
    "response": "response",
    "stream-event": "stream_event",
    "count-tokens": "count_tokens",
    "batch-request": "batch_request",
    "batch-result": "batch_result",
    "error": "error",
}
_JSON_NAME: Final = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "array",
    dict: "object",
    _NONE: "null",
}


class _InvalidValueError(ValueError):
    """A value that does not fit its type; *subpath* is relative to the value."""

    def __init__(self, code: str, message: str, subpath: Path = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.subpath = subpath


# -- scalars ---------------------------------------------------------------------------


def _structure_str(value: Any, _: Any) -> str:
    if type(value) is not str:
        raise _InvalidValueError(TYPE, _type_message("string"))
    return value


def _structure_int(value: Any, _: Any) -> int:
    if type(value) is not int:
        raise _InvalidValueError(TYPE, _type_message("integer"))
    return value


def _structure_float(value: Any, _: Any) -> float:
    # An integer is a valid JSON number; keep it as written so it round-trips.
    if type(value) is not float and type(value) is not int:
        raise _InvalidValueError(TYPE, _type_message("number"))
    return value


def _structure_bool(value: Any, _: Any) -> bool:
    if type(value) is not bool:
        raise _InvalidValueError(TYPE, _type_message("boolean"))
    return value


def _structure_any(value: Any, _: Any) -> Any:
    return value


def _is_literal(tp: Any) -> bool:
    return get_origin(tp) is Literal


def _literal_hook(tp: Any) -> Callable[[Any, Any], Any]:
    values = get_args(tp)
    allowed = {(type(v), v) for v in values}
    message = f"Input should be {_join_or(list(values))}"
    if len(values) == 1:
        (only,) = values
        only_type = type(only)

        def structure_constant(value: Any, _: Any) -> Any:
            if value is not only and (type(value) is not only_type or value != only):
                raise _InvalidValueError(LITERAL, message)
            return value

        return structure_constant

    def structure_literal(value: Any, _: Any) -> Any:
        try:
            ok = (type(value), value) in allowed
        except TypeError:  # unhashable: a list or an object
            ok = False
        if not ok:
            raise _InvalidValueError(LITERAL, message)
        return value

    return structure_literal


def _is_dict(tp: Any) -> bool:
    return tp is dict or get_origin(tp) is dict


def _structure_dict(value: Any, _: Any) -> dict[str, Any]:
    if type(value) is not dict:
        raise _InvalidValueError(TYPE, _type_message("object"))
    return dict(value)


def _is_list(tp: Any) -> bool:
    return get_origin(tp) is list


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (types.UnionType, typing.Union)


# -- tagged unions ---------------------------------------------------------------------


def _generated() -> Any:
    # The ~300 generated classes take a few hundred milliseconds to build, so they
    # load on first use: `import messages_schema` (the CLI, the gateway) stays fast.
    from messages_schema.models import _generated

    return _generated


def _base() -> Any:
    from messages_schema.models import _base

    return _base


@functools.cache
def _union_of_class() -> dict[type[Any], TaggedUnion]:
    """Each member class (and unknown class) to the tagged union it belongs to."""
    out: dict[type[Any], TaggedUnion] = {}
    for union in _generated().UNIONS.values():
        for cls in union.members.values():
            out.setdefault(cls, union)
        if union.unknown is not None:
            out.setdefault(union.unknown, union)
    return out


def _tag_dispatcher(
    conv: OrjsonConverter, classes: list[type[Any]]
) -> Callable[[dict[str, Any]], Any]:
    """Return a function picking and structuring the member of *classes* a dict's tag selects."""
    if len(classes) == 1:
        only = classes[0]
        hook = conv.get_structure_hook(only)
        return lambda value: hook(value, only)
    of_class = _union_of_class()
    tag_names = {of_class[c].tag for c in classes if c in of_class}
    if len(tag_names) != 1 or any(c not in of_class for c in classes):
        msg = f"cannot tell {', '.join(c.__name__ for c in classes)} apart by a tag"
        raise TypeError(msg)
    tag = tag_names.pop()
    table: dict[str, type[Any]] = {}
    untagged: type[Any] | None = None
    unknown: type[Any] | None = None
    for cls in classes:
        union = of_class[cls]
        if cls is union.unknown:
            unknown = cls
            continue
        table.update({value: member for value, member in union.members.items() if member is cls})
        if union.untagged is cls:
            untagged = cls
    hooks = {cls: conv.get_structure_hook(cls) for cls in classes}
    # Worded as the linter words the same schema: an unknown `type` is a tag error
    # on the object, listing the tags sorted; any other tag (`role`) is a literal
    # error on the field, listing the values in schema order; no tag: field required.
    expected = ", ".join(_literal(v) for v in sorted(table))
    no_tag = f"Unable to extract tag using discriminator '{tag}'"
    not_a_value = f"Input should be {_join_or(list(table))}"

    def dispatch(value: dict[str, Any]) -> Any:
        found = value.get(tag, _MISSING_KEY)
        cls = table.get(found) if type(found) is str else None
        if cls is None:
            if untagged is not None and (found is _MISSING_KEY or found is None):
                cls = untagged
            elif found is _MISSING_KEY:
                raise _InvalidValueError(MISSING, "Field required", (tag,))
            elif tag != "type":
                raise _InvalidValueError(LITERAL, not_a_value, (tag,))
            elif type(found) is not str:
                raise _InvalidValueError(TAG, no_tag)
            elif unknown is not None:
                cls = unknown
            else:
                message = (
                    f"Input tag {_literal(found)} found using '{tag}' does not match any of "
                    f"the expected tags: {expected}"
                )
                raise _InvalidValueError(TAG, message)
        return hooks[cls](value, cls)

    return dispatch


def _union_hook(conv: OrjsonConverter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    def factory(tp: Any) -> Callable[[Any, Any], Any]:
        unset_type = _base().UnsetType
        args = [a for a in get_args(tp) if a != unset_type]
        handlers: dict[type, Callable[[Any], Any]] = {}
        literals: list[Any] = []
        classes: list[type[Any]] = []
        for arg in args:
            if arg is _NONE:
                handlers[_NONE] = _identity
            elif arg in (str, int, bool):
                handlers[arg] = _identity
            elif arg is float:
                handlers[float] = _identity
                handlers.setdefault(int, _identity)
            elif arg is Any:
                return _structure_any
            elif _is_literal(arg):
                literals.extend(get_args(arg))
            elif _is_list(arg):
                hook = conv.get_structure_hook(arg)
                handlers[list] = _bind(hook, arg)
            elif _is_dict(arg):
                handlers[dict] = dict
            elif isinstance(arg, type) and attrs.has(arg):
                classes.append(arg)
            else:
                msg = f"unsupported union member {arg!r} in {tp!r}"
                raise TypeError(msg)
        if classes:
            if dict in handlers:
                msg = f"{tp!r} mixes model classes with a free-form object"
                raise TypeError(msg)
            dispatch = _tag_dispatcher(conv, classes)
            handlers[dict] = dispatch
        if literals:
            check = _literal_hook(Literal[tuple(literals)])
            for kind in {type(v) for v in literals}:
                handlers.setdefault(kind, _bind(check, None))
        expected = [_JSON_NAME[k] for k in handlers]
        if "array" in expected:
            # `str | list` content: the API reports only the list option (see _structural).
            expected = ["array"]
        type_error = _type_message(expected)

        def structure_union(value: Any, _: Any) -> Any:
            handler = handlers.get(type(value))
            if handler is None:
                raise _InvalidValueError(TYPE, type_error)
            return handler(value)

        return structure_union

    return factory


def _identity(value: Any) -> Any:
    return value


def _bind(hook: Callable[[Any, Any], Any], tp: Any) -> Callable[[Any], Any]:
    return lambda value: hook(value, tp)


def _list_hook(conv: OrjsonConverter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    def factory(tp: Any) -> Callable[[Any, Any], Any]:
        (item_type,) = get_args(tp) or (Any,)
        item = conv.get_structure_hook(item_type)
        type_error = _type_message("array")

        def structure_list(value: Any, _: Any) -> list[Any]:
            if type(value) is not list:
                raise _InvalidValueError(TYPE, type_error)
            try:
                return [item(v, item_type) for v in value]
            except Exception:  # collected again below, each with its index
                pass
            out: list[Any] = []
            errors: list[Exception] = []
            for index, v in enumerate(value):
                try:
                    out.append(item(v, item_type))
                except Exception as exc:  # re-raised below as a group
                    where = f"Structuring {tp} @ index {index}"
                    note = IterableValidationNote(where, index, item_type)
                    exc.__notes__ = [*getattr(exc, "__notes__", []), note]
                    errors.append(exc)
            msg = f"While structuring {tp!r}"
            raise IterableValidationError(msg, errors, tp)

        return structure_list

    return factory


# -- model classes ---------------------------------------------------------------------


def _required_defaults(cls: type[Any]) -> tuple[str, ...]:
    """Fields the wire requires although they have a default: the tags."""
    return tuple(
        f.name
        for f in attrs.fields(cls)
        if f.default is not attrs.NOTHING
        and not isinstance(f.default, attrs.Factory)  # type: ignore[arg-type]
        and f.default is not _base().UNSET
    )


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, _base().Model)


def _model_structure(conv: OrjsonConverter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    of_class = _union_of_class()

    def factory(cls: type[Any]) -> Callable[[Any, Any], Any]:
        dispatch_table = cls.__dict__.get("_dispatch")
        if issubclass(cls, _base().DispatchingModel) and dispatch_table is not None:
            return _dispatching_structure(conv, cls)
        union = of_class.get(cls)
        if union is not None and union.unknown is cls:
            return _unknown_structure(cls, union.tag)
        names = [f.name for f in attrs.fields(cls)]
        is_open = "extra" in names
        overrides = {"extra": override(omit=True)} if is_open else {}
        if is_open:
            for name, hook in _open_enum_hooks(conv, cls).items():
                overrides[name] = override(struct_hook=hook)
        wire = _wire_names(cls)
        for name, key in wire.items():
            overrides[name] = override(rename=key)
        base = make_dict_structure_fn(
            cls, conv, _cattrs_forbid_extra_keys=not is_open, **overrides  # type: ignore[arg-type]
        )
        known = frozenset(wire.get(n, n) for n in names if n != "extra")
        tags = _required_defaults(cls)
        not_an_object = _type_message("object")

        def structure_model(value: Any, _: Any) -> Any:
            if type(value) is not dict:
                raise _InvalidValueError(TYPE, not_an_object)
            for tag in tags:
                if tag not in value:
                    _raise_with_missing(cls, [t for t in tags if t not in value], base, value)
            instance = base(value, cls)
            if is_open and not known.issuperset(value):
                # Unknown keys on an open (response) shape: keep them, in wire order.
                extra = {k: v for k, v in value.items() if k not in known}
                object.__setattr__(instance, "extra", extra)
            return instance

        return structure_model

    return factory


def _wire_names(cls: type[Any]) -> dict[str, str]:
    """Attributes whose wire key differs (a Python keyword such as ``from``), by name."""
    return {f.name: f.metadata["wire"] for f in attrs.fields(cls) if "wire" in f.metadata}


def _open_enum_hooks(conv: OrjsonConverter, cls: type[Any]) -> dict[str, Any]:
    """
    Hooks for the enum fields of an open (response) shape: any string is kept.

    The API adds values to response enums over time (``stop_reason`` gained ``refusal``,
    ``pause_turn`` and ``model_context_window_exceeded``); a reader must keep them, as the
    linter does (``SCH012`` is a warning). A ``type`` that is a one-value literal (an
    object the schemas know one variant of) keeps a newer variant's tag too (``SCH011``
    is a warning); `structure` keeps the document's own ``type`` strict.
    """
    hooks: dict[str, Any] = {}
    for field in attrs.fields(attrs.resolve_types(cls)):
        members = get_args(field.type) if _is_union(field.type) else (field.type,)
        if not any(_is_string_enum(m) for m in members) and not (
            field.name == "type" and _is_string_constant(field.type)
        ):
            continue
        strict = conv.get_structure_hook(field.type)

        def lenient(value: Any, tp: Any, strict: Any = strict) -> Any:
            return value if type(value) is str else strict(value, tp)

        hooks[field.name] = lenient
    return hooks


def _is_string_constant(tp: Any) -> bool:
    values = get_args(tp) if _is_literal(tp) else ()
    return len(values) == 1 and isinstance(values[0], str)


@functools.cache
def _document_tag(cls: type[Any]) -> str | None:
    """The one ``type`` value a model class allows, if it has such a field."""
    field = attrs.fields_dict(attrs.resolve_types(cls)).get("type")
    if field is None or not _is_string_constant(field.type):
        return None
    (only,) = get_args(field.type)
    return str(only)


def _check_document_tag(obj: Any, cls: Any) -> None:
    """The document's own ``type`` must be its class's (nested ones may be newer)."""
    if type(obj) is not dict or not (isinstance(cls, type) and attrs.has(cls)):
        return
    only = _document_tag(cls)
    found = obj.get("type")
    if only is not None and type(found) is str and found != only:
        raise _InvalidValueError(LITERAL, f"Input should be {_literal(only)}", ("type",))


def _is_string_enum(tp: Any) -> bool:
    values = get_args(tp) if _is_literal(tp) else ()
    return len(values) > 1 and all(isinstance(v, str) for v in values)


def _raise_with_missing(
    cls: type[Any], missing: list[str], base: Callable[[Any, Any], Any], value: dict[str, Any]
) -> None:
    errors: list[Exception] = []
    for name in missing:
        exc = KeyError(name)
        where = f"Structuring class {cls.__qualname__} @ attribute {name}"
        exc.__notes__ = [AttributeValidationNote(where, name, str)]
        errors.append(exc)
    try:
        base(value, cls)
    except ClassValidationError as group:
        errors.extend(group.exceptions)
    msg = f"While structuring {cls.__name__}"
    raise ClassValidationError(msg, errors, cls)


def _dispatching_structure(conv: OrjsonConverter, cls: type[Any]) -> Callable[[Any, Any], Any]:
    union: TaggedUnion = cls.__dict__["_dispatch"]
    dispatch = _tag_dispatcher(conv, list(dict.fromkeys(union.members.values())))
    not_an_object = _type_message("object")

    def structure_dispatching(value: Any, _: Any) -> Any:
        if type(value) is not dict:
            raise _InvalidValueError(TYPE, not_an_object)
        return dispatch(value)

    return structure_dispatching


def _unknown_structure(cls: type[Any], tag: str) -> Callable[[Any, Any], Any]:
    not_an_object = _type_message("object")

    def structure_unknown(value: Any, _: Any) -> Any:
        if type(value) is not dict:
            raise _InvalidValueError(TYPE, not_an_object)
        found = value.get(tag)
        if type(found) is not str:
            raise _InvalidValueError(TAG, f"Unable to extract tag using discriminator '{tag}'")
        return cls(**{tag: found, "data": {k: v for k, v in value.items() if k != tag}})

    return structure_unknown


# -- writing: every field's value is checked against its type ----------------------------
#
# Models are plain attrs classes, so ``MessageCreateParams(max_tokens="x")`` can be built;
# cattrs would write it as it is, and iterate a string given for a list into one-letter
# items. Each model's unstructure hook first checks its own fields (a type test or two
# per field; nested models check theirs when they are written), then writes.

Check = Callable[[Any], bool]


#: The integers orjson writes: signed 64-bit, and unsigned up to 2**64 - 1.
_INT_RANGE: Final = range(-(2**63), 2**64)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in _INT_RANGE


def _is_number(value: Any) -> bool:
    # NaN and infinities are no JSON: orjson would write them as null.
    if isinstance(value, float):
        return math.isfinite(value)
    return _is_int(value)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return value is True or value is False


def _is_dict_value(value: Any) -> bool:
    return isinstance(value, dict)


_SCALAR_CHECKS: Final[dict[Any, Check]] = {
    str: _is_str,
    int: _is_int,
    float: _is_number,
    bool: _is_bool,
}


def _value_check(tp: Any) -> Check | None:
    """A cheap test that a value fits *tp*, or None when any value does (``Any``)."""
    if tp is Any:
        return None
    if tp in _SCALAR_CHECKS:
        return _SCALAR_CHECKS[tp]
    if tp is _NONE:
        return lambda value: value is None
    if _is_literal(tp):
        allowed = frozenset((type(v), v) for v in get_args(tp))

        def in_literal(value: Any) -> bool:
            try:
                return (type(value), value) in allowed
            except TypeError:  # unhashable
                return False

        return in_literal
    if _is_list(tp):
        (item_type,) = get_args(tp) or (Any,)
        item = _value_check(item_type)

        def is_list(value: Any) -> bool:
            if not isinstance(value, list | tuple):
                return False
            return item is None or all(item(v) for v in value)

        return is_list
    if _is_dict(tp):
        return _is_dict_value
    if _is_union(tp):
        return _union_check(get_args(tp))
    if isinstance(tp, type):
        return lambda value: isinstance(value, tp)
    return None


def _union_check(args: tuple[Any, ...]) -> Check | None:
    unset = _base().UNSET
    unset_type = _base().UnsetType
    allow_unset = unset_type in args
    allow_none = _NONE in args
    classes = tuple(a for a in args if isinstance(a, type) and attrs.has(a))
    others: list[Check] = []
    for arg in args:
        if arg in (unset_type, _NONE) or arg in classes:
            continue
        check = _value_check(arg)
        if check is None:
            return None
        others.append(check)
    if not classes and len(others) == 1:  # `X | None | UnsetType`, the usual field
        (only,) = others

        def check_one(value: Any) -> bool:
            if value is unset:
                return allow_unset
            if value is None:
                return allow_none
            return only(value)

        return check_one

    def check_any(value: Any) -> bool:
        if value is unset:
            return allow_unset
        if value is None:
            return allow_none
        if classes and isinstance(value, classes):
            return True
        return any(check(value) for check in others)

    return check_any


def _type_name(tp: Any) -> str:
    """*tp* as a reader would write it: ``list[MessageParam]``, ``int | None``."""
    unset_type = _base().UnsetType
    if tp is _NONE:
        return "None"
    if _is_literal(tp):
        return " | ".join(repr(v) for v in get_args(tp))
    if _is_union(tp):
        return " | ".join(_type_name(a) for a in get_args(tp) if a != unset_type)
    if _is_list(tp):
        return f"list[{', '.join(_type_name(a) for a in get_args(tp))}]"
    if _is_dict(tp):
        return "dict"
    return getattr(tp, "__name__", repr(tp))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _field_checks(cls: type[Any]) -> tuple[tuple[str, Check, Any], ...]:
    fields = attrs.fields(attrs.resolve_types(cls))
    is_open = any(f.name == "extra" for f in fields)
    out = []
    for field in fields:
        check = _value_check(field.type)
        if check is None:
            continue
        members = get_args(field.type) if _is_union(field.type) else (field.type,)
        if is_open and (
            any(_is_string_enum(m) for m in members)
            or (field.name == "type" and _is_string_constant(field.type))
        ):
            # What `structure` keeps on a response shape, it writes back: a newer enum
            # value or variant tag (see _open_enum_hooks).
            check = _or_string(check)
        out.append((field.name, check, field.type))
    return tuple(out)


def _or_string(check: Check) -> Check:
    return lambda value: isinstance(value, str) or check(value)


def _where(obj: Any, owner: Any) -> Path:
    """The field (and index) of *obj* that holds the model *owner*; () if none does."""
    for field in attrs.fields(type(obj)):
        value = getattr(obj, field.name)
        if value is owner:
            return (field.name,)
        if isinstance(value, list | tuple):
            for index, item in enumerate(value):
                if item is owner:
                    return (field.name, index)
    return ()


def _refuse(obj: Any, checks: tuple[tuple[str, Check, Any], ...]) -> UnstructureError:
    """The error for the first field of *obj* that fails its check (the slow path)."""
    for name, check, tp in checks:
        value = getattr(obj, name)
        if not check(value):
            if isinstance(value, float) and not math.isfinite(value):
                reason = f"expected {_type_name(tp)}, got {value!r}, which JSON cannot hold"
            elif isinstance(value, int) and not isinstance(value, bool) and (
                value not in _INT_RANGE
            ):
                reason = f"expected {_type_name(tp)}, got {value}, past the 64-bit range"
            else:
                reason = f"expected {_type_name(tp)}, got {type(value).__name__} {_shown(value)}"
            return UnstructureError(reason, (name,), obj)
    return UnstructureError("a field changed while it was written", (), obj)  # pragma: no cover


def _all_fit(checks: tuple[tuple[str, Check, Any], ...]) -> Callable[[Any], bool]:
    """
    One function testing every field of a model, generated so a valid model pays little.

    An `UNSET` field (most optional fields, most of the time) costs one identity test,
    a string one class test; only other values call their check.
    """
    unset_type = _base().UnsetType
    namespace: dict[str, Any] = {"UNSET": _base().UNSET}
    terms = []
    for i, (name, check, tp) in enumerate(checks):
        namespace[f"c{i}"] = check
        term = f"c{i}(obj.{name})"
        if tp is str:
            term = f"(obj.{name}.__class__ is str or {term})"
        elif _is_union(tp) and unset_type in get_args(tp):
            term = f"(obj.{name} is UNSET or {term})"
        terms.append(term)
    source = "def fits(obj):\n    return " + (" and ".join(terms) or "True") + "\n"
    exec(source, namespace)  # the source holds attrs field names only
    fits: Callable[[Any], bool] = namespace["fits"]
    return fits


def _checked(cls: type[Any], write: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """*write* (a model's unstructure function) behind its fields' type checks."""
    checks = _field_checks(cls)
    fits = _all_fit(checks)

    def unstructure_checked(obj: Any) -> Any:
        if not fits(obj):
            raise _refuse(obj, checks)
        try:
            return write(obj)
        except UnstructureError as exc:  # from a nested model: say where it sits
            if exc.owner is not obj:
                exc.path = (*_where(obj, exc.owner), *exc.path)
                exc.owner, exc.model = obj, type(obj).__name__
            raise

    return unstructure_checked


def _model_unstructure(conv: OrjsonConverter) -> Callable[[Any], Callable[[Any], Any]]:
    of_class = _union_of_class()

    def factory(cls: type[Any]) -> Callable[[Any], Any]:
        if issubclass(cls, _base().DispatchingModel) and cls.__dict__.get("_dispatch") is not None:
            # Declared as the base class: unstructure as the member it really is.
            return lambda obj: conv.unstructure(obj, unstructure_as=obj.__class__)
        union = of_class.get(cls)
        if union is not None and union.unknown is cls:
            tag = union.tag
            return _checked(cls, lambda obj: {tag: getattr(obj, tag), **obj.data})
        fields = attrs.fields(cls)
        unset = _base().UNSET
        overrides = {f.name: override(omit_if_default=True) for f in fields if f.default is unset}
        for name, key in _wire_names(cls).items():
            overrides[name] = override(rename=key, omit_if_default=name in overrides)
        is_open = any(f.name == "extra" for f in fields)
        if is_open:
            overrides["extra"] = override(omit=True)
        base = make_dict_unstructure_fn(cls, conv, **overrides)  # type: ignore[arg-type]
        if not is_open:
            return _checked(cls, base)

        def unstructure_open(obj: Any) -> dict[str, Any]:
            out = base(obj)
            if obj.extra:
                for key, value in obj.extra.items():
                    out.setdefault(key, value)  # a known field wins over a stray extra
            return out

        return _checked(cls, unstructure_open)

    return factory


# -- the converter ---------------------------------------------------------------------


def make_converter() -> OrjsonConverter:
    """
    Create a fresh converter; use it to register your own hooks.

    It is cattrs' orjson preset plus the rules in this module's docstring. Its
    ``structure`` raises cattrs' exception groups; the module-level `structure` and
    `loads` turn them into `StructureError`.

    .. versionadded:: 0.1.0
    """
    conv = _make_orjson(forbid_extra_keys=False)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook_func(lambda tp: tp is Any, _structure_any)
    conv.register_structure_hook_factory(_is_dict, lambda tp: _structure_dict)
    conv.register_structure_hook_factory(_is_literal, _literal_hook)
    conv.register_structure_hook_factory(_is_list, _list_hook(conv))
    conv.register_structure_hook_factory(_is_union, _union_hook(conv))
    conv.register_structure_hook_factory(_is_model, _model_structure(conv))
    conv.register_unstructure_hook_factory(_is_model, _model_unstructure(conv))
    return conv


@functools.cache
def _default() -> OrjsonConverter:
    return make_converter()


def __getattr__(name: str) -> Any:
    # `converter`, the shared default converter, is built on first use (see _generated).
    if name == "converter":
        return _default()
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def unstructure(model: Any) -> Any:
    """
    Return the wire JSON value of *model*: ``UNSET`` fields left out, ``None`` as null.

    Raises:
        UnstructureError: A field holds a value its type does not allow (models do
            not check their arguments when built); ``path`` says which.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 Refuses values that do not fit their field's type.
    """
    return _default().unstructure(model)


def dumps(model: Any) -> bytes:
    """
    Return *model* as compact JSON bytes.

    Raises:
        UnstructureError: A field holds a value its type does not allow, such as
            ``MessageCreateParams(max_tokens="x")`` or a string where a list belongs;
            nothing is written.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0 Refuses values that do not fit their field's type.
    """
    value = _default().unstructure(model)
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError as exc:  # inside a free-form field (a tool's `input`)
        raise UnstructureError(str(exc), (), model) from exc


def structure(obj: JSONValue, cls: type[T]) -> T:
    """
    Build *cls* (a model class or a union alias) from decoded JSON.

    Raises:
        StructureError: *obj* does not fit *cls*; ``findings`` lists every problem
            with its path, as `messages_schema.lint` would.

    .. versionadded:: 0.1.0
    """
    try:
        _check_document_tag(obj, cls)
        return _default().structure(obj, cls)
    except (BaseValidationError, _InvalidValueError) as exc:
        raise StructureError(_name(cls), _findings(exc, cls, obj)) from exc


def loads(data: bytes | bytearray | memoryview | str, cls: type[T]) -> T:
    """
    Decode JSON text *data* and build *cls* from it.

    Raises:
        StructureError: *data* is not JSON (finding ``SCH000``) or does not fit *cls*.

    .. versionadded:: 0.1.0
    """
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        try:
            _jsonio.decode(data)
        except _jsonio.InvalidJSON as exc:
            finding = _finding("SCH000", str(exc), (), cls, None)
            raise StructureError(_name(cls), [finding]) from None
        raise  # pragma: no cover - orjson and _jsonio disagree
    return structure(obj, cls)


# -- errors as findings ----------------------------------------------------------------


def _name(cls: Any) -> str:
    generated = _generated()
    for name in generated.UNIONS:
        if cls == getattr(generated, name, None):
            return str(name)
    return getattr(cls, "__name__", repr(cls))


def _findings(exc: BaseException, cls: Any, root: JSONValue) -> list[Finding]:
    problems: list[tuple[Path, str, str]] = []
    _collect(exc, (), problems)
    seen: set[tuple[Path, str, str]] = set()
    out = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            path, code, message = problem
            out.append(_finding(code, message, path, cls, root))
    return sorted(out, key=Finding.sort_key)


def _collect(exc: BaseException, path: Path, out: list[tuple[Path, str, str]]) -> None:
    if isinstance(exc, ClassValidationError | IterableValidationError):
        owner = getattr(exc, "cl", None)
        wire = _wire_names(owner) if isinstance(owner, type) and attrs.has(owner) else {}
        for sub in exc.exceptions:
            segment: Path = ()
            for note in getattr(sub, "__notes__", ()):
                if isinstance(note, AttributeValidationNote):
                    segment = (wire.get(note.name, note.name),)
                elif isinstance(note, IterableValidationNote):
                    segment = (note.index,)
            if isinstance(sub, KeyError) and segment:
                out.append(((*path, *segment), MISSING, "Field required"))
            else:
                _collect(sub, (*path, *segment), out)
    elif isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields):
            out.append(((*path, key), EXTRA, "Extra inputs are not permitted"))
    elif isinstance(exc, _InvalidValueError):
        out.append(((*path, *exc.subpath), exc.code, exc.message))
    elif isinstance(exc, BaseExceptionGroup):
        for member in exc.exceptions:
            _collect(member, path, out)
    else:
        out.append((path, OTHER, f"{type(exc).__name__}: {exc}"))


def _finding(code: str, message: str, path: Path, cls: Any, root: JSONValue) -> Finding:
    from messages_schema.rules import make_finding

    api = ".".join(str(s) for s in path)
    kind = _kind_of(cls)
    if kind is not None and path and root is not None:
        # The linter's own spelling, union tags included; a path the schema walk
        # cannot follow keeps the plain dotted form.
        with contextlib.suppress(Exception):
            api = api_path(kind, root, path)
    # An error whatever the code's own severity: the value could not be built.
    return make_finding(code, message, path, api_path=api, severity=Severity.ERROR)


def _kind_of(cls: Any) -> str | None:
    for stem, model in _generated().ENTRY_MODELS.items():
        if model == cls:
            return _KIND_OF_STEM[stem]
    return None
