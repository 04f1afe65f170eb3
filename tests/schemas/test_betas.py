"""
Beta-only parts of the request schema: the data (``data/betas.toml``), the schema views
it implies, and what the linter says with and without the ``anthropic-beta`` values.
"""

from __future__ import annotations

from typing import Any

import pytest

from messages_schema import LintConfig, is_valid, lint, schemas
from messages_schema.schemas._betas import ANNOTATION, betas_for, known_betas, relevant, unlocks
from tests.conftest import minimal_request

SCH = LintConfig(select=["SCH"])


def _with(*betas: str) -> LintConfig:
    return LintConfig(select=["SCH"], betas=betas)


def _codes(body: dict[str, Any], config: LintConfig = SCH) -> list[tuple[str, str]]:
    return [(f.code, f.api_path) for f in lint(body, config=config)]


class TestData:
    def test_every_item_names_a_beta(self) -> None:
        """Each beta-only item is unlocked by at least one value."""
        assert unlocks()
        assert all(item.betas for item in unlocks())

    def test_relevant_keeps_only_values_that_unlock_something(self) -> None:
        assert relevant(["fast-mode-2026-02-01", "compact-2026-09-04"]) == frozenset(
            {"compact-2026-09-04"}
        )

    def test_lookup_by_name(self) -> None:
        assert betas_for(("mcp_servers",), None) == (
            "mcp-client-2025-04-04", "mcp-client-2025-11-20", "mcp-client-2026-09-15",
        )
        assert betas_for(("messages", 0, "content", 0), "tool_addition") == (
            "mid-conversation-tool-changes-2026-07-01",
        )
        assert betas_for(("model",), None) is None


class TestViews:
    def test_the_shipped_schema_has_the_beta_parts(self) -> None:
        """`schemas.load` is the whole schema; beta-only keys are in it."""
        props = schemas.load("request")["$defs"]["MessageCreateParams"]["properties"]
        assert {"context_management", "mcp_servers", "thread", "fallbacks"} <= set(props)

    def test_a_view_leaves_out_what_its_betas_do_not_unlock(self) -> None:
        ga = schemas.view("request")["$defs"]["MessageCreateParams"]
        assert "context_management" not in ga["properties"]
        assert ga[ANNOTATION]["keys"]["context_management"] == [
            "compact-2026-01-12", "context-management-2025-06-27",
        ]
        unlocked = schemas.view("request", ["context-management-2025-06-27"])
        props = unlocked["$defs"]["MessageCreateParams"]["properties"]
        assert "context_management" in props
        assert "mcp_servers" not in props

    def test_a_view_requires_again_what_only_a_beta_lets_one_omit(self) -> None:
        ga = schemas.view("request")["$defs"]["SystemMessageParam"]
        assert "content" in ga["required"]
        beta = schemas.view("request", ["mid-conversation-output-config-2026-07-01"])
        assert "content" not in beta["$defs"]["SystemMessageParam"].get("required", [])

    def test_views_are_copies(self) -> None:
        schemas.view("request")["$defs"].clear()
        assert schemas.view("request")["$defs"]


class TestLinter:
    @pytest.mark.parametrize(
        ("overrides", "beta", "api_path"),
        [
            ({"thread": {"type": "create"}}, "message-threads-2026-08-12", "thread"),
            ({"mcp_servers": [{"type": "url", "name": "s", "url": "https://x.example"}]},
             "mcp-client-2026-09-15", "mcp_servers"),
            ({"fallbacks": "default"}, "server-side-fallback-2026-07-01", "fallbacks"),
            ({"output_config": {"task_budget": {"type": "tokens", "total": 5000}}},
             "task-budgets-2026-03-13", "output_config.task_budget"),
            ({"thinking": {"type": "adaptive", "block_binding": {}}},
             "thinking-binding-controls-2026-08-01", "thinking.adaptive.block_binding"),
        ],
    )
    def test_beta_keys(self, overrides: dict[str, Any], beta: str, api_path: str) -> None:
        """Without its value a beta-only key is SCH010 at its path; with it, accepted."""
        body = minimal_request(**overrides)
        assert _codes(body) == [("SCH010", api_path)]
        assert not is_valid(body)
        assert _codes(body, _with(beta)) == []
        assert is_valid(body, config=_with(beta))

    def test_thinking_display_updates(self) -> None:
        """`display: "updates"` is a beta-only literal (thinking-display-updates-2026-08-18)."""
        body = minimal_request(thinking={"type": "adaptive", "display": "updates"})
        (finding,) = lint(body, config=SCH)
        assert finding.code == "SCH010"
        assert finding.api_path == "thinking.adaptive.display"
        assert finding.api_error == "Input should be 'summarized' or 'omitted'"
        assert "thinking-display-updates-2026-08-18" in finding.message
        assert lint(body, config=_with("thinking-display-updates-2026-08-18")) == []
        plain = minimal_request(thinking={"type": "adaptive", "display": "omitted"})
        assert lint(plain, config=SCH) == []

    def test_system_message_output_config_alone(self) -> None:
        """A system message may carry `output_config` and no `content` only under its beta."""
        messages = [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello"},
            {"role": "system", "output_config": {"effort": "low"}},
            {"role": "user", "content": "Go on"},
        ]
        body = minimal_request(messages=messages)
        findings = lint(body, config=SCH)
        assert sorted((f.code, f.api_path) for f in findings) == [
            ("SCH010", "messages.2.content"),
            ("SCH010", "messages.2.output_config"),
        ]
        missing = next(f for f in findings if f.api_path == "messages.2.content")
        assert missing.api_error == "Field required"
        assert "leaving out `content`" in missing.message
        assert lint(body, config=_with("mid-conversation-output-config-2026-07-01")) == []

    def test_system_message_clear_at(self) -> None:
        messages = [{"role": "user", "content": "Hi"},
                    {"role": "system", "content": "Be brief.", "clear_at": "next_user_message"}]
        body = minimal_request(messages=messages)
        assert _codes(body) == [("SCH010", "messages.1.clear_at")]
        assert _codes(body, _with("mid-conversation-system-clear-at-2026-08-21")) == []

    def test_advisor_tool_and_result(self) -> None:
        """The advisor tool, its server_tool_use name and its result block need the beta."""
        body = minimal_request(
            tools=[{"type": "advisor_20260301", "name": "advisor", "model": "claude-opus-5-5"}],
            messages=[
                {"role": "user", "content": "Plan it"},
                {"role": "assistant", "content": [
                    {"type": "server_tool_use", "id": "srvtoolu_1", "name": "advisor",
                     "input": {}},
                    {"type": "advisor_tool_result", "tool_use_id": "srvtoolu_1",
                     "content": {"type": "advisor_result", "text": "Do X."}},
                ]},
            ],
        )
        assert sorted(_codes(body)) == [
            ("SCH010", "messages.1.content.0.server_tool_use.name"),
            ("SCH010", "messages.1.content.1"),
            ("SCH010", "tools.0"),
        ]
        assert _codes(body, _with("advisor-tool-2026-03-01")) == []

    def test_a_beta_inside_a_beta(self) -> None:
        """An inline tool definition in a `tool_addition` needs `inline-tools-2026-09-15` too."""
        addition = {"type": "tool_addition", "tool": {
            "type": "tool_definition",
            "definition": {"name": "f", "input_schema": {"type": "object"}},
        }}
        body = minimal_request(messages=[{"role": "user", "content": [
            {"type": "text", "text": "Hi"}, addition]}])
        changes = "mid-conversation-tool-changes-2026-07-01"
        assert _codes(body) == [("SCH010", "messages.0.content.1")]
        assert _codes(body, _with(changes)) == [
            ("SCH010", "messages.0.content.1.tool_addition.tool")
        ]
        assert _codes(body, _with(changes, "inline-tools-2026-09-15")) == []

    def test_beta_content_is_validated_once_unlocked(self) -> None:
        """With the beta sent, the beta part is checked like any other."""
        body = minimal_request(mcp_servers=[{"type": "url", "name": "s"}])
        assert _codes(body, _with("mcp-client-2025-11-20")) == [
            ("SCH001", "mcp_servers.0.url")
        ]

    def test_every_beta_unlocks_every_item(self) -> None:
        """The union of all the values is the whole schema."""
        every = LintConfig(select=["SCH"], betas=sorted(known_betas()))
        body = minimal_request(
            context_management={"edits": [{"type": "clear_thinking_20251015"}]},
            thread={"type": "continue", "previous_message_id": "msg_1"},
        )
        assert lint(body, config=every) == []

    def test_an_unknown_value_is_ignored(self) -> None:
        """A value that unlocks nothing does not change the verdict."""
        body = minimal_request(thread={"type": "create"})
        assert _codes(body, _with("fast-mode-2026-02-01")) == [("SCH010", "thread")]

    def test_batch_items(self) -> None:
        item = {"custom_id": "a", "params": minimal_request(thread={"type": "create"})}
        found = [(f.code, f.api_path) for f in lint(item, kind="batch_request", config=SCH)]
        assert found == [("SCH010", "params.thread")]
        config = _with("message-threads-2026-08-12")
        assert lint(item, kind="batch_request", config=config) == []
