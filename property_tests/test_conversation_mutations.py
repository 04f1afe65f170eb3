"""
Conversation laws for the ``TURN``, ``TOOL`` and ``THK`` families.

Valid conversations lint without errors; one targeted mutation per rule
(`messages_schema.strategies.invalid_requests`) is reported with that rule's code at
the expected pointer, and with no other finding of those families; random mutations
never make a rule crash.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from messages_schema import LintConfig, lint
from messages_schema.strategies import (
    CONFIGURED_REQUEST_CODES,
    INVALID_REQUEST_CODES,
    conversations,
    invalid_requests,
)
from property_tests._json_values import json_values

FAMILIES = ("TURN", "TOOL", "THK")
CODES = [c for c in INVALID_REQUEST_CODES if c.startswith(FAMILIES)]
#: Rules of the API as it was (checked as of a past day): drawn with their config.
CONFIGURED = [c for c in CONFIGURED_REQUEST_CODES if c.startswith(FAMILIES)]


def _family_findings(document: Any) -> list[Any]:
    return [f for f in lint(document) if f.code.startswith(FAMILIES) or f.code == "SCH099"]


@given(conversations())
def test_valid_conversations_lint_without_errors(body):
    """Whatever `conversations()` draws has no error-severity finding at all."""
    assert [] == [f.to_dict() for f in lint(body) if f.is_error]


def test_every_family_rule_has_a_mutation():
    """Each TURN, TOOL and THK rule has a mutation in `invalid_requests`."""
    from messages_schema.rules import RULES

    assert sorted(c for c in RULES if c.startswith(FAMILIES)) == sorted(CODES + CONFIGURED)


@pytest.mark.parametrize("code", CODES)
@given(data=st.data())
def test_each_mutation_is_caught_by_its_rule(code, data):
    """A conversation broken for rule X is reported with code X, and only X, at the spot."""
    body, _, pointer = data.draw(invalid_requests([code], with_pointer=True), label="case")

    found = sorted((f.code, f.pointer) for f in _family_findings(body))

    assert [(code, pointer)] == found


@pytest.mark.parametrize("code", CONFIGURED)
@given(data=st.data())
def test_each_configured_mutation_is_caught_by_its_rule(code, data):
    """Under its config, a mutation is reported with its code, and with no other error."""
    body, _, pointer, config = data.draw(
        invalid_requests([code], with_pointer=True, with_config=True), label="case"
    )

    found = sorted(
        (f.code, f.pointer)
        for f in lint(body, config=config)
        if f.code.startswith(FAMILIES) and (f.is_error or f.code == code)
    )

    assert [(code, pointer)] == found


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*prefix, i)))
    return out


@given(conversations(), st.data())
def test_random_mutations_never_crash_a_rule(body, data):
    """Replacing or deleting any node never makes a TURN, TOOL or THK rule raise."""
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(body)[1:]))
        parent = body
        for seg in path[:-1]:
            parent = parent[seg]
        if data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(json_values(6))
        if not isinstance(body, dict) or not _paths(body)[1:]:
            break

    findings = lint(body, config=LintConfig(select=[*FAMILIES, "SCH099"]))

    assert [] == [f.message for f in findings if f.code == "SCH099"]
