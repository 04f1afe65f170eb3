"""The public surface: `__all__` sorted and complete, lazy submodules, the version."""

from __future__ import annotations

import types

import messages_schema


def test_all_is_sorted_and_complete() -> None:
    """`messages_schema.__all__` lists exactly the public non-module names, in order."""
    public = {
        name
        for name, value in vars(messages_schema).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert sorted(messages_schema.__all__) == messages_schema.__all__
    assert public == set(messages_schema.__all__)


def test_submodules_load_lazily() -> None:
    """`messages_schema.schemas` and `.rules` are reachable as attributes."""
    assert messages_schema.schemas.load("error")["title"] == "ErrorResponse"
    assert "SCH000" in messages_schema.rules.RULES


def test_version() -> None:
    """The installed distribution's version is exposed."""
    assert messages_schema.__version__.count(".") >= 1
