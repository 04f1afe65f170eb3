"""Shared helpers for the CLI tests (``tests/cli``): in-process and child-process runs, goldens."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs

from messages_schema.cli import run
from tests.support import paths
from tests.support.clock import PINNED_TODAY

ROOT = paths.ROOT
CLI_DATA = paths.CLI_DATA
GOLDEN = paths.GOLDEN
#: Set to 1 to rewrite the golden files instead of comparing with them.
REGEN = os.environ.get("MESSAGES_SCHEMA_REGEN_GOLDEN") == "1"

GOOD: dict[str, Any] = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 256,
    "messages": [{"role": "user", "content": "Hello"}],
}


@attrs.frozen
class Result:
    """What one in-process run of the CLI produced."""

    code: int
    out: str
    err: str


class TTYStringIO(io.StringIO):
    """A StringIO that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def check(*argv: str, stdin: bytes = b"", tty: bool = False, err_tty: bool = False) -> Result:
    """Run ``messages-schema check ARGV`` in-process."""
    out: io.StringIO = TTYStringIO() if tty else io.StringIO()
    err: io.StringIO = TTYStringIO() if err_tty else io.StringIO()
    code = run(["check", *argv], stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return Result(code, out.getvalue(), err.getvalue())


def cli_subprocess(
    *argv: str, stdin: bytes = b"", cwd: Path | None = None, timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """
    Run ``python -m messages_schema ARGV`` as a child process, with a timeout.

    The child does not see the suite's pinned clock, so ``check`` is given it as
    ``--today`` (unless the test passes its own).
    """
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    if argv and argv[0] == "check" and "--today" not in argv:
        argv = (*argv, "--today", PINNED_TODAY.isoformat())
    return subprocess.run(
        [sys.executable, "-m", "messages_schema", *argv],
        input=stdin, capture_output=True, timeout=timeout, cwd=cwd, env=full_env,
        check=False,
    )


def compare_golden(name: str, actual: str) -> None:
    """Compare *actual* with ``tests/fixtures/golden/NAME`` (or rewrite it when regenerating)."""
    path = GOLDEN / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), (
        f"missing golden file {path}; run with MESSAGES_SCHEMA_REGEN_GOLDEN=1 to create it"
    )
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"output differs from {path}; if the change is intended, rerun with "
        "MESSAGES_SCHEMA_REGEN_GOLDEN=1 and review the diff"
    )
