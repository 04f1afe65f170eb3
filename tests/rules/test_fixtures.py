"""
Data-driven rule fixtures: ``tests/fixtures/rules/<CODE>.json``, one file per code.

Each file is a list of cases ``{"description", "payload", "findings": [{"code", "pointer",
"api_path"?}], "kind"?, "config"?, "size"?}``; each case is linted with only its file's code
selected and must produce exactly the listed findings. ``size`` is the body's size as sent
(`lint`'s *size*), for the size rule, whose firing cases would otherwise need 32 MiB files.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from messages_schema import LintConfig, lint
from messages_schema.rules import RULES
from tests.support import paths

FIXTURES = paths.RULE_FIXTURES


def _cases() -> list[Any]:
    out = []
    for path in sorted(FIXTURES.glob("*.json")):
        code = path.stem.split("_")[0]
        for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            out.append(pytest.param(code, case, id=f"{path.stem}[{i}] {case['description']}"))
    return out


@pytest.mark.parametrize(("code", "case"), _cases())
def test_fixture(code: str, case: dict[str, Any]) -> None:
    """The case produces exactly the findings it lists, at the pointers it lists."""
    config = LintConfig(select=[code], **case.get("config", {}))
    findings = lint(case["payload"], kind=case.get("kind", "request"), config=config,
                    size=case.get("size"))
    got = sorted((f.code, f.pointer) for f in findings)
    want = sorted((f["code"], f["pointer"]) for f in case["findings"])
    assert got == want, [f.to_dict() for f in findings]
    for expected in case["findings"]:
        if "api_path" in expected:
            match = [f for f in findings if f.pointer == expected["pointer"]]
            assert expected["api_path"] in {f.api_path for f in match}


def test_every_rule_with_a_function_has_fixtures() -> None:
    """Each rule that runs as a function has a fixture file with a firing and a clean case."""
    have = {p.stem.split("_")[0] for p in FIXTURES.glob("*.json")}
    missing = sorted(c for c, r in RULES.items() if r.func is not None and c not in have)
    assert missing == []
    for path in FIXTURES.glob("*.json"):
        cases = json.loads(path.read_text(encoding="utf-8"))
        assert any(c["findings"] for c in cases), f"{path.name} has no firing case"
        assert any(not c["findings"] for c in cases), f"{path.name} has no clean case"


@pytest.mark.parametrize(("code", "case"), _cases())
def test_gates_never_hide_a_finding(code: str, case: dict[str, Any]) -> None:
    """Skipping rules by their gate keys changes no verdict on any fixture."""
    from messages_schema import Linter

    config = LintConfig(**case.get("config", {}))
    kind = case.get("kind", "request")
    size = case.get("size")
    gated = Linter(config).lint(case["payload"], kind=kind, size=size)
    assert gated == Linter(config, gating=False).lint(case["payload"], kind=kind, size=size)
