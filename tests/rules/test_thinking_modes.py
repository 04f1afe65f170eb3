"""
Thinking modes: every THK and MOD rule says which modes it applies to, and is quiet in the others.

A request runs in its ``thinking.type``, or, without ``thinking``, in the model's default
mode (``thinking_default`` of the capability table): ``adaptive`` on Claude Sonnet 5,
Opus 5, Fable and Mythos, ``disabled`` before them.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from messages_schema import LintConfig, lint
from messages_schema.rules import RULES
from messages_schema.rules._context import Context
from messages_schema.rules._registry import THINKING_MODES
from tests.support import paths

FIXTURES = paths.RULE_FIXTURES
THINKING_FAMILIES = ("THK", "MOD")


def _with_mode(payload: dict[str, Any], mode: str | None) -> dict[str, Any]:
    """*payload* sent in *mode* (None: no `thinking`, on a model the table does not know)."""
    body = copy.deepcopy(payload)
    if mode is None:
        body.pop("thinking", None)
        body["model"] = "claude-unknown-model-9"
    elif mode == "enabled":
        body["thinking"] = {"type": "enabled", "budget_tokens": 1024}
        if not isinstance(body.get("max_tokens"), int) or body["max_tokens"] <= 1024:
            body["max_tokens"] = 4096
    else:
        body["thinking"] = {"type": mode}
    return body


def _firing_cases(code: str) -> list[dict[str, Any]]:
    path = FIXTURES / f"{code}.json"
    cases = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    return [c for c in cases if c["findings"] and c.get("kind", "request") == "request"]


def test_every_thinking_and_model_rule_declares_its_modes() -> None:
    """Each THK and MOD rule names its modes, and its doc says why (a "Thinking modes" section)."""
    for code, entry in RULES.items():
        if not code.startswith(THINKING_FAMILIES):
            continue
        assert entry.thinking_modes, code
        assert entry.thinking_modes <= THINKING_MODES, code
        assert "## Thinking modes" in entry.doc, code


RESTRICTED = sorted(
    code for code, entry in RULES.items()
    if code.startswith(THINKING_FAMILIES) and entry.thinking_modes != THINKING_MODES
)


@pytest.mark.parametrize("code", RESTRICTED)
def test_quiet_outside_its_modes(code: str) -> None:
    """Every firing fixture of a mode-bound rule goes quiet in each other mode and when unknown."""
    modes = RULES[code].thinking_modes
    assert modes is not None
    cases = _firing_cases(code)
    assert cases, code
    for case in cases:
        config = LintConfig(select=[code], **case.get("config", {}))
        for mode in [*sorted(THINKING_MODES - modes), None]:
            body = _with_mode(case["payload"], mode)
            assert lint(body, config=config) == [], (case["description"], mode)


def _context(body: dict[str, Any]) -> Context:
    from messages_schema._capabilities import capabilities_for

    model = body.get("model")
    caps = capabilities_for(model) if isinstance(model, str) else None
    return Context(body, kind="request", config=LintConfig(), capabilities=caps)


@pytest.mark.parametrize(
    ("body", "mode"),
    [
        ({"model": "claude-sonnet-4-5", "thinking": {"type": "adaptive"}}, "adaptive"),
        ({"model": "claude-sonnet-5", "thinking": {"type": "disabled"}}, "disabled"),
        ({"model": "claude-sonnet-5"}, "adaptive"),
        ({"model": "claude-fable-5"}, "adaptive"),
        ({"model": "claude-sonnet-4-5"}, "disabled"),
        ({"model": "claude-opus-4-8"}, "disabled"),
        ({"model": "claude-unknown-model-9"}, None),
    ],
)
def test_thinking_mode(body: dict[str, Any], mode: str | None) -> None:
    """The mode is the type sent, else the model's default, else unknown."""
    assert _context(body).thinking_mode == mode


def _tool_loop(model: str, **extra: Any) -> dict[str, Any]:
    """A tool loop whose assistant turn starts with the thinking block the model returned."""
    return {
        "model": model,
        "max_tokens": 1024,
        "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "", "signature": "EsgCCokBCA8YAipA"},
                {"type": "tool_use", "id": "toolu_01", "name": "get_weather",
                 "input": {"city": "Paris"}},
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01", "content": "18 C"},
            ]},
        ],
        "tools": [{"name": "get_weather", "input_schema": {"type": "object"}}],
        **extra,
    }


def test_thinking_blocks_on_a_model_that_thinks_by_default_are_fine() -> None:
    """claude-sonnet-5 returns thinking unasked; sending it back without `thinking` is a 200."""
    assert [f.code for f in lint(_tool_loop("claude-sonnet-5")) if f.is_error] == []
    found = lint(_tool_loop("claude-sonnet-4-5"), config=LintConfig(select=["THK009"]))
    assert [f.api_path for f in found] == ["messages.1.content.0"]
    disabled = _tool_loop("claude-sonnet-5", thinking={"type": "disabled"})
    assert [f.code for f in lint(disabled, config=LintConfig(select=["THK009"]))] == ["THK009"]


def test_forced_tool_choice_is_fine_with_adaptive_thinking() -> None:
    """`tool_choice: any` with adaptive thinking is a 200 on claude-opus-4-6; `enabled`: a 400."""
    body = {
        "model": "claude-opus-4-6",
        "max_tokens": 4096,
        "messages": [{"role": "user", "content": "What is the capital of France?"}],
        "tools": [{"name": "final_result", "input_schema": {"type": "object"}}],
        "tool_choice": {"type": "any"},
    }
    adaptive = {**body, "thinking": {"type": "adaptive"}}
    enabled = {**body, "thinking": {"type": "enabled", "budget_tokens": 2048}}
    assert [f for f in lint(adaptive) if f.is_error] == []
    assert "THK005" in {f.code for f in lint(enabled) if f.is_error}


def test_a_default_adaptive_mode_is_thinking() -> None:
    """Rules for thinking apply in a model's default adaptive mode: temperature must be 1."""
    body = {"model": "claude-sonnet-5", "max_tokens": 64, "temperature": 0.5,
            "messages": [{"role": "user", "content": "Hi"}]}
    assert [f.code for f in lint(body, config=LintConfig(select=["THK002"]))] == ["THK002"]
