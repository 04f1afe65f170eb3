"""The rule registry: well-formed codes, unique names, documented rules, ruff-style selection."""

from __future__ import annotations

import re

import pytest

from messages_schema import UnknownRuleError
from messages_schema.rules import RULES, Node, Status, get_rule, select_rules

REQUIRED_SECTIONS = ("## What it does", "## Applies to")


class TestRegistry:
    def test_codes_and_names_are_well_formed(self) -> None:
        """Codes are a family prefix plus three digits; names are kebab-case."""
        for code, entry in RULES.items():
            assert re.fullmatch(r"[A-Z]+\d{3}", code)
            assert entry.code == code
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry.name)

    def test_names_are_unique(self) -> None:
        """No two rules share a name."""
        names = [r.name for r in RULES.values()]
        assert len(names) == len(set(names))

    def test_every_rule_is_documented(self) -> None:
        """Each doc has the fixed sections, and an example unless it is a catch-all."""
        for entry in RULES.values():
            for section in REQUIRED_SECTIONS:
                assert section in entry.doc, (entry.code, section)
            assert entry.summary, entry.code

    def test_known_families_only(self) -> None:
        """Every code belongs to one of the documented families."""
        families = {
            "SCH", "TURN", "TOOL", "MED", "THK", "CACHE", "LIM", "MOD", "OUT", "VER", "BATCH",
            "SSE",
        }
        assert {r.prefix for r in RULES.values()} <= families

    def test_registry_is_read_only(self) -> None:
        """The public mapping cannot be written to."""
        with pytest.raises(TypeError):
            RULES["X001"] = RULES["SCH000"]  # type: ignore[index]

    def test_function_rules_have_a_function(self) -> None:
        """Only schema, stream and file rules come without a function."""
        for entry in RULES.values():
            if entry.node not in (Node.SCHEMA, Node.STREAM, Node.FILE):
                assert entry.func is not None, entry.code


class TestGetRule:
    def test_finds_by_code_in_any_case(self) -> None:
        """Lookup ignores case."""
        assert get_rule("sch001").name == "missing-field"

    def test_unknown_code_suggests(self) -> None:
        """A near miss names the closest code."""
        with pytest.raises(UnknownRuleError, match="did you mean 'SCH0"):
            get_rule("SCH01")


class TestSelection:
    def test_default_is_every_stable_rule(self) -> None:
        """No selectors: every stable rule, no preview rule."""
        chosen = {r.code for r in select_rules()}
        assert chosen == {c for c, r in RULES.items() if r.status is Status.STABLE}

    def test_prefix_and_more_specific_wins(self) -> None:
        """A longer selector beats a shorter one, in either direction."""
        chosen = {r.code for r in select_rules(["SCH"], ["SCH00"])}
        assert "SCH001" not in chosen
        assert "SCH010" in chosen
        assert {r.code for r in select_rules(["SCH001"], ["SCH"])} == {"SCH001"}

    def test_ignore_wins_a_tie(self) -> None:
        """The same selector in both lists turns the rule off."""
        assert select_rules(["SCH001"], ["SCH001"]) == ()

    def test_all_selects_everything_stable(self) -> None:
        """`ALL` is a selector for every rule."""
        assert {r.code for r in select_rules(["ALL"])} == {r.code for r in select_rules()}

    def test_unknown_selector_raises_with_suggestion(self) -> None:
        """A selector that names nothing is misuse."""
        with pytest.raises(UnknownRuleError, match="did you mean"):
            select_rules(["SHC"])
