"""
Gates: what must be present in a request for a rule to have anything to say.

A gate is a set of tokens, declared with the rule (``@rule(gate=...)``); the linter
calls the rule only if at least one of them is present. A token is either a top-level
key of the request body (a rule about `stop_sequences` has nothing to say about a
request without that key) or a *signal* raised by the light pass over the messages
(`messages_schema.rules._signals`), such as ``@media`` (an image or document block
somewhere) or ``@unanswered_tool_use``. On the common valid request most rules are
skipped, and the full conversation scan they share (`messages_schema.rules._facts`) is
never built.

A gate is a necessary condition only: every rule still checks everything it needs. The
tests ``test_gates_never_hide_a_finding`` (every fixture) and
``test_gating_changes_no_finding`` (generated and mutated requests) check that gated
and ungated linting agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

# `_families` registers every rule before the tables below are read from the registry.
from messages_schema.rules import _families  # noqa: F401
from messages_schema.rules._registry import frozen_registry
from messages_schema.rules._signals import CacheCount, signals

__all__ = ["GATES", "PARAMETER_KEYS", "PARAMETER_RULES", "keys_for", "present_tokens"]

_RULES = frozen_registry()

#: Rule code -> tokens (top-level keys or ``@`` signals); the rule runs if any is present.
#: Read from each rule's ``@rule(gate=...)``.
GATES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {code: r.gate for code, r in _RULES.items() if r.gate is not None}
)

#: Rules whose verdict depends only on the keys they read (``@rule(memo="parameters",
#: reads=...)``), the linter's configuration, the model's capabilities and the date: the
#: linter memoises their violations per distinct parameters (see
#: ``Linter._parameter_rules``).
PARAMETER_RULES: Final = frozenset(code for code, r in _RULES.items() if r.memo == "parameters")

#: Top-level keys that the `PARAMETER_RULES` read: the memo key. Requests repeat them far
#: more than their messages.
PARAMETER_KEYS: Final = tuple(sorted({k for c in PARAMETER_RULES for k in _RULES[c].reads}))


def keys_for(code: str) -> tuple[str, ...] | None:
    """The tokens gating *code*, or None when it always runs."""
    return GATES.get(code)


def present_tokens(body: dict[str, Any], messages: list[Any]) -> set[str]:
    """The gate tokens present in *body*: its top-level keys and the signals it raises."""
    cache = CacheCount()
    cache.add_items(body.get("tools"))
    cache.add_items(body.get("system"))
    present = signals(messages, cache)
    present.update(body)
    return present
