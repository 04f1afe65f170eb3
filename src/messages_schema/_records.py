"""Reading documents out of files: kinds by extension and by shape, JSONL records by line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path as FsPath
from typing import Any

import attrs

from messages_schema import _jsonio
from messages_schema._types import JSONValue

#: File extensions ``check`` reads, and how.
EXTENSIONS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".sse": "sse"}


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
    if kind_tag == "message" or ("role" in value and "content" in value and "messages" not in value):
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


@attrs.frozen
class Record:
    """One document read from a file: its text, where it came from, and its parsed value."""

    #: 1-based line of a JSONL record; 1 for a whole-file document.
    line: int
    raw: bytes
    value: Any = None
    error: str | None = None


def read_records(data: bytes, fmt: str) -> Iterator[Record]:
    """
    Yield the records of a file's bytes: one for ``json``, one per non-blank line for ``jsonl``.

    A record that does not decode carries the reason in ``error`` and keeps its bytes.
    """
    if fmt == "jsonl":
        for number, line in enumerate(data.split(b"\n"), start=1):
            stripped = line.strip()
            if not stripped:
                continue
            yield _record(number, stripped)
    else:
        yield _record(1, data)


def _record(line: int, raw: bytes) -> Record:
    try:
        return Record(line, raw, _jsonio.decode(raw))
    except _jsonio.InvalidJSON as exc:
        return Record(line, raw, None, str(exc))


def format_of(path: FsPath, default: str = "json") -> str:
    """Return ``json``, ``jsonl`` or ``sse`` for *path* by its extension."""
    return EXTENSIONS.get(path.suffix.lower(), default)
