"""``messages-schema check``: inputs, kinds, selection, config, suppression, exit codes."""

from __future__ import annotations

import builtins
import io
import json
from pathlib import Path
from typing import Any

import orjson
import pytest

import messages_schema.cli._tasks as tasks
import messages_schema.cli._work as checker
from messages_schema.cli import _progress
from messages_schema.cli._output import _COLOURS
from messages_schema.schemas._betas import betas_for
from tests.support import paths
from tests.support.cli import CLI_DATA, GOOD, check


def _jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _codes(result_out: str) -> list[tuple[str, str, int | None]]:
    return [
        (f["code"], f["pointer"], f["location"]["line"]) for f in json.loads(result_out)
    ]


class TestInputs:
    def test_directory_is_walked_recursively_in_sorted_order(self, tmp_path: Path) -> None:
        """Folders are walked recursively; files come out in sorted path order."""
        (tmp_path / "b").mkdir()
        _jsonl(tmp_path / "b" / "z.jsonl", [{"model": "m"}])
        _jsonl(tmp_path / "a.jsonl", [{"model": "m"}])
        (tmp_path / "notes.txt").write_text("not checked", encoding="utf-8")
        r = check(str(tmp_path), "--isolated", "--format", "json", "--select", "SCH001")
        files = [f["location"]["file"] for f in json.loads(r.out)]
        assert files == [str(tmp_path / "a.jsonl")] * 2 + [str(tmp_path / "b" / "z.jsonl")] * 2
        assert r.code == 1

    def test_default_excludes_and_exclude_glob(self, tmp_path: Path) -> None:
        """`.git`-like folders are skipped; --exclude adds globs."""
        for folder in (".git", "node_modules", "keep", "skip"):
            (tmp_path / folder).mkdir()
            _jsonl(tmp_path / folder / "x.jsonl", [{"model": "m"}])
        r = check(str(tmp_path), "--isolated", "--format", "json", "--exclude", "skip")
        files = {Path(f["location"]["file"]).parent.name for f in json.loads(r.out)}
        assert files == {"keep"}

    def test_include_replaces_default_globs(self, tmp_path: Path) -> None:
        """--include picks other files in folders (their format is sniffed)."""
        _jsonl(tmp_path / "a.log", [GOOD, {"model": "m"}])
        _jsonl(tmp_path / "b.jsonl", [{"model": "m"}])
        r = check(str(tmp_path), "--isolated", "--format", "json", "--include", "*.log",
                  "--select", "SCH001")
        found = json.loads(r.out)
        assert {f["location"]["file"] for f in found} == {str(tmp_path / "a.log")}
        assert {f["location"]["line"] for f in found} == {2}

    def test_explicit_file_with_unknown_extension_is_sniffed(self, tmp_path: Path) -> None:
        """A file named on the command line is checked whatever its name."""
        path = tmp_path / "payload.txt"
        path.write_text(json.dumps(GOOD, indent=2), encoding="utf-8")
        assert check(str(path), "--isolated").code == 0

    def test_missing_path_is_exit_2(self, tmp_path: Path) -> None:
        """A path that does not exist is a usage error."""
        r = check(str(tmp_path / "nope.jsonl"))
        assert r.code == 2
        assert "no such file or folder" in r.err

    def test_no_path_is_exit_2(self) -> None:
        """check without PATH says how to read stdin."""
        r = check()
        assert r.code == 2
        assert "use - for stdin" in r.err

    def test_stdin_json(self) -> None:
        """`-` reads one JSON document from stdin."""
        r = check("-", "--isolated", stdin=json.dumps(GOOD).encode())
        assert r.code == 0
        r = check("-", "--isolated", "--format", "json", stdin=b'{"model": "m"}')
        assert r.code == 1
        assert {f["location"]["file"] for f in json.loads(r.out)} == {"-"}

    def test_stdin_jsonl_is_sniffed(self) -> None:
        """Several JSON lines on stdin are read as JSONL, with line numbers."""
        data = (json.dumps(GOOD) + "\n" + '{"model": "m"}\n').encode()
        r = check("-", "--isolated", "--format", "json", "--select", "SCH001", stdin=data)
        assert {f["location"]["line"] for f in json.loads(r.out)} == {2}

    def test_stdin_filename_names_and_formats(self) -> None:
        """--stdin-filename picks the format by extension and names the findings."""
        data = b'{"model": "m"}\n'
        r = check("-", "--isolated", "--stdin-filename", "x.jsonl", "--format", "json",
                  "--select", "SCH001", stdin=data)
        found = json.loads(r.out)
        assert {(f["location"]["file"], f["location"]["line"]) for f in found} == {
            ("x.jsonl", 1)
        }

    def test_blank_lines_keep_numbering(self, tmp_path: Path) -> None:
        """Blank lines are skipped but counted, CRLF endings included."""
        path = tmp_path / "x.jsonl"
        path.write_bytes(b"\r\n\r\n" + b'{"model": "m"}\r\n')
        r = check(str(path), "--isolated", "--format", "json", "--select", "SCH001")
        assert {f["location"]["line"] for f in json.loads(r.out)} == {3}

    def test_empty_file_is_fine(self, tmp_path: Path) -> None:
        """An empty JSONL file has no records and no findings."""
        path = tmp_path / "x.jsonl"
        path.write_bytes(b"")
        r = check(str(path), "--isolated")
        assert r.code == 0
        assert "0 records" in r.err

    def test_empty_json_file_is_invalid_json(self, tmp_path: Path) -> None:
        """An empty .json file is SCH000 (one document is expected)."""
        path = tmp_path / "x.json"
        path.write_bytes(b"")
        r = check(str(path), "--isolated", "--format", "json")
        assert [f["code"] for f in json.loads(r.out)] == ["SCH000"]

    def test_sse_file(self) -> None:
        """A shipped .sse transcript is checked as a stream."""
        example = paths.EXAMPLES
        sse = sorted(example.glob("*.sse"))
        assert sse, "the examples ship at least one .sse transcript"
        r = check(*map(str, sse), "--isolated")
        assert r.code == 0, r.out

    def test_oversize_record_is_a_finding(self, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
        """A record over the size limit is reported, not read whole, and the rest goes on."""
        monkeypatch.setenv("MESSAGES_SCHEMA_MAX_RECORD_BYTES", "200")
        path = tmp_path / "x.jsonl"
        big = {**GOOD, "system": "x" * 500}
        _jsonl(path, [big, {"model": "m"}])
        r = check(str(path), "--isolated", "--format", "json", "--select", "SCH000,SCH001")
        found = json.loads(r.out)
        assert [(f["code"], f["location"]["line"]) for f in found] == [
            ("SCH000", 1), ("SCH001", 2), ("SCH001", 2)
        ]
        assert "too large" in found[0]["message"]

    def test_oversize_json_file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A .json file over the limit gets one clear finding."""
        monkeypatch.setenv("MESSAGES_SCHEMA_MAX_RECORD_BYTES", "100")
        path = tmp_path / "x.json"
        path.write_text(json.dumps({**GOOD, "system": "x" * 500}), encoding="utf-8")
        r = check(str(path), "--isolated", "--format", "json")
        found = json.loads(r.out)
        assert [f["code"] for f in found] == ["SCH000"]
        assert "MESSAGES_SCHEMA_MAX_RECORD_BYTES" in found[0]["message"]
        r = check("-", "--isolated", "--format", "json",
                  stdin=json.dumps({**GOOD, "system": "x" * 500}).encode())
        assert [f["code"] for f in json.loads(r.out)] == ["SCH000"]

    def test_oversize_stdin_line(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A stdin JSONL line over the limit is skipped and reported; numbering holds."""
        monkeypatch.setenv("MESSAGES_SCHEMA_MAX_RECORD_BYTES", "1000")
        big = json.dumps({**GOOD, "system": "x" * 200_000})
        data = (json.dumps(GOOD) + "\n" + big + "\n" + '{"model": "m"}\n').encode()
        r = check("-", "--isolated", "--stdin-filename", "s.jsonl", "--format", "json",
                  "--select", "SCH000,SCH001", stdin=data)
        assert [(f["code"], f["location"]["line"]) for f in json.loads(r.out)] == [
            ("SCH000", 2), ("SCH001", 3), ("SCH001", 3)
        ]


class TestKinds:
    def test_detection_per_record(self, tmp_path: Path) -> None:
        """Requests, responses, batch items and results, errors and pairs in one file."""
        path = CLI_DATA / "requests.jsonl"
        r = check(str(path), "--isolated", "--format", "json", "--select", "SCH,LIM")
        assert {(c, p, line) for c, p, line in _codes(r.out)} == {
            ("SCH001", "/max_tokens", 2),
            ("SCH000", "", 3),
            ("LIM003", "/stop_sequences/0", 5),
        }

    def test_pair_is_checked_both_ways(self, tmp_path: Path) -> None:
        """A {request, response} record reports each side under its own prefix."""
        record = {"request": {"model": "m"}, "response": {"type": "message"}}
        path = _jsonl(tmp_path / "pairs.jsonl", [record])
        r = check(str(path), "--isolated", "--format", "json", "--select", "SCH001")
        pointers = {p for _, p, _ in _codes(r.out)}
        assert "/request/max_tokens" in pointers
        assert any(p.startswith("/response/") for p in pointers)

    def test_kind_flag_overrides_detection(self, tmp_path: Path) -> None:
        """--kind response checks a request-shaped record as a response."""
        path = _jsonl(tmp_path / "x.jsonl", [GOOD])
        assert check(str(path), "--isolated").code == 0
        r = check(str(path), "--isolated", "--kind", "response", "--format", "json")
        assert r.code == 1
        assert all(c.startswith("SCH") for c, _, _ in _codes(r.out))

    def test_kind_from_config(self, tmp_path: Path) -> None:
        """`kind` in [tool.messages-schema] is the default kind."""
        (tmp_path / "pyproject.toml").write_text(
            '[tool.messages-schema]\nkind = "response"\n', encoding="utf-8"
        )
        path = _jsonl(tmp_path / "x.jsonl", [GOOD])
        assert check(str(path)).code == 1
        assert check(str(path), "--kind", "request").code == 0

    def test_batch_result_and_error_lines(self) -> None:
        """The shipped batch results file is recognised line by line."""
        example = paths.EXAMPLES / "batch-results.jsonl"
        assert check(str(example), "--isolated").code == 0


class TestBatch:
    def test_duplicate_custom_id(self, tmp_path: Path) -> None:
        """The second use of a custom_id in one file is BATCH001, pointing to the first."""
        items = [{"custom_id": c, "params": GOOD} for c in ("a", "b", "a", "a")]
        path = _jsonl(tmp_path / "batch.jsonl", items)
        r = check(str(path), "--isolated", "--format", "json")
        found = json.loads(r.out)
        assert [(f["code"], f["location"]["line"]) for f in found] == [
            ("BATCH001", 3), ("BATCH001", 4)
        ]
        assert "line 1" in found[0]["message"]
        assert found[0]["location"]["record"] == "a"

    def test_duplicates_are_per_file(self, tmp_path: Path) -> None:
        """The same custom_id in two files is fine."""
        for name in ("one.jsonl", "two.jsonl"):
            _jsonl(tmp_path / name, [{"custom_id": "a", "params": GOOD}])
        assert check(str(tmp_path), "--isolated").code == 0

    def test_duplicate_check_can_be_ignored(self, tmp_path: Path) -> None:
        """--ignore BATCH001 turns the check off."""
        items = [{"custom_id": "a", "params": GOOD}] * 2
        path = _jsonl(tmp_path / "batch.jsonl", items)
        assert check(str(path), "--isolated", "--ignore", "BATCH001").code == 0

    def test_duplicates_across_chunks(self, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
        """Duplicates are found across chunk (and so process) boundaries."""
        monkeypatch.setattr(tasks, "CHUNK_BYTES", 300)
        items = [{"custom_id": f"id-{i % 7}", "params": GOOD} for i in range(30)]
        path = _jsonl(tmp_path / "batch.jsonl", items)
        r = check(str(path), "--isolated", "--format", "json")
        assert [f["location"]["line"] for f in json.loads(r.out)] == list(range(8, 31))


class TestSelection:
    def test_select_and_ignore(self) -> None:
        """--select narrows, --ignore removes; the more specific selector wins."""
        path = str(CLI_DATA / "requests.jsonl")
        r = check(path, "--isolated", "--format", "json", "--select", "SCH001")
        assert {c for c, _, _ in _codes(r.out)} == {"SCH001"}
        r = check(path, "--isolated", "--format", "json", "--select", "SCH",
                  "--ignore", "SCH0")
        assert _codes(r.out) == []
        r = check(path, "--isolated", "--format", "json", "--ignore", "SCH",
                  "--select", "SCH001")
        assert {c for c, _, _ in _codes(r.out)} == {"SCH001"}

    def test_extend_select(self) -> None:
        """--extend-select adds to the configured selection."""
        path = str(CLI_DATA / "requests.jsonl")
        r = check(path, "--isolated", "--format", "json", "--select", "SCH000",
                  "--extend-select", "SCH001")
        assert {c for c, _, _ in _codes(r.out)} == {"SCH000", "SCH001"}

    def test_unknown_code_is_exit_2_with_suggestion(self) -> None:
        """An unknown code names itself and a close match."""
        r = check(str(CLI_DATA / "requests.jsonl"), "--isolated", "--select", "TOLL")
        assert r.code == 2
        assert "'TOLL'" in r.err
        assert "did you mean 'TOOL'" in r.err
        assert r.out == ""

    def test_exit_zero(self) -> None:
        """--exit-zero exits 0 with error findings, still printing them."""
        r = check(str(CLI_DATA / "requests.jsonl"), "--isolated", "--exit-zero")
        assert r.code == 0
        assert "SCH001" in r.out

    def test_warnings_alone_exit_0(self, tmp_path: Path) -> None:
        """Warnings do not fail the run."""
        path = _jsonl(tmp_path / "x.jsonl", [{**GOOD, "model": "claude-nonexistent-9"}])
        r = check(str(path), "--isolated", "--format", "json", "--select", "MOD001")
        assert [f["severity"] for f in json.loads(r.out)] == ["warning"]
        assert r.code == 0

    def test_beta_unlocks_beta_fields(self, tmp_path: Path) -> None:
        """--beta accepts the fields its header unlocks (context_management here)."""
        body = {**GOOD, "context_management": {"edits": []}}
        path = _jsonl(tmp_path / "x.jsonl", [body])
        r = check(str(path), "--isolated", "--format", "json", "--select", "SCH")
        codes = {c for c, _, _ in _codes(r.out)}
        if codes != {"SCH010"}:
            pytest.fail(f"expected SCH010 for a beta-only field, got {codes}")
        beta = betas_for(("context_management",), None)
        assert beta
        r = check(str(path), "--isolated", "--select", "SCH", "--beta", beta[-1])
        assert r.code == 0, r.out


class TestConfig:
    def test_pyproject_is_discovered_upward(self, tmp_path: Path) -> None:
        """The nearest [tool.messages-schema] above each file applies to it."""
        (tmp_path / "pyproject.toml").write_text(
            '[tool.messages-schema]\nignore = ["SCH001"]\n', encoding="utf-8"
        )
        (tmp_path / "sub").mkdir()
        path = _jsonl(tmp_path / "sub" / "x.jsonl", [{"model": "m"}])
        r = check(str(path), "--format", "json", "--select", "SCH")
        assert r.code == 0, r.out
        assert check(str(path), "--isolated", "--select", "SCH").code == 1

    def test_nearest_config_wins_per_file(self, tmp_path: Path) -> None:
        """Two folders with their own configs: each file uses its own."""
        for name, ignore in (("a", "SCH001"), ("b", "LIM")):
            (tmp_path / name).mkdir()
            (tmp_path / name / "pyproject.toml").write_text(
                f'[tool.messages-schema]\nignore = ["{ignore}"]\n', encoding="utf-8"
            )
            _jsonl(tmp_path / name / "x.jsonl", [{"model": "m"}])
        r = check(str(tmp_path), "--format", "json", "--select", "SCH001")
        assert {Path(f["location"]["file"]).parent.name for f in json.loads(r.out)} == {"b"}

    def test_per_file_ignores(self, tmp_path: Path) -> None:
        """per-file-ignores globs are relative to the config file's folder."""
        (tmp_path / "pyproject.toml").write_text(
            '[tool.messages-schema]\n[tool.messages-schema.per-file-ignores]\n'
            '"legacy/*.jsonl" = ["SCH001"]\n"*.ndjson" = ["SCH"]\n',
            encoding="utf-8",
        )
        (tmp_path / "legacy").mkdir()
        (tmp_path / "new").mkdir()
        for folder in ("legacy", "new"):
            _jsonl(tmp_path / folder / "x.jsonl", [{"model": "m"}])
        _jsonl(tmp_path / "new" / "y.ndjson", [{"model": "m"}])
        r = check(str(tmp_path), "--format", "json", "--select", "SCH001")
        files = {f["location"]["file"] for f in json.loads(r.out)}
        assert files == {str(tmp_path / "new" / "x.jsonl")}

    def test_config_flag_and_isolated(self, tmp_path: Path) -> None:
        """--config uses one file for everything; --isolated ignores configs."""
        cfg = tmp_path / "custom.toml"
        cfg.write_text('[tool.messages-schema]\nselect = ["SCH000"]\n', encoding="utf-8")
        (tmp_path / "pyproject.toml").write_text(
            '[tool.messages-schema]\nselect = ["SCH001"]\n', encoding="utf-8"
        )
        path = _jsonl(tmp_path / "x.jsonl", [{"model": "m"}])
        assert check(str(path), "--config", str(cfg)).code == 0
        assert check(str(path)).code == 1
        r = check(str(path), "--isolated", "--format", "json")
        assert "SCH002" not in r.out  # defaults: every stable rule, yet no extra key here
        assert r.code == 1

    def test_unknown_key_is_exit_2(self, tmp_path: Path) -> None:
        """An unknown key in the table is named, exit 2."""
        (tmp_path / "pyproject.toml").write_text(
            '[tool.messages-schema]\nselekt = ["SCH"]\n', encoding="utf-8"
        )
        path = _jsonl(tmp_path / "x.jsonl", [GOOD])
        r = check(str(path))
        assert r.code == 2
        assert "selekt" in r.err

    def test_unknown_code_in_config_names_the_file(self, tmp_path: Path) -> None:
        """An unknown rule code in the config file names the file and a suggestion."""
        (tmp_path / "pyproject.toml").write_text(
            '[tool.messages-schema]\nignore = ["SCH9"]\n'
            '[tool.messages-schema.per-file-ignores]\n"*.jsonl" = ["TOLL"]\n',
            encoding="utf-8",
        )
        path = _jsonl(tmp_path / "x.jsonl", [GOOD])
        r = check(str(path))
        assert r.code == 2
        assert "pyproject.toml" in r.err
        assert "'SCH9'" in r.err

    def test_bad_toml_is_exit_2(self, tmp_path: Path) -> None:
        """A pyproject.toml that does not parse is exit 2, not a traceback."""
        (tmp_path / "pyproject.toml").write_text("[tool.messages-schema\n", encoding="utf-8")
        path = _jsonl(tmp_path / "x.jsonl", [GOOD])
        r = check(str(path))
        assert r.code == 2
        assert "pyproject.toml" in r.err

    def test_missing_config_file(self, tmp_path: Path) -> None:
        """--config naming no file is exit 2."""
        path = _jsonl(tmp_path / "x.jsonl", [GOOD])
        assert check(str(path), "--config", str(tmp_path / "none.toml")).code == 2


RETIRING = {"model": "claude-opus-4-5-20251101", "max_tokens": 64,
            "messages": [{"role": "user", "content": "Hi"}]}


class TestToday:

    @pytest.mark.parametrize(("day", "codes"), [("2027-01-21", []), ("2027-01-22", ["MOD002"])])
    def test_today_flag(self, tmp_path: Path, day: str, codes: list[str]) -> None:
        """--today gives the verdicts of that day, on both sides of retires_at."""
        path = _jsonl(tmp_path / "a.jsonl", [RETIRING])
        r = check(str(path), "--isolated", "--format", "json", "--select", "MOD002",
                  "--today", day, "--jobs", "2")
        assert codes == [f["code"] for f in json.loads(r.out)]
        assert r.code == 0

    def test_today_from_config(self, tmp_path: Path) -> None:
        """`today = 2027-02-01` in [tool.messages-schema] is used; --today overrides it."""
        (tmp_path / "pyproject.toml").write_text(
            "[tool.messages-schema]\ntoday = 2027-02-01\n", encoding="utf-8")
        path = _jsonl(tmp_path / "a.jsonl", [RETIRING])
        r = check(str(path), "--format", "json", "--select", "MOD002")
        assert ["MOD002"] == [f["code"] for f in json.loads(r.out)]
        r = check(str(path), "--format", "json", "--select", "MOD002", "--today", "2026-12-01")
        assert [] == json.loads(r.out)

    def test_bad_today_is_a_usage_error(self) -> None:
        """A --today that is no date exits 2 and names the value."""
        r = check("-", "--today", "2026-13-01", stdin=b"{}")
        assert r.code == 2
        assert "2026-13-01" in r.err


class TestApiVersion:
    def test_flag_changes_the_verdict(self, tmp_path: Path) -> None:
        """--api-version 2026-10-21 rejects sampling parameters that 2023-06-01 accepts."""
        body = {"model": "claude-sonnet-4-6", "max_tokens": 64, "temperature": 0.5,
                "messages": [{"role": "user", "content": "Hi"}]}
        path = _jsonl(tmp_path / "a.jsonl", [body])
        old = check(str(path), "--isolated", "--format", "json", "--select", "VER")
        new = check(str(path), "--isolated", "--format", "json", "--select", "VER",
                    "--api-version", "2026-10-21")
        assert (0, []) == (old.code, json.loads(old.out))
        assert (1, ["VER001"]) == (new.code, [f["code"] for f in json.loads(new.out)])

    def test_bad_version_is_a_usage_error(self) -> None:
        """An --api-version that is no date exits 2 and names the option."""
        r = check("-", "--api-version", "latest", stdin=b"{}")
        assert (2, True) == (r.code, "api_version" in r.err)


class TestSuppression:
    def test_marker_ignores_codes_and_is_not_an_extra_key(self, tmp_path: Path) -> None:
        """`_messages_schema.ignore` hides codes for that record and is not SCH002."""
        marked = {**GOOD, "temperatur": 1, "_messages_schema": {"ignore": ["SCH002"]}}
        plain = {**GOOD, "temperatur": 1}
        only_marker = {**GOOD, "_messages_schema": {}}
        path = _jsonl(tmp_path / "x.jsonl", [marked, plain, only_marker])
        r = check(str(path), "--isolated", "--format", "json", "--select", "SCH")
        assert _codes(r.out) == [("SCH002", "/temperatur", 2)]

    def test_marker_on_batch_item_and_prefixes(self, tmp_path: Path) -> None:
        """A marker on a batch item takes prefixes and ALL."""
        items = [
            {"custom_id": "a", "params": {"model": "m"}, "_messages_schema": {"ignore": ["SCH"]}},
            {"custom_id": "b", "params": {"model": "m"}, "_messages_schema": {"ignore": "ALL"}},
        ]
        path = _jsonl(tmp_path / "x.jsonl", items)
        assert check(str(path), "--isolated").code == 0

    def test_baseline_round_trip(self, tmp_path: Path) -> None:
        """--add-baseline records today's findings; --baseline hides exactly those."""
        path = _jsonl(tmp_path / "x.jsonl", [{"model": "m"}, {"custom_id": "q", "params": {}}])
        base = tmp_path / "baseline.json"
        r = check(str(path), "--isolated", "--add-baseline", str(base))
        assert r.code == 0
        assert "Wrote" in r.err
        data = orjson.loads(base.read_bytes())
        assert data["version"] == 2
        assert {item["file"] for item in data["findings"]} == {"x.jsonl"}  # beside the file
        records = {item["record"] for item in data["findings"]}
        assert "q" in records
        assert any(rec.startswith("sha256:") for rec in records)
        r = check(str(path), "--isolated", "--baseline", str(base))
        assert r.code == 0, r.out
        # a new problem still shows, and a moved line keeps its baseline entry
        _jsonl(path, [{"custom_id": "q", "params": {}}, {"model": "m"}, {"model": "n"}])
        r = check(str(path), "--isolated", "--baseline", str(base), "--format", "json")
        assert r.code == 1
        assert {f["location"]["line"] for f in json.loads(r.out)} == {3}

    def test_baseline_matches_from_another_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Keys are relative to the baseline file: any working folder and spelling matches."""
        data = tmp_path / "proj" / "data"
        data.mkdir(parents=True)
        _jsonl(data / "x.jsonl", [{"model": "m"}])
        monkeypatch.chdir(tmp_path / "proj")
        assert check("data", "--isolated", "--add-baseline", "base.json").code == 0
        monkeypatch.chdir(data)
        r = check("./x.jsonl", "--isolated", "--baseline", "../base.json")
        assert r.code == 0, r.out
        assert "the baseline hid 3 more" in r.err
        monkeypatch.chdir(tmp_path)
        r = check(str(data / "x.jsonl"), "--isolated", "--baseline", "proj/base.json")
        assert (r.code, "the baseline hid 3 more" in r.err) == (0, True)

    def test_version_1_baseline_is_read_from_the_working_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A 0.1 baseline (paths relative to the working folder) still hides its findings."""
        from messages_schema._records import line_key

        (tmp_path / "data").mkdir()
        path = _jsonl(tmp_path / "data" / "x.jsonl", [{"model": "m"}])
        (tmp_path / "b").mkdir()
        record = line_key(path.read_bytes().strip())
        keys = [{"file": "data/x.jsonl", "record": record, "code": "SCH001",
                 "pointer": "/max_tokens", "count": 1}]
        (tmp_path / "b" / "old.json").write_text(json.dumps({"version": 1, "findings": keys}))
        monkeypatch.chdir(tmp_path)
        r = check("data", "--isolated", "--baseline", "b/old.json", "--format", "json")
        assert "the baseline hid 1 more" in r.err
        assert [] == [f for f in json.loads(r.out) if f["pointer"] == "/max_tokens"]

    def test_summary_without_baseline_says_nothing_of_one(self, tmp_path: Path) -> None:
        """The summary mentions a baseline only when one is in use."""
        r = check(str(_jsonl(tmp_path / "x.jsonl", [{"model": "m"}])), "--isolated")
        assert "baseline" not in r.err

    def test_bad_baseline_is_exit_2(self, tmp_path: Path) -> None:
        """A missing or foreign baseline file is a usage error."""
        path = _jsonl(tmp_path / "x.jsonl", [GOOD])
        assert check(str(path), "--baseline", str(tmp_path / "none.json")).code == 2
        (tmp_path / "foreign.json").write_text("[1, 2]", encoding="utf-8")
        r = check(str(path), "--baseline", str(tmp_path / "foreign.json"))
        assert r.code == 2
        assert "not a messages-schema baseline" in r.err


class TestReporting:
    def test_statistics(self) -> None:
        """--statistics prints a count per code instead of the findings."""
        r = check(str(CLI_DATA), "--isolated", "--statistics", "--select", "SCH,LIM,BATCH")
        lines = r.out.splitlines()
        assert lines, r.err
        assert all(line.split()[1][:3] in ("SCH", "LIM", "BAT") for line in lines)
        assert any("[*]" in line and "LIM003" in line for line in lines)
        assert r.code == 1
        r = check(str(CLI_DATA), "--isolated", "--statistics", "--format", "json",
                  "--select", "SCH001")
        assert json.loads(r.out) == [
            {"code": "SCH001", "name": "missing-field", "count": 1, "fixable": False}
        ]

    def test_text_has_no_colour_unless_tty(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Colour only on a terminal, and never with NO_COLOR."""
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.delenv("FORCE_COLOR", raising=False)
        monkeypatch.setenv("TERM", "xterm")
        path = str(CLI_DATA / "requests.jsonl")
        assert "\x1b[" not in check(path, "--isolated").out
        coloured = check(path, "--isolated", tty=True).out
        assert _COLOURS["error"] in coloured
        monkeypatch.setenv("NO_COLOR", "1")
        assert "\x1b[" not in check(path, "--isolated", tty=True).out

    def test_summary_and_fixable_hint_on_stderr(self) -> None:
        """The summary goes to stderr, so stdout holds only findings."""
        r = check(str(CLI_DATA / "requests.jsonl"), "--isolated", "--format", "jsonl")
        assert "Found" in r.err
        assert "fixable with --fix" in r.err
        assert all(json.loads(line) for line in r.out.splitlines())

    def test_progress_only_on_a_terminal(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The progress line appears on a terminal once the run is slow, and is erased."""
        monkeypatch.setattr(_progress.Progress, "DELAY", 0.0)
        monkeypatch.setattr(_progress.Progress, "INTERVAL", 0.0)
        path = str(CLI_DATA / "requests.jsonl")
        r = check(path, "--isolated", err_tty=True)
        assert "records/s" in r.err
        assert "\r\x1b[K" in r.err
        r = check(path, "--isolated", "--no-progress", err_tty=True)
        assert "records/s" not in r.err
        r = check(path, "--isolated")
        assert "records/s" not in r.err

    def test_unreadable_file_is_exit_2_but_others_are_checked(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An I/O error on one file is reported; the other files are checked; exit 2."""
        first = _jsonl(tmp_path / "a.jsonl", [{"model": "m"}])
        second = _jsonl(tmp_path / "b.jsonl", [{"model": "m"}])

        def flaky_open(path: Any, *args: Any, **kwargs: Any) -> Any:
            if str(path).endswith("a.jsonl"):
                raise PermissionError(13, "Permission denied")
            return builtins.open(path, *args, **kwargs)

        monkeypatch.setattr(checker, "open", flaky_open, raising=False)
        r = check(str(first), str(second), "--isolated", "--format", "json")
        assert r.code == 2
        assert "a.jsonl: Permission denied" in r.err
        assert {f["location"]["file"] for f in json.loads(r.out)} == {str(second)}


class TestJobs:
    @pytest.mark.parametrize("fmt", ["json", "text", "sarif", "junit", "github"])
    def test_output_does_not_depend_on_jobs(self, fmt: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
        """--jobs 1 and --jobs 2 print byte-identical output, many chunks included."""
        monkeypatch.setattr(tasks, "CHUNK_BYTES", 2000)
        items: list[Any] = []
        for i in range(120):
            if i % 5 == 0:
                items.append({"model": "m"})
            elif i % 7 == 0:
                items.append({"custom_id": f"c{i % 3}", "params": GOOD})
            else:
                items.append(GOOD)
        _jsonl(tmp_path / "a.jsonl", items)
        _jsonl(tmp_path / "b.jsonl", list(reversed(items)))
        (tmp_path / "c.json").write_text('{"model": 1}', encoding="utf-8")
        one = check(str(tmp_path), "--isolated", "--format", fmt, "--jobs", "1")
        two = check(str(tmp_path), "--isolated", "--format", fmt, "--jobs", "2")
        assert one.code == two.code == 1
        assert one.out == two.out
        assert one.out

    def test_negative_jobs_is_usage_error(self) -> None:
        """--jobs -1 is rejected."""
        assert check(str(CLI_DATA), "--jobs", "-1").code == 2


class TestParquetAndOddRecords:
    def test_parquet_column_is_checked(self, tmp_path: Path) -> None:
        """`--parquet PATH --column NAME` lints each row's JSON text, with row numbers."""
        import orjson
        import pyarrow as pa
        import pyarrow.parquet as pq

        from messages_schema.cli import run

        rows = [
            orjson.dumps({"model": "m", "max_tokens": 5, "messages": [
                {"role": "user", "content": "hi"}]}).decode(),
            orjson.dumps({"model": "m", "messages": []}).decode(),
        ]
        path = tmp_path / "lake.parquet"
        pq.write_table(pa.table({"body": rows}), path)
        out, err = io.StringIO(), io.StringIO()
        code = run(["check", "--parquet", str(path), "--column", "body", "--format", "json",
                    "--select", "SCH"], stdout=out, stderr=err)
        found = json.loads(out.getvalue())
        assert code == 1
        assert [(f["code"], f["location"]["line"]) for f in found] == [("SCH001", 2)]

    def test_parquet_needs_a_column(self, tmp_path: Path) -> None:
        """Without --column the run is a usage error, exit 2."""
        from messages_schema.cli import run

        err = io.StringIO()
        assert run(["check", "--parquet", str(tmp_path)], stdout=io.StringIO(), stderr=err) == 2
        assert "--column" in err.getvalue()

    def test_jsonl_string_record_is_a_wrong_type(self, tmp_path: Path) -> None:
        """A JSONL line holding a JSON string is a request of the wrong type, not bad JSON."""
        from messages_schema.cli import run

        path = tmp_path / "r.jsonl"
        path.write_text('"hello"\n', encoding="utf-8")
        out = io.StringIO()
        run(["check", str(path), "--format", "json"], stdout=out, stderr=io.StringIO())
        assert [f["code"] for f in json.loads(out.getvalue())] == ["SCH003"]
