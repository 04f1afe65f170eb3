"""
Throughput of ``messages-schema check`` on a JSONL corpus, as a ratio to a bare loop.

    python bench/cli_throughput.py                  # 50 MB corpus, 3 rounds, --jobs 1
    python bench/cli_throughput.py --mb 5 --jobs 2 --rounds 5
    python bench/cli_throughput.py --bad 0.1        # 10% of the records have a problem
    python bench/cli_throughput.py --smoke          # a tiny run that checks it works

The floor is a fresh interpreter reading the same file line by line with
``orjson.loads`` and nothing else. Both run as child processes in interleaved rounds;
the ratio is floor time over check time (1.0 = as fast as parsing alone; higher is
better), the median over rounds, both with and without each program's start-up (its
time on an empty file). Peak RSS comes from ``wait4`` of each child, once for the full
corpus and once for a tenth of it: equal figures mean memory does not grow with input.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

_FLOOR = """
import sys, orjson
with open(sys.argv[1], "rb") as stream:
    for line in stream:
        if line.strip():
            orjson.loads(line)
"""


def _run(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process; its output is discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # 1: the corpus has error findings
        msg = f"{argv[:4]} exited {proc.returncode}"
        raise RuntimeError(msg)
    return elapsed, int(usage.ru_maxrss)


def _write_corpus(path: Path, megabytes: float, bad: float = 0.0) -> None:
    """
    Write the corpus from a child process.

    A child's peak RSS starts at its parent's high-water mark (Linux keeps it across
    ``fork`` and ``exec``), so this process never holds the corpus itself.
    """
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import payloads; "
        "data = payloads.jsonl_corpus(float(sys.argv[3]), float(sys.argv[4])); "
        "open(sys.argv[2], 'wb').write(data)"
    )
    argv = [sys.executable, "-c", code, str(HERE), str(path), str(megabytes), str(bad)]
    subprocess.run(argv, check=True)


def _check(path: Path, jobs: int) -> list[str]:
    return [
        sys.executable, "-m", "messages_schema", "check", str(path),
        "--jobs", str(jobs), "--no-progress", "--isolated", "--today", "2026-12-01",
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size in MB")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--bad", type=float, default=0.0, help="fraction of records with a problem (0.1: 10%%)"
    )
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.mb, args.rounds = 0.2, 1

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp, "corpus.jsonl")
        tenth = Path(tmp, "tenth.jsonl")
        _write_corpus(corpus, args.mb, args.bad)
        _write_corpus(tenth, args.mb / 10, args.bad)
        empty = Path(tmp, "empty.jsonl")
        empty.write_bytes(b"")
        floor = [sys.executable, "-c", _FLOOR]

        floor_start = statistics.median(_run([*floor, str(empty)])[0] for _ in range(3))
        check_start = statistics.median(_run(_check(empty, args.jobs))[0] for _ in range(3))
        wall, steady, check_times = [], [], []
        rss = 0
        for r in range(args.rounds):
            order = ["floor", "check"] if r % 2 == 0 else ["check", "floor"]
            times = {}
            for name in order:
                if name == "floor":
                    times[name] = _run([*floor, str(corpus)])[0]
                else:
                    times[name], rss = _run(_check(corpus, args.jobs))
            wall.append(times["floor"] / times["check"])
            check_times.append(times["check"])
            steady.append((times["floor"] - floor_start) / (times["check"] - check_start))
        _, rss_tenth = _run(_check(tenth, args.jobs))
        size = corpus.stat().st_size
        lines = corpus.read_bytes().count(b"\n")

    ratio, ratio_steady = statistics.median(wall), statistics.median(steady)
    check_time = statistics.median(check_times)
    print(
        f"corpus: {size / 1e6:.1f} MB, {lines:,} records ({args.bad:.0%} with a problem); "
        f"check --jobs {args.jobs}"
    )
    print(f"start-up: floor {floor_start:.2f} s, check {check_start:.2f} s")
    print(
        f"check: {lines / check_time:,.0f} records/s with start-up, "
        f"{lines / max(check_time - check_start, 1e-9):,.0f} records/s without"
    )
    print(f"throughput / bare orjson.loads loop, wall:             {ratio:.2f}×")
    print(f"throughput / bare orjson.loads loop, start-up removed: {ratio_steady:.2f}×")
    print(f"peak RSS of check: {rss / 1024:.0f} MiB; on a tenth of it: {rss_tenth / 1024:.0f} MiB")
    print(f"median of {args.rounds} interleaved rounds; python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
