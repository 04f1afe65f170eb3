"""LintConfig: a frozen value, readable from pyproject.toml, strict about its keys."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from messages_schema import ConfigError, LintConfig


class TestLintConfig:
    def test_is_hashable_and_normalises(self) -> None:
        """Codes are upper-cased, comma lists split, betas de-duplicated."""
        config = LintConfig(select=["sch, tool"], betas=["a,b", "a"])
        assert config.select == ("SCH", "TOOL")
        assert config.betas == ("a", "b")
        assert hash(config) == hash(LintConfig(select=("SCH", "TOOL"), betas=("a", "b")))

    def test_rejects_unknown_kind(self) -> None:
        """A default kind must be a real kind."""
        with pytest.raises(ConfigError, match="kind"):
            LintConfig(kind="nope")


class TestKindSpelling:
    @pytest.mark.parametrize(("given", "kind"), [
        ("count_tokens", "count_tokens"), ("count-tokens", "count_tokens"),
        ("batch-request", "batch_request"), ("Batch-Result", "batch_result"),
    ])
    def test_dashes_are_accepted(self, given: str, kind: str) -> None:
        """A kind may be spelled with dashes; the config holds the underscore spelling."""
        assert kind == LintConfig(kind=given).kind

    def test_unknown_kind_is_refused(self) -> None:
        """A kind that is neither spelling of a known one is a ConfigError."""
        with pytest.raises(ConfigError, match="'count tokens'"):
            LintConfig(kind="count tokens")


class TestToday:
    def test_date_or_iso_text(self) -> None:
        """`today` takes a date or YYYY-MM-DD text; `as_of` returns it."""
        assert dt.date(2025, 6, 1) == LintConfig(today="2025-06-01").as_of()
        assert dt.date(2025, 6, 1) == LintConfig(today=dt.date(2025, 6, 1)).today

    def test_none_means_the_clock(self, pinned_today: dt.date) -> None:
        """Without `today`, the day is the one clock function's (pinned for the suite)."""
        assert pinned_today == LintConfig().as_of()

    @pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", 20261201])
    def test_rejects_what_is_not_a_day(self, bad: object) -> None:
        """A value that is no date is a ConfigError naming the option."""
        with pytest.raises(ConfigError, match="today"):
            LintConfig(today=bad)  # type: ignore[arg-type]

    def test_from_toml_date_and_string(self, tmp_path: Path) -> None:
        """`today = 2026-12-01` (a TOML date) and `today = "2026-12-01"` both work."""
        path = tmp_path / "pyproject.toml"
        for value in ("2026-12-01", '"2026-12-01"'):
            path.write_text(f"[tool.messages-schema]\ntoday = {value}\n", encoding="utf-8")
            assert dt.date(2026, 12, 1) == LintConfig.from_pyproject(path).today


class TestApiVersion:
    def test_default_is_the_version_stored_traffic_used(self) -> None:
        """Without a version, requests are checked as sent with 2023-06-01."""
        assert "2023-06-01" == LintConfig().api_version

    def test_any_iso_date_is_accepted(self) -> None:
        """A version is a YYYY-MM-DD date; newer ones get the newest rules."""
        assert "2026-10-21" == LintConfig(api_version=" 2026-10-21 ").api_version

    @pytest.mark.parametrize("bad", ["latest", "2026-10", "21-10-2026", 20261021])
    def test_rejects_what_is_not_a_version(self, bad: object) -> None:
        """A value that is no version date is a ConfigError naming the option."""
        with pytest.raises(ConfigError, match="api_version"):
            LintConfig(api_version=bad)  # type: ignore[arg-type]

    def test_from_toml(self, tmp_path: Path) -> None:
        """`api-version = "2026-10-21"` in [tool.messages-schema]."""
        path = tmp_path / "pyproject.toml"
        path.write_text('[tool.messages-schema]\napi-version = "2026-10-21"\n', encoding="utf-8")
        assert "2026-10-21" == LintConfig.from_pyproject(path).api_version


class TestFromPyproject:
    def test_reads_the_table(self, tmp_path: Path) -> None:
        """Keys with dashes map onto fields; relative model tables resolve beside the file."""
        path = tmp_path / "pyproject.toml"
        path.write_text(
            '[tool.messages-schema]\nselect = ["SCH"]\nbetas = ["files-api-2025-04-14"]\n'
            'retired-model-is-error = true\ncapabilities = "models.toml"\n',
            encoding="utf-8",
        )
        config = LintConfig.from_pyproject(path)
        assert config.select == ("SCH",)
        assert config.retired_model_is_error is True
        assert config.capabilities == str(tmp_path / "models.toml")

    def test_unknown_key_names_it(self, tmp_path: Path) -> None:
        """An unknown key is an error naming the key."""
        path = tmp_path / "pyproject.toml"
        path.write_text('[tool.messages-schema]\nselekt = ["SCH"]\n', encoding="utf-8")
        with pytest.raises(ConfigError, match="selekt"):
            LintConfig.from_pyproject(path)

    def test_wrong_type_is_an_error(self, tmp_path: Path) -> None:
        """A value of the wrong type is an error naming the key."""
        path = tmp_path / "pyproject.toml"
        path.write_text('[tool.messages-schema]\npreview = "yes"\n', encoding="utf-8")
        with pytest.raises(ConfigError, match="preview"):
            LintConfig.from_pyproject(path)

    def test_broken_toml_is_an_error(self, tmp_path: Path) -> None:
        """A file that does not parse is reported, not a traceback."""
        path = tmp_path / "pyproject.toml"
        path.write_text("[tool.messages-schema\n", encoding="utf-8")
        with pytest.raises(ConfigError):
            LintConfig.from_pyproject(path)

    def test_discover_walks_up(self, tmp_path: Path) -> None:
        """The nearest pyproject.toml with our table wins; others are skipped."""
        (tmp_path / "pyproject.toml").write_text(
            '[tool.messages-schema]\nignore = ["SCH002"]\n', encoding="utf-8")
        inner = tmp_path / "a" / "b"
        inner.mkdir(parents=True)
        (tmp_path / "a" / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
        config, source = LintConfig.discover(inner)
        assert config.ignore == ("SCH002",)
        assert source == tmp_path / "pyproject.toml"
