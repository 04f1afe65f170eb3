"""
Lint a column of JSON text in Parquet files on one machine, streaming, in constant memory.

``check_parquet`` reads one column batch by batch through `pyarrow.dataset`, so memory
is bounded by the batch size and the Parquet row-group size, never by the file or
dataset size; findings come out lazily in file, then row order. It backs
``messages-schema check --parquet PATH --column NAME`` and needs the ``arrow`` extra.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from messages_schema._records import Nulls, check_kind, check_nulls, lint_record, record_id
from messages_schema.config import LintConfig
from messages_schema.findings import Finding, Location
from messages_schema.linter import get_linter

__all__ = ["DEFAULT_BATCH_SIZE", "check_parquet", "cli_findings"]

#: Rows read per batch: small enough to stay a few MB for typical requests, large
#: enough that per-batch overhead is noise.
DEFAULT_BATCH_SIZE = 4096


#: Batches decoded ahead of the linter: linting is the slow side, so more buys nothing
#: but memory.
_READAHEAD = 2


def _dataset(path: str | Path) -> Any:
    try:
        import pyarrow.dataset as ds  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        msg = (
            "checking Parquet needs pyarrow.\nInstall it with: pip install 'messages-schema[arrow]'"
        )
        raise ImportError(msg) from exc
    return ds.dataset(str(path), format="parquet")


def check_parquet(
    path: str | Path,
    column: str,
    *,
    kind: str | None = None,
    config: LintConfig | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    record_column: str | None = None,
    nulls: Nulls = "skip",
) -> Iterator[Finding]:
    """
    Yield the findings of every record in one column of a Parquet file or folder.

    Args:
        path: A Parquet file, or a folder of them (a dataset; files in path order).
        column: The column holding one JSON document per row (``string`` or
            ``binary``, plain or large).
        kind: What each record is; ``None`` or ``"auto"`` detects it per record, as
            ``check`` does for JSONL.
        config: What to check; the default checks every stable rule.
        batch_size: Rows read and linted at a time.
        record_column: A column whose value names the record in each finding's
            `Location.record` (say ``custom_id``); by default the record's own
            ``custom_id`` or ``id``, as for JSONL.
        nulls: ``"skip"`` (default) null values, or report each as ``SCH000``
            (``"invalid"``).

    Yields:
        Findings with `Location` ``file`` (the Parquet file), ``line`` (the 1-based row
        within that file, as JSONL lines are 1-based) and ``record``.

    Raises:
        FileNotFoundError: *path* does not exist.
        KeyError: *column* or *record_column* is not in the files' schema.
        TypeError: *column* is not a column of JSON text.

    .. versionadded:: 0.1.0
    """
    kind, nulls = check_kind(kind), check_nulls(nulls)
    if batch_size < 1:
        msg = f"batch_size must be at least 1, not {batch_size}"
        raise ValueError(msg)
    if not Path(path).exists():
        msg = f"{path}: no such file or folder"
        raise FileNotFoundError(msg)
    dataset = _dataset(path)
    wanted = [column] if record_column is None else [column, record_column]
    for name in wanted:
        if name not in dataset.schema.names:
            msg = f"{path}: no column {name!r}; columns are {', '.join(dataset.schema.names)}"
            raise KeyError(msg)
    return _iter(dataset, column, kind, get_linter(config), batch_size, record_column, nulls)


@attrs.define
class _Rows:
    """Rows read so far (the CLI's summary counts them)."""

    count: int = 0


def _iter(
    dataset: Any,
    column: str,
    kind: str,
    linter: Any,
    batch_size: int,
    record_column: str | None,
    nulls: Nulls,
    rows: _Rows | None = None,
) -> Iterator[Finding]:
    from messages_schema.arrow import _texts

    columns = list(dict.fromkeys([column] if record_column is None else [column, record_column]))
    for fragment in sorted(dataset.get_fragments(), key=lambda f: f.path):
        row = 0
        for batch in fragment.to_batches(
            columns=columns, batch_size=batch_size, batch_readahead=_READAHEAD
        ):
            ids = batch.column(record_column).to_pylist() if record_column else None
            for i, raw in enumerate(_texts(batch.column(column))):
                result = lint_record(linter, raw, kind, nulls)
                if result.findings:
                    record = record_id(result.value) if ids is None else _name(ids[i])
                    where = Location(file=fragment.path, line=row + i + 1, record=record)
                    for _, f in result.findings:
                        yield attrs.evolve(f, location=where)
            row += batch.num_rows
            if rows is not None:
                rows.count += batch.num_rows


def _name(value: Any) -> str | None:
    return None if value is None else str(value)


def cli_preflight(path: str, column: str | None, record_column: str | None = None) -> None:
    """
    Check a ``--parquet`` input before anything is linted: ``check`` fails fast on misuse.

    Raises:
        messages_schema.cli.UsageError: No ``--column``, a missing path, no pyarrow, a
            column that is not in the files or is not JSON text, or files that are
            not Parquet.
    """
    from messages_schema.cli._io import UsageError

    if column is None:
        msg = (
            f"{path}: a Parquet input needs --column NAME, the column holding one JSON "
            "document per row"
        )
        raise UsageError(msg)
    if not Path(path).exists():
        msg = f"{path}: no such file or folder"
        raise UsageError(msg)
    try:
        dataset = _dataset(path)
    except ImportError as exc:
        msg = f"{path}: {exc}"
        raise UsageError(msg) from exc
    except Exception as exc:  # pyarrow's own errors: not Parquet, unreadable
        msg = f"{path}: cannot read it as Parquet: {exc}"
        raise UsageError(msg) from exc
    names = dataset.schema.names
    for name in (column, record_column):
        if name is not None and name not in names:
            msg = f"{path}: no column {name!r}; columns are {', '.join(names)}"
            raise UsageError(msg)
    import pyarrow as pa

    from messages_schema.arrow import _is_text

    type_ = dataset.schema.field(column).type
    value_type = type_.value_type if pa.types.is_dictionary(type_) else type_
    if not _is_text(value_type):
        msg = (
            f"{path}: column {column!r} is {type_}, not JSON text (string or binary); "
            "serialise structured columns to JSON first"
        )
        raise UsageError(msg)


def cli_check(
    path: str, column: str | None, config: LintConfig, *, record_column: str | None = None
) -> tuple[list[Finding], int]:
    """
    ``check --parquet PATH --column NAME``: the findings of one Parquet file or folder.

    Returns the findings and the number of rows read. Every misuse becomes
    `messages_schema.cli.UsageError` (see `cli_preflight`), so ``check`` exits 2 with
    one line naming the problem.
    """
    cli_preflight(path, column, record_column)
    assert column is not None
    rows = _Rows()
    dataset = _dataset(path)
    linter = get_linter(config)
    found = list(_iter(dataset, column, check_kind(config.kind), linter, DEFAULT_BATCH_SIZE,
                       record_column, "skip", rows))
    return found, rows.count


def cli_findings(path: str, column: str | None, config: LintConfig) -> list[Finding]:
    """The findings of `cli_check`, without the row count."""
    return cli_check(path, column, config)[0]
