"""
Hostile inputs: each ends with exit 1 or 2 and a clear message, never a traceback or a hang.

The CLI cases run as child processes with a timeout, as a user would run them; the
library cases hand `lint` Python values no JSON parser would produce.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import random
import threading
from pathlib import Path
from typing import Any

import attrs
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import messages_schema
from messages_schema import models
from messages_schema.cli._files import zstd_module
from messages_schema.stream import StreamAccumulator
from tests.support.cli import GOOD, cli_subprocess

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


# -- the table: each odd input or misconfiguration, its exit code and its message ---------
#
# Every case runs `python -m messages_schema` as a child process under a timeout, so a
# hang fails the case instead of the suite. `Case.make` builds the files in a fresh
# folder and returns the arguments; paths in `argv` are relative to that folder, which
# is the child's working folder.

GOOD_LINE = json.dumps(GOOD)
#: A safe fix (LIM003) on a valid model and shape.
EMPTY_STOP = {**GOOD, "stop_sequences": ["", "END"]}
#: A role the API rejects (SCH004) next to two user turns the API merges (TURN005, safe).
ODD_ROLE = {**GOOD, "messages": [
    {"role": [], "content": "hi"}, {"role": "user", "content": "a"},
    {"role": "user", "content": "b"},
]}


@attrs.define
class Case:
    """One hostile input: how to set it up, and what the command must answer."""

    make: Any  # (folder: Path) -> list[str]
    code: int
    says: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    stdin: bytes = b""
    env: dict[str, str] = attrs.Factory(dict)
    #: Also asserted on: the files after the run, given the folder.
    after: Any = None


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _lines(*values: Any) -> str:
    return "".join(json.dumps(v) + "\n" for v in values)


def _normalize_object_role(d: Path) -> list[str]:
    _write(d / "f.jsonl", _lines({**GOOD, "messages": [{"role": {"a": 1}, "content": "hi"}]},
                                 {**GOOD, "messages": [{"role": "user", "content": "x"}]}))
    return ["normalize", "f.jsonl"]


def _odd_role(flag: str | None) -> Any:
    def make(d: Path) -> list[str]:
        _write(d / "f.jsonl", _lines(ODD_ROLE))
        return ["check", "f.jsonl", "--isolated", *([flag] if flag else [])]
    return make


def _fifo_in_folder(d: Path) -> list[str]:
    _write(d / "data" / "a.jsonl", _lines(GOOD))
    os.mkfifo(d / "data" / "pipe.jsonl")
    return ["check", "data", "--isolated"]


def _only_compressed(d: Path) -> list[str]:
    _write(d / "data" / "a.jsonl.gz", gzip.compress(_lines(GOOD, EMPTY_STOP).encode()))
    _write(d / "data" / "b.jsonl.bz2", bz2.compress(_lines(GOOD).encode()))
    _write(d / "data" / "c.jsonl.xz", lzma.compress(_lines(GOOD).encode()))
    _write(d / "data" / "d.jsonl.zst", zstd_module().compress(_lines(GOOD, GOOD).encode()))
    return ["check", "data", "--isolated"]


def _fix_gzip(d: Path) -> list[str]:
    _write(d / "a.jsonl.gz", gzip.compress(_lines(EMPTY_STOP, GOOD).encode()))
    return ["check", "a.jsonl.gz", "--isolated", "--fix"]


def _fixed_gzip(d: Path) -> None:
    lines = gzip.decompress((d / "a.jsonl.gz").read_bytes()).splitlines()
    assert json.loads(lines[0])["stop_sequences"] == ["END"]
    assert json.loads(lines[1]) == GOOD


def _damaged_gzip(d: Path) -> list[str]:
    _write(d / "a.jsonl.gz", gzip.compress(_lines(GOOD, GOOD).encode())[:25])
    return ["check", "a.jsonl.gz", "--isolated"]


def _empty_folder(d: Path) -> list[str]:
    (d / "data").mkdir()
    _write(d / "data" / "notes.txt", "not checked")
    return ["check", "data", "--isolated"]


def _capabilities(text: str | None) -> Any:
    def make(d: Path) -> list[str]:
        _write(d / "pyproject.toml", '[tool.messages-schema]\ncapabilities = "caps.toml"\n')
        if text is not None:
            _write(d / "caps.toml", text)
        _write(d / "f.jsonl", _lines(*[GOOD] * 50))
        return ["check", "f.jsonl"]
    return make


def _config_value(d: Path) -> list[str]:
    _write(d / "pyproject.toml", '[tool.messages-schema]\nkind = "requests"\n')
    _write(d / "f.jsonl", _lines(GOOD))
    return ["check", "f.jsonl"]


def _record_limit(d: Path) -> list[str]:
    _write(d / "f.jsonl", _lines(GOOD))
    return ["check", "f.jsonl", "--isolated"]


def _baseline(content: str | None) -> Any:
    def make(d: Path) -> list[str]:
        _write(d / "f.jsonl", _lines(GOOD))
        if content is not None:
            _write(d / "base.json", content)
        return ["check", "f.jsonl", "--isolated", "--baseline", "base.json"]
    return make


def _baseline_elsewhere(d: Path) -> list[str]:
    """A baseline written from the project folder, used from its parent."""
    project = d / "proj"
    _write(project / "data" / "f.jsonl", _lines({"model": "m"}, EMPTY_STOP))
    written = cli_subprocess("check", "data", "--isolated", "--add-baseline", "base.json",
                             cwd=project)
    assert written.returncode == 0, written.stderr
    return ["check", str(project / "data" / "f.jsonl"), "--isolated",
            "--baseline", "proj/base.json"]


def _parquet(*flags: str) -> Any:
    def make(d: Path) -> list[str]:
        table = pa.table({"body": [json.dumps(EMPTY_STOP)] * 3, "id": ["a", "b", "c"]})
        pq.write_table(table, d / "lake.parquet")
        return ["check", "--isolated", *flags]
    return make


def _bad_utf8(d: Path) -> list[str]:
    line = b'{"model": "claude-sonnet-4-5", "max_tokens": 8, "x": "' + b"a" * 15 + b'\xff"}\n'
    assert line.index(b"\xff") == 69
    _write(d / "f.jsonl", line)
    return ["check", "f.jsonl", "--isolated"]


def _symlink_loop(d: Path) -> list[str]:
    (d / "loop.jsonl").symlink_to("loop.jsonl")
    return ["check", "loop.jsonl", "--isolated"]


def _symlink_loop_in_folder(d: Path) -> list[str]:
    _write(d / "data" / "a.jsonl", _lines(GOOD))
    (d / "data" / "loop.jsonl").symlink_to("loop.jsonl")
    (d / "data" / "gone.jsonl").symlink_to("nowhere.jsonl")
    return ["check", "data", "--isolated"]


def _broken_symlink(d: Path) -> list[str]:
    (d / "gone.jsonl").symlink_to("nowhere.jsonl")
    return ["check", "gone.jsonl", "--isolated"]


def _stdin_fix(d: Path) -> list[str]:
    return ["check", "-", "--isolated", "--fix"]


def _size(pretty: bool) -> Any:
    def make(d: Path) -> list[str]:
        if pretty:  # 33 MiB of indentation around a small request: small on the wire
            text = json.dumps(GOOD, indent=(33 << 20) // 8)
            _write(d / "big.json", text)
            return ["check", "big.json", "--isolated"]
        body = {**GOOD, "messages": [{"role": "user", "content": "x" * (33 << 20)}]}
        _write(d / "big.jsonl", json.dumps(body) + "\n")
        return ["check", "big.jsonl", "--isolated", "--select", "LIM008"]
    return make


def _argv(*argv: str) -> Any:
    return lambda d: list(argv)


TABLE: dict[str, Case] = {
    # -- crashes --------------------------------------------------------------------------
    "normalize: a role that is an object": Case(
        _normalize_object_role, 0, says=('"role":{"a":1}', '"type":"text"')),
    "check: odd role and two user turns": Case(
        _odd_role(None), 1, says=("SCH004", "TURN005", "1 fixable with --fix"),
        never=("SCH099",)),
    "check --fix: the real finding stays": Case(
        _odd_role("--fix"), 1, says=("SCH004", "Fixed 1 finding(s) (TURN005 x1)"),
        never=("SCH099", "No fixes available")),
    "check --diff: the fix is shown": Case(
        _odd_role("--diff"), 1, says=("@@ -1 +1 @@", "Would fix 1 finding(s) (TURN005 x1)"),
        never=("SCH099", "No fixes available")),
    # -- hangs ----------------------------------------------------------------------------
    "a FIFO in a checked folder": Case(
        _fifo_in_folder, 0, says=("data/pipe.jsonl: skipped: a named pipe (FIFO), not a "
                                  "regular file", "in 1 file (1 record)")),
    # -- silent passes --------------------------------------------------------------------
    "a folder of compressed JSONL": Case(
        _only_compressed, 1, says=("data/a.jsonl.gz:2", "LIM003", "in 4 files (6 records)")),
    "a folder with nothing to check": Case(
        _empty_folder, 2, says=("no files to check in data",)),
    "capabilities file missing": Case(
        _capabilities(None), 2, says=("caps.toml: No such file or directory",),
        never=("SCH099", "Found")),
    "capabilities file invalid": Case(
        _capabilities("models = 3\n"), 2, says=("caps.toml", "tables expected"),
        never=("SCH099", "Found")),
    "config value invalid": Case(
        _config_value, 2, says=("pyproject.toml [tool.messages-schema]", "'requests'"),
        never=("Found",)),
    "record limit invalid": Case(
        _record_limit, 2, says=("MESSAGES_SCHEMA_MAX_RECORD_BYTES='lots'",),
        env={"MESSAGES_SCHEMA_MAX_RECORD_BYTES": "lots"}, never=("Found",)),
    "baseline missing": Case(
        _baseline(None), 2, says=("base.json: No such file or directory",), never=("Found",)),
    "baseline not a baseline": Case(
        _baseline("[1, 2]"), 2, says=("not a messages-schema baseline",), never=("Found",)),
    "baseline used from another folder": Case(
        _baseline_elsewhere, 0,
        says=("Found 0 findings", "the baseline hid 4 more")),
    "--parquet with --fix": Case(
        _parquet("--parquet", "lake.parquet", "--column", "body", "--fix"), 2,
        says=("--fix and --diff do not rewrite Parquet files",)),
    "--parquet with --diff": Case(
        _parquet("--parquet", "lake.parquet", "--column", "body", "--diff"), 2,
        says=("--fix and --diff do not rewrite Parquet files",), never=("No fixes",)),
    # -- wrong words ----------------------------------------------------------------------
    "invalid UTF-8 at column 70": Case(
        _bad_utf8, 1, says=("invalid UTF-8 (byte 0xff) at line 1 column 70 (byte offset 69)",),
        never=("surrogates",)),
    "a symlink loop": Case(
        _symlink_loop, 2, says=("loop.jsonl: symlink loop",), never=("no such file",)),
    "a symlink loop and a broken link in a folder": Case(
        _symlink_loop_in_folder, 0,
        says=("data/loop.jsonl: symlink loop", "data/gone.jsonl: broken symlink",
              "in 1 file (1 record)")),
    "a broken symlink": Case(
        _broken_symlink, 2, says=("gone.jsonl: broken symlink (its target nowhere.jsonl",)),
    "/dev/zero": Case(
        _argv("check", "/dev/zero", "--isolated"), 2,
        says=("/dev/zero: skipped: a character device, not a regular file",
              "no files to check"), never=("no such file",)),
    "a .parquet file named without --parquet": Case(
        _parquet("lake.parquet", "--column", "body"), 1,
        says=("LIM003", "in 1 file (3 records)"), never=("Invalid JSON",)),
    "a .parquet file without --column": Case(
        _parquet("lake.parquet"), 2, says=("lake.parquet: a Parquet input needs --column",),
        never=("Invalid JSON",)),
    "Parquet rows are counted, named by --record-column": Case(
        _parquet("--parquet", "lake.parquet", "--column", "body", "--record-column", "id",
                 "--format", "json"), 1,
        says=("(3 records)", '"record": "c"'), never=("(0 records)",)),
    "a damaged gzip file": Case(
        _damaged_gzip, 2, says=("a.jsonl.gz: cannot read it as gzip-compressed data",)),
    # -- small things users expect --------------------------------------------------------
    "--version": Case(_argv("--version"), 0, says=("messages-schema 0.",)),
    "--kind with a dash": Case(
        _argv("check", "-", "--isolated", "--kind", "count-tokens"), 1,
        says=("max_tokens", "Extra inputs are not permitted"),
        stdin=json.dumps(GOOD).encode()),
    "schema with an underscore": Case(
        _argv("schema", "count_tokens"), 0, says=("count-tokens.schema.json",)),
    "--fix on stdin writes the fixed text": Case(
        _stdin_fix, 1, says=('"stop_sequences":["END"]', "Fixed 1 finding(s)", "SCH000"),
        stdin=(json.dumps(EMPTY_STOP) + "\n{broken\n").encode()),
    "--fix on a gzip file keeps it compressed": Case(
        _fix_gzip, 0, says=("Fixed 1 finding(s) (LIM003 x1)",), after=_fixed_gzip),
    "a 33 MiB request": Case(
        _size(pretty=False), 1,
        says=("LIM008", "request-too-large", "the Messages API accepts at most 33,554,432")),
    "33 MiB of indentation around a small request": Case(
        _size(pretty=True), 0, never=("LIM008",)),
}


class TestHostileTable:
    @pytest.mark.parametrize("name", list(TABLE))
    def test_case(self, name: str, tmp_path: Path) -> None:
        """Each case exits with its code and says what it must, within the timeout."""
        case = TABLE[name]
        argv = case.make(tmp_path)
        proc = cli_subprocess(*argv, stdin=case.stdin, cwd=tmp_path, timeout=120,
                              env=case.env)
        text = _assert_clean(proc, codes=(case.code,))
        for expected in case.says:
            assert expected in text, (expected, text[-3000:])
        for unexpected in case.never:
            assert unexpected not in text, (unexpected, text[-3000:])
        if case.after is not None:
            case.after(tmp_path)

    def test_fifo_named_on_the_command_line_is_read(self, tmp_path: Path) -> None:
        """A named pipe given by name (process substitution) is read like stdin."""
        fifo = tmp_path / "pipe.jsonl"
        os.mkfifo(fifo)

        def feed() -> None:
            with open(fifo, "wb") as stream:
                stream.write(_lines(GOOD, EMPTY_STOP).encode())

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        proc = cli_subprocess("check", str(fifo), "--isolated", timeout=60)
        writer.join(timeout=60)
        text = _assert_clean(proc)
        assert f"{fifo}:2" in text
        assert "LIM003" in text


# -- the same, for the library: bad data never raises anything but our own errors ------


def _dumps_nonsense() -> Any:
    return messages_schema.dumps(models.MessageCreateParams(
        model=123, max_tokens="x", messages="nope"))  # type: ignore[arg-type]


def _accumulate_delta_on_odd_block() -> Any:
    acc = StreamAccumulator()
    acc.feed({"type": "message_start", "message": {"id": "m", "content": [], "usage": {}}})
    acc.feed({"type": "content_block_start", "index": 0, "content_block": {"type": ["text"]}})
    acc.feed({"type": "content_block_delta", "index": 0,
              "delta": {"type": "text_delta", "text": "x"}})
    return acc.message


LIBRARY: dict[str, tuple[Any, type[BaseException] | None, str]] = {
    "normalize_request: a role that is an object": (
        lambda: messages_schema.normalize_request(
            {**GOOD, "messages": [{"role": {"a": 1}, "content": "hi"}]})["messages"][0],
        None, "{'role': {'a': 1}, 'content': 'hi'}"),
    "fix_until_stable: an odd role hides no finding": (
        lambda: sorted({f.code for f in messages_schema.fix_until_stable(ODD_ROLE)[2]}),
        None, "['SCH004']"),
    "dumps: values that do not fit their fields": (
        _dumps_nonsense, messages_schema.UnstructureError,
        "cannot write MessageCreateParams: model: expected str, got int 123"),
    "StreamAccumulator: a delta on a block whose type is a list": (
        _accumulate_delta_on_odd_block, messages_schema.StreamError,
        "text_delta cannot apply to block 0"),
    "lint: a capabilities file that is not there": (
        lambda: messages_schema.lint(GOOD, config=messages_schema.LintConfig(
            capabilities="/nonexistent/caps.toml")),
        messages_schema.ConfigError, "capabilities file /nonexistent/caps.toml"),
    "lint: a kind spelled with a dash": (
        lambda: [f.code for f in messages_schema.lint(GOOD, kind="count-tokens")],
        None, "['SCH002']"),
    "lint: a body over 32 MiB": (
        lambda: [f.code for f in messages_schema.lint(GOOD, size=(32 << 20) + 1)],
        None, "['LIM008']"),
}


class TestHostileLibrary:
    @pytest.mark.parametrize("name", list(LIBRARY))
    def test_case(self, name: str) -> None:
        """Each call returns its answer or raises the package's own error with its message."""
        call, error, says = LIBRARY[name]
        if error is None:
            assert says == str(call())
        else:
            with pytest.raises(error) as info:
                call()
            assert says in str(info.value)
