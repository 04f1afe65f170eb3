"""
Lint columns of JSON records held in Apache Arrow: arrays, record batches, streams of batches.

Each record is read as opaque JSON text (a ``string``, ``large_string``, ``binary`` or
``large_binary`` value, or their ``*_view`` and dictionary-encoded forms), so one
schema-less column can hold requests, responses and batch lines side by side. The
findings of a column are exactly the findings `messages_schema.lint` gives each record;
this module only moves columns in and out.

Every function here is pure and module-level, and every argument (`LintConfig`
included) pickles, so an engine can ship them to workers: Spark ``mapInArrow``, Ray Data
``map_batches``, Dask ``map_partitions``, DuckDB or Polars (see
`messages_schema.engines.spark` for the tested adapter). The only state is the
per-process cache of compiled linters behind `messages_schema.linter.get_linter`.

Needs the ``arrow`` extra: ``pip install 'messages-schema[arrow]'``.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

try:
    import pyarrow as pa  # type: ignore[import-untyped]
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    msg = (
        "messages_schema.arrow needs pyarrow.\n"
        "Install it with: pip install 'messages-schema[arrow]'"
    )
    raise ImportError(msg) from exc

from messages_schema._records import (
    AUTO,
    Nulls,
    check_kind,
    check_nulls,
    lint_record,
    record_is_valid,
)
from messages_schema.config import LintConfig
from messages_schema.linter import Linter, get_linter

__all__ = [
    "AUTO",
    "FINDING_FIELDS",
    "findings_schema",
    "is_valid_batch",
    "lint_batch",
    "lint_batches",
    "lint_record_batch",
]

#: The columns of a findings table after ``row``: one string column each.
FINDING_FIELDS: tuple[str, ...] = (
    "kind",
    "code",
    "name",
    "severity",
    "api_path",
    "pointer",
    "message",
)


def findings_schema(keep: Sequence[Any] = ()) -> Any:
    """
    Return the `pyarrow.Schema` of the findings `lint_batch` and friends return.

    ``row`` (``int64``: the record's index in the input), then the fields of *keep*
    (`pyarrow.Field` values of the input columns carried along, as `lint_record_batch`
    does), then `FINDING_FIELDS` as non-null ``string`` columns.

    Args:
        keep: Fields of input columns to repeat on every finding (an id, a date).

    .. versionadded:: 0.1.0
    """
    return pa.schema(
        [
            pa.field("row", pa.int64(), nullable=False),
            *keep,
            *(pa.field(name, pa.string(), nullable=False) for name in FINDING_FIELDS),
        ]
    )


def _is_text(type_: Any) -> bool:
    checks = (
        pa.types.is_string,
        pa.types.is_large_string,
        pa.types.is_binary,
        pa.types.is_large_binary,
        getattr(pa.types, "is_string_view", None),
        getattr(pa.types, "is_binary_view", None),
    )
    # A column of nulls only (an empty pandas object column converts to one) holds no
    # record, so it is text enough.
    return pa.types.is_null(type_) or any(check is not None and check(type_) for check in checks)


def _chunks(array: Any) -> Iterator[Any]:
    """Yield the text chunks of *array*; raise TypeError for a column that is not JSON text."""
    if isinstance(array, pa.ChunkedArray):
        chunks: Iterable[Any] = array.chunks
        type_ = array.type
    elif isinstance(array, pa.Array):
        chunks, type_ = (array,), array.type
    else:
        msg = f"expected a pyarrow Array or ChunkedArray of JSON text, not {type(array).__name__}"
        raise TypeError(msg)
    dictionary = pa.types.is_dictionary(type_)
    if not _is_text(type_.value_type if dictionary else type_):
        msg = (
            f"expected a column of JSON text (string, large_string, binary or large_binary), "
            f"not {type_}; serialise structured columns to JSON first (for example Spark's "
            f"to_json), since Arrow structs cannot tell an absent field from a null one"
        )
        raise TypeError(msg)
    for chunk in chunks:
        yield chunk.dictionary_decode() if dictionary else chunk


def _texts(array: Any) -> Iterator[str | bytes | None]:
    for chunk in _chunks(array):
        yield from chunk.to_pylist()


def _linter(config: LintConfig | None) -> Linter:
    if config is not None and not isinstance(config, LintConfig):
        msg = f"config must be a LintConfig or None, not {type(config).__name__}"
        raise TypeError(msg)
    return get_linter(config)


class _Columns:
    """Findings accumulated column by column, turned into Arrow arrays at the end."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.columns: dict[str, list[str]] = {name: [] for name in FINDING_FIELDS}

    def add(self, row: int, results: Iterable[tuple[str, Any]]) -> None:
        cols = self.columns
        for kind, f in results:
            self.rows.append(row)
            cols["kind"].append(kind)
            cols["code"].append(f.code)
            cols["name"].append(f.name)
            cols["severity"].append(f.severity.value)
            cols["api_path"].append(f.api_path)
            cols["pointer"].append(f.pointer)
            cols["message"].append(f.message)

    def arrays(self, offset: int = 0) -> list[Any]:
        rows = self.rows if not offset else [r + offset for r in self.rows]
        return [
            pa.array(rows, type=pa.int64()),
            *(pa.array(self.columns[name], type=pa.string()) for name in FINDING_FIELDS),
        ]


def _collect(
    texts: Iterable[str | bytes | None], linter: Linter, kind: str, nulls: Nulls
) -> _Columns:
    out = _Columns()
    for row, raw in enumerate(texts):
        result = lint_record(linter, raw, kind, nulls)
        if result.findings:
            out.add(row, result.findings)
    return out


def lint_batch(
    array: Any,
    kind: str = "request",
    config: LintConfig | None = None,
    *,
    nulls: Nulls = "skip",
) -> Any:
    """
    Lint every record of a column of JSON text and return the findings as a table.

    Args:
        array: A `pyarrow.Array` or `pyarrow.ChunkedArray` of ``string``,
            ``large_string``, ``binary`` or ``large_binary`` (also their ``*_view`` and
            dictionary-encoded forms), one JSON document per value.
        kind: What each record is (see `messages_schema.lint`), or ``"auto"`` to detect
            it per record from its shape as ``messages-schema check`` does (batch lines,
            responses, error envelopes, request/response pairs; anything else is a
            request).
        config: What to check; the default checks every stable rule.
        nulls: ``"skip"`` (default): a null value is no record, so it has no finding.
            ``"invalid"``: a null value is one ``SCH000`` finding.

    Returns:
        A `pyarrow.Table` with `findings_schema` (``row``, ``kind``, ``code``,
        ``name``, ``severity``, ``api_path``, ``pointer``, ``message``): one row per
        finding, records in input order, each record's findings in `lint` order.
        ``row`` indexes the input (across chunks); ``kind`` is the kind the record was
        checked as.

    Raises:
        TypeError: *array* is not a column of JSON text.
        ConfigError: *kind* or *nulls* is not one of the values above.

    .. versionadded:: 0.1.0
    """
    kind, nulls = check_kind(kind), check_nulls(nulls)
    found = _collect(_texts(array), _linter(config), kind, nulls)
    return pa.Table.from_arrays(found.arrays(), schema=findings_schema())


def is_valid_batch(
    array: Any,
    kind: str = "request",
    config: LintConfig | None = None,
    *,
    nulls: Nulls = "skip",
) -> Any:
    """
    Return one verdict per record: True when it has no error-severity finding.

    Same verdicts as `lint_batch` (``is_valid`` per record), on the fast path.

    Args:
        array: As for `lint_batch`.
        kind: As for `lint_batch`.
        config: As for `lint_batch`.
        nulls: ``"skip"`` (default): a null value gets a null verdict, as Arrow's
            compute functions propagate nulls. ``"invalid"``: it gets False.

    Returns:
        A `pyarrow.BooleanArray` as long as *array* (one array even for chunked input).

    .. versionadded:: 0.1.0
    """
    kind, nulls = check_kind(kind), check_nulls(nulls)
    linter = _linter(config)
    verdicts = [record_is_valid(linter, raw, kind, nulls) for raw in _texts(array)]
    return pa.array(verdicts, type=pa.bool_())


def _lint_one(
    batch: Any,
    column: str,
    linter: Linter,
    kind: str,
    nulls: Nulls,
    keep: Sequence[str],
    offset: int,
) -> Any:
    names = batch.schema.names
    for name in (column, *keep):
        if name not in names:
            msg = f"no column {name!r} in the batch; it has {', '.join(map(repr, names))}"
            raise KeyError(msg)
    found = _collect(_texts(batch.column(column)), linter, kind, nulls)
    arrays = found.arrays(offset)
    fields = [batch.schema.field(name) for name in keep]
    if keep:
        take = pa.array(found.rows, type=pa.int64())
        arrays[1:1] = [batch.column(name).take(take) for name in keep]
    schema = findings_schema(fields)
    if isinstance(batch, pa.Table):
        return pa.Table.from_arrays(arrays, schema=schema)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def lint_record_batch(
    batch: Any,
    column: str,
    *,
    kind: str = "request",
    config: LintConfig | None = None,
    keep: Sequence[str] = (),
    nulls: Nulls = "skip",
) -> Any:
    """
    Lint the JSON text in one column of a record batch (or table).

    Fits Ray Data's ``map_batches(..., batch_format="pyarrow")`` as it is, and Dask's
    ``map_partitions`` after ``pyarrow.Table.from_pandas``.

    Args:
        batch: A `pyarrow.RecordBatch` or `pyarrow.Table`.
        column: The column holding one JSON document per row.
        kind: As for `lint_batch` (``"auto"`` detects per record).
        config: As for `lint_batch`.
        keep: Other columns to repeat on each finding, such as an id: engines do not
            keep row order, so an id is how a finding finds its record again.
        nulls: As for `lint_batch`.

    Returns:
        Findings with `findings_schema` (the *keep* columns after ``row``), of the same
        class as *batch*.

    Raises:
        KeyError: *column* or a *keep* column is not in *batch*.

    .. versionadded:: 0.1.0
    """
    kind, nulls = check_kind(kind), check_nulls(nulls)
    return _lint_one(batch, column, _linter(config), kind, nulls, tuple(keep), 0)


def lint_batches(
    batches: Iterable[Any],
    column: str,
    *,
    kind: str = "request",
    config: LintConfig | None = None,
    keep: Sequence[str] = (),
    nulls: Nulls = "skip",
) -> Iterator[Any]:
    """
    Lint a stream of record batches lazily, one findings batch per input batch.

    The iterator form engines call per partition: Spark's ``mapInArrow`` passes an
    iterator of `pyarrow.RecordBatch` and wants one back, so
    ``functools.partial(lint_batches, column="body", kind="auto")`` is the whole
    function (it pickles). ``row`` counts across the stream: the index into the
    concatenation of *batches*, that is, into the partition.

    Args:
        batches: Record batches (or tables) sharing one schema.
        column: As for `lint_record_batch`.
        kind: As for `lint_batch`.
        config: As for `lint_batch`.
        keep: As for `lint_record_batch`.
        nulls: As for `lint_batch`.

    Yields:
        One findings batch per input batch (possibly empty), with `findings_schema`.

    .. versionadded:: 0.1.0
    """
    kind, nulls = check_kind(kind), check_nulls(nulls)
    linter = _linter(config)
    keep = tuple(keep)
    offset = 0
    for batch in batches:
        yield _lint_one(batch, column, linter, kind, nulls, keep, offset)
        offset += batch.num_rows
