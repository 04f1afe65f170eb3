"""
The rule registry: every check the linter runs, by stable code.

``RULES`` maps codes to `Rule` values (read-only); `get_rule` looks one up and
`select_rules` applies ruff-style selection (codes or prefixes; the more specific
selector wins; preview rules need opting in). `make_finding` is the one way a finding
is made, so that its name and default severity are always the registry's.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

# Importing the family modules registers their rules.
from messages_schema.rules import _families  # noqa: F401
from messages_schema.rules._registry import (
    Node,
    Rule,
    Status,
    Violation,
    frozen_registry,
    make_finding,
)

__all__ = [
    "RULES",
    "Node",
    "Rule",
    "Status",
    "Violation",
    "get_rule",
    "known_prefixes",
    "make_finding",
    "select_rules",
]

#: Every registered rule, by code, in code order. Read-only.
RULES: Mapping[str, Rule] = frozen_registry()


def known_prefixes() -> frozenset[str]:
    """Every family prefix and every leading part of a code (``T``, ``TO``, ``TOOL0``...)."""
    out: set[str] = {"ALL"}
    for code in RULES:
        out.update(code[:i] for i in range(1, len(code) + 1))
    return frozenset(out)


def _suggest(selector: str) -> str | None:
    choices = sorted({r.prefix for r in RULES.values()} | set(RULES))
    match = difflib.get_close_matches(selector, choices, n=1, cutoff=0.5)
    return match[0] if match else None


def check_selectors(selectors: Iterable[str]) -> None:
    """
    Raise `UnknownRuleError` for the first selector that names no rule or prefix.

    Raises:
        UnknownRuleError: with a close match as the suggestion, when there is one.
    """
    from messages_schema.exceptions import UnknownRuleError

    prefixes = known_prefixes()
    for selector in selectors:
        if selector not in prefixes:
            raise UnknownRuleError(selector, _suggest(selector))


def get_rule(code: str) -> Rule:
    """
    Return the rule registered under *code*.

    Raises:
        UnknownRuleError: No rule has that code.

    .. versionadded:: 0.1.0
    """
    from messages_schema.exceptions import UnknownRuleError

    try:
        return RULES[code.upper()]
    except KeyError:
        raise UnknownRuleError(code, _suggest(code.upper())) from None


def _specificity(code: str, selectors: Iterable[str]) -> int:
    best = -1
    for s in selectors:
        if s == "ALL":
            best = max(best, 0)
        elif code.startswith(s):
            best = max(best, len(s))
    return best


def select_rules(
    select: Iterable[str] = (), ignore: Iterable[str] = (), *, preview: bool = False
) -> tuple[Rule, ...]:
    """
    Return the rules that *select* and *ignore* leave on, in code order.

    An empty *select* means every stable rule. For each rule the longest matching
    selector decides; a tie goes to *ignore*.

    Raises:
        UnknownRuleError: A selector names no rule or prefix.

    .. versionadded:: 0.1.0
    """
    select = tuple(select)
    ignore = tuple(ignore)
    check_selectors(select + ignore)
    out = []
    for code, entry in RULES.items():
        on = _specificity(code, select) if select else 0
        off = _specificity(code, ignore)
        if on < 0 or off >= on:
            continue
        if entry.status is Status.PREVIEW and not preview and code not in select:
            continue
        out.append(entry)
    return tuple(out)
