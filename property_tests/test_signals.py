"""
Signals never miss what the scan finds.

`messages_schema.rules._signals.signals` is the light pass the gates read; `scan` is
the full pass the rules read. A signal may be raised more often than needed, never less:
wherever the scan records a fact, the signal standing for it is raised.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from messages_schema.rules._facts import ConversationFacts, scan
from messages_schema.rules._signals import SIGNALS, signals
from messages_schema.strategies import conversations, invalid_requests
from property_tests._json_values import json_values

#: Signal -> whether the scan found what it stands for.
FACTS = {
    "@empty_text": lambda f: bool(f.empty_text),
    "@empty_error_results": lambda f: bool(f.empty_error_results),
    "@same_role": lambda f: bool(f.same_role),
    "@duplicate_uses": lambda f: bool(f.duplicate_uses),
    "@system_messages": lambda f: bool(f.system),
    "@thinking_blocks": lambda f: bool(f.thinking_messages),
    "@media": lambda f: bool(f.media_hosts),
    "@prefill": lambda f: f.final_assistant is not None,
}


def _messages(body: Any) -> list[Any]:
    messages = body.get("messages") if isinstance(body, dict) else None
    return messages if isinstance(messages, list) else []


def _check(messages: list[Any]) -> None:
    facts: ConversationFacts = scan(messages)
    raised = signals(messages)
    missed = sorted(s for s, found in FACTS.items() if found(facts) and s not in raised)
    assert missed == []


def test_the_table_names_real_signals() -> None:
    """Every signal the property checks is one `signals` may raise."""
    assert set(FACTS) <= SIGNALS


@given(st.one_of(conversations(), invalid_requests().map(lambda case: case[0])))
def test_signals_never_miss_a_scanned_fact(body: Any) -> None:
    """Valid conversations and each rule's mutation: no fact without its signal."""
    _check(_messages(body))


@given(st.lists(json_values(), max_size=6))
def test_signals_never_miss_a_fact_of_odd_messages(messages: list[Any]) -> None:
    """Arbitrary JSON as messages: the same law, and neither pass raises."""
    _check(messages)
