"""The day is an input: one clock function, and nothing else in the package reads the date."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import messages_schema
from messages_schema import LintConfig, lint

PACKAGE = Path(messages_schema.__file__).parent

#: Calls that read the wall-clock date or time (durations from perf_counter/monotonic are fine).
_CLOCK_CALLS = {
    ("time", "time"), ("time", "time_ns"), ("time", "gmtime"), ("time", "localtime"),
    ("time", "ctime"), ("time", "strftime"), ("date", "today"), ("datetime", "now"),
    ("datetime", "utcnow"), ("datetime", "today"), ("dt", "today"),
}  # fmt: skip


def _is_clock_read(node: ast.AST) -> bool:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    owner = node.func.value
    name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
    return (name, node.func.attr) in _CLOCK_CALLS


def _clock_reads(path: Path) -> list[str]:
    """``file:line in function`` for each clock read (innermost function, or <module>)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    owner: dict[int, str] = {}
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            name = getattr(func, "name", "<lambda>")
            for node in ast.walk(func):
                owner[id(node)] = name  # inner functions are walked later and win
    return [
        f"{path.relative_to(PACKAGE)}:{node.lineno} in {owner.get(id(node), '<module>')}"
        for node in ast.walk(tree)
        if _is_clock_read(node)
    ]


def test_only_the_clock_function_reads_the_date() -> None:
    """`config.utc_today` is the one place the wall clock is read (grep-proof, by AST)."""
    reads = sorted({r for p in PACKAGE.rglob("*.py") for r in _clock_reads(p)})
    assert [r for r in reads if not r.endswith("in utc_today")] == []
    assert any(r.startswith("config.py") and r.endswith("in utc_today") for r in reads)


def test_the_suite_clock_is_pinned(pinned_today: dt.date) -> None:
    """Every test sees the pinned day, and LintConfig without `today` uses it."""
    from messages_schema.config import utc_today

    assert utc_today() == pinned_today == LintConfig().as_of()


def test_default_config_follows_the_clock_function(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Moving the clock years ahead changes only what the day changes (MOD002)."""
    import messages_schema.config

    doc = {
        "model": "claude-opus-4-5-20251101",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Hi"}],
    }
    before = lint(doc)
    monkeypatch.setattr(messages_schema.config, "utc_today", lambda: dt.date(2029, 12, 1))
    after = lint(doc)
    assert [f.code for f in after if f.code != "MOD002"] == [f.code for f in before]
    assert "MOD002" in {f.code for f in after}
    assert "MOD002" not in {f.code for f in before}
