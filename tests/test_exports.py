"""The public surface: `__all__` sorted and complete, lazy submodules, the version."""

from __future__ import annotations

import types

import messages_schema


def test_all_is_sorted_and_complete() -> None:
    """`messages_schema.__all__` lists exactly the public non-module names, in order."""
    for name in messages_schema.__all__:  # the lazy ones land in the namespace on first use
        assert getattr(messages_schema, name) is not None
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


def test_import_does_not_build_the_converter() -> None:
    """`import messages_schema` leaves the cattrs converter for first use (start-up time)."""
    import subprocess
    import sys

    code = "import sys, messages_schema; print('messages_schema.converter' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "False"
    assert messages_schema.loads(b'"x"', str) == "x"
