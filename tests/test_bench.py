"""The benchmark harness runs (smoke mode): no timing is asserted, only that it works."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

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
                                   "jsonl_corpus", "jsonl_mixed"}
    for ratios in data["ratios"].values():
        assert ratios["orjson.loads (floor)"] == 1.0
        assert all(value > 0 for value in ratios.values())
    assert "jsonl_mixed" in data["ratios"]
    assert set(data["documents"]) == set(payloads_module().INVALID_PAYLOADS)
    assert "| request_tiny_structural (120 B) |" in result.stdout


def payloads_module() -> Any:
    """`bench/payloads.py`, imported."""
    sys.path.insert(0, str(ROOT / "bench"))
    import payloads

    return payloads


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
        [sys.executable, str(ROOT / "bench" / "cli_throughput.py"), "--smoke", "--bad", "0.1"],
        capture_output=True, text=True, timeout=600, check=False, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "throughput / bare orjson.loads loop, wall:" in result.stdout
    assert "peak RSS of check:" in result.stdout
    assert "records/s with start-up" in result.stdout


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


def test_problem_documents_give_their_findings() -> None:
    """Each issue-22 document is deterministic and has exactly the error codes it names."""
    import orjson

    from messages_schema import lint

    for make, codes in payloads_module().INVALID_PAYLOADS.values():
        assert orjson.dumps(make()) == orjson.dumps(make())
        assert tuple(sorted({f.code for f in lint(make()) if f.is_error})) == codes


def test_mixed_corpus_has_a_tenth_bad_records() -> None:
    """`jsonl_corpus(bad=0.1)`: the valid corpus's records plus about 10% with errors."""
    import orjson

    from messages_schema import _records, lint

    payloads = payloads_module()
    assert payloads.jsonl_corpus(0.2, bad=0.0) == payloads.jsonl_corpus(0.2)
    lines = payloads.jsonl_corpus(0.5, bad=0.1).splitlines()
    assert lines == payloads.jsonl_corpus(0.5, bad=0.1).splitlines()
    codes: Counter[str] = Counter()
    bad = 0
    for line in lines:
        errors = {f.code for f in lint(line, kind=_records.detect_kind(orjson.loads(line)))
                  if f.is_error}  # fmt: skip
        bad += bool(errors)
        codes.update(errors)
    assert 0.05 < bad / len(lines) < 0.15
    assert {"SCH002", "SCH003", "TURN001"} <= set(codes)
