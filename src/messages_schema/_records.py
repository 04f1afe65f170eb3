"""
One record, the way every file-level caller sees it: its kind, its id, its findings.

A *record* is one document of a dataset: a ``.json`` file, a JSONL line, an Arrow or
Parquet cell. ``check``, the Arrow functions, Parquet input and the Spark adapter all
go through this module, so that one record gets the same kind, the same label and the
same findings whichever door it came in by:

* `detect_kind` guesses a record's kind from its shape; `is_pair` tells a request and
  its response stored side by side, which `sides` splits into the two documents to
  check (paths prefixed with ``request`` or ``response``);
* `record_id` is the label of a record in every output (``custom_id`` or ``id``);
* `lint_record` and `record_is_valid` check one record given as JSON text, and
  `lint_side` one decoded side, for every caller;
* `split_marker` and `suppressed` read the record-level suppression marker.

No pyarrow and no file I/O here: the Arrow, Parquet and engine adapters only move
columns in and out, and ``check`` reads files in bounded memory itself
(`messages_schema.cli._files`).
"""

from __future__ import annotations

import hashlib
from typing import Any, Final, Literal, TypeAlias

import attrs
import orjson

from messages_schema import _jsonio
from messages_schema._types import KINDS, JSONValue, Path, canonical_kind
from messages_schema.exceptions import ConfigError
from messages_schema.findings import Finding
from messages_schema.linter import Linter

__all__ = [
    "AUTO",
    "MARKER",
    "NULL_MESSAGE",
    "Nulls",
    "Record",
    "RecordResult",
    "Side",
    "check_kind",
    "check_nulls",
    "decode_record",
    "detect_kind",
    "document_of",
    "is_pair",
    "line_key",
    "lint_record",
    "lint_side",
    "null_finding",
    "record_id",
    "record_is_valid",
    "sides",
    "split_marker",
    "suppressed",
    "with_prefix",
]

#: The kind that means "detect each record's kind from its shape", as ``check`` does.
AUTO: Final = "auto"

#: What to do with a null record: ``skip`` it (no finding, a null verdict) or report it
#: as ``invalid`` (one ``SCH000`` finding, verdict False).
Nulls: TypeAlias = Literal["skip", "invalid"]

#: The message of the ``SCH000`` finding a null record gets under ``nulls="invalid"``.
NULL_MESSAGE: Final = "Invalid JSON: the record is null (no document)"

#: The record-level suppression marker: ``{"_messages_schema": {"ignore": ["TURN001"]}}``.
MARKER: Final = "_messages_schema"


# -- what a record is ---------------------------------------------------------------------


def detect_kind(value: JSONValue) -> str:
    """
    Guess the kind of one decoded record from its shape.

    ``{custom_id, params}`` is a batch request item, ``{custom_id, result}`` a batch
    result line, ``{"type": "error", "error": ...}`` an error envelope,
    ``{"type": "message", ...}`` a response, a list a stream of events; anything else
    is checked as a request.
    """
    if isinstance(value, list):
        return "stream"
    if not isinstance(value, dict):
        return "request"
    if "custom_id" in value:
        if "result" in value and "params" not in value:
            return "batch_result"
        return "batch_request"
    kind_tag = value.get("type")
    if kind_tag == "error" and "error" in value:
        return "error"
    if kind_tag == "message" or (
        "role" in value and "content" in value and "messages" not in value
    ):
        return "response"
    return "request"


def is_pair(value: JSONValue) -> bool:
    """Whether a record holds a request and its response side by side."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("request"), dict)
        and isinstance(value.get("response"), dict)
        and "messages" not in value
    )


def record_id(value: Any) -> str | None:
    """The record's ``custom_id`` or ``id`` (a pair's response ``id``), if it has one."""
    if isinstance(value, dict):
        for key in ("custom_id", "id"):
            found = value.get(key)
            if isinstance(found, str):
                return found
        response = value.get("response")
        if isinstance(response, dict) and isinstance(response.get("id"), str):
            return str(response["id"])
    return None


def line_key(raw: bytes) -> str:
    """A short content hash naming a record that has no id (baselines)."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:16]


@attrs.frozen
class Record:
    """One document read from a file: its text, where it came from, and its parsed value."""

    #: 1-based line of a JSONL record; 1 for a whole-file document.
    line: int
    raw: bytes
    value: Any = None
    error: str | None = None


def decode_record(line: int, raw: bytes) -> Record:
    """Decode one record's bytes; a failure is kept as ``error``, never raised."""
    try:
        return Record(line, raw, _jsonio.decode(raw))
    except _jsonio.InvalidJSON as exc:
        return Record(line, raw, None, str(exc))


# -- the suppression marker ---------------------------------------------------------------


def split_marker(value: Any) -> tuple[Any, tuple[str, ...]]:
    """
    Remove the suppression marker from a record; return the record and its ignores.

    The marker is ``"_messages_schema": {"ignore": ["CODE", "PREFIX", ...]}`` at the top
    level of a record (a request, a batch item or a request/response pair). A
    malformed marker is removed too, and ignores nothing.
    """
    if not isinstance(value, dict) or MARKER not in value:
        return value, ()
    marker = value[MARKER]
    rest = {k: v for k, v in value.items() if k != MARKER}
    codes: tuple[str, ...] = ()
    if isinstance(marker, dict):
        ignore = marker.get("ignore")
        if isinstance(ignore, str):
            ignore = [ignore]
        if isinstance(ignore, list):
            codes = tuple(c.strip().upper() for c in ignore if isinstance(c, str) and c.strip())
    return rest, codes


def suppressed(code: str, ignores: tuple[str, ...]) -> bool:
    """Whether a marker's *ignores* (codes, prefixes or ``ALL``) cover *code*."""
    return any(s == "ALL" or code.startswith(s) for s in ignores)


# -- checking a record --------------------------------------------------------------------


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
class Side:
    """One document to check in a record: its kind, its place in the record, its value."""

    kind: str
    #: ``()`` for a whole record; ``("request",)`` or ``("response",)`` for a pair's side.
    prefix: Path
    value: Any


def sides(value: Any, kind: str | None) -> tuple[Side, ...]:
    """
    The documents to check in one decoded record, checked as *kind*.

    With *kind* None or `AUTO`, a request/response pair gives both of its sides and
    anything else one side of the kind `detect_kind` gives; a given kind always gives
    the whole record.
    """
    if kind is None or kind == AUTO:
        if is_pair(value):
            return (
                Side("request", ("request",), value["request"]),
                Side("response", ("response",), value["response"]),
            )
        kind = detect_kind(value)
    return (Side(kind, (), value),)


def document_of(value: Any) -> Any:
    """What `Linter.lint` is handed for a decoded *value*."""
    # `lint` reads a `str` as JSON text; a record that *is* a JSON string goes back to
    # its text so that it is checked as the string value it is.
    return orjson.dumps(value) if isinstance(value, str) else value


def with_prefix(prefix: Path, findings: list[Finding]) -> list[Finding]:
    """*findings* of one side, with paths from the record's root."""
    if not prefix:
        return findings
    return [attrs.evolve(f, path=(*prefix, *f.path)) for f in findings]


def lint_side(linter: Linter, side: Side, size: int | None = None) -> list[Finding]:
    """The findings of one side of a record, with paths from the record's root."""
    found = linter.lint(document_of(side.value), kind=side.kind, size=size)
    return with_prefix(side.prefix, found)


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
    from messages_schema.rules import make_finding

    return [("request", make_finding("SCH000", NULL_MESSAGE))]


def lint_record(linter: Linter, raw: str | bytes | None, kind: str, nulls: Nulls) -> RecordResult:
    """
    Lint one record given as JSON text, the way ``check`` lints one JSONL line.

    With a fixed *kind* the result equals ``linter.lint(raw, kind=kind)``. With
    `AUTO` the record is decoded once and split into its `sides`; text that does not
    decode is checked (and reported ``SCH000``) as a request.
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
    return RecordResult(
        [(side.kind, f) for side in sides(value, kind) for f in lint_side(linter, side)],
        value,
    )


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
    if isinstance(value, str):  # a JSON string: its own text, not the text it holds
        return linter.is_valid(raw, kind=detect_kind(value))
    return all(linter.is_valid(side.value, kind=side.kind) for side in sides(value, kind))
