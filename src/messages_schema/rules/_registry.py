"""The rule registry: the ``@rule`` decorator, `Rule`, `Violation`, `Node` and `Status`."""

from __future__ import annotations

import enum
import functools
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from messages_schema._types import KINDS, REQUEST_KINDS, Kind, Path
from messages_schema.findings import Fix, Severity

if TYPE_CHECKING:
    from messages_schema.rules._context import Context


class Node(enum.Enum):
    """What a rule function is handed."""

    #: Produced by the structural validator, not by a function.
    SCHEMA = "schema"
    #: The request body (for batch items: ``params``), once.
    DOCUMENT = "document"
    #: Each item of ``messages``.
    MESSAGE = "message"
    #: Each content block of each message.
    BLOCK = "block"
    #: Each item of ``tools``.
    TOOL = "tool"
    #: A whole batch request item ``{custom_id, params}``.
    ITEM = "item"
    #: A stream transcript (list of events), checked by the stream validator.
    STREAM = "stream"
    #: Several records of one file, checked by the file checker.
    FILE = "file"


class Status(enum.Enum):
    """Whether a rule is on by default."""

    STABLE = "stable"
    PREVIEW = "preview"


@attrs.frozen(kw_only=True)
class Violation:
    """
    What a rule function yields: a message, a path relative to its node, maybe a fix.

    The driver adds the code, the severity and the absolute path.
    """

    message: str
    path: Path = ()
    fix: Fix | None = None
    api_error: str | None = None
    #: Overrides the rule's severity for this one finding (e.g. promoted by config).
    severity: Severity | None = None
    #: The API's own location when it differs from the computed one (some API checks
    #: report a bare ``messages`` for a problem inside a block).
    api_path: str | None = None


RuleFunc: TypeAlias = Callable[["Context", Any], Iterable[Violation]]

#: The thinking modes a request runs in (`Context.thinking_mode`).
THINKING_MODES: frozenset[str] = frozenset({"enabled", "adaptive", "disabled", "between_tools"})


@attrs.frozen(kw_only=True)
class Rule:
    """
    A registered rule: its code, name, severity, scope and documentation.

    .. versionadded:: 0.1.0
    """

    code: str
    name: str
    severity: Severity
    node: Node
    kinds: frozenset[str]
    since: str
    status: Status
    doc: str
    fixable: bool = False
    #: The thinking modes the rule applies to (`THINKING_MODES`: any mode, known or not);
    #: None for rules that do not declare them (families other than THK and MOD).
    thinking_modes: frozenset[str] | None = None
    func: RuleFunc | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def summary(self) -> str:
        """The first sentence of the rule's *What it does* section."""
        match = re.search(r"## What it does\s*\n(.*?)(?:\n\s*\n|\Z)", self.doc, re.S)
        text = " ".join((match.group(1) if match else self.doc).split())
        return text.split(". ")[0].rstrip(".") + "." if text else ""

    @property
    def prefix(self) -> str:
        """The family prefix of the code, e.g. ``TOOL`` for ``TOOL002``."""
        return re.sub(r"\d+$", "", self.code)


_CODE = re.compile(r"^[A-Z]+[0-9]{3}$")
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_REGISTRY: dict[str, Rule] = {}
#: Kinds a request rule applies to unless it says otherwise, in `KINDS` order.
_REQUEST_KINDS: tuple[Kind, ...] = tuple(k for k in KINDS if k in REQUEST_KINDS)


def rule(
    code: str,
    name: str,
    *,
    on: Node,
    severity: Severity,
    kinds: Iterable[str] = _REQUEST_KINDS,
    since: str = "0.1.0",
    status: Status = Status.STABLE,
    fixable: bool = False,
    thinking_modes: Iterable[str] | None = None,
) -> Callable[[RuleFunc], RuleFunc]:
    """
    Register the decorated function as rule *code*; its docstring is the rule's doc.

    *thinking_modes* are the thinking modes the rule applies to (see
    `Context.thinking_mode`); the rule is not run in another mode, nor when the mode is
    unknown, unless it names them all (`THINKING_MODES`).
    """
    if not _CODE.match(code):
        msg = f"rule code {code!r} must be capital letters then three digits"
        raise ValueError(msg)
    if not _NAME.match(name):
        msg = f"rule name {name!r} must be kebab-case"
        raise ValueError(msg)
    kinds = frozenset(kinds)
    unknown = kinds - set(KINDS)
    if unknown:
        msg = f"rule {code} names unknown kinds {sorted(unknown)}"
        raise ValueError(msg)
    modes = None if thinking_modes is None else frozenset(thinking_modes)
    if modes is not None and (not modes or modes - THINKING_MODES):
        msg = f"rule {code} names unknown thinking modes {sorted(modes - THINKING_MODES)}"
        raise ValueError(msg)

    def decorate(func: RuleFunc) -> RuleFunc:
        if modes is not None and modes != THINKING_MODES:
            func = _quiet_outside(func, modes)
        register(
            Rule(
                code=code,
                name=name,
                severity=severity,
                node=on,
                kinds=kinds,
                since=since,
                status=status,
                doc=inspect.cleandoc(func.__doc__ or ""),
                fixable=fixable,
                thinking_modes=modes,
                func=func,
            )
        )
        return func

    return decorate


def _quiet_outside(func: RuleFunc, modes: frozenset[str]) -> RuleFunc:
    """*func*, run only when the request's thinking mode is one of *modes*."""

    @functools.wraps(func)
    def guarded(ctx: Context, node: Any) -> Iterable[Violation]:
        if ctx.thinking_mode not in modes:
            return ()
        return func(ctx, node)

    return guarded


def register(entry: Rule) -> None:
    """Add *entry* to the registry; codes and names must be unique."""
    if entry.code in _REGISTRY:
        msg = f"rule code {entry.code} registered twice"
        raise ValueError(msg)
    if any(r.name == entry.name for r in _REGISTRY.values()):
        msg = f"rule name {entry.name} registered twice"
        raise ValueError(msg)
    _REGISTRY[entry.code] = entry


def frozen_registry() -> Mapping[str, Rule]:
    """Return a read-only view of every registered rule, by code, in code order."""
    return MappingProxyType(dict(sorted(_REGISTRY.items())))
