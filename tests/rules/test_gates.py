"""
Gates and memo keys, declared with each rule (``@rule(gate=..., memo=..., reads=...)``) and
read into `messages_schema.rules._gates`: they name only real rules and real signals, and a
memoised rule reads no key it did not declare.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from messages_schema import LintConfig, Linter, Severity
from messages_schema.rules import RULES, Node
from messages_schema.rules._context import Context
from messages_schema.rules._gates import GATES, present_tokens
from messages_schema.rules._signals import SIGNALS, signals
from tests.support import paths


def test_gates_name_rules_and_signals() -> None:
    """Every gated code is a rule; every ``@`` token is a signal `scan` can raise."""
    assert set(GATES) <= set(RULES)
    tokens = {t for gate in GATES.values() for t in gate}
    assert {t for t in tokens if t.startswith("@")} <= SIGNALS


def test_a_plain_chat_raises_no_signal() -> None:
    """A two-message text chat raises no signal, so the gated rules are skipped."""
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 64,
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": [{"type": "text", "text": "Hello."}]},
            {"role": "user", "content": "Bye"},
        ],
    }

    assert present_tokens(body, body["messages"]) == {"model", "max_tokens", "messages"}


def test_cache_count_spans_tools_system_and_messages() -> None:
    """``@cache_count`` is raised by a fifth breakpoint wherever the five sit."""
    marker = {"cache_control": {"type": "ephemeral"}}
    tools = [{"name": f"t{n}", "input_schema": {"type": "object"}, **marker} for n in range(2)]
    system = [{"type": "text", "text": "s", **marker} for _ in range(2)]
    four = {"tools": tools, "system": system}
    message = {"role": "user", "content": [{"type": "text", "text": "hi", **marker}]}

    assert "@cache_count" not in present_tokens(four, [])
    assert "@cache_count" in present_tokens(four, [message])


def test_media_signal_skips_tool_results_without_media() -> None:
    """A `tool_result` holding only text is no media host; one holding an image is."""
    text_only = [
        {"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text", "text": "ok"}]}
    ]
    image = {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}
    with_image = [{"type": "tool_result", "tool_use_id": "t1", "content": [image]}]

    assert "@media" not in signals([{"role": "user", "content": text_only}])
    assert "@media" in signals([{"role": "user", "content": with_image}])


def test_gated_linter_skips_media_rules_on_text(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With no media in the request, the MED rules are not even called."""
    from messages_schema.rules import _media_probe

    calls: list[int] = []
    original = _media_probe.media_refs
    monkeypatch.setattr(_media_probe, "media_refs", lambda ctx: calls.append(1) or original(ctx))
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 8,
        "messages": [{"role": "user", "content": "Hi"}],
    }

    Linter().lint(body)
    assert calls == []
    Linter(gating=False).lint(body)
    assert calls != []


def test_valid_tool_loop_with_thinking_builds_no_full_scan(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """On a valid agentic request the signals suffice: the full conversation scan never runs."""
    from messages_schema.rules import _context

    calls: list[int] = []
    original = _context.scan
    monkeypatch.setattr(_context, "scan", lambda messages: calls.append(1) or original(messages))
    thinking = {"type": "thinking", "thinking": "Let me look.", "signature": "sig"}
    use = {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {"city": "Oslo"}}
    result = {"type": "tool_result", "tool_use_id": "toolu_01", "content": "4 °C"}
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 4096,
        "thinking": {"type": "enabled", "budget_tokens": 2048},
        "tools": [{"name": "get_weather", "input_schema": {"type": "object"}}],
        "messages": [
            {"role": "user", "content": "Weather in Oslo?"},
            {"role": "assistant", "content": [thinking, use]},
            {"role": "user", "content": [result]},
        ],
    }

    assert [f.code for f in Linter().lint(body) if f.is_error] == []
    assert calls == []
    broken = {**body, "messages": [*body["messages"][:2], {"role": "user", "content": "Hi"}]}
    assert "TOOL001" in {f.code for f in Linter().lint(broken)}
    assert calls != []


def test_parameter_rules_read_only_parameter_keys() -> None:
    """Every key a memoised parameter rule is gated on is part of the memo key."""
    from messages_schema.rules._gates import PARAMETER_KEYS, PARAMETER_RULES

    assert PARAMETER_RULES <= set(RULES)
    for code in PARAMETER_RULES:
        keys = {t for t in GATES.get(code, ()) if not t.startswith("@")}
        assert keys <= set(PARAMETER_KEYS), code
        assert not any(t.startswith("@") for t in GATES.get(code, ())), code


def test_memoised_parameters_still_report_on_every_document() -> None:
    """A second request with the same parameters gets the same parameter findings."""
    linter = Linter()
    params = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 4096,
        "thinking": {"type": "enabled", "budget_tokens": 2048},
        "temperature": 0.5,
    }
    first = {**params, "messages": [{"role": "user", "content": "Hi"}]}
    second = {**params, "messages": [{"role": "user", "content": "Other"}]}
    batch = {"custom_id": "a", "params": second}

    assert [(f.code, f.pointer) for f in linter.lint(first)] == [("THK002", "/temperature")]
    assert [(f.code, f.pointer) for f in linter.lint(second)] == [("THK002", "/temperature")]
    found = linter.lint(batch, kind="batch_request")
    assert [(f.code, f.pointer) for f in found] == [("THK002", "/params/temperature")]
    fixed = {**second, "temperature": 1}
    assert [f.code for f in linter.lint(fixed)] == []


def test_parameter_memo_key_changes_with_the_day() -> None:
    """Retirement depends on the day, so the memo key carries the day it was given for."""
    from messages_schema import linter as linter_module

    body = {"model": "m", "max_tokens": 1}
    day = 740_000

    assert linter_module._parameter_key(body, day) != linter_module._parameter_key(body, day + 1)
    assert linter_module._parameter_key({"model": {1, 2}}, day) is None  # not JSON: no memo


class _Recording(dict):  # type: ignore[type-arg]
    """A request body that notes every top-level key read from it (``*``: all of them)."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body)
        self.read: set[str] = set()

    def get(self, key: Any, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)

    def __iter__(self) -> Iterator[Any]:
        self.read.add("*")
        return super().__iter__()

    def keys(self) -> Any:
        self.read.add("*")
        return super().keys()

    def items(self) -> Any:
        self.read.add("*")
        return super().items()

    def values(self) -> Any:
        self.read.add("*")
        return super().values()


def _request_fixtures() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    out = []
    for path in sorted(paths.RULE_FIXTURES.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            if case.get("kind", "request") == "request" and isinstance(case["payload"], dict):
                out.append((path.stem, case["payload"], case.get("config", {})))
    return out


MEMOISED = sorted(code for code, r in RULES.items() if r.memo == "parameters")


@pytest.mark.parametrize("code", MEMOISED)
def test_memoised_rule_reads_only_declared_keys(code: str) -> None:
    """
    A memoised rule reads no top-level key outside its ``reads``: over every request
    fixture (of every rule), with a fresh context, each key the rule or the context it
    uses reads is noted. An undeclared key would give a stale memoised verdict.
    """
    entry = RULES[code]
    assert entry.func is not None
    read: set[str] = set()
    for _, payload, config in _request_fixtures():
        lint_config = LintConfig(**config)
        linter = Linter(lint_config)
        body = _Recording(copy.deepcopy(payload))
        ctx = Context(body, kind="request", config=lint_config, lookup=linter._capabilities)
        with contextlib.suppress(Exception):  # a crash is SCH099's business, not this test's
            list(entry.func(ctx, body))
        read |= body.read

    assert read, code  # the recording works: every memoised rule reads something
    assert read <= entry.reads, f"{code} reads {sorted(read - entry.reads)} undeclared"


def test_a_rule_reading_an_undeclared_key_is_caught() -> None:
    """The recording body sees a read the declaration leaves out."""
    body = _Recording({"model": "m", "messages": []})
    body.get("model")
    _ = "messages" in body

    assert body.read == {"model", "messages"}
    assert not body.read <= frozenset({"model"})


def test_memo_needs_its_keys() -> None:
    """``memo="parameters"`` without ``reads``, or gated on a key it does not read, is refused."""
    from messages_schema.rules._registry import rule

    with pytest.raises(ValueError, match="reads"):
        rule("ZZZ001", "zzz-one", on=Node.DOCUMENT, severity=Severity.ERROR, memo="parameters")
    with pytest.raises(ValueError, match="does not read"):
        rule("ZZZ002", "zzz-two", on=Node.DOCUMENT, severity=Severity.ERROR,
             memo="parameters", reads=("model",), gate=("thinking",))
    with pytest.raises(ValueError, match="memo"):
        rule("ZZZ003", "zzz-three", on=Node.DOCUMENT, severity=Severity.ERROR, reads=("model",))
