"""The ``THK`` family: extended thinking, its budget, sampling limits and thinking blocks."""

from __future__ import annotations

from typing import Any

from messages_schema import LintConfig, apply_fixes, lint

ENABLED = {"type": "enabled", "budget_tokens": 2048}
TOOL = {"name": "get_weather", "input_schema": {"type": "object"}}


def req(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"model": "claude-sonnet-4-5", "max_tokens": 4096}
    body["messages"] = list(messages) or [user("Hi")]
    body.update(extra)
    return body


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def assistant(content: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": content}


def thinking(**extra: Any) -> dict[str, Any]:
    return {"type": "thinking", "thinking": "Hmm.", "signature": "EqQBCgIYAhIM", **extra}


def use(id_: str) -> dict[str, Any]:
    return {"type": "tool_use", "id": id_, "name": "get_weather", "input": {}}


def result(id_: str) -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": id_, "content": "18 C"}


def errors(document: Any) -> list[str]:
    return sorted(f.code for f in lint(document) if f.is_error)


class TestBudgetNotBelowMaxTokens:
    def test_no_path_prefix(self, only_finding):
        """The API reports this without a path: api_path is empty."""
        f = only_finding(req(max_tokens=2048, thinking=ENABLED), code="THK001")

        assert "" == f.api_path
        assert "`max_tokens` must be greater than `thinking.budget_tokens`." == f.api_error

    def test_fix_lowers_budget(self, only_finding):
        """The unsafe fix lowers the budget below `max_tokens`."""
        doc = req(max_tokens=2048, thinking={"type": "enabled", "budget_tokens": 4000})
        f = only_finding(doc, code="THK001")

        fixed = apply_fixes(doc, [f], unsafe=True)

        assert 2047 == fixed["thinking"]["budget_tokens"]
        assert [] == errors(fixed)


class TestTemperatureWithThinking:
    def test_adaptive_wording(self, only_finding):
        """The 2026 wording mentions adaptive mode."""
        f = only_finding(req(thinking={"type": "adaptive"}, temperature=0.2), code="THK002")

        assert f.api_error is not None
        assert "when thinking is enabled or in adaptive mode" in f.api_error
        assert "" == f.api_path

    def test_fix_removes_temperature(self, only_finding):
        """The unsafe fix removes `temperature`."""
        doc = req(thinking=ENABLED, temperature=0)
        f = only_finding(doc, code="THK002")

        assert "temperature" not in apply_fixes(doc, [f], unsafe=True)


class TestTopKWithThinking:
    def test_reported(self, only_finding):
        """`top_k` with thinking enabled is an error without a path prefix."""
        f = only_finding(req(thinking=ENABLED, top_k=5), code="THK003")

        assert "" == f.api_path


class TestTopPWithThinking:
    def test_boundary(self):
        """0.95 is allowed, 0.949 is not."""
        ok = lint(req(thinking=ENABLED, top_p=0.95), config=LintConfig(select=["THK004"]))
        bad = lint(req(thinking=ENABLED, top_p=0.949), config=LintConfig(select=["THK004"]))

        assert ([], ["THK004"]) == (ok, [f.code for f in bad])


class TestForcedToolChoiceWithThinking:
    def test_fix_switches_to_auto(self, only_finding):
        """The unsafe fix keeps `disable_parallel_tool_use` and switches to `auto`."""
        doc = req(
            tools=[TOOL],
            thinking=ENABLED,
            tool_choice={"type": "any", "disable_parallel_tool_use": True},
        )
        f = only_finding(doc, code="THK005")

        fixed = apply_fixes(doc, [f], unsafe=True)

        assert {"type": "auto", "disable_parallel_tool_use": True} == fixed["tool_choice"]
        assert "Thinking may not be enabled when tool_choice forces tool use." == f.api_error


class TestFinalAssistantWithoutThinking:
    def test_found_type_is_filled_in(self, only_finding):
        """The message names the type actually found and keeps the API's spelling."""
        doc = req(
            user("W?"), assistant([use("t1")]), user([result("t1")]), tools=[TOOL], thinking=ENABLED
        )
        f = only_finding(doc, code="THK006")

        assert f.message.startswith(
            "Expected `thinking` or `redacted_thinking`, but found `tool_use`."
        )
        assert "preceeding" in f.message
        assert "messages.1.content.0.type" == f.api_path

    def test_string_content_points_at_content(self, only_finding):
        """String assistant content is reported as `text` at the content."""
        doc = req(
            user("W?"),
            assistant("Let me check."),
            assistant([use("t1")]),
            user([result("t1")]),
            tools=[TOOL],
            thinking=ENABLED,
        )
        f = only_finding(doc, code="THK006")

        assert "/messages/1/content" == f.pointer
        assert "found `text`" in f.message

    def test_loop_start_with_thinking_covers_later_rounds(self):
        """Later rounds of a loop that started with thinking need no thinking of their own."""
        doc = req(
            user("W?"),
            assistant([thinking(), use("t1")]),
            user([result("t1")]),
            assistant([use("t2")]),
            user([result("t2")]),
            tools=[TOOL],
            thinking=ENABLED,
        )

        assert [] == errors(doc)


class TestThinkingNotFirst:
    def test_any_assistant_message(self, only_finding):
        """A non-final assistant message with thinking after text is reported at content.0."""
        doc = req(
            user("Hi"),
            assistant([{"type": "text", "text": "A"}, thinking()]),
            user("B"),
            thinking=ENABLED,
        )
        f = only_finding(doc, code="THK007")

        assert "messages.1.content.0" == f.api_path
        assert f.message.endswith("Found `text`.")


class TestThinkingBlockLast:
    def test_fix_removes_trailing_thinking(self, only_finding):
        """The unsafe fix removes the trailing thinking block; an empty prefill is fine."""
        doc = req(user("Hi"), assistant([thinking()]), thinking=ENABLED)
        f = only_finding(doc, code="THK008")

        fixed = apply_fixes(doc, [f], unsafe=True)

        assert [] == fixed["messages"][1]["content"]
        assert "messages.1" == f.api_path


class TestThinkingBlocksWhileDisabled:
    def test_fix_removes_thinking(self, only_finding):
        """With thinking off, the pending tool turn's thinking blocks are removed by the fix."""
        doc = req(
            user("W?"), assistant([thinking(), use("t1")]), user([result("t1")]), tools=[TOOL]
        )
        f = only_finding(doc, code="THK009")

        fixed = apply_fixes(doc, [f], unsafe=True)

        assert [use("t1")] == fixed["messages"][1]["content"]
        assert [] == errors(fixed)

    def test_earlier_turns_are_ignored(self):
        """Thinking blocks in earlier, finished turns are fine with thinking off."""
        doc = req(
            user("Hi"), assistant([thinking(), {"type": "text", "text": "Hello"}]), user("Bye")
        )

        assert [] == errors(doc)


class TestThinkingBlockStructure:
    def test_signature_required(self):
        """A thinking block without `signature` is SCH001, not a THK rule."""
        block = {"type": "thinking", "thinking": "Hmm."}
        doc = req(
            user("Hi"),
            assistant([block, {"type": "text", "text": "A"}]),
            user("B"),
            thinking=ENABLED,
        )

        assert ["SCH001"] == errors(doc)

    def test_thinking_required(self):
        """A thinking block without `thinking` is SCH001."""
        block = {"type": "thinking", "signature": "x"}
        doc = req(
            user("Hi"),
            assistant([block, {"type": "text", "text": "A"}]),
            user("B"),
            thinking=ENABLED,
        )

        assert ["SCH001"] == errors(doc)

    def test_cache_control_rejected(self):
        """`cache_control` on a thinking block is SCH002 (CLIProxyAPI#512)."""
        block = thinking(cache_control={"type": "ephemeral"})
        doc = req(
            user("Hi"),
            assistant([block, {"type": "text", "text": "A"}]),
            user("B"),
            thinking=ENABLED,
        )

        found = [f for f in lint(doc) if f.is_error]

        assert ["SCH002"] == [f.code for f in found]
        assert "messages.1.content.0.thinking.cache_control" == found[0].api_path


class TestRobustness:
    def test_odd_config_never_raises(self):
        """Odd thinking / sampling values produce no rule crash (SCH099)."""
        for extra in (
            {"thinking": None},
            {"thinking": {"type": "enabled", "budget_tokens": "x"}},
            {"thinking": {"type": "enabled", "budget_tokens": True}, "max_tokens": None},
            {"thinking": {"type": "adaptive"}, "temperature": "0", "top_p": None},
            {"thinking": ENABLED, "tool_choice": "any"},
        ):
            found = lint(req(**extra), config=LintConfig(select=["THK", "SCH099"]))

            assert [] == [f for f in found if f.code == "SCH099"]
