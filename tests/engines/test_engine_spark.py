"""The Spark adapter on a local[2] cluster: a 100,000-record Parquet lake, linted exactly."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

from messages_schema import ConfigError, LintConfig
from messages_schema.arrow import FINDING_FIELDS
from messages_schema.engines.spark import lint_spark
from tests.support.clock import PINNED_TODAY
from tests.support.lake import plain_findings, records

pytestmark = [
    # pyspark 4 warns on import paths it checks when pandas is 3.x; mapInArrow never
    # converts to pandas, so the warning says nothing about this adapter.
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    # One local Spark cluster for the suite: under pytest-xdist these tests share a worker.
    pytest.mark.xdist_group("spark"),
]

#: Records in the lake: at least 100,000 as issue 13 asks.
LAKE_SIZE = 100_000

VALID = (
    b'{"model": "claude-sonnet-4-6", "max_tokens": 16,'
    b' "messages": [{"role": "user", "content": "Hi"}]}'
)
NO_MAX_TOKENS = b'{"model": "claude-sonnet-4-6", "messages": [{"role": "user", "content": "Hi"}]}'


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A local[2] Spark session whose Python workers run this interpreter, on loopback only."""
    saved = {k: os.environ.get(k) for k in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON",
                                            "SPARK_LOCAL_IP")}
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    session = (
        SparkSession.builder.master("local[2]")
        .appName("messages-schema-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def read_findings(df: Any, out: Path) -> list[tuple[Any, ...]]:
    """Write a findings DataFrame with Spark, read it back with pyarrow, as sorted tuples."""
    df.write.mode("overwrite").parquet(str(out))
    table = pq.read_table(out)
    columns = [c for c in table.schema.names if c not in FINDING_FIELDS] + list(FINDING_FIELDS)
    data = table.select(columns).to_pydict()
    return sorted(zip(*(data[c] for c in columns), strict=True))


class TestLintSpark:
    def test_lake_of_100k_records_matches_plain_lint(
        self, spark: Any, tmp_path: Path, record_property: Any
    ) -> None:
        """Every finding of a 100,000-record Parquet lake is exactly lint()'s, record by record."""
        started = time.perf_counter()
        texts = records(LAKE_SIZE)
        lake = tmp_path / "lake"
        lake.mkdir()
        table = pa.table({"id": pa.array(range(LAKE_SIZE), type=pa.int64()),
                          "body": pa.array(texts, type=pa.binary())})
        for part, start in enumerate(range(0, LAKE_SIZE, 25_000)):
            pq.write_table(table.slice(start, 25_000), lake / f"part-{part}.parquet",
                           row_group_size=5_000)
        written = time.perf_counter()

        df = spark.read.parquet(str(lake))
        # Spark's Python workers do not see the suite's pinned clock: the day goes in the config.
        config = LintConfig(today=PINNED_TODAY)
        found = read_findings(
            lint_spark(df, "body", kind="auto", keep=["id"], config=config), tmp_path / "out"
        )
        engine = time.perf_counter()

        expected = sorted(plain_findings(texts, "auto"))
        plain = time.perf_counter()

        record_property("generate_s", round(written - started, 2))
        record_property("spark_s", round(engine - written, 2))
        record_property("plain_s", round(plain - engine, 2))
        assert len(expected) > LAKE_SIZE // 2
        assert expected == found

    def test_fixed_kind_on_a_string_column(self, spark: Any, tmp_path: Path) -> None:
        """A string column checked as requests, with a config, gives lint()'s findings."""
        texts = [VALID, NO_MAX_TOKENS, b"{", None, b'{"model": 5}']
        df = spark.createDataFrame(
            [(i, None if t is None else t.decode()) for i, t in enumerate(texts)],
            "id long, body string",
        )
        config = LintConfig(select=["SCH"], today=PINNED_TODAY)

        found = read_findings(
            lint_spark(df, "body", kind="request", config=config, keep=["id"]), tmp_path / "out"
        )

        assert sorted(plain_findings(texts, "request", select=["SCH"])) == found

    def test_nulls_invalid_and_no_keep(self, spark: Any, tmp_path: Path) -> None:
        """With nulls="invalid" a null row is SCH000; without keep only finding columns remain."""
        df = spark.createDataFrame([(None,), (bytearray(VALID),)], "body binary")

        result = lint_spark(df, "body", nulls="invalid")

        assert list(FINDING_FIELDS) == result.columns
        assert [("request", "SCH000")] == [(r.kind, r.code) for r in result.collect()]

    def test_large_var_types(self, spark: Any, tmp_path: Path) -> None:
        """The findings still match Spark's schema when Arrow large strings are on."""
        df = spark.createDataFrame([(1, NO_MAX_TOKENS.decode())], "id long, body string")
        key = "spark.sql.execution.arrow.useLargeVarTypes"
        before = spark.conf.get(key)
        spark.conf.set(key, "true")
        try:
            codes = [r.code for r in lint_spark(df, "body", keep=["id"]).collect()]
        finally:
            spark.conf.set(key, before)

        assert ["SCH001"] == codes

    def test_rejects_a_non_text_column(self, spark: Any) -> None:
        """A number column raises TypeError naming to_json."""
        df = spark.createDataFrame([(1,)], "body long")

        with pytest.raises(TypeError, match="to_json"):
            lint_spark(df, "body")

    def test_rejects_unknown_columns_and_kinds(self, spark: Any) -> None:
        """Unknown columns raise KeyError and unknown kinds ConfigError, before any job runs."""
        df = spark.createDataFrame([("{}",)], "body string")

        with pytest.raises(KeyError, match="'id'"):
            lint_spark(df, "body", keep=["id"])
        with pytest.raises(ConfigError):
            lint_spark(df, "body", kind="requests")
