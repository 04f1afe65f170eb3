"""
Hostile inputs: each ends with exit 1 or 2 and a clear message, never a traceback or a hang.

The CLI cases run as child processes with a timeout, as a user would run them; the
library cases hand `lint` Python values no JSON parser would produce.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from test_cli_helpers import GOOD, cli_subprocess

import messages_schema

DEPTH = 100_000


def _deep_text(depth: int = DEPTH) -> bytes:
    return b"[" * depth + b"]" * depth


def _deep_list(depth: int = DEPTH) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def _deep_dict(depth: int = DEPTH) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def _garbage() -> bytes:
    return random.Random(8).randbytes(4096)


CASES = {
    "deep-array.json": _deep_text(),
    "deep-in-body.jsonl": b'{"model": "m", "max_tokens": 1, "messages": '
    + _deep_text() + b"}\n" + json.dumps(GOOD).encode() + b"\n",
    "invalid-utf8.jsonl": b'{"model": "\xff\xfe", "max_tokens": 1, "messages": []}\n',
    "nan.json": b'{"model": "m", "max_tokens": NaN, "messages": []}',
    "infinity.jsonl": b'{"model": "m", "max_tokens": Infinity, "messages": []}\n',
    "bom.json": b"\xef\xbb\xbf" + json.dumps(GOOD).encode(),
    "garbage.json": _garbage(),
    "garbage.jsonl": _garbage(),
    "garbage.sse": _garbage(),
    "nul-bytes.jsonl": b"\x00" * 1000 + b"\n",
    "truncated.json": json.dumps(GOOD).encode()[:-5],
    "huge-int.json": b'{"model": "m", "max_tokens": 1' + b"0" * 400 + b', "messages": []}',
}


def _assert_clean(proc: Any, codes: tuple[int, ...] = (1,)) -> str:
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert proc.returncode in codes, (proc.returncode, out[:2000], err[:2000])
    return out + err


class TestHostileFiles:
    @pytest.mark.parametrize("name", sorted(CASES))
    def test_file_exits_cleanly(self, name: str, tmp_path: Path) -> None:
        """Each hostile file gives findings (exit 1) with a message, no traceback."""
        path = tmp_path / name
        path.write_bytes(CASES[name])
        proc = cli_subprocess("check", str(path), "--isolated", "--format", "json",
                              timeout=120)
        _assert_clean(proc)
        findings = json.loads(proc.stdout)
        assert findings
        assert all(f["message"] for f in findings)

    def test_deep_nesting_message(self, tmp_path: Path) -> None:
        """Deep nesting says so."""
        path = tmp_path / "deep.json"
        path.write_bytes(_deep_text())
        proc = cli_subprocess("check", str(path), "--isolated", "--format", "json")
        _assert_clean(proc)
        assert "nested" in json.loads(proc.stdout)[0]["message"]

    def test_bom_message(self, tmp_path: Path) -> None:
        """A byte order mark is named as the problem."""
        path = tmp_path / "bom.json"
        path.write_bytes(CASES["bom.json"])
        proc = cli_subprocess("check", str(path), "--isolated", "--format", "json")
        _assert_clean(proc)
        assert "byte order mark" in json.loads(proc.stdout)[0]["message"]

    def test_deep_nesting_on_stdin(self) -> None:
        """Deep nesting through stdin is the same finding."""
        proc = cli_subprocess("check", "-", "--isolated", stdin=_deep_text())
        assert "nested" in _assert_clean(proc)

    def test_twenty_megabyte_string(self, tmp_path: Path) -> None:
        """A 20 MB string is checked in reasonable time, without a crash."""
        body = {**GOOD, "messages": [{"role": "user", "content": "x" * 20_000_000}]}
        path = tmp_path / "big.jsonl"
        path.write_bytes(json.dumps(body).encode() + b"\n" + b'{"model": 1}\n')
        proc = cli_subprocess("check", str(path), "--isolated", "--format", "json",
                              "--select", "SCH", timeout=300)
        _assert_clean(proc)
        assert {f["location"]["line"] for f in json.loads(proc.stdout)} == {2}

    def test_duplicate_keys_do_not_crash(self, tmp_path: Path) -> None:
        """Duplicate keys: the last one wins (as in orjson and most servers); no crash."""
        path = tmp_path / "dup.json"
        path.write_bytes(b'{"model": "m", "max_tokens": "x", "max_tokens": 5, '
                         b'"messages": [{"role": "user", "content": "hi"}]}')
        proc = cli_subprocess("check", str(path), "--isolated", "--select", "SCH")
        _assert_clean(proc, codes=(0,))

    def test_directory_of_hostile_files_with_jobs(self, tmp_path: Path) -> None:
        """All of them at once, in two processes: exit 1, every file reported."""
        for name, data in CASES.items():
            (tmp_path / name).write_bytes(data)
        proc = cli_subprocess("check", str(tmp_path), "--isolated", "--format", "json",
                              "--jobs", "2", timeout=300)
        _assert_clean(proc)
        files = {Path(f["location"]["file"]).name for f in json.loads(proc.stdout)}
        assert files == set(CASES)

    def test_unknown_option_is_exit_2(self) -> None:
        """A usage error is exit 2 with argparse's message."""
        proc = cli_subprocess("check", "--no-such-option", ".")
        assert "unrecognized arguments" in _assert_clean(proc, codes=(2,))


class TestHostileValues:
    """`lint` and `is_valid` on Python values nested 100,000 deep never raise."""

    @pytest.mark.parametrize(
        "make",
        [
            pytest.param(_deep_list, id="root-list"),
            pytest.param(lambda: {**GOOD, "messages": [{"role": "user", "content": _deep_list()}]},
                         id="content"),
            pytest.param(lambda: {**GOOD, "metadata": _deep_dict()}, id="metadata"),
            pytest.param(lambda: {**GOOD, "tools": [{"name": "t", "input_schema": {
                "type": "object", "properties": {"a": _deep_dict()}}}]}, id="tool-schema"),
            pytest.param(lambda: {**GOOD, "messages": [
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": [
                    {"type": "tool_use", "id": "toolu_1", "name": "t", "input": _deep_dict()}]},
            ]}, id="tool-use-input"),
        ],
    )
    def test_deep_values(self, make: Any) -> None:
        """The verdicts agree and nothing raises."""
        document = make()
        findings = messages_schema.lint(document)
        assert isinstance(findings, list)
        assert messages_schema.is_valid(document) == (not any(f.is_error for f in findings))

    def test_deep_list_is_sch000(self) -> None:
        """A root list nested too deeply to check is reported as SCH000."""
        findings = messages_schema.lint(_deep_list())
        assert [f.code for f in findings] == ["SCH000"]
        assert "nested too deeply" in findings[0].message
