"""
Lint a Spark DataFrame column of JSON text with ``mapInArrow``.

Each partition streams its Arrow batches through `messages_schema.arrow.lint_batches`
in the Python worker: no pandas, no row-at-a-time UDF, one compiled linter per worker
process. Needs the ``spark`` extra: ``pip install 'messages-schema[spark]'``.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from messages_schema._records import Nulls, check_kind, check_nulls
from messages_schema.arrow import FINDING_FIELDS, lint_batches
from messages_schema.config import LintConfig

try:
    import pyarrow as pa  # type: ignore[import-untyped]
    from pyspark.sql import types as T  # noqa: N812
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    msg = (
        "messages_schema.engines.spark needs pyspark.\n"
        "Install it with: pip install 'messages-schema[spark]'"
    )
    raise ImportError(msg) from exc

__all__ = ["findings_struct", "lint_spark"]

_LARGE_VAR_TYPES = "spark.sql.execution.arrow.useLargeVarTypes"


def findings_struct(keep: Sequence[Any] = ()) -> Any:
    """
    Return the Spark schema of `lint_spark`'s result.

    The *keep* fields (`pyspark.sql.types.StructField` values of the input), then
    ``kind``, ``code``, ``name``, ``severity``, ``api_path``, ``pointer`` and
    ``message`` as non-null strings.

    .. versionadded:: 0.1.0
    """
    return T.StructType(
        [*keep, *(T.StructField(name, T.StringType(), nullable=False) for name in FINDING_FIELDS)]
    )


def _partition(
    batches: Iterable[Any],
    *,
    column: str,
    kind: str,
    config: LintConfig | None,
    keep: tuple[str, ...],
    nulls: Nulls,
    large: bool,
) -> Iterator[Any]:
    """The ``mapInArrow`` function: findings batches without ``row`` (a partition offset)."""
    text = pa.large_string() if large else pa.string()
    for batch in lint_batches(batches, column, kind=kind, config=config, keep=keep, nulls=nulls):
        found = batch.drop_columns(["row"])
        if large:
            # Spark checks result types exactly; with large var types on it expects
            # large_string for every string column.
            found = found.cast(
                pa.schema(
                    [
                        field.with_type(text) if field.name in FINDING_FIELDS else field
                        for field in found.schema
                    ]
                )
            )
        yield found


def _prefers_large_types(session: Any) -> bool:
    try:
        value = session.conf.get(_LARGE_VAR_TYPES)
    except Exception:
        return False
    return str(value).lower() == "true"


def lint_spark(
    df: Any,
    column: str,
    *,
    kind: str = "request",
    config: LintConfig | None = None,
    keep: Sequence[str] = (),
    nulls: Nulls = "skip",
) -> Any:
    """
    Return a DataFrame of the findings of every JSON document in *column* of *df*.

    Lazy like any transformation: nothing runs until an action (``write``,
    ``count``, ``collect``). The findings of each row are exactly those
    `messages_schema.lint` gives its text (`messages_schema.arrow.lint_batch` per
    partition).

    Args:
        df: A `pyspark.sql.DataFrame`.
        column: A ``string`` or ``binary`` column holding one JSON document per row.
            Serialise a struct column with ``to_json`` first.
        kind: What each document is (see `messages_schema.lint`), or ``"auto"`` to
            detect it per row as ``messages-schema check`` does.
        config: What to check; it is pickled to the workers.
        keep: Columns of *df* to repeat on every finding. Spark rows have no stable
            position, so pass an id (``custom_id``, a request id) to find the row again.
        nulls: ``"skip"`` (default) null values, or report each as ``SCH000``
            (``"invalid"``).

    Returns:
        A DataFrame with the *keep* columns, then ``kind``, ``code``, ``name``,
        ``severity``, ``api_path``, ``pointer`` and ``message``: one row per finding.

    Raises:
        TypeError: *column* is not a string or binary column.
        KeyError: *column* or a *keep* column is not in *df*.

    .. versionadded:: 0.1.0
    """
    kind, nulls = check_kind(kind), check_nulls(nulls)
    keep = tuple(keep)
    names = df.schema.names
    for name in (column, *keep):
        if name not in names:
            msg = f"no column {name!r} in the DataFrame; it has {', '.join(map(repr, names))}"
            raise KeyError(msg)
    if not isinstance(df.schema[column].dataType, T.StringType | T.BinaryType):
        msg = (
            f"column {column!r} is {df.schema[column].dataType.simpleString()}, not string or "
            f"binary; serialise it with to_json first"
        )
        raise TypeError(msg)
    large = _prefers_large_types(df.sparkSession)
    func = functools.partial(
        _partition,
        column=column,
        kind=kind,
        config=config,
        keep=keep,
        nulls=nulls,
        large=large,
    )
    schema = findings_struct([df.schema[name] for name in keep])
    return df.select(*dict.fromkeys((*keep, column))).mapInArrow(func, schema)
