"""The benchmark harness runs (smoke mode): no timing is asserted, only that it works."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_harness_smoke(tmp_path: Path) -> None:
    """`bench/run.py --smoke` prints a table with every payload and writes its JSON."""
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--json", str(out)],
        capture_output=True, text=True, timeout=600, check=False, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "| messages_schema.is_valid |" in result.stdout
    data = json.loads(out.read_text())
    assert set(data["ratios"]) == {"request_1kb", "agentic_50kb", "media_1mb", "response_2kb",
                                   "jsonl_corpus"}
    for ratios in data["ratios"].values():
        assert ratios["orjson.loads (floor)"] == 1.0
        assert all(value > 0 for value in ratios.values())


def test_payloads_are_deterministic_and_valid() -> None:
    """The generators give the same bytes every time, and documents the API would accept."""
    sys.path.insert(0, str(ROOT / "bench"))
    import orjson
    import payloads

    from messages_schema import lint

    for label, make in payloads.PAYLOADS.items():
        assert orjson.dumps(make()) == orjson.dumps(make())
        kind = "response" if label.startswith("response") else "request"
        assert [f.to_dict() for f in lint(make(), kind=kind) if f.is_error] == []
    assert payloads.jsonl_corpus(0.05) == payloads.jsonl_corpus(0.05)


def test_cli_throughput_smoke() -> None:
    """`bench/cli_throughput.py --smoke` runs `check` and the floor loop and reports both."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "cli_throughput.py"), "--smoke"],
        capture_output=True, text=True, timeout=600, check=False, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "throughput / bare orjson.loads loop, wall:" in result.stdout
    assert "peak RSS of check:" in result.stdout


def test_corpus_lints_without_errors() -> None:
    """The JSONL corpus holds only records the API would accept (unique custom_ids too)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import orjson
    import payloads

    from messages_schema import _records, lint

    ids = []
    for line in payloads.jsonl_corpus(0.2).splitlines():
        value = orjson.loads(line)
        kind = _records.detect_kind(value)
        assert [f.code for f in lint(line, kind=kind) if f.is_error] == []
        if kind.startswith("batch"):
            ids.append(value["custom_id"])
    assert ids
    assert len(ids) == len(set(ids))
