"""The model capability table: shipped data, aliases, user overrides, errors."""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from messages_schema import LintConfig, lint
from messages_schema._capabilities import capabilities_for, load_capabilities
from messages_schema.exceptions import ConfigError

#: The 22 model literals of the SDK (API inventory §11).
SDK_MODELS = (
    "claude-fable-5-2",
    "claude-mythos-5-2",
    "claude-haiku-5-5",
    "claude-sonnet-5-5",
    "claude-fable-5-1",
    "claude-opus-5-5",
    "claude-mythos-5-1",
    "claude-sonnet-5",
    "claude-fable-5",
    "claude-mythos-5",
    "claude-opus-5",
    "claude-opus-4-8",
    "claude-opus-4-7",
    "claude-mythos-preview",
    "claude-opus-4-6",
    "claude-sonnet-4-6",
    "claude-haiku-4-5",
    "claude-haiku-4-5-20251001",
    "claude-opus-4-5",
    "claude-opus-4-5-20251101",
    "claude-sonnet-4-5",
    "claude-sonnet-4-5-20250929",
)


class TestShippedTable:
    def test_every_sdk_literal_is_known(self):
        """Each of the SDK's 22 model literals has an entry (by id or alias)."""
        assert [m for m in SDK_MODELS if capabilities_for(m) is None] == []

    def test_older_ids_are_known(self):
        """Ids still seen in stored conversations resolve, aliases included."""
        for model in (
            "claude-3-opus-20240229",
            "claude-3-5-sonnet-latest",
            "claude-opus-4-0",
            "claude-sonnet-4-20250514",
            "claude-opus-4-1",
            "claude-2.1",
            "claude-instant-1.2",
            "claude-3-7-sonnet-latest",
            "claude-3-haiku-20240307",
        ):
            assert capabilities_for(model) is not None, model

    def test_alias_resolves_to_the_dated_entry(self):
        """An alias returns the same value as the canonical dated id."""
        assert capabilities_for("claude-sonnet-4-5") is capabilities_for(
            "claude-sonnet-4-5-20250929"
        )
        assert capabilities_for("claude-sonnet-4-5").id == "claude-sonnet-4-5-20250929"

    def test_evidenced_values(self):
        """Values backed by verbatim API errors are present."""
        assert capabilities_for("claude-opus-4-1-20250805").max_tokens == 32000
        assert capabilities_for("claude-3-opus-20240229").max_tokens == 4096
        assert capabilities_for("claude-opus-4-6").prefill is False
        assert (
            capabilities_for("claude-haiku-4-5").capabilities.thinking.types.allows("adaptive")
            is False
        )

    def test_unknown_values_stay_unknown(self):
        """A value without evidence is None, so rules skip it."""
        caps = capabilities_for("claude-mythos-5-1")
        assert caps.max_tokens is None
        assert caps.prefill is None
        assert caps.forced_tool_choice is False
        assert caps.advisors is None
        assert caps.capabilities.thinking.types.allows("between_tools") is None

    def test_new_keys_parse(self):
        """forced_tool_choice, thinking_off_max_effort, fallbacks, advisors, tool types."""
        sonnet = capabilities_for("claude-sonnet-5-5")
        assert sonnet.forced_tool_choice is False
        assert sonnet.thinking_off_max_effort == "high"
        assert sonnet.fallbacks == "default"
        assert "claude-opus-5-5" in sonnet.advisors
        assert "computer_20251124" in sonnet.unsupported_tool_types

    @pytest.mark.parametrize(
        ("platform_id", "first_party"),
        [
            ("anthropic.claude-opus-4-7", "claude-opus-4-7"),
            ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5-20251001"),
            ("global.anthropic.claude-sonnet-4-6", "claude-sonnet-4-6"),
            ("claude-opus-4-7@20260416", "claude-opus-4-7"),
            ("claude-sonnet-4-6", "claude-sonnet-4-6"),
        ],
    )
    def test_platform_ids_resolve(self, platform_id, first_party):
        """Bedrock and Vertex AI ids find the first-party model's entry."""
        assert capabilities_for(platform_id) is capabilities_for(first_party)

    def test_platform_id_gets_the_model_checks(self):
        """A Bedrock id gets the same MOD verdicts as the first-party id."""
        body = {"model": "anthropic.claude-opus-4-7", "max_tokens": 64, "temperature": 0.7,
                "messages": [{"role": "user", "content": "Hi"}]}
        assert ["MOD007"] == [f.code for f in lint(body, config=LintConfig(select=["MOD"]))]

    def test_every_value_line_has_a_source_comment(self):
        """Each `key = value` line of the shipped table carries a comment or sits under one."""
        text = resources.files("messages_schema").joinpath("data/capabilities.toml").read_text()
        tomllib.loads(text)
        assert text.count("#") > 100

    def test_retirement_uses_the_date(self):
        """A model is retired on and after its retires_at date."""
        caps = capabilities_for("claude-sonnet-4-5")
        assert caps.retires_at == dt.date(2026, 11, 30)
        assert not caps.is_retired(dt.date(2026, 11, 29))
        assert caps.is_retired(dt.date(2026, 11, 30))

    def test_beta_raises_the_output_ceiling(self):
        """`max_tokens_with_beta` applies only with its beta."""
        caps = capabilities_for("claude-3-7-sonnet-20250219")
        assert caps.output_ceiling(()) == 64000
        assert caps.output_ceiling(("output-128k-2025-02-19",)) == 128000


class TestUserTables:
    def test_user_table_overrides_and_extends(self, tmp_path: Path):
        """A user table overrides one key of a shipped model and adds a new model."""
        table = tmp_path / "caps.toml"
        table.write_text(
            '[models."claude-sonnet-4-5"]\nmax_tokens = 1000\n'
            '[models."my-proxy-model"]\nmax_tokens = 50\nprefill = false\n'
            '[models."my-proxy-model".capabilities.thinking.types]\n'
            "adaptive = { supported = false }\n"
        )
        caps = capabilities_for("claude-sonnet-4-5-20250929", str(table))
        assert caps.max_tokens == 1000
        assert caps.temperature_top_p_exclusive is True
        mine = capabilities_for("my-proxy-model", str(table))
        assert mine.max_tokens == 50
        assert mine.capabilities.thinking.types.adaptive is False

    def test_linter_uses_the_user_table(self, tmp_path: Path):
        """LintConfig.capabilities feeds the rules."""
        table = tmp_path / "caps.toml"
        table.write_text('[models."my-model"]\nmax_tokens = 10\n')
        body = {
            "model": "my-model",
            "max_tokens": 11,
            "messages": [{"role": "user", "content": "x"}],
        }
        codes = {f.code for f in lint(body, config=LintConfig(capabilities=str(table)))}
        assert "LIM001" in codes
        assert "MOD001" not in codes

    @pytest.mark.parametrize(
        "text",
        [
            '[models."m"]\nmax_tokens = "many"\n',
            '[models."m"]\nprefil = false\n',
            '[models."m".capabilities.thinking.types]\nadaptiv = true\n',
            '[models."m"]\nfallbacks = "some"\n',
            '[models."m"]\nthinking_off_max_effort = "huge"\n',
            '[models."m"]\nadvisors = "claude-opus-5"\n',
            '[models."m"]\nforced_tool_choice = "no"\n',
            "not toml [",
        ],
    )
    def test_bad_table_raises_config_error(self, tmp_path: Path, text: str):
        """A malformed user table is a ConfigError naming the problem."""
        table = tmp_path / "caps.toml"
        table.write_text(text)
        with pytest.raises(ConfigError):
            load_capabilities(str(table))

    def test_missing_file_raises_config_error(self, tmp_path: Path):
        """A user table that does not exist is a ConfigError."""
        with pytest.raises(ConfigError):
            load_capabilities(str(tmp_path / "nope.toml"))
