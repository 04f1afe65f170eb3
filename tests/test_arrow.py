"""The Arrow batch linter: every text type, chunks, nulls, auto kinds, pickling, Parquet."""

from __future__ import annotations

import functools
import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from messages_schema import ConfigError, LintConfig, Location, lint
from messages_schema.arrow import (
    FINDING_FIELDS,
    findings_schema,
    is_valid_batch,
    lint_batch,
    lint_batches,
    lint_record_batch,
)
from messages_schema.cli import UsageError
from messages_schema.cli._parquet import check_parquet, cli_findings
from tests.support.lake import plain_findings, pool, records

VALID = (
    b'{"model": "claude-sonnet-4-5", "max_tokens": 16,'
    b' "messages": [{"role": "user", "content": "Hi"}]}'
)
NO_MAX_TOKENS = b'{"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": "Hi"}]}'
BAD_JSON = b'{"model": "claude-sonnet-4-5", "max_tokens": '
RESPONSE = (
    b'{"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",'
    b' "content": [{"type": "text", "text": "Hello"}], "stop_reason": "end_turn",'
    b' "stop_sequence": null, "usage": {"input_tokens": 3, "output_tokens": 1}}'
)
BATCH_LINE = b'{"custom_id": "a", "params": {"model": "claude-sonnet-4-5", "messages": []}}'

MIXED: list[bytes | None] = [VALID, NO_MAX_TOKENS, None, BAD_JSON, RESPONSE, BATCH_LINE, b""]

TEXT_TYPES = [pa.string(), pa.large_string(), pa.string_view()]
BINARY_TYPES = [pa.binary(), pa.large_binary(), pa.binary_view()]


def as_array(texts: list[bytes | None], type_: Any) -> Any:
    """*texts* as an Arrow array of *type_* (decoded to str for string types)."""
    if type_ in TEXT_TYPES:
        values: list[Any] = [None if t is None else t.decode("utf-8", "surrogateescape")
                             for t in texts]
        return pa.array(values, type=type_)
    return pa.array(texts, type=type_)


def rows(table: Any) -> list[tuple[Any, ...]]:
    """A findings table as tuples in `plain_findings` order of fields."""
    columns = ["row", *FINDING_FIELDS]
    data = table.select(columns).to_pydict()
    return list(zip(*(data[c] for c in columns), strict=True))


def utf8_records(n: int) -> list[bytes | None]:
    """Generated records that are valid UTF-8 (string arrays cannot hold the others)."""
    out = []
    for t in records(n):
        try:
            if t is not None:
                t.decode("utf-8")
        except UnicodeDecodeError:
            continue
        out.append(t)
    return out


class TestLintBatch:
    @pytest.mark.parametrize("type_", TEXT_TYPES + BINARY_TYPES, ids=str)
    def test_equals_plain_lint_per_record(self, type_: Any) -> None:
        """Every text and binary type gives exactly the findings of lint() per record."""
        texts = utf8_records(600)

        table = lint_batch(as_array(texts, type_), kind="request")

        assert plain_findings(texts, "request") == rows(table)

    def test_dictionary_encoded_column(self) -> None:
        """A dictionary-encoded string column is read as its values."""
        texts = [VALID, NO_MAX_TOKENS, VALID, NO_MAX_TOKENS]
        array = as_array(texts, pa.string()).dictionary_encode()

        assert plain_findings(texts, "request") == rows(lint_batch(array))

    def test_chunked_rows_index_the_whole_input(self) -> None:
        """Row numbers of a ChunkedArray count across chunks."""
        texts = utf8_records(300)
        chunked = pa.chunked_array(
            [as_array(texts[:100], pa.large_string()), as_array(texts[100:], pa.large_string())]
        )

        assert plain_findings(texts, "auto") == rows(lint_batch(chunked, kind="auto"))

    def test_auto_detects_each_record_kind(self) -> None:
        """kind="auto" checks each record as check does: responses, batch lines, pairs, bad text."""
        texts = records(2 * len(pool()))

        table = lint_batch(pa.array(texts, type=pa.binary()), kind="auto")

        assert plain_findings(texts, "auto") == rows(table)
        assert {"request", "response", "batch_request", "batch_result", "error", "stream"} <= set(
            table.column("kind").to_pylist()
        )

    def test_bad_json_rows_are_sch000(self) -> None:
        """Text that is not JSON gives one SCH000 finding on that row, with lint()'s message."""
        table = lint_batch(pa.array([VALID, BAD_JSON, b""], type=pa.binary()))

        assert [1, 2] == table.column("row").to_pylist()
        assert ["SCH000", "SCH000"] == table.column("code").to_pylist()
        assert lint(BAD_JSON)[0].message == table.column("message")[0].as_py()

    def test_nulls_are_skipped_by_default(self) -> None:
        """A null value is no record: no finding."""
        table = lint_batch(pa.array([None, VALID, None], type=pa.binary()))

        assert 0 == table.num_rows

    def test_nulls_invalid_reports_sch000(self) -> None:
        """With nulls="invalid" a null value is one SCH000 finding on its row."""
        table = lint_batch(pa.array([VALID, None], type=pa.binary()), nulls="invalid")

        assert [(1, "SCH000", "error")] == list(
            zip(table["row"].to_pylist(), table["code"].to_pylist(),
                table["severity"].to_pylist(), strict=True)
        )

    def test_nulls_invalid_honours_ignore(self) -> None:
        """An ignored SCH000 also silences null records."""
        config = LintConfig(ignore=["SCH000"])

        table = lint_batch(pa.array([None], type=pa.binary()), config=config, nulls="invalid")

        assert 0 == table.num_rows

    def test_config_is_applied(self) -> None:
        """The config's selection applies to every record."""
        texts = utf8_records(400)
        table = lint_batch(as_array(texts, pa.string()), kind="auto",
                           config=LintConfig(select=["SCH"]))

        assert plain_findings(texts, "auto", select=["SCH"]) == rows(table)
        assert {c[:3] for c in table.column("code").to_pylist()} == {"SCH"}

    def test_all_null_column(self) -> None:
        """A column of Arrow type null (an empty pandas object column) holds no record."""
        array = pa.array([None, None])

        assert (0, [None, None]) == (lint_batch(array).num_rows, is_valid_batch(array).to_pylist())

    def test_empty_input_has_the_schema(self) -> None:
        """No records give an empty table with the findings schema."""
        table = lint_batch(pa.array([], type=pa.string()))

        assert findings_schema() == table.schema
        assert 0 == table.num_rows

    def test_rejects_a_non_text_column(self) -> None:
        """A struct or number column is misuse: TypeError naming to_json."""
        with pytest.raises(TypeError, match="to_json"):
            lint_batch(pa.array([{"model": "m"}]))

    def test_rejects_a_non_arrow_value(self) -> None:
        """A Python list is not an Arrow array."""
        with pytest.raises(TypeError, match="pyarrow Array"):
            lint_batch([VALID])

    def test_rejects_an_unknown_kind(self) -> None:
        """An unknown kind raises ConfigError naming auto."""
        with pytest.raises(ConfigError, match="'auto'"):
            lint_batch(pa.array([VALID]), kind="reqest")

    def test_rejects_an_unknown_nulls_policy(self) -> None:
        """nulls accepts only skip and invalid."""
        with pytest.raises(ConfigError, match="nulls"):
            lint_batch(pa.array([VALID]), nulls="error")  # type: ignore[arg-type]


class TestIsValidBatch:
    def test_agrees_with_lint_batch(self) -> None:
        """A record is valid exactly when lint_batch reports no error on its row."""
        texts = [t for t in records(len(pool())) if t is not None]
        array = pa.array(texts, type=pa.binary())

        found = lint_batch(array, kind="auto")
        pairs = zip(found["row"].to_pylist(), found["severity"].to_pylist(), strict=True)
        errors = {row for row, severity in pairs if severity == "error"}

        verdicts = is_valid_batch(array, kind="auto").to_pylist()

        assert [i not in errors for i in range(len(texts))] == verdicts

    def test_null_verdict_for_null_records(self) -> None:
        """A null record gets a null verdict by default, False with nulls="invalid"."""
        array = pa.array([VALID, None, NO_MAX_TOKENS], type=pa.binary())

        assert [True, None, False] == is_valid_batch(array).to_pylist()
        assert [True, False, False] == is_valid_batch(array, nulls="invalid").to_pylist()

    def test_chunked_input_gives_one_boolean_array(self) -> None:
        """A ChunkedArray gets one BooleanArray as long as the input."""
        chunked = pa.chunked_array([pa.array([VALID]), pa.array([BAD_JSON, VALID])])

        verdicts = is_valid_batch(chunked)

        assert isinstance(verdicts, pa.BooleanArray)
        assert [True, False, True] == verdicts.to_pylist()

    def test_pair_is_valid_only_when_both_sides_are(self) -> None:
        """A request/response pair is valid when both sides are."""
        good = b'{"request": ' + VALID + b', "response": ' + RESPONSE + b"}"
        bad = b'{"request": ' + NO_MAX_TOKENS + b', "response": ' + RESPONSE + b"}"

        verdicts = is_valid_batch(pa.array([good, bad], type=pa.binary()), kind="auto")

        assert [True, False] == verdicts.to_pylist()


class TestLintRecordBatch:
    def test_keep_columns_ride_along(self) -> None:
        """Kept columns are repeated on each finding, right after row."""
        batch = pa.record_batch({"id": pa.array(["a", "b", "c"]),
                                 "body": pa.array([VALID, NO_MAX_TOKENS, BAD_JSON])})

        found = lint_record_batch(batch, "body", keep=["id"])

        assert isinstance(found, pa.RecordBatch)
        assert ["row", "id", *FINDING_FIELDS] == found.schema.names
        assert [("b", "SCH001"), ("c", "SCH000")] == list(
            zip(found["id"].to_pylist(), found["code"].to_pylist(), strict=True)
        )

    def test_table_in_table_out(self) -> None:
        """A Table (what Ray Data passes) gives a Table."""
        table = pa.table({"body": pa.array([NO_MAX_TOKENS], type=pa.large_binary())})

        found = lint_record_batch(table, "body")

        assert isinstance(found, pa.Table)
        assert ["SCH001"] == found["code"].to_pylist()

    def test_missing_column(self) -> None:
        """A column that is not there raises KeyError naming the columns."""
        batch = pa.record_batch({"body": pa.array([VALID])})

        with pytest.raises(KeyError, match="'payload'"):
            lint_record_batch(batch, "payload")


class TestLintBatches:
    def test_rows_count_across_the_stream(self) -> None:
        """The iterator form numbers rows across batches, one findings batch per input batch."""
        texts = utf8_records(250)
        table = pa.table({"body": as_array(texts, pa.string())})

        out = list(lint_batches(table.to_batches(max_chunksize=64), "body", kind="auto"))

        assert 4 == len(out)
        assert plain_findings(texts, "auto") == rows(pa.Table.from_batches(out))

    def test_is_lazy(self) -> None:
        """Nothing is linted before the first batch is asked for."""

        def boom() -> Any:
            msg = "consumed too early"
            raise AssertionError(msg)
            yield  # pragma: no cover

        lint_batches(boom(), "body")


def _lint_in_worker(func: Any, payload: bytes) -> list[tuple[Any, ...]]:
    batch = pa.ipc.open_stream(payload).read_all().to_batches()
    return rows(pa.Table.from_batches(list(func(batch))))


class TestPickling:
    def test_config_round_trips(self) -> None:
        """A LintConfig pickles to an equal, equally hashed value."""
        config = LintConfig(select=["SCH", "TOOL"], ignore=["SCH003"], betas=["b-1"],
                            model="claude-sonnet-4-5", per_file_ignores={"*.jsonl": ["MOD"]})

        copy = pickle.loads(pickle.dumps(config))

        assert config == copy
        assert hash(config) == hash(copy)

    @pytest.mark.parametrize(
        "func", [lint_batch, is_valid_batch, lint_record_batch, lint_batches, check_parquet]
    )
    def test_functions_pickle_by_reference(self, func: Any) -> None:
        """The public functions pickle (by reference), as engines ship them."""
        assert func is pickle.loads(pickle.dumps(func))

    def test_partial_runs_in_another_process(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A pickled partial of lint_batches gives the same findings in a spawned worker."""
        # The spawned worker imports this module by name: make that independent of the
        # working directory earlier tests may have left.
        here = Path(__file__).resolve().parent
        monkeypatch.chdir(here.parent)
        paths = [str(here), str(here.parent), os.environ.get("PYTHONPATH", "")]
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
        texts = utf8_records(120)
        config = LintConfig(ignore=["MOD"])
        func = functools.partial(lint_batches, column="body", kind="auto", config=config)
        table = pa.table({"body": as_array(texts, pa.string())})
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=context) as pool_:
            remote = pool_.submit(_lint_in_worker, func, sink.getvalue().to_pybytes()).result()

        assert plain_findings(texts, "auto", ignore=["MOD"]) == remote


def write_parquet(path: Path, texts: list[bytes | None], **options: Any) -> None:
    """*texts* as a ``body`` binary column beside an ``id`` string column."""
    table = pa.table({
        "id": pa.array([f"rec-{i}" for i in range(len(texts))]),
        "body": pa.array(texts, type=pa.binary()),
    })
    pq.write_table(table, path, **options)


class TestCheckParquet:
    def test_equals_plain_lint_with_rows_as_lines(self, tmp_path: Path) -> None:
        """Findings are lint()'s per record, located at file and 1-based row."""
        texts = records(700)
        path = tmp_path / "lake.parquet"
        write_parquet(path, texts, row_group_size=100)

        found = list(check_parquet(path, "body", batch_size=64))

        expected = [(r + 1, code, pointer, message)
                    for r, _, code, _, _, _, pointer, message in plain_findings(texts, "auto")]
        assert expected == [(f.location.line, f.code, f.pointer, f.message) for f in found]
        assert {str(path)} == {f.location.file for f in found}

    def test_batch_size_does_not_change_findings(self, tmp_path: Path) -> None:
        """One row at a time or all at once, the findings are the same."""
        path = tmp_path / "lake.parquet"
        write_parquet(path, records(150))

        assert list(check_parquet(path, "body", batch_size=1)) == list(
            check_parquet(path, "body", batch_size=100_000)
        )

    def test_folder_is_read_file_by_file(self, tmp_path: Path) -> None:
        """A folder of Parquet files is read in path order, rows counted per file."""
        write_parquet(tmp_path / "b.parquet", [VALID, NO_MAX_TOKENS])
        write_parquet(tmp_path / "a.parquet", [BAD_JSON])

        found = list(check_parquet(tmp_path, "body", kind="request"))

        assert [
            Location(file=str(tmp_path / "a.parquet"), line=1, record=None),
            Location(file=str(tmp_path / "b.parquet"), line=2, record=None),
        ] == [f.location for f in found]

    def test_record_names(self, tmp_path: Path) -> None:
        """The record is the document's custom_id, or the value of record_column."""
        path = tmp_path / "lake.parquet"
        write_parquet(path, [BATCH_LINE])

        by_document = {f.location.record for f in check_parquet(path, "body")}
        by_column = {f.location.record for f in check_parquet(path, "body", record_column="id")}

        assert ({"a"}, {"rec-0"}) == (by_document, by_column)

    def test_missing_column(self, tmp_path: Path) -> None:
        """An unknown column raises KeyError before anything is read."""
        path = tmp_path / "lake.parquet"
        write_parquet(path, [VALID])

        with pytest.raises(KeyError, match="'payload'"):
            check_parquet(path, "payload")

    def test_missing_path(self, tmp_path: Path) -> None:
        """A path that does not exist raises FileNotFoundError."""
        with pytest.raises(FileNotFoundError):
            check_parquet(tmp_path / "nope.parquet", "body")


class TestCliFindings:
    def test_located_findings_of_one_file(self, tmp_path: Path) -> None:
        """The CLI entry point returns check_parquet's findings, honouring config.kind."""
        path = tmp_path / "lake.parquet"
        write_parquet(path, [VALID, NO_MAX_TOKENS])

        found = cli_findings(str(path), "body", LintConfig(kind="request"))

        assert [(2, "SCH001")] == [(f.location.line, f.code) for f in found]

    @pytest.mark.parametrize(
        ("column", "missing", "match"),
        [(None, False, "--column"), ("payload", False, "'payload'"), ("body", True, "no such"),
         ("id", False, "JSON text")],
    )
    def test_misuse_is_a_usage_error(
        self, tmp_path: Path, column: str | None, missing: bool, match: str
    ) -> None:
        """No column, an unknown column, a missing path or a non-text column exit 2."""
        path = tmp_path / "lake.parquet"
        if not missing:
            pq.write_table(pa.table({"id": [1], "body": [VALID]}), path)

        with pytest.raises(UsageError, match=match):
            cli_findings(str(path), column, LintConfig())
