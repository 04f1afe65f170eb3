"""
Exceptions raised by messages_schema.

Problems *in payloads* are never raised; they are returned as `messages_schema.Finding`
objects. Exceptions are for misuse of the library:

* MessagesSchemaError
  x ConfigError          (also ValueError)   bad ``[tool.messages-schema]`` table or option
  x UnknownRuleError     (also LookupError)  ``get_rule("TOOL999")``, ``select=("XYZ",)``
  x SchemaNotFoundError  (also LookupError)  ``schemas.load("nope")``
  x StructureError       (also ValueError)   ``structure()`` or ``loads()`` failed
  x UnstructureError     (also TypeError)    ``dumps()`` or ``unstructure()`` met a field
                                             whose value does not fit its type
  x StreamError          (also ValueError)   an accumulator got an event it cannot apply
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from messages_schema.findings import Finding

__all__ = [
    "ConfigError",
    "MessagesSchemaError",
    "SchemaNotFoundError",
    "StreamError",
    "StructureError",
    "UnknownRuleError",
    "UnstructureError",
]


class MessagesSchemaError(Exception):
    """Base class of every exception this package raises on purpose."""


class ConfigError(MessagesSchemaError, ValueError):
    """A configuration value or option is not valid."""


class UnknownRuleError(MessagesSchemaError, LookupError):
    """A rule code or prefix names no rule."""

    def __init__(self, selector: str, suggestion: str | None = None) -> None:
        self.selector = selector
        self.suggestion = suggestion
        msg = f"{selector!r} names no rule or prefix"
        if suggestion:
            msg += f"; did you mean {suggestion!r}?"
        super().__init__(msg)


class SchemaNotFoundError(MessagesSchemaError, LookupError):
    """No shipped schema has the requested name."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.name = name
        self.known = tuple(known)
        msg = f"no schema named {name!r}; known: {', '.join(self.known)}"
        super().__init__(msg)


class StructureError(MessagesSchemaError, ValueError):
    """
    A JSON value could not be turned into a model.

    ``findings`` lists every problem, each with a path, as lint findings do.
    """

    def __init__(self, cls_name: str, findings: Sequence[Finding]) -> None:
        self.cls_name = cls_name
        self.findings = tuple(findings)
        lines = [f"{f.api_path or '<root>'}: {f.message}" for f in self.findings[:10]]
        more = len(self.findings) - len(lines)
        if more > 0:
            lines.append(f"... and {more} more")
        msg = f"cannot structure {cls_name}:\n  " + "\n  ".join(lines)
        super().__init__(msg)


class StreamError(MessagesSchemaError, ValueError):
    """A stream accumulator received an event it cannot apply."""

    def __init__(self, message: str, *, index: int | None = None) -> None:
        self.index = index
        super().__init__(message if index is None else f"event {index}: {message}")


class UnstructureError(MessagesSchemaError, TypeError):
    """
    A model holds a value its field's type does not allow, so it cannot be written.

    Models are plain attrs classes: nothing stops ``MessageCreateParams(max_tokens="x")``
    being built. `messages_schema.dumps` and `messages_schema.unstructure` refuse it
    rather than write JSON the API would reject (or a string spread into a list).

    Attributes:
        model: The name of the model class `dumps` was given.
        path: Where the value is, from that model: field names and list indexes.
        reason: What was expected and what was found.

    .. versionadded:: 0.2.0
    """

    def __init__(self, reason: str, path: tuple[str | int, ...], owner: object) -> None:
        self.reason = reason
        self.path = path
        self.model = type(owner).__name__
        #: The innermost model holding the path, while the error climbs (internal).
        self.owner = owner
        super().__init__(reason)

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path) or "<inside a free-form field>"
        return f"cannot write {self.model}: {where}: {self.reason}"
