"""
Content, limits and model-capability rules as laws: a generated valid request lints
clean under MED/CACHE/LIM/MOD, and one mutation per rule (from
`messages_schema.strategies.invalid_requests`) produces that code.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given

from messages_schema import LintConfig, lint
from messages_schema.strategies import INVALID_REQUEST_CODES, invalid_requests, requests

FAMILIES = ["MED", "CACHE", "LIM", "MOD"]
#: The mutations of these families (MED009 only fires without the media extra).
CODES = [c for c in INVALID_REQUEST_CODES if c.startswith(tuple(FAMILIES))]


def _codes(body: dict[str, Any]) -> set[str]:
    return {f.code for f in lint(body, config=LintConfig(select=FAMILIES))}


@given(requests())
def test_generated_requests_lint_clean(body):
    """Whatever requests() draws has no MED/CACHE/LIM/MOD finding."""
    assert _codes(body) == set()


@given(invalid_requests(CODES))
def test_each_mutation_is_caught_by_its_rule(case):
    """A request broken for rule X is reported with code X."""
    broken, code = case
    assert code in _codes(broken)
