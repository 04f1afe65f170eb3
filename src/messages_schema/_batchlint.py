"""
One record at a time, for columnar and distributed callers: kind detection, nulls, verdicts.

Pure functions of a record's JSON text and a `Linter`; no pyarrow here, so the per-record
law ("a column's findings are the findings of each of its records") is stated once and
the Arrow, Parquet and engine adapters only move columns in and out.
"""

from __future__ import annotations

from typing import Any, Final, Literal, TypeAlias, cast

import attrs

from messages_schema import _jsonio, _records
from messages_schema._types import KINDS, canonical_kind
from messages_schema.exceptions import ConfigError
from messages_schema.findings import Finding
from messages_schema.linter import Linter
from messages_schema.rules import RULES

#: The kind that means "detect each record's kind from its shape", as ``check`` does.
AUTO: Final = "auto"

#: What to do with a null record: ``skip`` it (no finding, a null verdict) or report it
#: as ``invalid`` (one ``SCH000`` finding, verdict False).
Nulls: TypeAlias = Literal["skip", "invalid"]

#: The message of the ``SCH000`` finding a null record gets under ``nulls="invalid"``.
NULL_MESSAGE: Final = "Invalid JSON: the record is null (no document)"


def check_kind(kind: str | None) -> str:
    """Return *kind* (``None`` meaning `AUTO`), or raise `ConfigError` naming the choices."""
    if kind is None:
        return AUTO
    if kind != AUTO:
        kind = canonical_kind(kind)
    if kind != AUTO and kind not in KINDS:
        msg = f"kind must be {AUTO!r} or one of {', '.join(KINDS)}, not {kind!r}"
        raise ConfigError(msg)
    return kind


def check_nulls(nulls: str) -> Nulls:
    """Return *nulls*, or raise `ConfigError` when it is not ``skip`` or ``invalid``."""
    if nulls not in ("skip", "invalid"):
        msg = f"nulls must be 'skip' or 'invalid', not {nulls!r}"
        raise ConfigError(msg)
    return nulls  # type: ignore[return-value]


@attrs.frozen
class RecordResult:
    """The findings of one record, each with the kind it was checked as, and its decoded value."""

    findings: list[tuple[str, Finding]]
    #: The decoded record, or ``None`` when it was not decoded (bad JSON, streams, nulls).
    value: Any = None


def null_finding(linter: Linter) -> list[tuple[str, Finding]]:
    """The ``SCH000`` finding of a null record, unless *linter* has ``SCH000`` off."""
    if "SCH000" not in linter.enabled:
        return []
    rule = RULES["SCH000"]
    return [
        (
            "request",
            Finding(code="SCH000", name=rule.name, severity=rule.severity, message=NULL_MESSAGE),
        )
    ]


def lint_record(linter: Linter, raw: str | bytes | None, kind: str, nulls: Nulls) -> RecordResult:
    """
    Lint one record given as JSON text, the way ``check`` lints one JSONL line.

    With a fixed *kind* the result equals ``linter.lint(raw, kind=kind)``. With
    `AUTO` the record is decoded once, a request/response pair is checked side by side
    (paths prefixed with ``request`` or ``response``) and anything else is checked as
    the kind `messages_schema._records.detect_kind` gives; text that does not decode is
    checked (and reported ``SCH000``) as a request.
    """
    if raw is None:
        return RecordResult(null_finding(linter) if nulls == "invalid" else [])
    if kind == "stream":
        return RecordResult([("stream", f) for f in linter.lint(raw, kind="stream")])
    try:
        value = _jsonio.decode(raw)
    except _jsonio.InvalidJSON:
        fallback = "request" if kind == AUTO else kind
        return RecordResult([(fallback, f) for f in linter.lint(raw, kind=fallback)])
    # A decoded JSON string is a str, which `Linter.lint` would read as JSON text
    # again: hand it the original text instead.
    document: Any = raw if isinstance(value, str) else value
    if kind != AUTO:
        return RecordResult([(kind, f) for f in linter.lint(document, kind=kind)], value)
    if _records.is_pair(value):
        pair = cast("dict[str, Any]", value)
        return RecordResult(
            [
                (side, attrs.evolve(f, path=(side, *f.path)))
                for side in ("request", "response")
                for f in linter.lint(pair[side], kind=side)
            ],
            value,
        )
    detected = _records.detect_kind(value)
    return RecordResult([(detected, f) for f in linter.lint(document, kind=detected)], value)


def record_is_valid(
    linter: Linter, raw: str | bytes | None, kind: str, nulls: Nulls
) -> bool | None:
    """
    Whether one record has no error-severity finding; ``None`` for a skipped null.

    Same verdict as ``not any(f.is_error for f in lint_record(...).findings)``, on the
    linter's fast path.
    """
    if raw is None:
        return None if nulls == "skip" else "SCH000" not in linter.enabled
    if kind != AUTO:
        return linter.is_valid(raw, kind=kind)
    try:
        value = _jsonio.decode(raw)
    except _jsonio.InvalidJSON:
        return linter.is_valid(raw, kind="request")
    if _records.is_pair(value):
        pair = cast("dict[str, Any]", value)
        return all(linter.is_valid(pair[side], kind=side) for side in ("request", "response"))
    document: Any = raw if isinstance(value, str) else value
    return linter.is_valid(document, kind=_records.detect_kind(value))


def record_id(value: Any) -> str | None:
    """The ``custom_id`` or ``id`` of a decoded record, as ``check`` reports it."""
    if isinstance(value, dict):
        for key in ("custom_id", "id"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


__all__ = [
    "AUTO",
    "NULL_MESSAGE",
    "Nulls",
    "RecordResult",
    "check_kind",
    "check_nulls",
    "lint_record",
    "null_finding",
    "record_id",
    "record_is_valid",
]
