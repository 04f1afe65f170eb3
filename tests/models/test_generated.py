"""`models/_generated.py` is what `tools/gen_models.py` makes of today's schemas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import attrs

from messages_schema import models, schemas
from messages_schema.models import _generated

ROOT = Path(__file__).resolve().parents[2]


class TestFreshness:
    def test_committed_module_is_fresh(self) -> None:
        """`gen_models.py --check` exits 0: the committed models match the schemas."""
        result = subprocess.run(
            [sys.executable, "tools/gen_models.py", "--check"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )

        assert result.returncode == 0, result.stdout + result.stderr

    def test_check_reports_a_stale_module(self, tmp_path: Path) -> None:
        """`--check` exits 1 with a diff summary when the committed file differs."""
        tools = tmp_path / "tools"
        target = tmp_path / "src" / "messages_schema" / "models"
        tools.mkdir()
        target.mkdir(parents=True)
        (tools / "gen_models.py").write_text((ROOT / "tools" / "gen_models.py").read_text())
        (tmp_path / "schemas").symlink_to(ROOT / "schemas")
        (target / "_generated.py").write_text("# stale\n")
        committed_init = ROOT / "src" / "messages_schema" / "models" / "__init__.py"
        (target / "__init__.py").write_text(committed_init.read_text())

        result = subprocess.run(
            [sys.executable, "tools/gen_models.py", "--check"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

        assert result.returncode == 1
        assert "_generated.py is stale" in result.stdout
        assert "__init__.py is stale" not in result.stdout


class TestShape:
    def test_every_object_def_has_a_class(self) -> None:
        """Each object `$def` of both files is a model class named like it."""
        for stem in ("request", "response"):
            for name, node in schemas.load(stem)["$defs"].items():
                if "discriminator" in node:
                    continue
                if (stem, name) == ("request", "CitationsConfig"):
                    continue  # same shape as CitationsConfigParam; the response one wins
                assert attrs.has(getattr(models, name)), name

    def test_every_tagged_union_has_an_alias_or_base(self) -> None:
        """Each tagged union `$def` is exported, and listed in UNIONS."""
        for stem in ("request", "response"):
            for name, node in schemas.load(stem)["$defs"].items():
                if "discriminator" in node:
                    assert hasattr(models, name), name
                    assert name in _generated.UNIONS

    def test_classes_are_frozen_slotted_and_keyword_only(self) -> None:
        """Generated classes are frozen, slotted and keyword-only."""
        for name in models.__all__:
            cls = getattr(models, name)
            if isinstance(cls, type) and attrs.has(cls):
                assert "__slots__" in cls.__dict__, name
                assert all(f.kw_only for f in attrs.fields(cls)), name
                assert cls.__setattr__ is not object.__setattr__, name

    def test_all_is_sorted_and_complete(self) -> None:
        """`messages_schema.models.__all__` is sorted and names every class and alias."""
        assert sorted(models.__all__) == models.__all__
        assert set(_generated.__all__) - {"UNIONS", "ENTRY_MODELS"} <= set(models.__all__)
        assert {"UNSET", "UnsetType"} <= set(models.__all__)

    def test_docstrings_come_from_descriptions(self) -> None:
        """A class docstring carries its `$def`'s description."""
        described = schemas.load("request")["$defs"]["TextBlockParam"]["description"]

        assert described in (models.TextBlockParam.__doc__ or "")
