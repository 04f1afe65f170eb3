"""The ``TURN`` family: roles, turn order, empty and whitespace content."""

from __future__ import annotations

from typing import Any

from messages_schema import LintConfig, Severity, apply_fixes, fix_until_stable, lint
from messages_schema.rules import get_rule


def req(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"model": "claude-sonnet-4-5", "max_tokens": 1024}
    body["messages"] = list(messages)
    body.update(extra)
    return body


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def assistant(content: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": content}


def text(value: str, **extra: Any) -> dict[str, Any]:
    return {"type": "text", "text": value, **extra}


def codes(document: Any, select: str, **kw: Any) -> list[str]:
    return [f.code for f in lint(document, config=LintConfig(select=[select]), **kw)]


class TestEmptyTextBlock:
    def test_reports_bare_messages_path(self, only_finding):
        """The finding points at the block but carries the API's bare `messages` path."""
        f = only_finding(req(user([text(""), text("Hi")])), code="TURN001")

        assert "/messages/0/content/0" == f.pointer
        assert "messages" == f.api_path
        assert "text content blocks must be non-empty" == f.api_error
        assert Severity.ERROR is f.severity

    def test_unsafe_fix_removes_the_block(self, only_finding):
        """The unsafe fix removes the empty block and the result lints clean."""
        doc = req(user([text(""), text("Hi")]))
        f = only_finding(doc, code="TURN001")

        fixed = apply_fixes(doc, [f], unsafe=True)

        assert [text("Hi")] == fixed["messages"][0]["content"]
        assert [] == codes(fixed, "TURN")

    def test_no_fix_when_it_would_empty_a_message(self, only_finding):
        """A lone empty block in a user message gets no fix (removing it empties the message)."""
        f = only_finding(req(user([text("")])), code="TURN001")

        assert f.fix is None

    def test_fix_offered_for_lone_block_of_final_assistant(self, only_finding):
        """The final assistant message may be empty, so its lone empty block can go."""
        f = only_finding(req(user("Hi"), assistant([text("")])), code="TURN001")

        assert f.fix is not None

    def test_skips_cache_control_blocks(self):
        """An empty block with `cache_control` is left to the CACHE family."""
        doc = req(user([text("", cache_control={"type": "ephemeral"}), text("Hi")]))

        assert [] == codes(doc, "TURN001")

    def test_skips_system_role_messages(self):
        """Text inside a `role: system` message is not checked (no evidence)."""
        doc = req(user("Hi"), {"role": "system", "content": [text("")]})

        assert [] == codes(doc, "TURN001")


class TestWhitespaceOnlyText:
    def test_whitespace_only_message(self, only_finding):
        """A message holding only a whitespace text block is reported at the message."""
        f = only_finding(req(user("Hi"), assistant([text(" ")]), user("Go")), code="TURN002")

        assert "/messages/1" == f.pointer
        assert "messages" == f.api_path
        assert "text content blocks must contain non-whitespace text" == f.api_error
        assert f.fix is None

    def test_whitespace_next_to_real_text_is_fine(self):
        """`[text:' ', text:'real']` is accepted (LibreChat-AI/agents#124)."""
        assert [] == codes(req(user([text(" "), text("real")])), "TURN002")

    def test_whitespace_next_to_non_text_block_is_fine(self):
        """A whitespace block beside a `tool_use` is not flagged."""
        doc = req(
            user("Hi"),
            assistant([text("\n"), {"type": "tool_use", "id": "t1", "name": "f", "input": {}}]),
            user([{"type": "tool_result", "tool_use_id": "t1", "content": "ok"}]),
        )

        assert [] == codes(doc, "TURN002")

    def test_merged_turn_with_real_text_is_fine(self):
        """Evaluated per merged turn: a whitespace message next to a same-role real one passes."""
        assert [] == codes(req(user(" "), user("Hello")), "TURN002")

    def test_final_assistant_fix_empties_it(self, only_finding):
        """For the final assistant message the fix drops the whitespace (empty prefill is ok)."""
        doc = req(user("Hi"), assistant(" "))
        f = only_finding(doc, code="TURN002")

        fixed = apply_fixes(doc, [f], unsafe=True)

        assert "" == fixed["messages"][1]["content"]
        assert [] == [f.code for f in lint(fixed) if f.is_error]


class TestEmptyMessageContent:
    def test_user_wording(self, only_finding):
        """An empty user message uses the 2026 role-specific wording at `messages.N`."""
        f = only_finding(req(user([])), code="TURN003")

        assert "messages.0" == f.api_path
        assert "user messages must have non-empty content" == f.api_error

    def test_assistant_wording(self, only_finding):
        """An empty assistant message uses the older role-neutral wording."""
        f = only_finding(req(user("Hi"), assistant(""), user("?")), code="TURN003")

        assert f.api_error is not None
        assert f.api_error.startswith("all messages must have non-empty content except")
        assert "messages.1" == f.api_path

    def test_final_assistant_may_be_empty(self):
        """An empty final assistant message (prefill) is allowed."""
        assert [] == codes(req(user("Hi"), assistant([])), "TURN003")


class TestFinalAssistantTrailingWhitespace:
    def test_string_prefill(self, only_finding):
        """A string prefill ending in a space is reported with the bare `messages` path."""
        f = only_finding(req(user("Q"), assistant("The answer is ")), code="TURN004")

        assert "/messages/1/content" == f.pointer
        assert "messages" == f.api_path

    def test_fix_strips(self, only_finding):
        """The unsafe fix strips only the trailing whitespace."""
        doc = req(user("Q"), assistant([text("a"), text(" <b>\n\n")]))
        f = only_finding(doc, code="TURN004")

        fixed = apply_fixes(doc, [f], unsafe=True)

        assert " <b>" == fixed["messages"][1]["content"][1]["text"]

    def test_fix_removes_whitespace_only_last_block(self, only_finding):
        """A whitespace-only last block after real text is removed rather than emptied."""
        doc = req(user("Q"), assistant([text("a"), text("  ")]))
        f = only_finding(doc, code="TURN004")

        fixed = apply_fixes(doc, [f], unsafe=True)

        assert [text("a")] == fixed["messages"][1]["content"]

    def test_only_the_final_message(self):
        """Trailing whitespace in a non-final assistant message is fine."""
        assert [] == codes(req(user("Q"), assistant("A "), user("B")), "TURN004")


class TestConsecutiveSameRole:
    def test_info_with_merge_step(self, only_finding):
        """The finding is informational and its safe fix names the merge step."""
        f = only_finding(req(user("A"), user("B")), code="TURN005")

        assert Severity.INFO is f.severity
        assert f.fix is not None
        assert "merge_same_role" == f.fix.step

    def test_fix_until_stable_merges(self):
        """Applying the safe fixes leaves one user message."""
        fixed, _applied, remaining = fix_until_stable(req(user("A"), user("B")))

        assert 1 == len(fixed["messages"])
        assert [] == [f for f in remaining if f.code == "TURN005"]

    def test_first_message_assistant_is_not_flagged(self):
        """A leading assistant message is accepted since 2024-12; no TURN rule fires."""
        assert [] == codes(req(assistant("Hi"), user("Hello")), "TURN")


class TestSystemMessagePlacement:
    def test_first_message_warning(self, only_finding):
        """A system message first is a warning (exact API text unknown)."""
        f = only_finding(req({"role": "system", "content": "x"}, user("Hi")), code="TURN006")

        assert Severity.WARNING is f.severity
        assert "first message" in f.message

    def test_valid_placement(self):
        """After a user message and followed by an assistant message is fine."""
        doc = req(user("Hi"), {"role": "system", "content": "Be brief."}, assistant("OK"))

        assert [] == codes(doc, "TURN006")

    def test_documented(self):
        """The rule doc says the exact error text is unknown."""
        assert "not known" in get_rule("TURN006").doc


class TestRobustness:
    def test_malformed_shapes_never_raise(self):
        """Odd shapes produce no TURN finding and no rule crash (SCH099)."""
        for messages in (
            None,
            [None, 3, "x"],
            [{"role": "user"}],
            [{"role": "user", "content": None}],
            [{"role": "user", "content": [None, 1, {"type": 3}]}],
            [{"role": "assistant", "content": [{"type": "text", "text": None}]}],
        ):
            found = lint({"messages": messages}, config=LintConfig(select=["TURN", "SCH099"]))

            assert [] == [f for f in found if f.code == "SCH099"]


def test_block_type_of_any_json_type_never_crashes_a_rule() -> None:
    """A block whose `type` is a list or an object is a structural error, not a rule crash."""
    from messages_schema import lint

    for odd in ([], {}, 1.5, None):
        body = {"model": "m", "max_tokens": 5,
                "messages": [{"role": "user", "content": [{"type": odd, "text": "a"}]}]}
        assert "SCH099" not in {f.code for f in lint(body)}
