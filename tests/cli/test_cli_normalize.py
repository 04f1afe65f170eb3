"""Tests for ``messages-schema normalize``, run in-process through `messages_schema.cli.run`."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from messages_schema.cli import run

REQUEST = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}],
}
NORMAL = {
    "max_tokens": 64,
    "messages": [
        {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}
    ],
    "model": "claude-sonnet-4-5",
}


def cli(*argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["normalize", *argv], stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write(path: Path, data: Any) -> Path:
    path.write_bytes(data if isinstance(data, bytes) else orjson.dumps(data))
    return path


class TestJSONFiles:
    def test_prints_pretty_json_for_a_pretty_file(self, tmp_path):
        """A multi-line .json file is printed indented by two spaces, with a final newline."""
        path = write(tmp_path / "r.json", orjson.dumps(REQUEST, option=orjson.OPT_INDENT_2))

        code, out, _ = cli(str(path))

        assert 0 == code
        assert orjson.dumps(NORMAL, option=orjson.OPT_INDENT_2).decode() + "\n" == out

    def test_one_line_file_stays_one_line(self, tmp_path):
        """A one-line .json file is printed on one line."""
        path = write(tmp_path / "r.json", REQUEST)

        _, out, _ = cli(str(path))

        assert orjson.dumps(NORMAL).decode() == out

    def test_unchanged_file_is_printed_byte_for_byte(self, tmp_path):
        """A file that is already normal is printed exactly as it was, spacing included."""
        raw = b'{ "max_tokens": 64,  "messages": [], "model": "m" }\n'
        path = write(tmp_path / "r.json", raw)

        assert (0, raw.decode()) == cli(str(path))[:2]

    def test_undecodable_json_is_reported_and_kept(self, tmp_path):
        """A .json file that does not decode is printed unchanged, reported, and exits 1."""
        path = write(tmp_path / "bad.json", b"{nope")

        code, out, err = cli(str(path))

        assert (1, "{nope") == (code, out)
        assert "bad.json" in err
        assert "Invalid JSON" in err

    def test_floats_and_unicode_survive(self, tmp_path):
        """Floats stay floats and non-ASCII text is kept."""
        doc = {**REQUEST, "temperature": 1.0, "system": "héllo ✓"}
        path = write(tmp_path / "r.json", doc)

        _, out, _ = cli(str(path))

        assert '"temperature":1.0' in out
        assert "héllo ✓" in out


class TestJSONLFiles:
    def test_records_blank_and_bad_lines(self, tmp_path):
        """Records are normalized one per line; blank and bad lines are kept byte for byte."""
        item = {"custom_id": "r1", "params": REQUEST}
        response = {"type": "message", "role": "assistant", "content": []}
        lines = [
            orjson.dumps(REQUEST),
            b"",
            b"  {not json  ",
            orjson.dumps(item),
            b'{"type": "message", "role": "assistant", "content": []}',
            b"",
        ]
        path = write(tmp_path / "r.jsonl", b"\n".join(lines))

        code, out, err = cli(str(path))

        got = out.split("\n")
        assert 1 == code
        assert NORMAL == orjson.loads(got[0])
        assert ["", "  {not json  "] == got[1:3]
        assert {"custom_id": "r1", "params": NORMAL} == orjson.loads(got[3])
        assert '{"type": "message", "role": "assistant", "content": []}' == got[4]
        assert response == orjson.loads(got[4])
        assert "" == got[5]
        assert "line 3" in err

    def test_crlf_line_endings_are_kept(self, tmp_path):
        """A record's CRLF ending is kept."""
        path = write(tmp_path / "r.jsonl", orjson.dumps(REQUEST) + b"\r\n")

        _, out, _ = cli(str(path))

        assert out.endswith("}\r\n")

    def test_request_response_pair_normalizes_the_request(self, tmp_path):
        """A {request, response} record has its request normalized and its response kept."""
        pair = {"request": REQUEST, "response": {"type": "message", "content": "x"}}
        path = write(tmp_path / "p.jsonl", pair)

        _, out, _ = cli(str(path))

        assert {"request": NORMAL, "response": pair["response"]} == orjson.loads(out)


class TestModes:
    def test_in_place_rewrites_atomically(self, tmp_path):
        """--in-place rewrites the file, keeps its mode, and leaves no temporary file."""
        path = write(tmp_path / "r.json", REQUEST)
        os.chmod(path, 0o640)

        code, out, err = cli("--in-place", str(path))

        assert (0, "") == (code, out)
        assert NORMAL == orjson.loads(path.read_bytes())
        assert 0o640 == path.stat().st_mode & 0o777
        assert ["r.json"] == sorted(p.name for p in tmp_path.iterdir())
        assert "1 file(s) normalized, 0 unchanged" in err

    def test_in_place_leaves_unchanged_files_alone(self, tmp_path):
        """An already-normal file is not rewritten."""
        path = write(tmp_path / "r.json", NORMAL)
        before = path.stat().st_mtime_ns

        cli("--in-place", str(path))

        assert before == path.stat().st_mtime_ns

    def test_diff_prints_and_writes_nothing(self, tmp_path):
        """--diff prints a unified diff, exits 1 and leaves the file alone."""
        raw = orjson.dumps(REQUEST, option=orjson.OPT_INDENT_2) + b"\n"
        path = write(tmp_path / "r.json", raw)

        code, out, _ = cli("--diff", str(path))

        assert 1 == code
        assert out.startswith(f"--- {path}\n+++ {path}\n@@")
        assert '+  "model": "claude-sonnet-4-5"\n' in out
        assert raw == path.read_bytes()

    def test_diff_of_normal_file_is_empty(self, tmp_path):
        """--diff of an already-normal file prints nothing and exits 0."""
        path = write(tmp_path / "r.json", NORMAL)

        assert (0, "") == cli("--diff", str(path))[:2]

    def test_diff_marks_a_missing_final_newline(self, tmp_path):
        """A diff line without a final newline is marked as such."""
        path = write(tmp_path / "r.jsonl", REQUEST)

        _, out, _ = cli("--diff", str(path))

        assert out.endswith("\n\\ No newline at end of file\n")

    def test_stdin(self):
        """`-` reads stdin."""
        code, out, _ = cli("-", stdin=orjson.dumps(REQUEST))

        assert (0, NORMAL) == (code, orjson.loads(out))

    def test_folder_is_walked(self, tmp_path):
        """A folder yields its .json and .jsonl files in sorted order, not .sse."""
        write(tmp_path / "b.jsonl", REQUEST)
        write(tmp_path / "a.json", REQUEST)
        write(tmp_path / "c.sse", b"event: ping\n")

        _, out, _ = cli(str(tmp_path))

        assert 2 * orjson.dumps(NORMAL).decode() == out

    def test_unsafe_moves_tool_results_first(self, tmp_path):
        """--unsafe also runs the unsafe steps."""
        doc = {
            **REQUEST,
            "messages": [
                {"role": "user", "content": "w?"},
                {
                    "role": "assistant",
                    "content": [{"type": "tool_use", "id": "t", "name": "f", "input": {}}],
                },
                {"role": "user", "content": "hurry"},
                {
                    "role": "user",
                    "content": [{"type": "tool_result", "tool_use_id": "t", "content": "r"}],
                },
            ],
        }
        path = write(tmp_path / "r.json", doc)

        safe = orjson.loads(cli(str(path))[1])
        unsafe = orjson.loads(cli("--unsafe", str(path))[1])

        assert "text" == safe["messages"][2]["content"][0]["type"]
        assert "tool_result" == unsafe["messages"][2]["content"][0]["type"]

    @pytest.mark.parametrize(
        "argv",
        [(), ("--in-place", "--diff", "x.json"), ("--in-place", "-"), ("missing.json",)],
        ids=["no-path", "both-modes", "in-place-stdin", "missing"],
    )
    def test_usage_errors_exit_2(self, argv, tmp_path, monkeypatch):
        """Bad arguments and missing files exit 2."""
        monkeypatch.chdir(tmp_path)
        write(tmp_path / "x.json", REQUEST)

        assert 2 == cli(*argv)[0]


def test_console_script_end_to_end(tmp_path):
    """`python -m messages_schema normalize` rewrites a JSONL file in place."""
    path = write(tmp_path / "r.jsonl", orjson.dumps(REQUEST) + b"\n\n")

    done = subprocess.run(
        [sys.executable, "-m", "messages_schema", "normalize", "--in-place", str(path)],
        capture_output=True,
        check=False,
        timeout=60,
    )

    assert 0 == done.returncode, done.stderr
    assert orjson.dumps(NORMAL) + b"\n\n" == path.read_bytes()
