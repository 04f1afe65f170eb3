"""
What every generated model shares: `UNSET`, the `Model` base class and the union tables.

``UNSET`` marks a field whose key was absent on the wire. It is distinct from
``None``, which is JSON ``null``: absent keys stay absent when unstructuring, while
``None`` is written as ``null``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Final, Literal, Self

import attrs

__all__ = ["UNSET", "DispatchingModel", "Model", "TaggedUnion", "UnsetType"]


class _Unset(enum.Enum):
    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


#: Marks a field that was absent on the wire. Absent keys stay absent when
#: unstructuring, while ``None`` is written as ``null``.
UNSET: Final = _Unset.UNSET
#: The type of `UNSET`, for annotations: ``cache_control: X | None | UnsetType = UNSET``.
UnsetType = Literal[_Unset.UNSET]


class Model:
    """
    Base class of every generated model.

    Its ``repr`` leaves out fields that are `UNSET` (and an empty ``extra``), so a
    request built from three fields reads as three fields.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        parts = []
        for field in attrs.fields(type(self)):  # type: ignore[arg-type]  # subclasses are attrs
            value = getattr(self, field.name)
            if value is UNSET or (field.name == "extra" and not value):
                continue
            parts.append(f"{field.name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


@attrs.frozen(kw_only=True)
class TaggedUnion:
    """
    How the converter picks the member of a tagged union ``$def``.

    Attributes:
        name: The ``$def`` (and type alias) name, such as ``ContentBlockParam``.
        tag: The discriminating property, ``type`` or ``role``.
        members: Tag value to member class.
        untagged: The member chosen when the tag is absent or ``null`` (a custom
            tool may omit its ``type``), if any.
        unknown: The class that keeps an object with an unknown tag (response
            unions only); ``None`` makes an unknown tag an error.
    """

    name: str
    tag: str
    members: Mapping[str, type[Any]]
    untagged: type[Any] | None = None
    unknown: type[Any] | None = None


class DispatchingModel(Model):
    """
    Base class of a union dispatched on a field other than ``type`` (``MessageParam``).

    Its members subclass it, and calling the base class itself builds the member the
    tag selects: ``MessageParam(role="user", content="Hi")`` is a ``UserMessageParam``.
    """

    __slots__ = ()

    #: Set by the generated module on the base class once its members exist.
    _dispatch: TaggedUnion | None = None

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        dispatch = cls.__dict__.get("_dispatch")
        if dispatch is None:  # a member class, or a subclass defined elsewhere
            return super().__new__(cls)
        value = kwargs.get(dispatch.tag)
        member = dispatch.members.get(value) if isinstance(value, str) else None
        if member is None:
            known = ", ".join(repr(v) for v in dispatch.members)
            msg = f"{cls.__name__}() needs {dispatch.tag}= one of {known}, not {value!r}"
            raise TypeError(msg)
        instance: Self = super().__new__(member)
        return instance
