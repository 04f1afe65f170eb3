"""
Benchmark harness: every method as a ratio to ``orjson.loads`` of the same bytes.

Measures in one process with interleaved rounds: each round runs every method once, in
an order rotated by one each round; a method's ratio for a round is its time over the
parse floor's time in that same round; the table reports the median over rounds. No
absolute time is ever compared across runs.

    python bench/run.py                 # full run: Markdown table on stdout, JSON beside it
    python bench/run.py --smoke         # a few iterations, to check the harness works
    python bench/run.py --json out.json --rounds 21

A second table gives the documents of issue 22 as rows (a 119-byte request valid, with
structural problems and with a semantic one; a 1 KB request with and without an empty
text block), and the corpus gains a mixed twin whose records are 10% bad.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import payloads  # noqa: E402

import messages_schema  # noqa: E402
from messages_schema import _records, schemas  # noqa: E402

#: The day the verdicts are given for: the payloads measure the same rules on any day.
CONFIG = messages_schema.LintConfig(today=datetime.date(2026, 12, 1))

Method = Callable[[bytes], Any]


def _peers(kind: str) -> dict[str, Method]:
    """What a user would pick instead of messages-schema, when installed."""
    out: dict[str, Method] = {}
    schema = schemas.shared(kind)
    import jsonschema

    py_validator = jsonschema.Draft202012Validator(schema, registry=schemas.registry())
    out["python jsonschema (our schema)"] = lambda b: py_validator.is_valid(orjson.loads(b))
    import jsonschema_rs

    rs_registry = jsonschema_rs.Registry(
        [(schemas.uri(s), schemas.shared(s)) for s in schemas.NAMES]
    )
    rs_validator = jsonschema_rs.validator_for(schema, registry=rs_registry)
    out["jsonschema-rs alone (our schema)"] = lambda b: rs_validator.is_valid(orjson.loads(b))
    try:
        from tests.support.sdk.oracle import adapter

        sdk = adapter(kind)

        def sdk_verdict(data: bytes) -> bool:
            try:
                sdk.validate_json(data)
            except ValueError:  # pydantic's ValidationError: its "invalid"
                return False
            return True

        out["SDK pydantic types (eager rebuild)"] = sdk_verdict
    except ImportError:  # the SDK is a test-only dependency
        pass
    return out


def methods_for(kind: str) -> dict[str, Method]:
    """Every method measured on one payload kind, the parse floor first."""
    linter = messages_schema.Linter(CONFIG)
    out: dict[str, Method] = {
        "orjson.loads (floor)": orjson.loads,
        "messages_schema.is_valid": lambda b: linter.is_valid(b, kind=kind),
        "messages_schema.lint": lambda b: linter.lint(b, kind=kind),
    }
    if kind == "request":
        try:
            from messages_schema.normalize import normalize_request

            out["normalize_request (incl. parse)"] = lambda b: normalize_request(orjson.loads(b))
        except ImportError:
            pass
    if kind == "response":
        try:
            from messages_schema import loads
            from messages_schema.models import Message

            out["loads(bytes, Message)"] = lambda b: loads(b, Message)
        except ImportError:
            pass
    out.update(_peers(kind))
    return out


def corpus_methods(lines: list[bytes]) -> dict[str, Callable[[], Any]]:
    """Per-record loops over a JSONL corpus, each record's kind detected from its shape."""
    linter = messages_schema.Linter(CONFIG)
    kinds = [_records.detect_kind(orjson.loads(line)) for line in lines]
    pairs = list(zip(lines, kinds, strict=True))

    def floor() -> None:
        for line in lines:
            orjson.loads(line)

    def valid() -> None:
        for line, kind in pairs:
            linter.is_valid(line, kind=kind)

    def full() -> None:
        for line, kind in pairs:
            linter.lint(line, kind=kind)

    return {
        "orjson.loads (floor)": floor,
        "messages_schema.is_valid": valid,
        "messages_schema.lint": full,
    }


def _time(fn: Callable[[], Any], number: int) -> float:
    gc.collect()
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def measure(calls: dict[str, Callable[[], Any]], rounds: int, budget: float) -> dict[str, float]:
    """Median per-round ratio of each call to the first one (the floor)."""
    names = list(calls)
    floor = names[0]
    # Calibrate: enough iterations that one timing of each method takes about *budget* s.
    numbers = {}
    for name in names:
        calls[name]()  # warm caches (compiled validators, imports)
        one = max(_time(calls[name], 1), 1e-7)
        numbers[name] = max(1, int(budget / one))
    ratios: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        times = {name: _time(calls[name], numbers[name]) for name in order}
        for name in names:
            ratios[name].append(times[name] / times[floor])
    return {name: statistics.median(values) for name, values in ratios.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--smoke", action="store_true", help="tiny run that checks the harness")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--budget", type=float, default=0.05, help="seconds per timing")
    parser.add_argument("--corpus-mb", type=float, default=5.0)
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rounds, args.budget, args.corpus_mb = 2, 0.002, 0.2

    results: dict[str, dict[str, float]] = {}
    sizes: dict[str, int] = {}
    for label, make in payloads.PAYLOADS.items():
        data = orjson.dumps(make())
        sizes[label] = len(data)
        kind = "response" if label.startswith("response") else "request"
        calls = {name: (lambda m=m, d=data: m(d)) for name, m in methods_for(kind).items()}
        results[label] = measure(calls, args.rounds, args.budget)
    for label, corpus in (
        ("jsonl_corpus", payloads.jsonl_corpus(args.corpus_mb)),
        ("jsonl_mixed", payloads.jsonl_corpus(args.corpus_mb, bad=0.1)),
    ):
        lines = [line for line in corpus.split(b"\n") if line]
        sizes[label] = len(corpus)
        results[label] = measure(corpus_methods(lines), args.rounds, args.budget * 4)
    _table("method", results, sizes, columns=list(results))

    documents: dict[str, dict[str, float]] = {}
    for label, (make, _) in payloads.INVALID_PAYLOADS.items():
        data = orjson.dumps(make())
        sizes[label] = len(data)
        methods = methods_for("request")
        calls = {name: (lambda m=m, d=data: m(d)) for name, m in methods.items()}
        documents[label] = measure(calls, args.rounds, args.budget)
    print()
    _table("document", documents, sizes, columns=list(documents), transpose=True)
    print(
        f"\nratios to orjson.loads of the same bytes; median of {args.rounds} interleaved rounds; "
        f"python {sys.version.split()[0]}; verdicts as of {CONFIG.today}"
    )
    if args.json:
        args.json.write_bytes(
            orjson.dumps(
                {
                    "rounds": args.rounds,
                    "sizes": sizes,
                    "ratios": results,
                    "documents": documents,
                },
                option=orjson.OPT_INDENT_2,
            )
        )
    return 0


def _table(
    first: str,
    results: dict[str, dict[str, float]],
    sizes: dict[str, int],
    *,
    columns: list[str],
    transpose: bool = False,
) -> None:
    """Print *results* (payload -> method -> ratio) as Markdown, methods as rows or columns."""
    methods = sorted({name for r in results.values() for name in r}, key=_row_order)
    if transpose:
        methods = [m for m in methods if m != "orjson.loads (floor)"]
        print(f"| {first} | " + " | ".join(methods) + " |")
        print("|---|" + "---|" * len(methods))
        for label in columns:
            cells = [_cell(results[label].get(m)) for m in methods]
            print(f"| {label} ({_size(sizes[label])}) | " + " | ".join(cells) + " |")
        return
    print(f"| {first} | " + " | ".join(f"{k} ({_size(sizes[k])})" for k in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name in methods:
        print(f"| {name} | " + " | ".join(_cell(results[k].get(name)) for k in columns) + " |")


def _cell(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    return f"{ratio:.1f}×" if ratio >= 10 else f"{ratio:.2f}×"


def _row_order(name: str) -> tuple[int, str]:
    order = [
        "orjson.loads (floor)",
        "messages_schema.is_valid",
        "messages_schema.lint",
        "normalize_request (incl. parse)",
        "loads(bytes, Message)",
    ]
    return (order.index(name) if name in order else len(order), name)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


if __name__ == "__main__":
    raise SystemExit(main())
