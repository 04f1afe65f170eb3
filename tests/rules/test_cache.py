"""The CACHE family: breakpoint count, empty text, TTL order; thinking blocks stay structural."""

from __future__ import annotations

from messages_schema import LintConfig, lint

CC = {"type": "ephemeral"}


def body(**kw):
    out = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Hi"}],
    }
    out.update(kw)
    return out


class TestTooManyCacheBreakpoints:
    def test_tool_result_content_counts(self, only_finding):
        """Blocks inside tool_result content count toward the four."""
        messages = [
            {"role": "user", "content": "go"},
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "toolu_1", "name": "t", "input": {}}],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "toolu_1",
                        "cache_control": CC,
                        "content": [
                            {"type": "text", "text": str(i), "cache_control": CC} for i in range(4)
                        ],
                    }
                ],
            },
        ]
        f = only_finding(
            body(messages=messages, tools=[{"name": "t", "input_schema": {"type": "object"}}]),
            code="CACHE001",
        )
        assert f.message.endswith("Found 5.")
        assert f.api_path == ""


class TestThinkingBlockCacheControl:
    def test_is_structural(self):
        """cache_control on a thinking block is SCH002, not a CACHE rule."""
        messages = [
            {"role": "user", "content": "Hi"},
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": "t", "signature": "s", "cache_control": CC},
                    {"type": "text", "text": "Hello"},
                ],
            },
            {"role": "user", "content": "more"},
        ]
        found = lint(body(messages=messages), config=LintConfig(select=["SCH002", "CACHE"]))
        assert {f.code for f in found} == {"SCH002"}
        assert any(f.api_path == "messages.1.content.0.thinking.cache_control" for f in found)


class TestTtlOrder:
    def test_every_late_1h_block_is_reported(self):
        """Each 1h breakpoint after a 5m one gets its own finding."""
        system = [
            {"type": "text", "text": "a", "cache_control": CC},
            {"type": "text", "text": "b", "cache_control": {"type": "ephemeral", "ttl": "1h"}},
            {"type": "text", "text": "c", "cache_control": {"type": "ephemeral", "ttl": "1h"}},
        ]
        found = lint(body(system=system), config=LintConfig(select=["CACHE003"]))
        assert [f.api_path for f in found] == [
            "system.1.cache_control.ttl",
            "system.2.cache_control.ttl",
        ]
