"""The rule registry: the ``@rule`` decorator, `Rule`, `Violation`, `Node` and `Status`."""

from __future__ import annotations

import enum
import functools
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs

from messages_schema._types import KINDS, REQUEST_KINDS, Kind, Path
from messages_schema.findings import Finding, Fix, Location, Severity

if TYPE_CHECKING:
    from messages_schema.rules._context import Context


class Node(enum.Enum):
    """What a rule function is handed."""

    #: Produced by the structural validator, not by a function.
    SCHEMA = "schema"
    #: The request body (for batch items: ``params``), once.
    DOCUMENT = "document"
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

#: How a rule's verdict may be memoised (see `Rule.memo`).
Memo: TypeAlias = Literal["parameters"]

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
    #: Tokens of which at least one must be present for the rule to run: top-level keys
    #: of the body or ``@`` signals (`messages_schema.rules._signals`); None: always runs.
    gate: tuple[str, ...] | None = None
    #: ``"parameters"``: the verdict depends only on the `reads` keys of the body, the
    #: configuration, the model's capabilities and the day, so the linter memoises it.
    memo: Memo | None = None
    #: The top-level keys of the body a memoised rule reads (its memo key).
    reads: frozenset[str] = frozenset()
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
    gate: Iterable[str] | None = None,
    memo: Memo | None = None,
    reads: Iterable[str] = (),
) -> Callable[[RuleFunc], RuleFunc]:
    """
    Register the decorated function as rule *code*; its docstring is the rule's doc.

    Everything the engine needs to know about the rule is declared here:

    * *thinking_modes*: the thinking modes the rule applies to (see
      `Context.thinking_mode`); the rule is not run in another mode, nor when the mode
      is unknown, unless it names them all (`THINKING_MODES`).
    * *gate*: tokens of which one must be present for the rule to have anything to say
      (top-level keys, or ``@`` signals raised by `messages_schema.rules._signals`).
    * *memo* and *reads*: ``memo="parameters"`` for a rule whose verdict depends only on
      the top-level keys it *reads* (plus configuration, capabilities and the day); the
      linter then memoises it per distinct values of those keys. A test runs each such
      rule over its fixtures and fails if it reads a key it did not declare.
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

    gate = None if gate is None else tuple(gate)
    read = frozenset(reads)
    if gate is not None and not gate:
        msg = f"rule {code}: an empty gate never opens"
        raise ValueError(msg)
    if memo is not None and (memo != "parameters" or not read):
        msg = f"rule {code}: memo='parameters' needs the keys it reads (reads=...)"
        raise ValueError(msg)
    if memo is not None and gate is not None and not set(gate) <= read:
        # A memoised rule sees the document only through its memo key.
        msg = f"rule {code}: gated on {sorted(set(gate) - read)}, which it does not read"
        raise ValueError(msg)
    if read and memo is None:
        msg = f"rule {code}: reads=... declares a memo key; say memo='parameters'"
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
                gate=gate,
                memo=memo,
                reads=read,
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


def make_finding(
    code: str,
    message: str,
    path: Path = (),
    *,
    api_path: str = "",
    api_error: str | None = None,
    fix: Fix | None = None,
    severity: Severity | None = None,
    location: Location | None = None,
) -> Finding:
    """
    Return a finding of rule *code*, named and graded by the registry.

    *severity* overrides the rule's own for this one finding (a warning under an
    unknown beta, a setting that promotes it); everything else about the rule comes
    from the registry, so a code, its name and its severity cannot drift apart.

    Raises:
        KeyError: *code* is not registered (a bug in the caller, not in the payload).

    .. versionadded:: 0.2.0
    """
    entry = _REGISTRY[code]
    return Finding(
        code=code,
        name=entry.name,
        severity=severity or entry.severity,
        message=message,
        path=path,
        api_path=api_path,
        api_error=api_error,
        fix=fix,
        location=location,
    )
