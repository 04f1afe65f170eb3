"""
Throughput of the Arrow batch linter and the Spark adapter versus plain ``lint``, per core.

    python bench/arrow_scale.py [N]            # N records (default 200,000)
    python bench/arrow_scale.py --rss PATH     # peak RSS of check_parquet over PATH

Records are the test lake's (``tests/support/lake.py``): mixed requests, responses,
batch lines, pairs, streams and broken text, ~500 bytes on average. Each figure is
records per second of wall time; Spark figures exclude session start-up but include
reading the Parquet lake and writing the findings.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyarrow as pa
import pyarrow.parquet as pq

from messages_schema import lint
from messages_schema.arrow import lint_batch
from messages_schema.cli._parquet import check_parquet
from tests.support.lake import records


def rate(n: int, seconds: float, cpu: float | None = None) -> str:
    out = f"{n / seconds:>9,.0f} rec/s  ({seconds:6.2f} s)"
    if cpu is not None:
        out += f"  cpu {n / cpu:,.0f} rec/s"
    return out


class Clock:
    """Wall and CPU time of one process; CPU time is what a core would give undisturbed."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def rate(self, n: int) -> str:
        return rate(n, time.perf_counter() - self.wall, time.process_time() - self.cpu)


def plain(texts: list[bytes | None]) -> None:
    clock = Clock()
    for raw in texts:
        if raw is not None:
            lint(raw, kind="request")
    print("plain lint, kind=request, 1 process    ", clock.rate(len(texts)))


def arrow(texts: list[bytes | None]) -> None:
    array = pa.array(texts, type=pa.binary())
    for kind in ("request", "auto"):
        clock = Clock()
        lint_batch(array, kind=kind)
        print(f"lint_batch, kind={kind:<7}, 1 process  ", clock.rate(len(texts)))


def write_lake(texts: list[bytes | None], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.table({"id": pa.array(range(len(texts)), type=pa.int64()),
                      "body": pa.array(texts, type=pa.binary())})
    step = 25_000
    for part, start in enumerate(range(0, len(texts), step)):
        pq.write_table(table.slice(start, step), folder / f"part-{part:04d}.parquet",
                       row_group_size=5_000)


def spark(n: int, lake: Path, out: Path) -> None:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    from pyspark.sql import SparkSession

    from messages_schema.engines.spark import lint_spark

    for cores in (1, 2):
        started = time.perf_counter()
        session = (SparkSession.builder.master(f"local[{cores}]")
                   .config("spark.ui.enabled", "false")
                   .config("spark.driver.host", "127.0.0.1")
                   .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
        up = time.perf_counter()
        df = session.read.parquet(str(lake))
        lint_spark(df, "body", kind="auto", keep=["id"]).write.mode("overwrite").parquet(str(out))
        done = time.perf_counter()
        session.stop()
        print(f"spark local[{cores}] (start {up - started:5.1f} s)      ",
              rate(n, done - up), f" = {n / (done - up) / cores:,.0f} per core")


def peak_rss(path: str) -> None:
    count = sum(1 for _ in check_parquet(path, "body", batch_size=4096))
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the parent.
    status = Path("/proc/self/status").read_text().splitlines()
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
    print(f"check_parquet {path}: {count} findings, peak RSS {peak:.0f} MiB")


def main() -> None:
    if sys.argv[1:2] == ["--rss"]:
        peak_rss(sys.argv[2])
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    texts = records(n)
    print(f"{n:,} records, {sum(len(t or b'') for t in texts) / 1e6:.1f} MB of JSON")
    plain(texts)
    arrow(texts)
    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp) / "small", Path(tmp) / "big"
        write_lake(texts[: n // 4], small)
        write_lake(texts, big)
        clock = Clock()
        sum(1 for _ in check_parquet(big, "body"))
        print("check_parquet, kind=auto, 1 process    ", clock.rate(n))
        for folder in (small, big):
            subprocess.run([sys.executable, __file__, "--rss", str(folder)], check=True)
        spark(n, big, Path(tmp) / "out")


if __name__ == "__main__":
    main()
