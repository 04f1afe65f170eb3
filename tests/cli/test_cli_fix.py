"""``check --fix``, ``--unsafe-fixes`` and ``--diff``: what changes, what is kept byte for byte."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

import messages_schema.cli._rewrite as rewrite
import messages_schema.cli._tasks as tasks
from tests.support.cli import GOOD, check

EMPTY_STOP = {**GOOD, "stop_sequences": ["", "END"]}  # LIM003: a safe fix
HUGE_MAX = {**GOOD, "max_tokens": 10_000_000}  # LIM001: an unsafe fix


def _line(value: Any) -> bytes:
    return json.dumps(value).encode()


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A JSONL file with a fixable record, a bad line, CRLF ends and no final newline."""
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        _line(EMPTY_STOP) + b"\r\n"
        + b"{not json \xff\r\n"
        + b"  " + _line(GOOD) + b"  \n"
        + b"\n"
        + _line({**EMPTY_STOP, "_messages_schema": {"ignore": ["LIM003"]}}) + b"\n"
        + _line({"custom_id": "c", "params": EMPTY_STOP})
    )
    path.chmod(0o640)
    return path


class TestDiff:
    def test_diff_shows_changes_and_writes_nothing(self, mixed: Path) -> None:
        """--diff prints a unified diff of the changed records and leaves the file alone."""
        before = mixed.read_bytes()
        r = check(str(mixed), "--isolated", "--diff")
        assert mixed.read_bytes() == before
        assert r.code == 1
        lines = r.out.splitlines()
        assert lines[:2] == [f"--- a/{mixed}", f"+++ b/{mixed}"]
        assert "@@ -1 +1 @@" in lines
        assert "@@ -6 +6 @@" in lines
        assert sum(line.startswith("@@") for line in lines) == 2
        assert "Would fix 2 finding(s) (LIM003 x2)." in r.err

    def test_nothing_to_fix_exits_0(self, tmp_path: Path) -> None:
        """--diff with nothing to change prints nothing and exits 0."""
        path = tmp_path / "x.jsonl"
        path.write_bytes(_line(GOOD) + b"\n")
        r = check(str(path), "--isolated", "--diff")
        assert (r.code, r.out) == (0, "")

    def test_diff_of_a_json_document(self, tmp_path: Path) -> None:
        """A .json file is diffed as text lines, in context."""
        path = tmp_path / "x.json"
        path.write_text(json.dumps(EMPTY_STOP, indent=2) + "\n", encoding="utf-8")
        r = check(str(path), "--isolated", "--diff")
        assert r.code == 1
        assert '-    "",' in r.out
        assert r.out.startswith(f"--- a/{path}\n+++ b/{path}\n@@ ")


class TestFix:
    def test_fix_rewrites_only_changed_records(self, mixed: Path) -> None:
        """Fixed records are replaced; every other byte (bad lines, CRLF) is kept."""
        before = mixed.read_bytes().split(b"\n")
        r = check(str(mixed), "--isolated", "--fix", "--format", "json")
        after = mixed.read_bytes().split(b"\n")
        assert len(after) == len(before)
        assert after[1:5] == before[1:5]  # bad line, padded line, blank line, marked record
        assert after[0].endswith(b"\r")
        assert json.loads(after[0]) == {**GOOD, "stop_sequences": ["END"]}
        assert json.loads(after[5])["params"]["stop_sequences"] == ["END"]
        remaining = json.loads(r.out)
        assert [f["code"] for f in remaining] == ["SCH000"]
        assert r.code == 1  # the bad line remains
        assert "Fixed 2 finding(s) (LIM003 x2)." in r.err
        assert "Remaining: 1 finding" in r.err

    def test_fix_keeps_mode_and_leaves_no_temp_file(self, mixed: Path) -> None:
        """The write is atomic: same mode, no stray temporary file."""
        check(str(mixed), "--isolated", "--fix")
        assert stat.S_IMODE(mixed.stat().st_mode) == 0o640
        assert sorted(p.name for p in mixed.parent.iterdir()) == ["mixed.jsonl"]

    def test_fix_is_idempotent(self, mixed: Path) -> None:
        """A second --fix changes nothing."""
        check(str(mixed), "--isolated", "--fix")
        once = mixed.read_bytes()
        mtime = mixed.stat().st_mtime_ns
        r = check(str(mixed), "--isolated", "--fix")
        assert mixed.read_bytes() == once
        assert mixed.stat().st_mtime_ns == mtime  # not even rewritten
        assert "Fixed" not in r.err

    def test_marker_codes_are_not_fixed_and_marker_is_kept(self, tmp_path: Path) -> None:
        """A record that ignores a code is not fixed for it; its marker survives a fix."""
        marked = {**EMPTY_STOP, "max_tokens": 10_000_000,
                  "_messages_schema": {"ignore": ["LIM003"]}}
        path = tmp_path / "x.jsonl"
        path.write_bytes(_line(marked) + b"\n")
        check(str(path), "--isolated", "--fix", "--unsafe-fixes")
        fixed = json.loads(path.read_bytes())
        assert fixed["stop_sequences"] == ["", "END"]
        assert fixed["max_tokens"] < 10_000_000
        assert fixed["_messages_schema"] == {"ignore": ["LIM003"]}

    def test_unsafe_fixes_need_the_flag(self, tmp_path: Path) -> None:
        """Unsafe fixes apply only with --unsafe-fixes."""
        path = tmp_path / "x.jsonl"
        path.write_bytes(_line(HUGE_MAX) + b"\n")
        r = check(str(path), "--isolated", "--fix")
        assert json.loads(path.read_bytes())["max_tokens"] == 10_000_000
        assert r.code == 1
        r = check(str(path), "--isolated", "--fix", "--unsafe-fixes")
        assert json.loads(path.read_bytes())["max_tokens"] < 10_000_000
        assert r.code == 0

    def test_fix_json_document_keeps_indentation_style(self, tmp_path: Path) -> None:
        """A .json file is rewritten whole, indented, with a final newline."""
        path = tmp_path / "x.json"
        path.write_text(json.dumps(EMPTY_STOP, indent=2) + "\n", encoding="utf-8")
        assert check(str(path), "--isolated", "--fix").code == 0
        text = path.read_text(encoding="utf-8")
        assert text.endswith("}\n")
        assert json.loads(text)["stop_sequences"] == ["END"]

    def test_fix_pair_record(self, tmp_path: Path) -> None:
        """The request side of a request/response pair is fixed in place."""
        pair = {"request": EMPTY_STOP, "response": {
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
            "content": [{"type": "text", "text": "Hi"}], "stop_reason": "end_turn",
            "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1}}}
        path = tmp_path / "x.jsonl"
        path.write_bytes(_line(pair) + b"\n")
        assert check(str(path), "--isolated", "--fix").code == 0
        fixed = json.loads(path.read_bytes())
        assert fixed["request"]["stop_sequences"] == ["END"]
        assert fixed["response"] == pair["response"]

    def test_fix_with_jobs_matches_serial(self, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
        """--jobs 2 writes the same file as --jobs 1, across many chunks."""
        monkeypatch.setattr(tasks, "CHUNK_BYTES", 1000)
        lines = [_line(EMPTY_STOP if i % 3 == 0 else GOOD) for i in range(60)]
        lines[10] = b"garbage"
        content = b"\n".join(lines) + b"\n"
        one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
        one.write_bytes(content)
        two.write_bytes(content)
        r1 = check(str(one), "--isolated", "--fix", "--jobs", "1")
        r2 = check(str(two), "--isolated", "--fix", "--jobs", "2")
        assert one.read_bytes() == two.read_bytes() != content
        assert r1.err == r2.err

    def test_fix_on_stdin_writes_the_fixed_text_to_stdout(self) -> None:
        """--fix on stdin prints the fixed text (other lines byte for byte), findings to stderr."""
        data = _line(EMPTY_STOP) + b"\r\n{not json\n  " + _line(GOOD) + b"\n"
        r = check("-", "--isolated", "--fix", stdin=data)
        fixed = {**EMPTY_STOP, "stop_sequences": ["END"]}
        assert r.out.encode() == json.dumps(fixed, separators=(",", ":")).encode() + (
            b"\r\n{not json\n  " + _line(GOOD) + b"\n"
        )
        assert "SCH000" in r.err
        assert "Fixed 1 finding(s) (LIM003 x1)." in r.err
        assert r.code == 1  # the line that is not JSON remains

    def test_fix_on_stdin_json_document(self) -> None:
        """A whole JSON document on stdin comes back fixed, indented as the fix writes it."""
        r = check("-", "--isolated", "--fix", "--stdin-filename", "x.json",
                  stdin=json.dumps(EMPTY_STOP, indent=2).encode())
        assert json.loads(r.out) == {**EMPTY_STOP, "stop_sequences": ["END"]}
        assert r.code == 0

    def test_diff_on_stdin(self) -> None:
        """--diff on stdin prints the change and writes nothing else to stdout."""
        r = check("-", "--isolated", "--diff", stdin=_line(GOOD) + b"\n" + _line(EMPTY_STOP))
        assert r.out.splitlines()[:3] == ["--- a/-", "+++ b/-", "@@ -2 +2 @@"]
        assert r.code == 1

    def test_fix_on_stdin_must_be_the_only_input(self, tmp_path: Path) -> None:
        """Fixing stdin and files at once would mix fixed text with nothing: exit 2."""
        path = tmp_path / "x.jsonl"
        path.write_bytes(_line(GOOD) + b"\n")
        r = check("-", str(path), "--fix", stdin=_line(EMPTY_STOP))
        assert r.code == 2
        assert "stdin (-) must be the only input" in r.err

    def test_failed_write_is_exit_2_and_file_untouched(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A fix that cannot be put in place is an I/O error; no temp file is left."""
        def refuse(src: str, dst: str) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(rewrite.os, "replace", refuse)
        path = tmp_path / "x.jsonl"
        path.write_bytes(_line(EMPTY_STOP) + b"\n")
        r = check(str(path), "--isolated", "--fix")
        assert r.code == 2
        assert "cannot write fixes" in r.err
        assert json.loads(path.read_bytes()) == EMPTY_STOP
        assert [p.name for p in tmp_path.iterdir()] == ["x.jsonl"]
